import {
  documentLockKey,
  newDocumentOutbox,
  withEvents,
  type OutboxEntry,
  type WriteLock,
} from '@hocbaso/service-kit';
import type { Model, UpdateQuery } from 'mongoose';
import type { RecordSyncDocument, SignedYearDocument, SyncAttemptDocument, SyncModels } from './sync.model';

/** A change decided from the current document (null when there is none yet). */
export interface SyncChange {
  set: Partial<RecordSyncDocument>;
  /** Set when the document does not exist yet. */
  create?: Omit<RecordSyncDocument, '_outbox' | '_outboxPending' | '_rev'>;
  events: OutboxEntry[];
}

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
    const model = this.models.recordSyncs as Model<RecordSyncDocument>;
    return this.lock.run(documentLockKey(model.collection.name, id), async () => {
      const current = await model.findById(id).lean<RecordSyncDocument>().exec();
      const change = decide(current);
      if (!change) return current;
      if (!current) {
        if (!change.create) return null;
        const document = { ...change.create, ...newDocumentOutbox(change.events) } as RecordSyncDocument;
        await model.create(document);
        return document;
      }
      return model
        .findOneAndUpdate(
          { _id: id },
          withEvents<RecordSyncDocument>(
            { $set: change.set } as UpdateQuery<RecordSyncDocument>,
            change.events,
          ),
          { returnDocument: 'after' },
        )
        .lean<RecordSyncDocument>()
        .exec();
    });
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
