import { AsyncLocalStorage } from 'node:async_hooks';
import type { CloudEvent } from '@hocbaso/events';
import { Schema, type Model, type UpdateQuery } from 'mongoose';
import type { Collection } from 'mongodb';
import type { EventPublisher, OutgoingMessage } from './event-bus';
import type { Logger } from './logger';
import { backoffDelay, sleep } from './retry';
import { storeProfile } from './mongo';
import type { WriteLock } from './write-lock';
import { collectionKey, hintOutboxWrites, onOutboxWrite } from './outbox-writes';
import { failSpan, startPublishSpan, traceHeaders } from './tracing';
import type { Span } from '@opentelemetry/api';
import type { ServiceMetrics } from './metrics';

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
  /** The trace the change was made in (W3C traceparent), continued by the event's publication. */
  traceparent?: string;
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
    traceparent: { type: String },
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
  // Serves the relay's search: find({ _outboxPending: true }) (on MongoDB; FerretDB v1 scans).
  schema.index({ _outboxPending: 1 });
  // Tells the relay which document to read, so that it need not search.
  hintOutboxWrites(schema);
}

export function toOutboxEntry(topic: string, event: CloudEvent): OutboxEntry {
  const { traceparent } = traceHeaders();
  return {
    id: event.id,
    topic,
    key: event.partitionkey,
    type: event.type,
    payload: JSON.stringify(event),
    createdAt: new Date(event.time),
    ...(traceparent ? { traceparent } : {}),
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
  /** How long the relay sleeps when it knows of nothing pending (a hint or notify() wakes it). */
  pollIntervalMs?: number;
  /**
   * How often the relay also searches every collection for pending documents it was not told of
   * (writes by other processes or made behind mongoose). It always searches once at start.
   */
  scanIntervalMs?: number;
  /** Documents read and published together in one pass. */
  batchSize?: number;
  /** The service's write lock: the relay's clean-up must not race the service's own writes. */
  writeLock?: WriteLock;
  /** Published events and the backlog of documents waiting (Prometheus). */
  metrics?: Pick<ServiceMetrics, 'eventsPublished' | 'outboxBacklog'>;
}

interface PendingDocument {
  _id: unknown;
  _rev?: number;
  _outbox?: OutboxEntry[];
  _outboxPending?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any>;

interface QueuedDocument {
  model: AnyModel;
  id: unknown;
}

/** Set while the relay works: tells its database calls from a request's (round-trip tests count those). */
const relayWork = new AsyncLocalStorage<true>();

/** Whether the current call is the outbox relay's own work. */
export function isOutboxRelayWork(): boolean {
  return relayWork.getStore() === true;
}

/**
 * Publishes what the outbox holds. It learns of pending documents from the write hooks of this
 * process (`outbox-writes.ts`) and reads them by `_id`; a search of the whole collection runs at
 * start (what an earlier life left) and then every `scanIntervalMs` (writes it was not told of).
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A write was notified since the current pass began: the pass may have missed it, so do not idle. */
  private notified = false;
  private failures = 0;
  private abort = new AbortController();
  /** Documents known to have pending events, in the order they were written (a Map keeps it). */
  private readonly queue = new Map<string, QueuedDocument>();
  private readonly models: Map<string, AnyModel>;
  private scanDue = true;
  private lastScanAt = 0;
  /** The search runs beside the publishing of what the hooks name (it took 150 s on a province). */
  private scanning: Promise<void> | undefined;
  private unlisten: (() => void) | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.models = new Map(options.models.map((model) => [collectionKey(model), model]));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // A fresh signal per run: the last stop() aborted the previous one, and an aborted signal would
    // make every backoff sleep return at once (a hot retry loop against a failing broker).
    this.abort = new AbortController();
    this.failures = 0;
    this.scanDue = true;
    this.unlisten ??= onOutboxWrite((model, id) => this.hint(model, id));
    this.loop = relayWork.run(true, () => this.run());
  }

  /** Called after a local write so that its event goes out without waiting for the next poll. */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Stops the loop after publishing what this process wrote, or after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    this.wake?.();
    await this.loop;
    // No search here: on FerretDB it reads every document, and the next start searches anyway.
    await relayWork.run(true, () => this.flush(timeoutMs, { search: false }));
    this.unlisten?.();
    this.unlisten = undefined;
  }

  /**
   * Publishes until nothing is pending; returns whether everything went out in time. With
   * `search` (the default) it also searches the collections, so that "nothing" includes writes
   * this process was not told of.
   */
  async flush(timeoutMs = 10_000, { search = true } = {}): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    if (search) this.scanDue = true;
    while (Date.now() < deadline) {
      try {
        await this.publishPending();
        if (search) await this.scanning;
        if (this.queue.size === 0 && !this.scanDue && !this.scanning) {
          if (!search || !(await this.hasPending())) return true;
          this.scanDue = true;
        }
      } catch (error) {
        this.options.logger.warn({ err: (error as Error).message }, 'outbox flush: publish failed');
        await sleep(200);
      }
    }
    return false;
  }

  private hint(model: AnyModel, id: unknown): void {
    const own = this.models.get(collectionKey(model));
    if (!own) return;
    if (id === undefined) this.scanDue = true;
    else this.enqueue(own, id);
    this.notify();
  }

  private enqueue(model: AnyModel, id: unknown): void {
    const key = `${collectionKey(model)}\u0000${String(id)}`;
    if (!this.queue.has(key)) this.queue.set(key, { model, id });
    this.options.metrics?.outboxBacklog.set(this.queue.size);
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
      this.notified = false;
      try {
        await this.publishPending();
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
      if (this.queue.size === 0) await this.idle(interval);
    }
  }

  private idle(ms: number): Promise<void> {
    // A notify() that came while the pass was running found no one waiting: start the next pass now.
    if (this.notified || !this.running || this.scanIsDue()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, this.untilNextScan()));
      this.wake = done;
    });
  }

  private scanIsDue(): boolean {
    return this.scanDue || this.untilNextScan() <= 0;
  }

  private untilNextScan(): number {
    return this.lastScanAt + (this.options.scanIntervalMs ?? 600_000) - Date.now();
  }

  /** Starts the search when it is due, unless one is running. */
  private startScanIfDue(): void {
    if (this.scanning || !this.scanIsDue()) return;
    this.scanDue = false;
    this.lastScanAt = Date.now();
    this.scanning = this.scan().finally(() => {
      this.scanning = undefined;
      this.notify();
    });
  }

  /** Queues every document that has pending events, whoever wrote it. */
  private async scan(): Promise<void> {
    try {
      for (const model of this.options.models) {
        const found = (await model.find({ _outboxPending: true }, { _id: 1 }).lean()) as { _id: unknown }[];
        for (const { _id } of found) this.enqueue(model, _id);
      }
    } catch (error) {
      // Tried again in a few seconds, not at once (the store may be down).
      this.lastScanAt = Date.now() - (this.options.scanIntervalMs ?? 600_000) + 5_000;
      if (this.running)
        this.options.logger.warn(
          { err: (error as Error).message },
          'outbox search failed; trying again in 5 s',
        );
    }
  }

  /**
   * One pass: starts the search when it is due (it queues what it finds when it ends), then
   * publishes one batch of queued documents, read by \`_id\`; returns the number of events published.
   */
  async publishPending(): Promise<number> {
    this.startScanIfDue();
    const batch = [...this.queue.entries()].slice(0, this.options.batchSize ?? 50);
    // Taken off the queue before reading: a write from now on queues its document again.
    for (const [key] of batch) this.queue.delete(key);
    try {
      const read = await Promise.all(
        batch.map(async ([, { model, id }]) => ({
          model,
          document: (await model
            .findOne({ _id: id }, { _outbox: 1, _rev: 1, _outboxPending: 1 })
            .lean()) as PendingDocument | null,
        })),
      );
      const pending = read.filter(({ document }) => document?._outboxPending === true) as {
        model: AnyModel;
        document: PendingDocument;
      }[];
      const entries = pending.flatMap(({ document }) => document._outbox ?? []);
      if (entries.length > 0) await this.publishEntries(entries);
      await Promise.all(pending.map(({ model, document }) => this.removeFrom(model, document)));
      this.options.metrics?.outboxBacklog.set(this.queue.size);
      return entries.length;
    } catch (error) {
      // Not published (or not known to be): the documents go back to the front of the queue.
      const rest = [...this.queue.entries()];
      this.queue.clear();
      for (const [key, queued] of [...batch, ...rest]) this.queue.set(key, queued);
      throw error;
    }
  }

  /**
   * Publishes, then records in the event log: the log's write is not on the event's path. Both
   * happen before the entries leave the outbox, so a failure of either publishes them again (a
   * duplicate, dropped by consumers) and the log still gets each id once.
   */
  private async publishEntries(entries: OutboxEntry[]): Promise<void> {
    const spans: Span[] = [];
    const messages: OutgoingMessage[] = entries.map((entry) => {
      const { span, headers } = startPublishSpan(`publish ${entry.type}`, entry.traceparent, {
        'messaging.system': 'kafka',
        'messaging.destination.name': entry.topic,
        'messaging.message.id': entry.id,
      });
      spans.push(span);
      return {
        topic: entry.topic,
        key: entry.key,
        value: entry.payload,
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          ce_id: entry.id,
          ce_type: entry.type,
          ...headers,
        },
      };
    });
    try {
      await this.options.publisher.publish(messages);
    } catch (error) {
      for (const span of spans) failSpan(span, error);
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
    this.options.metrics?.eventsPublished.inc(entries.length);
    await this.recordInEventLog(entries);
  }

  private async removeFrom(model: AnyModel, document: PendingDocument): Promise<void> {
    const publishedIds = new Set((document._outbox ?? []).map((e) => e.id));
    const key = documentLockKey(model.collection.name, document._id);
    const remove = () => this.removePublished(model, document, publishedIds);
    const kept = await (this.options.writeLock ? this.options.writeLock.run(key, remove) : remove());
    // Entries written meanwhile stay pending: go round again for them.
    if (kept) this.enqueue(model, document._id);
  }

  /**
   * Removes the published entries, keeping any written meanwhile; returns whether the document
   * still has pending entries.
   *
   * A compare-and-set on `_rev`: a lost race re-reads and tries again. On FerretDB v1 an update
   * filtered on more than `_id` reads the whole collection (0.6 s per gradebook update on the
   * benchmark's data), and is no compare-and-set there anyway; the service's write lock, which the
   * relay holds here, is what serialises writes. So there it reads and writes by `_id` only.
   */
  private async removePublished(
    model: AnyModel,
    document: PendingDocument,
    publishedIds: Set<string>,
  ): Promise<boolean> {
    const without = (current: PendingDocument) =>
      (current._outbox ?? []).filter((e) => !publishedIds.has(e.id));
    const update = (remaining: OutboxEntry[]) => ({
      $set: { _outbox: remaining, _outboxPending: remaining.length > 0 },
      $inc: { _rev: 1 },
    });
    if (this.options.writeLock && storeProfile(model.db).indexesOnlyIdEquality) {
      const current = (await model
        .findOne({ _id: document._id }, { _outbox: 1, _rev: 1 })
        .lean()) as PendingDocument | null;
      if (!current) return false;
      const remaining = without(current);
      await model.updateOne({ _id: document._id }, update(remaining));
      return remaining.length > 0;
    }
    let current: PendingDocument | null = document;
    for (let attempt = 0; attempt < 20 && current; attempt++) {
      const remaining = without(current);
      const result = await model.updateOne({ _id: current._id, _rev: current._rev ?? 0 }, update(remaining));
      if (result.matchedCount === 1) return remaining.length > 0;
      current = (await model
        .findOne({ _id: current._id }, { _outbox: 1, _rev: 1 })
        .lean()) as PendingDocument | null;
    }
    if (current)
      this.options.logger.warn(
        { id: String(current._id) },
        'outbox entries stay pending after a busy document',
      );
    return current !== null;
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
