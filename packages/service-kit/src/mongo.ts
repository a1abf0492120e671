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
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const connection = mongoose.createConnection(options.uri, {
      dbName: options.dbName,
      serverSelectionTimeoutMS: 5_000,
      // Indexes are created explicitly at start-up (see syncIndexes), not lazily per model.
      autoIndex: false,
      autoCreate: false,
    });
    try {
      await connection.asPromise();
      options.logger.info({ dbName: options.dbName, attempt }, 'connected to MongoDB');
      return connection;
    } catch (error) {
      await connection.close().catch(() => undefined);
      const elapsed = Date.now() - started;
      if ((options.timeoutMs && elapsed > options.timeoutMs) || options.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, { initialMs: 250, maxMs: 5_000 });
      options.logger.warn({ err: (error as Error).message, attempt, retryInMs: delay }, 'MongoDB not reachable yet');
      await sleep(delay, options.signal);
    }
  }
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
