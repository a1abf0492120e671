import type { CloudEvent } from '@hocbaso/events';
import { Schema, type Model, type UpdateQuery } from 'mongoose';
import type { Collection } from 'mongodb';
import type { EventPublisher, OutgoingMessage } from './event-bus';
import type { Logger } from './logger';
import { backoffDelay, sleep } from './retry';
import type { WriteLock } from './write-lock';

/**
 * The transactional outbox, embedded in the aggregate's own document.
 *
 * FerretDB v1 has no multi-document transactions, so a change and its event are made atomic by
 * writing both in ONE document update: the event goes into the document's `_outbox` array in the
 * same `updateOne`/`insert` that changes the data. A relay publishes pending entries to Kafka and
 * then removes them with a compare-and-set on `_rev` (FerretDB v1 cannot `$pull` by condition).
 * A crash between commit and publish only delays the event; a crash after publish and before
 * removal publishes it again, which consumers absorb by deduplicating on the event id (ADR 0004).
 */
export interface OutboxEntry {
  id: string;
  topic: string;
  key: string;
  type: string;
  /** The whole CloudEvent, serialised once so that what is published is exactly what was committed. */
  payload: string;
  createdAt: Date;
}

export interface OutboxFields {
  _outbox: OutboxEntry[];
  _outboxPending: boolean;
  _rev: number;
}

const outboxEntrySchema = new Schema<OutboxEntry>(
  {
    id: { type: String, required: true },
    topic: { type: String, required: true },
    key: { type: String, required: true },
    type: { type: String, required: true },
    payload: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { _id: false },
);

/** Adds the outbox fields (and the relay's index) to an aggregate's schema. */
export function addOutbox(schema: Schema): void {
  schema.add({
    _outbox: { type: [outboxEntrySchema], default: [] },
    _outboxPending: { type: Boolean, default: false },
    _rev: { type: Number, default: 0 },
  });
  // Serves the relay's scan: find({ _outboxPending: true }).
  schema.index({ _outboxPending: 1 });
}

export function toOutboxEntry(topic: string, event: CloudEvent): OutboxEntry {
  return {
    id: event.id,
    topic,
    key: event.partitionkey,
    type: event.type,
    payload: JSON.stringify(event),
    createdAt: new Date(event.time),
  };
}

/** Fields for a new document that is born with its events. */
export function newDocumentOutbox(entries: OutboxEntry[]): OutboxFields {
  return { _outbox: entries, _outboxPending: entries.length > 0, _rev: 0 };
}

/**
 * Merges the outbox operators into an update so that the change and its events commit together.
 * Every update that records an event bumps `_rev`, which the relay's compare-and-set relies on.
 */
export function withEvents<T>(update: UpdateQuery<NoInfer<T>>, entries: OutboxEntry[]): UpdateQuery<T> {
  const merged = { ...update } as Record<string, Record<string, unknown> | undefined>;
  merged.$push = { ...(merged.$push ?? {}), _outbox: { $each: entries } };
  merged.$set = { ...(merged.$set ?? {}), _outboxPending: true };
  merged.$inc = { ...(merged.$inc ?? {}), _rev: 1 };
  return merged as UpdateQuery<T>;
}

export interface OutboxRelayOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  models: Model<any>[];
  publisher: EventPublisher;
  logger: Logger;
  /** Every event is also kept here, by event id: the service's audit trail (R2). */
  eventLog: Collection;
  pollIntervalMs?: number;
  batchSize?: number;
  /** The service's write lock: the relay's clean-up must not race the service's own writes. */
  writeLock?: WriteLock;
}

interface PendingDocument {
  _id: unknown;
  _rev?: number;
  _outbox?: OutboxEntry[];
}

