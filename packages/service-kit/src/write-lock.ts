import { randomUUID } from 'node:crypto';
import { AppError } from '@hocbaso/errors';
import type { Collection } from 'mongodb';
import type { Logger } from './logger';
import { sleep } from './retry';

/**
 * Serialises writes to one document: within this process always, and across every process of
 * the service when it is given database leases.
 *
 * FerretDB v1 applies an update as "read the matching document, change it, write it back by
 * _id", so two concurrent updates of one document can lose one of them, and a filter such as
 * `{ _id, _rev }` does not protect a compare-and-set (FerretDB issue #3040). Every write of a
 * document reads it, decides, and writes it back under this lock (ADR 0004). Within one process
 * that is enough; with several replicas of a service, on MongoDB or FerretDB alike, two processes
 * could each read, decide and write, and one change would be lost. So a service that may run as
 * several replicas also holds a lease on the key in its database (`DatabaseLeases`).
 */
export interface LockLeases {
  /** Runs `work` while holding the key's lease, after waiting for any other holder to let go. */
  hold<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export class WriteLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Without leases, writes are serialised in this process only (one replica per service). */
  constructor(private readonly leases?: LockLeases) {}

  /** Runs `work` after every earlier `work` for the same key has settled (in any replica, with leases). */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const leases = this.leases;
    const guarded = leases ? () => leases.hold(key, work) : work;
    const current = previous.catch(() => undefined).then(guarded);
    this.tails.set(key, current);
    try {
      return await current;
    } finally {
      // The last one out removes the key, so the map holds only documents being written now.
      if (this.tails.get(key) === current) this.tails.delete(key);
    }
  }

  get size(): number {
    return this.tails.size;
  }
}

export interface LeaseDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

export interface DatabaseLeaseOptions {
  /** A holder that died leaves its lease; another process takes it over after this long. */
  leaseMs?: number;
  /** How long a write waits for a busy key before it fails (the caller sees a retryable error). */
  waitMs?: number;
  /** Where a key busy for too long is reported (which key: the user is only told to retry). */
  logger?: Logger;
}

/**
 * Leases on keys in a collection of the service's own database (`write_locks`): taking one is
 * inserting its key (the unique `_id` lets one process in), letting go is deleting it. Writes take
 * milliseconds; a lease lasts `leaseMs` so that a crashed holder does not block its key for long.
 * A holder paused longer than that (a stopped VM) could overlap the next one: the lease is
 * deliberately long next to any write.
 */
export class DatabaseLeases implements LockLeases {
  private readonly owner = randomUUID();
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly logger: Logger | undefined;

  constructor(
    private readonly collection: Collection<LeaseDocument>,
    options: DatabaseLeaseOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.waitMs = options.waitMs ?? 30_000;
    this.logger = options.logger;
  }

  async hold<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(key);
    try {
      return await work();
    } finally {
      // By owner: a lease that expired and was taken over is the new holder's, not ours to end.
      await this.collection.deleteOne({ _id: key, owner: this.owner }).catch(() => undefined);
    }
  }

  private async acquire(key: string): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      const now = Date.now();
      const expiresAt = new Date(now + this.leaseMs);
      try {
        await this.collection.insertOne({ _id: key, owner: this.owner, expiresAt });
        return;
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
      const takenOver = await this.collection.findOneAndUpdate(
        { _id: key, expiresAt: { $lt: new Date(now) } },
        { $set: { owner: this.owner, expiresAt } },
      );
      if (takenOver) return;
      if (Date.now() >= deadline) {
        this.logger?.warn({ key, waitedMs: this.waitMs }, 'write lock busy: held by another replica');
        // The user is told the system is busy and to try again, not that something broke.
        throw new AppError('SERVICE_UNAVAILABLE');
      }
      // Short waits first (another replica's write takes milliseconds), jittered so waiters spread.
      await sleep(Math.min(100, 2 ** attempt) + Math.random() * 5);
    }
  }
}
