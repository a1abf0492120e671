import { documentLockKey, type WriteLock } from '@hocbaso/service-kit';
import type { ClassMembersDocument, ClassMembersModel } from './class-members.model';

/**
 * The only code that touches roster_class_members. Written by the roster consumer under the
 * service's write lock (read, add, write back: FerretDB v1 updates are not atomic).
 */
export class ClassMembersRepository {
  constructor(
    private readonly model: ClassMembersModel,
    private readonly lock: WriteLock,
  ) {}

  findMany(classIds: readonly string[]): Promise<ClassMembersDocument[]> {
    return this.model
      .find({ _id: { $in: [...classIds] } })
      .lean<ClassMembersDocument[]>()
      .exec();
  }

  /** Adds a student to the class's list (idempotent: a replayed enrolment changes nothing). */
  async add(classId: string, studentId: string, at: Date): Promise<void> {
    await this.lock.run(documentLockKey(this.model.collection.name, classId), async () => {
      const current = await this.model.findById(classId).lean<ClassMembersDocument>().exec();
      if (current?.studentIds.includes(studentId)) return;
      await this.model
        .updateOne(
          { _id: classId },
          { $set: { studentIds: [...(current?.studentIds ?? []), studentId], updatedAt: at } },
          { upsert: true },
        )
        .exec();
    });
  }
}
