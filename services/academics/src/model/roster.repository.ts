import { documentLockKey, findByIds, storeProfile, type WriteLock } from '@hocbaso/service-kit';
import type {
  RosterClassDocument,
  RosterClassModel,
  RosterStudentDocument,
  RosterStudentModel,
} from './roster.model';
import type { ClassMembersDocument, ClassMembersModel } from './class-members.model';
import type { RoundTripCounter } from './round-trips';

/**
 * The only code that touches the roster read model. Its writers are the Kafka consumers; every
 * write of a document goes through the service's write lock (FerretDB v1 updates are not atomic).
 */
export class RosterRepository {
  constructor(
    private readonly classes: RosterClassModel,
    private readonly students: RosterStudentModel,
    private readonly members: ClassMembersModel,
    private readonly lock: WriteLock,
    private readonly roundTrips: RoundTripCounter,
  ) {}

  findClass(id: string): Promise<RosterClassDocument | null> {
    this.roundTrips.count('roster.findClass');
    return this.classes.findById(id).lean<RosterClassDocument>().exec();
  }

  findClasses(ids: readonly string[]): Promise<RosterClassDocument[]> {
    this.roundTrips.count('roster.findClasses');
    return findByIds<RosterClassDocument>(this.classes, ids);
  }

  findStudent(id: string): Promise<RosterStudentDocument | null> {
    this.roundTrips.count('roster.findStudent');
    return this.students.findById(id).lean<RosterStudentDocument>().exec();
  }

  findStudents(ids: readonly string[]): Promise<RosterStudentDocument[]> {
    this.roundTrips.count('roster.findStudents');
    return findByIds<RosterStudentDocument>(this.students, ids);
  }

  /** Every student who is or was in one of these classes (their documents list all enrolments). */
  async membersOf(classIds: readonly string[]): Promise<RosterStudentDocument[]> {
    this.roundTrips.count('roster.membersOf');
    if (!storeProfile(this.students.db).indexesOnlyIdEquality)
      return this.students
        .find({ 'enrollments.classId': { $in: [...classIds] } })
        .lean<RosterStudentDocument[]>()
        .exec();
    // FerretDB v1 would read every student for that filter: go by the classes' member lists, by
    // _id, and keep whom the roster itself places in the class (as the filter above does).
    const lists = await findByIds<ClassMembersDocument>(this.members, classIds);
    const students = await findByIds<RosterStudentDocument>(
      this.students,
      lists.flatMap((list) => list.studentIds),
    );
    return students.filter((s) => s.enrollments.some((e) => classIds.includes(e.classId)));
  }

  /** Creates or updates a class from its events. */
  async saveClass(
    id: string,
    change: (current: RosterClassDocument | null) => Omit<RosterClassDocument, '_id'> | null,
  ): Promise<void> {
    await this.lock.run(documentLockKey(this.classes.collection.name, id), async () => {
      const current = await this.findClass(id);
      const next = change(current);
      if (!next) return;
      this.roundTrips.count('roster.saveClass');
      await this.classes.updateOne({ _id: id }, { $set: next }, { upsert: true }).exec();
    });
  }

  /** Read, change, write back one student's document (under the lock); `change` may decline with null. */
  async saveStudent(
    id: string,
    change: (current: RosterStudentDocument | null) => Omit<RosterStudentDocument, '_id'> | null,
  ): Promise<void> {
    await this.lock.run(documentLockKey(this.students.collection.name, id), async () => {
      const current = await this.findStudent(id);
      const next = change(current);
      if (!next) return;
      this.roundTrips.count('roster.saveStudent');
      await this.students.updateOne({ _id: id }, { $set: next }, { upsert: true }).exec();
    });
  }
}
