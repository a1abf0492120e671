import {
  createEvent,
  LOCK_CONFIRMATIONS,
  type CloudEvent,
  type EventData,
  type LockConfirmation,
  type LockOwner,
  lockReleased,
  lockRequested,
  type LockScope,
  type RecordPeriod,
} from '@hocbaso/events';
import { Schema, type Connection, type Model } from 'mongoose';
import type { EventHandler } from './consumer';
import {
  addOutbox,
  documentLockKey,
  newDocumentOutbox,
  toOutboxEntry,
  withEvents,
  type OutboxEntry,
  type OutboxFields,
} from './outbox';
import { ScopeGate } from './scope-gate';
import type { WriteLock } from './write-lock';

/**
 * The owner's side of the lock protocol (see packages/events/src/signatures.ts), the same in
 * academics, conduct and students. Each owner keeps the locks it confirmed in its own database;
 * every write of the owner's data passes `write`, which sees the locks in force and refuses what
 * they cover; `apply` records a lock only after the writes in flight for that school year have
 * finished, then answers with the locked content, in the same document write as the lock.
 */
export interface RecordLockDocument extends OutboxFields {
  /** The lock id. */
  _id: string;
  scope: LockScope;
  state: 'APPLIED' | 'REFUSED' | 'RELEASED';
  appliedAt: Date;
  releasedAt: Date | null;
}

const recordLockSchema = new Schema<RecordLockDocument>(
  {
    _id: { type: String, required: true },
    scope: { type: Schema.Types.Mixed, required: true },
    state: { type: String, required: true, enum: ['APPLIED', 'REFUSED', 'RELEASED'] },
    appliedAt: { type: Date, required: true },
    releasedAt: { type: Date, default: null },
  },
  { collection: 'record_locks', versionKey: false, minimize: false },
);
addOutbox(recordLockSchema);
// Serves `inForce(schoolId, schoolYear)`, on every write.
recordLockSchema.index({ 'scope.schoolId': 1, 'scope.schoolYear': 1, state: 1 });

export type RecordLockModel = Model<RecordLockDocument>;

export function recordLockModel(connection: Connection): RecordLockModel {
  return (
    (connection.models.RecordLock as RecordLockModel | undefined) ??
    connection.model<RecordLockDocument>('RecordLock', recordLockSchema)
  );
}

/** What the owner answers to a lock request: the locked content, or why it does not lock. */
export type LockDecision =
  | { outcome: 'APPLIED'; content: unknown }
  | { outcome: 'REFUSED'; code: string; message: string; details?: string[] };

/** Whether a lock of period `lock` covers a write to period `write` (a YEAR lock covers both terms). */
export function periodCovers(lock: RecordPeriod, write: RecordPeriod): boolean {
  return lock === 'YEAR' || write === 'YEAR' || lock === write;
}

/** The topic of signatures' lock requests and releases, which every owner consumes. */
export const RECORD_LOCK_TOPIC = lockRequested.topic;

export class RecordLockRegistry {
  private readonly gate = new ScopeGate();

