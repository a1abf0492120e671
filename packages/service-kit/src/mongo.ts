import mongoose, { type Connection, type Model } from 'mongoose';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { backoffDelay, sleep } from './retry';

export interface MongoOptions {
  uri: string;
  dbName: string;
  logger: Logger;
  /** Give up after this long; 0 retries forever (a service waits for its database). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Commands slower than this are logged (their shape only, never values). Default 1000 ms. */
  slowCommandMs?: number;
  /** Command durations and the connection pool (Prometheus). */
  metrics?: Pick<
    ServiceMetrics,
    'databaseCommandDuration' | 'databaseConnections' | 'databaseCheckoutFailures'
  >;
}

/**
 * Opens the service's own database with retry and backoff, so that a service started before its
 * database simply waits. Returns a dedicated connection (never the mongoose global).
 */
export async function connectMongo(options: MongoOptions): Promise<Connection> {
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
  for (let attempt = 0; ; attempt++) {
    const connection = mongoose.createConnection(options.uri, {
      dbName: options.dbName,
      // One attempt never outlives the caller's deadline.
      serverSelectionTimeoutMS: Math.max(50, Math.min(5_000, deadline - Date.now())),
      // Indexes are created explicitly at start-up (see syncIndexes), not lazily per model.
      autoIndex: false,
      autoCreate: false,
      // For the slow-command log below.
      monitorCommands: true,
    });
    logSlowCommands(connection, options.logger, options.slowCommandMs ?? 1_000, options.metrics);
    if (options.metrics) watchPool(connection, options.metrics);
    try {
      await untilAborted(connection.asPromise(), options.signal);
      const store = await detectStore(connection);
      options.logger.info({ dbName: options.dbName, attempt, ...store }, 'connected to MongoDB');
      return connection;
    } catch (error) {
      if (options.signal?.aborted) {
        // The connection's own close() waits for the pending server selection; closing its client ends it now.
        connection
          .getClient()
          .close()
          .catch(() => undefined);
        throw error;
      }
      await connection.close().catch(() => undefined);
      if (Date.now() >= deadline) throw error;
      const delay = Math.min(backoffDelay(attempt, { initialMs: 250, maxMs: 5_000 }), deadline - Date.now());
      options.logger.warn(
        { err: (error as Error).message, attempt, retryInMs: delay },
        'MongoDB not reachable yet',
      );
      await sleep(delay, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

/** Settles like `promise`, or rejects as soon as `signal` aborts (a shutdown need not wait for server selection). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => undefined); // its late rejection, after an abort, is expected
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Logs each command slower than `thresholdMs` with its shape: the command, the collection and the
 * filter's fields and operators, never a value (they may be personal data). What an operator
 * needs to find a query the store cannot serve from an index.
 */
function logSlowCommands(
  connection: Connection,
  logger: Logger,
  thresholdMs: number,
  metrics: MongoOptions['metrics'],
): void {
  const started = new Map<number, { shape: Record<string, unknown> }>();
  const client = connection.getClient();
  client.on('commandStarted', (event) => {
    if (event.commandName === 'hello' || event.commandName === 'isMaster' || event.commandName === 'ping')
      return;
    started.set(event.requestId, { shape: commandShape(event.commandName, event.command) });
  });
  const finish = (event: { requestId: number; duration: number }, failed: boolean) => {
    const entry = started.get(event.requestId);
    started.delete(event.requestId);
    if (!entry) return;
    metrics?.databaseCommandDuration.observe({ command: String(entry.shape.command) }, event.duration / 1000);
    if (event.duration < thresholdMs) return;
    logger.warn({ ...entry.shape, durationMs: Math.round(event.duration), failed }, 'slow database command');
  };
  client.on('commandSucceeded', (event) => finish(event, false));
  client.on('commandFailed', (event) => finish(event, true));
}

/** Open and checked-out connections of the driver's pool, from its monitoring events. */
function watchPool(connection: Connection, metrics: NonNullable<MongoOptions['metrics']>): void {
  const client = connection.getClient();
  const count = (state: 'open' | 'in_use', delta: number) =>
    metrics.databaseConnections.inc({ state }, delta);
  client.on('connectionCreated', () => count('open', 1));
  client.on('connectionClosed', () => count('open', -1));
  client.on('connectionCheckedOut', () => count('in_use', 1));
  client.on('connectionCheckedIn', () => count('in_use', -1));
  client.on('connectionCheckOutFailed', () => metrics.databaseCheckoutFailures.inc());
}

/** A command's shape: `{ command: 'find', collection: 'gradebooks', filter: { _id: '$in[12]' } }`. */
export function commandShape(name: string, command: Record<string, unknown>): Record<string, unknown> {
  const collection = typeof command[name] === 'string' ? command[name] : undefined;
  const first = (key: string) => (Array.isArray(command[key]) ? (command[key] as unknown[])[0] : undefined);
  const query =
    command.filter ??
    command.query ??
    (first('updates') as { q?: unknown } | undefined)?.q ??
    (first('deletes') as { q?: unknown } | undefined)?.q;
  const shape: Record<string, unknown> = { command: name, collection };
  if (query !== undefined) shape.filter = shapeOf(query);
  if (Array.isArray(command.pipeline))
    shape.pipeline = (command.pipeline as object[]).map((stage) => Object.keys(stage)[0]);
  if (Array.isArray(command.documents)) shape.documents = command.documents.length;
  if (Array.isArray(command.updates)) shape.updates = command.updates.length;
  return shape;
}

function shapeOf(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (value === null || typeof value !== 'object' || depth > 3 || '_bsontype' in value) return '?';
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner, depth + 1)]));
}

