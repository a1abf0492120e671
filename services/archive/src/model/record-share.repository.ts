import { changeDocument, type DocumentChange, type WriteLock } from '@hocbaso/service-kit';
import type { Model } from 'mongoose';
import type { RecordShareDocument } from './record-share.model';

/** The only code that touches `record_shares`: each write under the WriteLock, with its events. */
export class RecordShareRepository {
  constructor(
    readonly model: Model<RecordShareDocument>,
    private readonly lock: WriteLock,
  ) {}

  byId(shareId: string): Promise<RecordShareDocument | null> {
    return this.model.findById(shareId).lean<RecordShareDocument>().exec();
  }

  byAccessCodeHash(hash: string): Promise<RecordShareDocument | null> {
    return this.model.findOne({ accessCodeHash: hash }).lean<RecordShareDocument>().exec();
  }

  ofStudent(studentId: string): Promise<RecordShareDocument[]> {
    return this.model.find({ studentId }).sort({ createdAt: 1 }).lean<RecordShareDocument[]>().exec();
  }

  change(
    shareId: string,
    decide: (current: RecordShareDocument | null) => DocumentChange<RecordShareDocument> | null,
  ): Promise<RecordShareDocument | null> {
    return changeDocument(this.lock, this.model, shareId, decide);
  }

  outboxModels(): Model<unknown>[] {
    return [this.model as unknown as Model<unknown>];
  }
}
