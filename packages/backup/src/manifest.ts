import path from 'node:path';
import { AppError } from '@hocbaso/errors';
import { z } from 'zod';

/** The format of a backup directory; a restore refuses any other. */
export const BACKUP_FORMAT = 'hocbaso.backup/1';
export const MANIFEST_FILE = 'manifest.json';

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256');
/** int64 as decimal text (Kafka offsets exceed 2^53 in principle). */
const offsetSchema = z.string().regex(/^\d+$/, 'must be a non-negative integer');
const countSchema = z.number().int().min(0);

export const partitionOffsetSchema = z.object({
  topic: z.string().min(1),
  partition: z.number().int().min(0),
  offset: offsetSchema,
});

export const collectionEntrySchema = z.object({
  name: z.string().min(1),
  /** The dump, relative to the backup directory: one Extended JSON (canonical) document per line. */
  file: z.string().min(1),
  documents: countSchema,
  bytes: countSchema,
  sha256: sha256Schema,
  /** The collection's indexes but `_id_`, as listIndexes gave them (Extended JSON), without `v` and `ns`. */
  indexes: z.array(z.record(z.string(), z.unknown())),
});

export const databaseEntrySchema = z.object({
  name: z.string().min(1),
  collections: z.array(collectionEntrySchema),
});

export const consumerGroupEntrySchema = z.object({
  groupId: z.string().min(1),
  offsets: z.array(partitionOffsetSchema),
});

export const backupManifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  backupId: z.string().min(1),
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  /** Taken before the databases were dumped (see createBackup). */
  kafka: z.object({
    takenAt: z.iso.datetime(),
    consumerGroups: z.array(consumerGroupEntrySchema),
    /** The log end of every topic those groups read, when the offsets were taken. */
    highWatermarks: z.array(partitionOffsetSchema),
  }),
  databases: z.array(databaseEntrySchema),
  totals: z.object({
    databases: countSchema,
    collections: countSchema,
    documents: countSchema,
    bytes: countSchema,
  }),
});

export type CollectionEntry = z.infer<typeof collectionEntrySchema>;
export type DatabaseEntry = z.infer<typeof databaseEntrySchema>;
export type ConsumerGroupEntry = z.infer<typeof consumerGroupEntrySchema>;
export type BackupManifest = z.infer<typeof backupManifestSchema>;

