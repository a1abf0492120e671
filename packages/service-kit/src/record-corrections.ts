import { isAppError } from '@hocbaso/errors';
import {
  CORRECTION_ANSWERS,
  correctionApplyRequested,
  createEvent,
  type CorrectionOutcome,
  type EventData,
  type LockOwner,
} from '@hocbaso/events';
import { Schema, type Connection, type Model } from 'mongoose';
import type { EventHandler } from './consumer';
import {
  addOutbox,
  documentLockKey,
  newDocumentOutbox,
  toOutboxEntry,
  type OutboxEntry,
  type OutboxFields,
} from './outbox';
import type { RecordLockRegistry } from './record-locks';
import type { WriteLock } from './write-lock';

/**
 * The owner's side of corrections (R8; contract in packages/events/src/signatures.ts), the same in
 * academics, conduct and students. Signatures asks the owner to apply an approved correction even
 * though a lock covers the data; the owner changes its document, keeps the correction on it (so a
 * redelivery finds it) and commits, in that one document write, its usual change events and the
 * APPLIED answer (`applied`). A request it cannot apply changes nothing and is answered REFUSED from
 * a small document of its own in `correction_refusals`, which also makes the refusal idempotent.
 */

/** Signatures' request to apply an approved correction. */
export type CorrectionRequest = EventData<typeof correctionApplyRequested>;

/** One corrected field with its value before and after. */
export type CorrectedValue = CorrectionOutcome['changes'][number];

/** Why the owner does not apply a correction: a stable error code, a Vietnamese message, details. */
export interface CorrectionRefusal {
  code: string;
  message: string;
  details: string[];
}

/** A correction request the owner did not apply, kept by its correction id. */
export interface CorrectionRefusalDocument extends OutboxFields {
  /** The correction id. */
  _id: string;
  schoolId: string;
  schoolYear: string;
  classId: string;
  studentId: string;
  subjectCode: string | null;
  refusal: CorrectionRefusal;
  refusedAt: Date;
}

const correctionRefusalSchema = new Schema<CorrectionRefusalDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    classId: { type: String, required: true },
    studentId: { type: String, required: true },
    subjectCode: { type: String, default: null },
    refusal: { type: Schema.Types.Mixed, required: true },
    refusedAt: { type: Date, required: true },
  },
  { collection: 'correction_refusals', versionKey: false, minimize: false },
);
addOutbox(correctionRefusalSchema);

export type CorrectionRefusalModel = Model<CorrectionRefusalDocument>;

export function correctionRefusalModel(connection: Connection): CorrectionRefusalModel {
  return (
    (connection.models.CorrectionRefusal as CorrectionRefusalModel | undefined) ??
    connection.model<CorrectionRefusalDocument>('CorrectionRefusal', correctionRefusalSchema)
  );
}

/**
 * The owner's work for one correction: change its document (with the events and `applied(...)` in
 * the same write) and return null, or return (or throw as an AppError) why not, having written
 * nothing. A redelivered correction the document already records changes nothing and returns null.
 */
export type ApplyCorrection = (request: CorrectionRequest) => Promise<CorrectionRefusal | null>;

export class RecordCorrections {
  constructor(
    private readonly model: CorrectionRefusalModel,
    private readonly writeLock: WriteLock,
    /** The owner's one lock registry: a correction is a write, inside its gate. */
    private readonly locks: RecordLockRegistry,
    private readonly owner: LockOwner,
    private readonly source: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Handles `correctionApplyRequested`: ignores another owner's request and one refused already;
   * runs `apply` through the lock gate (a lock is never decided half-way through it) without
   * refusing for the locks in force (the principal approved reopening); records a refusal.
   */
  async apply(request: CorrectionRequest, apply: ApplyCorrection): Promise<void> {
    if (request.owner !== this.owner) return;
    if (await this.model.exists({ _id: request.correctionId })) return;
    const refusal = await this.locks.write(request.schoolId, request.schoolYear, async () => {
      try {
        return await apply(request);
      } catch (error) {
        if (!isAppError(error)) throw error;
        return {
          code: error.code,
          message: error.message,
          details: error.fieldErrors.map((p) => `${p.field}: ${p.message}`),
        };
      }
    });
    if (refusal) await this.refuse(request, refusal);
  }

  /** The APPLIED answer (key: the student id), to commit in the owner's document write. */
  applied(request: CorrectionRequest, changes: CorrectedValue[], at: Date): OutboxEntry {
    return this.answer(request, at, { outcome: 'APPLIED', changes, refusal: null });
  }

  /** The consumer handler of `correctionApplyRequested`; `changed` then wakes the outbox relay. */
  handlers(apply: ApplyCorrection, changed: () => void): Record<string, EventHandler> {
    return {
      [correctionApplyRequested.type]: async (event) => {
        await this.apply(event.data as CorrectionRequest, apply);
        changed();
      },
    };
  }

  private async refuse(request: CorrectionRequest, refusal: CorrectionRefusal): Promise<void> {
    const id = request.correctionId;
    await this.writeLock.run(documentLockKey(this.model.collection.name, id), async () => {
      if (await this.model.exists({ _id: id })) return;
      const at = this.now();
      await this.model.create({
        _id: id,
        schoolId: request.schoolId,
        schoolYear: request.schoolYear,
        classId: request.classId,
        studentId: request.studentId,
        subjectCode: request.subjectCode,
        refusal,
        refusedAt: at,
        ...newDocumentOutbox([this.answer(request, at, { outcome: 'REFUSED', changes: [], refusal })]),
      });
    });
  }

  private answer(
    request: CorrectionRequest,
    at: Date,
    answer: Pick<CorrectionOutcome, 'outcome' | 'changes' | 'refusal'>,
  ): OutboxEntry {
    const contract = CORRECTION_ANSWERS[this.owner];
    const data: CorrectionOutcome = {
      correctionId: request.correctionId,
      owner: this.owner,
      ...answer,
      appliedAt: at.toISOString(),
    };
    return toOutboxEntry(
      contract.topic,
      createEvent(contract, {
        source: this.source,
        subject: `corrections/${request.correctionId}`,
        key: request.studentId,
        data,
      }),
    );
  }
}
