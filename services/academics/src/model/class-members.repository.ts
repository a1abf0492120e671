import { documentLockKey, findByIds, type WriteLock } from '@hocbaso/service-kit';
import type { Collection } from 'mongodb';
import type { ClassMembersDocument, ClassMembersModel } from './class-members.model';
import type { RosterStudentModel } from './roster.model';

/** The marker of the one-time fill below, in the service's `migrations` collection. */
const FILLED_FROM_ROSTER = 'roster_class_members: filled from roster_students';

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
    return findByIds<ClassMembersDocument>(this.model, classIds);
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

  /**
   * Once per database: lists every enrolment the roster knew before this read model existed (it
   * came in issue 7, after the roster's consumer had read those events). Returns the classes
   * written; 0 when done before. Idempotent, so a crash half-way is mended by the next start.
   */
  async fillFromRosterOnce(students: RosterStudentModel, migrations: Collection): Promise<number> {
    if (await migrations.findOne({ _id: FILLED_FROM_ROSTER as never })) return 0;
    const byClass = new Map<string, Set<string>>();
    const cursor = students.find({}, { enrollments: 1 }).lean().cursor();
    for await (const student of cursor)
      for (const enrollment of student.enrollments ?? []) {
        const ids = byClass.get(enrollment.classId) ?? new Set<string>();
        ids.add(String(student._id));
        byClass.set(enrollment.classId, ids);
      }
    const at = new Date();
    for (const [classId, ids] of byClass)
      await this.lock.run(documentLockKey(this.model.collection.name, classId), async () => {
        const current = await this.model.findById(classId).lean<ClassMembersDocument>().exec();
        const known = current?.studentIds ?? [];
        const missing = [...ids].filter((id) => !known.includes(id));
        if (missing.length === 0) return;
        await this.model
          .updateOne(
            { _id: classId },
            { $set: { studentIds: [...known, ...missing], updatedAt: at } },
            { upsert: true },
          )
          .exec();
      });
    await migrations.insertOne({ _id: FILLED_FROM_ROSTER as never, at });
    return byClass.size;
  }
}