export interface StoreProfile {
  /** FerretDB v1 serves only `_id` equality from an index: `$in`, even on `_id`, reads every document. */
  indexesOnlyIdEquality: boolean;
}

const profiles = new WeakMap<Connection, StoreProfile>();

/** Asks the server what it is (FerretDB says so in buildInfo) and remembers it for `findByIds`. */
async function detectStore(connection: Connection): Promise<StoreProfile> {
  const info = (await connection
    .db!.admin()
    .command({ buildInfo: 1 })
    .catch(() => ({}))) as { ferretdbVersion?: string };
  const profile = { indexesOnlyIdEquality: /^v?1\./.test(info.ferretdbVersion ?? '') };
  profiles.set(connection, profile);
  return profile;
}

export function storeProfile(connection: Connection): StoreProfile {
  return profiles.get(connection) ?? { indexesOnlyIdEquality: false };
}

/** Overrides what was detected (tests read the same data both ways). */
export function setStoreProfile(connection: Connection, profile: StoreProfile): void {
  profiles.set(connection, profile);
}

/** Reads by `_id` at once, at most this many (FerretDB answers each from its index). */
const PARALLEL_READS = 32;

/**
 * The documents with these ids (lean, in no particular order; missing ones are left out). One
 * `$in` query where the store serves it from the `_id` index; on FerretDB v1, where `$in` reads
 * the whole collection (7 s for 12 gradebooks of the benchmark's data), parallel reads by `_id`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function findByIds<T>(model: Model<any, any, any, any>, ids: readonly unknown[]): Promise<T[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  if (!storeProfile(model.db).indexesOnlyIdEquality)
    return (await model
      .find({ _id: { $in: unique } } as never)
      .lean()
      .exec()) as T[];
  const found: T[] = [];
  for (let start = 0; start < unique.length; start += PARALLEL_READS) {
    const slice = unique.slice(start, start + PARALLEL_READS);
    const documents = await Promise.all(
      slice.map((id) =>
        model
          .findOne({ _id: id } as never)
          .lean()
          .exec(),
      ),
    );
    for (const document of documents) if (document) found.push(document as T);
  }
  return found;
}

/** Readiness: the database answers a ping. */
export async function pingMongo(connection: Connection): Promise<boolean> {
  try {
    const db = connection.db;
    if (!db) return false;
    await db.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}

/** Creates the indexes declared on each model (each one names the query it serves). */
export async function syncIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) {
    await model.createCollection().catch((error: { code?: number }) => {
      if (error.code !== 48) throw error; // 48: NamespaceExists
    });
    await model.createIndexes();
  }
}
