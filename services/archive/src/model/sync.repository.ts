import { changeDocument, documentLockKey, type DocumentChange, type WriteLock } from '@hocbaso/service-kit';
import type { Model } from 'mongoose';
import type { RecordSyncDocument, SignedYearDocument, SyncAttemptDocument, SyncModels } from './sync.model';

export type SyncChange = DocumentChange<RecordSyncDocument>;

/**
 * The only code that touches the archive's own sync collections. Every write of a sync record is
 * one document write with its events in the document's outbox, under the document's WriteLock.
 */
export class SyncRepository {
  constructor(
    readonly models: SyncModels,
    private readonly lock: WriteLock,
  ) {}

  /** Keeps the signed year unless it is already there (redelivery). */
  async keepSignedYear(year: SignedYearDocument): Promise<void> {
    await this.lock.run(documentLockKey(this.models.signedYears.collection.name, year._id), async () => {
      if (await this.models.signedYears.exists({ _id: year._id })) return;
      await this.models.signedYears.create(year);
    });
  }

  /** Marks the approval `signatureId` superseded (idempotent). */
  async markSuperseded(signatureId: string): Promise<void> {
    const year = await this.models.signedYears
      .findOne({ signatureId }, { _id: 1 })
      .lean<{ _id: string }>()
      .exec();
    if (!year) return;
    await this.lock.run(documentLockKey(this.models.signedYears.collection.name, year._id), () =>
      this.models.signedYears.updateOne({ _id: year._id }, { $set: { superseded: true } }).exec(),
    );
  }

  signedYear(id: string): Promise<SignedYearDocument | null> {
    return this.models.signedYears.findById(id).lean<SignedYearDocument>().exec();
  }

  signedYearsOf(studentId: string): Promise<SignedYearDocument[]> {
    return this.models.signedYears.find({ studentId }).lean<SignedYearDocument[]>().exec();
  }

  recordSync(id: string): Promise<RecordSyncDocument | null> {
    return this.models.recordSyncs.findById(id).lean<RecordSyncDocument>().exec();
  }

  recordSyncsOf(filter: {
    schoolId?: string;
    schoolYear?: string;
    studentId?: string;
  }): Promise<RecordSyncDocument[]> {
    return this.models.recordSyncs.find(filter).lean<RecordSyncDocument[]>().exec();
  }

  /** Records the worker may send now (PENDING, or SENT whose retry time or lease has come). */
  dueRecordSyncs(now: Date, limit: number): Promise<RecordSyncDocument[]> {
    return this.models.recordSyncs
      .find({ state: { $in: ['PENDING', 'SENT'] }, nextAttemptAt: { $lte: now } })
      .sort({ nextAttemptAt: 1 })
      .limit(limit)
      .lean<RecordSyncDocument[]>()
      .exec();
  }

  /** Reads, lets `decide` choose the change (null: none), writes it with its events; returns the result. */
  changeRecordSync(
    id: string,
    decide: (current: RecordSyncDocument | null) => SyncChange | null,
  ): Promise<RecordSyncDocument | null> {
    return changeDocument(this.lock, this.models.recordSyncs, id, decide);
  }

  async keepAttempt(attempt: SyncAttemptDocument): Promise<void> {
    await this.models.syncAttempts.create(attempt);
  }

  attemptsOf(syncId: string): Promise<SyncAttemptDocument[]> {
    return this.models.syncAttempts.find({ syncId }).sort({ sentAt: 1 }).lean<SyncAttemptDocument[]>().exec();
  }

  outboxModels(): Model<unknown>[] {
    return [this.models.recordSyncs as unknown as Model<unknown>];
  }
}
