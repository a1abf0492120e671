import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger';
import { backoffDelay, sleep } from './retry';

export interface MongoOptions {
  uri: string;
  dbName: string;
  logger: Logger;
  /** Give up after this long; 0 retries forever (a service waits for its database). */
  timeoutMs?: number;
  signal?: AbortSignal;
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
    });
    try {
      await untilAborted(connection.asPromise(), options.signal);
      options.logger.info({ dbName: options.dbName, attempt }, 'connected to MongoDB');
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