/** A backup id sorts like its time: `20260601T020000Z-3f9a1c`. */
export function backupIdAt(time: Date, suffix: string): string {
  const stamp = time
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${suffix}`;
}

/** Where a collection's dump goes; names are escaped so that no database or collection name can leave the directory. */
export function collectionFile(database: string, collection: string): string {
  return `${encodeURIComponent(database)}/${encodeURIComponent(collection)}.ejson.jsonl`;
}

/** Per database: collections, documents and bytes (for the events and the reports). */
export function databaseSummaries(databases: DatabaseEntry[]) {
  return databases.map((d) => ({
    name: d.name,
    collections: d.collections.length,
    documents: d.collections.reduce((sum, c) => sum + c.documents, 0),
    bytes: d.collections.reduce((sum, c) => sum + c.bytes, 0),
  }));
}

export function manifestTotals(databases: DatabaseEntry[]): BackupManifest['totals'] {
  const summaries = databaseSummaries(databases);
  return {
    databases: databases.length,
    collections: summaries.reduce((sum, d) => sum + d.collections, 0),
    documents: summaries.reduce((sum, d) => sum + d.documents, 0),
    bytes: summaries.reduce((sum, d) => sum + d.bytes, 0),
  };
}

export const backupInvalid = (message: string, details: Record<string, unknown>) =>
  new AppError('BACKUP_INVALID', { message, details });

/**
 * Reads a manifest: its format, its shape, and that what it says holds together (file names
 * inside the backup and unique, totals equal to the sums). Throws BACKUP_INVALID naming the problem.
 */
export function parseManifest(text: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw backupInvalid('Bản kê khai (manifest.json) của bản sao lưu không đọc được.', {
      problem: 'UNREADABLE',
    });
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== BACKUP_FORMAT) {
    throw backupInvalid(
      `Định dạng bản sao lưu "${String(format)}" không được hỗ trợ (cần ${BACKUP_FORMAT}).`,
      { problem: 'FORMAT', format: format ?? null },
    );
  }
  const parsed = backupManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw backupInvalid(`Bản kê khai của bản sao lưu sai cấu trúc: ${issues.join('; ')}.`, {
      problem: 'SHAPE',
      issues,
    });
  }
  const problems = manifestProblems(parsed.data);
  if (problems.length > 0) {
    throw backupInvalid(`Bản kê khai của bản sao lưu không nhất quán: ${problems.join('; ')}.`, {
      problem: 'INCONSISTENT',
      issues: problems,
    });
  }
  return parsed.data;
}

/** What does not hold together in a manifest that has the right shape. */
export function manifestProblems(manifest: BackupManifest): string[] {
  const problems: string[] = [];
  const files = new Set<string>();
  const databases = new Set<string>();
  for (const database of manifest.databases) {
    if (databases.has(database.name)) problems.push(`cơ sở dữ liệu ${database.name} lặp lại`);
    databases.add(database.name);
    const collections = new Set<string>();
    for (const collection of database.collections) {
      if (collections.has(collection.name)) problems.push(`bảng ${database.name}.${collection.name} lặp lại`);
      collections.add(collection.name);
      if (!isInside(collection.file)) problems.push(`tệp "${collection.file}" nằm ngoài thư mục sao lưu`);
      if (files.has(collection.file)) problems.push(`tệp "${collection.file}" được dùng hai lần`);
      files.add(collection.file);
    }
  }
  const totals = manifestTotals(manifest.databases);
  for (const key of ['databases', 'collections', 'documents', 'bytes'] as const) {
    if (totals[key] !== manifest.totals[key])
      problems.push(`tổng ${key} ghi ${manifest.totals[key]} nhưng cộng lại được ${totals[key]}`);
  }
  const groups = new Set<string>();
  for (const group of manifest.kafka.consumerGroups) {
    if (groups.has(group.groupId)) problems.push(`nhóm đọc ${group.groupId} lặp lại`);
    groups.add(group.groupId);
  }
  return problems;
}

/** A relative path that stays inside the backup directory. */
function isInside(file: string): boolean {
  if (path.isAbsolute(file) || file.includes('\\')) return false;
  const normal = path.posix.normalize(file);
  return normal === file && !normal.startsWith('../') && normal !== '..' && !normal.startsWith('/');
}

/** What a file on disk turned out to be, or null when it is missing. */
export interface FileFacts {
  bytes: number;
  sha256: string;
}

export interface IntegrityProblem {
  file: string;
  problem: 'MISSING' | 'SIZE' | 'HASH';
  expected: { bytes: number; sha256: string };
  actual: FileFacts | null;
}

/** Compares every file the manifest names (for these databases) with what is on disk: missing, another size, another hash. */
export function integrityProblems(
  databases: readonly DatabaseEntry[],
  actual: ReadonlyMap<string, FileFacts | null>,
): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  for (const database of databases) {
    for (const { file, bytes, sha256 } of database.collections) {
      const facts = actual.get(file) ?? null;
      const expected = { bytes, sha256 };
      if (!facts) problems.push({ file, problem: 'MISSING', expected, actual: null });
      else if (facts.bytes !== bytes) problems.push({ file, problem: 'SIZE', expected, actual: facts });
      else if (facts.sha256 !== sha256) problems.push({ file, problem: 'HASH', expected, actual: facts });
    }
  }
  return problems;
}

/** The refusal for a backup whose files do not match its manifest, each file named. */
export function integrityError(problems: IntegrityProblem[]): AppError {
  const words = { MISSING: 'thiếu tệp', SIZE: 'sai kích thước', HASH: 'sai mã băm' } as const;
  const listed = problems
    .slice(0, 5)
    .map((p) => `${p.file} (${words[p.problem]})`)
    .join(', ');
  const more = problems.length > 5 ? ` và ${problems.length - 5} tệp khác` : '';
  return backupInvalid(
    `Bản sao lưu đã bị hỏng hoặc bị sửa, chưa ghi gì vào cơ sở dữ liệu: ${listed}${more}.`,
    { problem: 'INTEGRITY', files: problems.map(({ file, problem }) => ({ file, problem })) },
  );
}
