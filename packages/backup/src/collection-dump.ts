import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { BSON, type Collection, type Db, type Document } from 'mongodb';

const { EJSON } = BSON;
import type { FileFacts } from './manifest';

/**
 * One document per line in canonical Extended JSON: dates, binary data, ObjectIds and the number
 * types (int32, int64, double, decimal128) survive the round trip, which plain JSON would lose.
 */
export function documentLine(document: Document): string {
  return `${EJSON.stringify(document, { relaxed: false })}\n`;
}

export function parseDocumentLine(line: string): Document {
  return EJSON.parse(line, { relaxed: false }) as Document;
}

/** Index fields that belong to the server, not to the definition. */
const SERVER_INDEX_FIELDS = new Set(['v', 'ns']);

/** The collections of a database that hold data (not the server's own `system.*`), by name. */
export async function dataCollections(db: Db): Promise<string[]> {
  const listed = await db.listCollections({}, { nameOnly: true }).toArray();
  return listed
    .map((c) => c.name)
    .filter((name) => !name.startsWith('system.'))
    .sort();
}

/** A collection's index definitions but `_id_`, as Extended JSON objects. */
export async function indexDefinitions(collection: Collection): Promise<Record<string, unknown>[]> {
  const indexes = await collection.listIndexes().toArray();
  return indexes
    .filter((index) => index.name !== '_id_')
    .map((index) => {
      const definition = Object.fromEntries(
        Object.entries(index).filter(([k]) => !SERVER_INDEX_FIELDS.has(k)),
      );
      return EJSON.serialize(definition, { relaxed: false }) as Record<string, unknown>;
    })
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

/**
 * Streams a collection, ordered by `_id`, as document lines to `sink`, hashing as it goes. Values
 * are read unpromoted (Int32, Double, Long stay themselves), so the dump says which number type
 * each field had. The same data gives the same bytes: a dump made after a restore hashes like the
 * backup's.
 */
export async function serializeCollection(
  collection: Collection,
  sink?: (chunk: Buffer) => Promise<void>,
): Promise<FileFacts & { documents: number }> {
  const hash = createHash('sha256');
  let documents = 0;
  let bytes = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const chunk = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    await sink?.(chunk);
  };
  const cursor = collection.find(
    {},
    { sort: { _id: 1 }, promoteValues: false, promoteLongs: false, promoteBuffers: false },
  );
  for await (const document of cursor) {
    const line = Buffer.from(documentLine(document), 'utf8');
    hash.update(line);
    documents++;
    bytes += line.length;
    pending.push(line);
    pendingBytes += line.length;
    if (pendingBytes >= 1 << 20) await flush();
  }
  await flush();
  return { documents, bytes, sha256: hash.digest('hex') };
}

/** Dumps a collection into `file` (created for its owner only, synced to disk before it counts). */
export async function dumpCollection(
  collection: Collection,
  file: string,
): Promise<FileFacts & { documents: number }> {
  const handle = await open(file, 'wx', 0o600);
  try {
    const facts = await serializeCollection(collection, async (chunk) => {
      await handle.write(chunk);
    });
    await handle.sync();
    return facts;
  } finally {
    await handle.close();
  }
}

/** Size and SHA-256 of a file on disk, or null when it is missing. */
export async function fileFacts(file: string): Promise<FileFacts | null> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Reads a dump back in batches of documents, at most `batchSize` each. */
export async function* readDump(file: string, batchSize = 500): AsyncGenerator<Document[]> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let batch: Document[] = [];
  for await (const line of lines) {
    if (line.length === 0) continue;
    batch.push(parseDocumentLine(line));
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