export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A write was notified since the current pass began: the pass may have missed it, so do not idle. */
  private notified = false;
  private failures = 0;
  private abort = new AbortController();

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    // A fresh signal per run: the last stop() aborted the previous one, and an aborted signal would
    // make every backoff sleep return at once (a hot retry loop against a failing broker).
    this.abort = new AbortController();
    this.failures = 0;
    this.loop = this.run();
  }

  /** Called after a local write so that its event goes out without waiting for the next poll. */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Stops the loop after publishing what is pending, or after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await this.flush(timeoutMs);
  }

  /** Publishes until nothing is pending; returns whether everything went out in time. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        if ((await this.publishPending()) === 0 && !(await this.hasPending())) return true;
      } catch (error) {
        this.options.logger.warn({ err: (error as Error).message }, 'outbox flush: publish failed');
        await sleep(200);
      }
    }
    return false;
  }

  private async hasPending(): Promise<boolean> {
    for (const model of this.options.models) {
      if (await model.exists({ _outboxPending: true })) return true;
    }
    return false;
  }

  private async run(): Promise<void> {
    const interval = this.options.pollIntervalMs ?? 500;
    while (this.running) {
      let published = 0;
      this.notified = false;
      try {
        published = await this.publishPending();
        if (this.failures > 0)
          this.options.logger.info({ afterFailures: this.failures }, 'outbox relay recovered');
        this.failures = 0;
      } catch (error) {
        const delay = backoffDelay(this.failures++, { initialMs: 200, maxMs: 5_000 });
        this.options.logger.warn(
          { err: (error as Error).message, failures: this.failures, retryInMs: delay },
          'outbox relay could not publish; events stay pending',
        );
        await sleep(delay, this.abort.signal);
        continue;
      }
      if (published === 0) await this.idle(interval);
    }
  }

  private idle(ms: number): Promise<void> {
    // A notify() that came while the pass was running found no one waiting: start the next pass now.
    if (this.notified || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** One pass over every model: publishes each pending document's entries in order. */
  async publishPending(): Promise<number> {
    let published = 0;
    for (const model of this.options.models) {
      const documents = (await model
        .find({ _outboxPending: true }, { _outbox: 1, _rev: 1 })
        .sort({ _id: 1 })
        .limit(this.options.batchSize ?? 100)
        .lean()) as PendingDocument[];
      for (const document of documents) {
        published += await this.publishDocument(model, document);
      }
    }
    return published;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async publishDocument(model: Model<any>, document: PendingDocument): Promise<number> {
    const entries = document._outbox ?? [];
    if (entries.length > 0) {
      await this.recordInEventLog(entries);
      const messages: OutgoingMessage[] = entries.map((entry) => ({
        topic: entry.topic,
        key: entry.key,
        value: entry.payload,
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          ce_id: entry.id,
          ce_type: entry.type,
        },
      }));
      await this.options.publisher.publish(messages);
    }
    const publishedIds = new Set(entries.map((e) => e.id));
    const key = documentLockKey(model.collection.name, document._id);
    const remove = () => this.removePublished(model, document, publishedIds);
    await (this.options.writeLock ? this.options.writeLock.run(key, remove) : remove());
    return entries.length;
  }

  /** Compare-and-set on `_rev`: entries added meanwhile stay; a lost race re-reads and tries again. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async removePublished(model: Model<any>, document: PendingDocument, publishedIds: Set<string>) {
    let current: PendingDocument | null = document;
    for (let attempt = 0; attempt < 20 && current; attempt++) {
      const remaining = (current._outbox ?? []).filter((e) => !publishedIds.has(e.id));
      const result = await model.updateOne(
        { _id: current._id, _rev: current._rev ?? 0 },
        { $set: { _outbox: remaining, _outboxPending: remaining.length > 0 }, $inc: { _rev: 1 } },
      );
      if (result.matchedCount === 1) return;
      current = (await model
        .findOne({ _id: current._id }, { _outbox: 1, _rev: 1 })
        .lean()) as PendingDocument | null;
    }
    if (current)
      this.options.logger.warn(
        { id: String(current._id) },
        'outbox entries stay pending after a busy document',
      );
  }

  private async recordInEventLog(entries: OutboxEntry[]): Promise<void> {
    const records = entries.map((entry) => {
      const event = JSON.parse(entry.payload) as CloudEvent;
      return {
        _id: entry.id,
        type: entry.type,
        topic: entry.topic,
        key: entry.key,
        subject: event.subject,
        time: new Date(event.time),
        data: event.data,
      };
    });
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await this.options.eventLog.insertMany(records as any[], { ordered: false });
    } catch (error) {
      if (!isOnlyDuplicateKeys(error)) throw error;
    }
  }
}

/** The lock key of one document: repositories and the relay must agree on it. */
export function documentLockKey(collection: string, id: unknown): string {
  return `${collection}:${String(id)}`;
}

function isOnlyDuplicateKeys(error: unknown): boolean {
  const e = error as { code?: number; writeErrors?: { code?: number }[] | { code?: number } };
  if (e.code === 11000 && !e.writeErrors) return true;
  const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  return writeErrors.length > 0 && writeErrors.every((w) => w.code === 11000);
}