  constructor(
    private readonly model: RecordLockModel,
    private readonly writeLock: WriteLock,
    private readonly owner: LockOwner,
    private readonly source: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Runs a write of this school year's data: `work` receives the locks in force, refuses what they
   * cover (RECORD_LOCKED), and writes. No lock is applied to the school year while `work` runs.
   */
  write<T>(schoolId: string, schoolYear: string, work: (locks: LockScope[]) => Promise<T>): Promise<T> {
    return this.gate.shared(gateKey(schoolId, schoolYear), async () =>
      work(await this.inForce(schoolId, schoolYear)),
    );
  }

  /** The locks in force for a school year. */
  async inForce(schoolId: string, schoolYear: string): Promise<LockScope[]> {
    const locks = await this.model
      .find({ 'scope.schoolId': schoolId, 'scope.schoolYear': schoolYear, state: 'APPLIED' }, { scope: 1 })
      .lean<Array<Pick<RecordLockDocument, 'scope'>>>()
      .exec();
    return locks.map((l) => l.scope);
  }

  /**
   * Handles `lockRequested` for this owner: once the writes in flight are done, `decide` reads the
   * unit's content (or refuses), and the lock and its confirmation are written together. A
   * redelivered request changes nothing (the first confirmation stands and was published).
   */
  async apply(
    request: EventData<typeof lockRequested>,
    decide: (scope: LockScope) => Promise<LockDecision>,
  ): Promise<void> {
    if (!request.owners.includes(this.owner)) return;
    const { schoolId, schoolYear } = request.scope;
    await this.gate.exclusive(gateKey(schoolId, schoolYear), () =>
      this.writeLock.run(documentLockKey(this.model.collection.name, request.lockId), async () => {
        if (await this.model.exists({ _id: request.lockId })) return;
        const decision = await decide(request.scope);
        const now = this.now();
        const confirmation = this.confirmation(request.lockId, now, decision);
        await this.model.create({
          _id: request.lockId,
          scope: request.scope,
          state: decision.outcome,
          appliedAt: now,
          releasedAt: null,
          ...newDocumentOutbox([confirmation]),
        });
      }),
    );
  }

  /** Handles `lockReleased`: the unit accepts writes again (unless another lock covers it). */
  async release(request: EventData<typeof lockReleased>): Promise<void> {
    if (!request.owners.includes(this.owner)) return;
    const { schoolId, schoolYear } = request.scope;
    await this.gate.exclusive(gateKey(schoolId, schoolYear), () =>
      this.writeLock.run(documentLockKey(this.model.collection.name, request.lockId), async () => {
        const current = await this.model.findById(request.lockId).lean<RecordLockDocument>().exec();
        if (current?.state === 'RELEASED') return;
        const now = this.now();
        const confirmation = this.confirmation(request.lockId, now, { outcome: 'RELEASED' });
        if (!current) {
          // Released before it was applied (the request was refused elsewhere): remember it, so a
          // late delivery of the request does not lock afterwards.
          await this.model.create({
            _id: request.lockId,
            scope: request.scope,
            state: 'RELEASED',
            appliedAt: now,
            releasedAt: now,
            ...newDocumentOutbox([confirmation]),
          });
          return;
        }
        await this.model.updateOne(
          { _id: request.lockId },
          withEvents<RecordLockDocument>({ $set: { state: 'RELEASED', releasedAt: now } }, [confirmation]),
        );
      }),
    );
  }

  /**
   * The owner's consumer handlers of the protocol: a request is applied with `decide`, a release
   * released; `changed` then wakes the outbox relay so that the answer leaves at once.
   */
  handlers(
    decide: (scope: LockScope) => Promise<LockDecision>,
    changed: () => void,
  ): Record<string, EventHandler> {
    return {
      [lockRequested.type]: async (event) => {
        await this.apply(event.data as EventData<typeof lockRequested>, decide);
        changed();
      },
      [lockReleased.type]: async (event) => {
        await this.release(event.data as EventData<typeof lockReleased>);
        changed();
      },
    };
  }

  private confirmation(
    lockId: string,
    at: Date,
    decision: LockDecision | { outcome: 'RELEASED' },
  ): OutboxEntry {
    const contract = LOCK_CONFIRMATIONS[this.owner];
    const data: LockConfirmation = {
      lockId,
      owner: this.owner,
      outcome: decision.outcome,
      content: decision.outcome === 'APPLIED' ? (decision.content ?? null) : null,
      refusal:
        decision.outcome === 'REFUSED'
          ? { code: decision.code, message: decision.message, details: decision.details ?? [] }
          : null,
      confirmedAt: at.toISOString(),
    };
    const event: CloudEvent = createEvent(contract, {
      source: this.source,
      subject: `locks/${lockId}`,
      key: lockId,
      data,
    });
    return toOutboxEntry(contract.topic, event);
  }
}

const gateKey = (schoolId: string, schoolYear: string) => `record-locks:${schoolId}:${schoolYear}`;
