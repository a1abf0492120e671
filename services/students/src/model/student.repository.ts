import {
  documentLockKey,
  findByIds,
  newDocumentOutbox,
  type OutboxEntry,
  withEvents,
  type WriteLock,
} from '@hocbaso/service-kit';
import { isDuplicateKey, modifyDocument, type DocumentChange, type Modified } from './modify';
import type { NewStudentDocument, StudentDocument, StudentModel } from './student.model';

/**
 * The only code that touches the students collection. Every write of a student goes through the
 * service's write lock (see WriteLock: FerretDB v1 updates are not atomic).
 */
export class StudentRepository {
  constructor(
    private readonly model: StudentModel,
    private readonly lock: WriteLock,
    private readonly now: () => Date = () => new Date(),
  ) {}

  findById(id: string): Promise<StudentDocument | null> {
    return this.model.findById(id).lean<StudentDocument>().exec();
  }

  /** One query for every student a response needs (the per-request DataLoader calls this). */
  findManyByIds(ids: readonly string[]): Promise<StudentDocument[]> {
    return findByIds<StudentDocument>(this.model, ids);
  }

  findByPersonalId(personalId: string): Promise<StudentDocument | null> {
    return this.model.findOne({ personalId }).lean<StudentDocument>().exec();
  }

  /** The current students of every given class, in one query (class rosters, however many classes). */
  findByClassIds(classIds: readonly string[]): Promise<StudentDocument[]> {
    return this.model
      .find({ classId: { $in: [...classIds] } })
      .lean<StudentDocument[]>()
      .exec();
  }

  /**
   * Inserts a new record with its events, unless a record with the same personal ID exists (R1):
   * checked under a lock on the personal ID, and enforced by the unique index against anything else.
   */
  insertIfPersonalIdFree(
    student: NewStudentDocument,
    events: OutboxEntry[],
  ): Promise<'inserted' | 'duplicate'> {
    return this.lock.run(`students:personalId:${student.personalId}`, async () => {
      if (await this.model.exists({ personalId: student.personalId })) return 'duplicate';
      try {
        await this.model.create({ ...student, ...newDocumentOutbox(events) });
        return 'inserted';
      } catch (error) {
        if (isDuplicateKey(error)) return 'duplicate';
        throw error;
      }
    });
  }

  modify(
    id: string,
    decide: (current: StudentDocument) => DocumentChange<StudentDocument> | null,
  ): Promise<Modified<StudentDocument> | null> {
    return modifyDocument(this.model, this.lock, id, decide, this.now);
  }

  /**
   * Publishes events about a student without changing the record (an answer given again to a
   * redelivered request); false when there is no such student.
   */
  publish(id: string, events: OutboxEntry[]): Promise<boolean> {
    return this.lock.run(documentLockKey(this.model.collection.name, id), async () => {
      const result = await this.model.updateOne({ _id: id }, withEvents<StudentDocument>({}, events)).exec();
      return result.matchedCount === 1;
    });
  }
}
