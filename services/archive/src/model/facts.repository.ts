import { replaceReadModel, type WriteLock } from '@hocbaso/service-kit';
import type { Model } from 'mongoose';
import type {
  AuthorityFacts,
  ClassFacts,
  OutcomeFacts,
  ReadModels,
  SchoolFacts,
  StudentFacts,
} from './read-model.model';

/**
 * The only code that touches the read models. Each change is a read-modify-write of one document
 * under the service's WriteLock (FerretDB v1 updates are not atomic, ADR 0004); every handler is
 * idempotent, so a redelivered event changes nothing.
 */
export class FactsRepository {
  constructor(
    private readonly models: ReadModels,
    private readonly lock: WriteLock,
  ) {}

  school(schoolId: string): Promise<SchoolFacts | null> {
    return this.models.schools.findById(schoolId).lean<SchoolFacts>().exec();
  }

  classesOfSchool(schoolId: string, schoolYear: string): Promise<ClassFacts[]> {
    return this.models.classes.find({ schoolId, schoolYear }).lean<ClassFacts[]>().exec();
  }

  outcomesOf(schoolId: string, schoolYear: string): Promise<OutcomeFacts[]> {
    return this.models.outcomes.find({ schoolId, schoolYear }).lean<OutcomeFacts[]>().exec();
  }

  /** Conduct's computed outcome of a student's year (`_id` lookup). */
  outcome(studentId: string, schoolYear: string): Promise<OutcomeFacts | null> {
    return this.models.outcomes.findById(`${studentId}:${schoolYear}`).lean<OutcomeFacts>().exec();
  }

  classById(classId: string): Promise<ClassFacts | null> {
    return this.models.classes.findById(classId).lean<ClassFacts>().exec();
  }

  student(studentId: string): Promise<StudentFacts | null> {
    return this.models.students.findById(studentId).lean<StudentFacts>().exec();
  }

  authorities(): Promise<AuthorityFacts[]> {
    return this.models.authorities.find({}).lean<AuthorityFacts[]>().exec();
  }

  /** The school that enrolled the student last manages the record (R6). */
  studentEnrolledAt(
    studentId: string,
    schoolId: string,
    fullName: string,
    place?: { classId: string; schoolYear: string },
  ): Promise<void> {
    return this.change(this.models.students, studentId, (current) => ({
      _id: studentId,
      schoolId,
      fullName,
      status: current && current.schoolId === schoolId ? current.status : 'STUDYING',
      classByYear: {
        ...(current?.classByYear ?? {}),
        ...(place ? { [place.schoolYear]: place.classId } : {}),
      },
    }));
  }

  setStudentStatus(studentId: string, schoolId: string, status: string): Promise<void> {
    return this.change(this.models.students, studentId, (current) =>
      current ? { ...current, schoolId, status } : { _id: studentId, schoolId, fullName: '', status },
    );
  }

  registerAuthority(fingerprint: string, schoolId: string): Promise<void> {
    return this.change(this.models.authorities, fingerprint, () => ({ _id: fingerprint, schoolId }));
  }

  upsertSchool(school: SchoolFacts): Promise<void> {
    return this.change(this.models.schools, school._id, () => school);
  }

  /** A class as announced, keeping members already known (an enrolment can arrive first). */
  upsertClass(facts: Omit<ClassFacts, 'members'>): Promise<void> {
    return this.change(this.models.classes, facts._id, (current) => ({
      ...facts,
      members: current?.members ?? [],
    }));
  }

  addMember(
    place: Pick<ClassFacts, '_id' | 'schoolId' | 'schoolYear' | 'grade'>,
    member: { studentId: string; fullName: string },
  ): Promise<void> {
    return this.change(this.models.classes, place._id, (current) => {
      const base = current ?? { ...place, name: '', members: [] };
      const others = base.members.filter((m) => m.studentId !== member.studentId);
      return { ...base, members: [...others, member] };
    });
  }

  removeMember(classId: string, studentId: string): Promise<void> {
    return this.change(this.models.classes, classId, (current) =>
      current?.members.some((m) => m.studentId === studentId)
        ? { ...current, members: current.members.filter((m) => m.studentId !== studentId) }
        : null,
    );
  }

  /** A name changed: every class of the student shows the new one. */
  async renameMember(studentId: string, fullName: string): Promise<void> {
    await this.change(this.models.students, studentId, (current) =>
      current ? { ...current, fullName } : null,
    );
    const classes = await this.models.classes
      .find({ 'members.studentId': studentId }, { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    for (const { _id } of classes) {
      await this.change(this.models.classes, _id, (current) =>
        current
          ? {
              ...current,
              members: current.members.map((m) => (m.studentId === studentId ? { ...m, fullName } : m)),
            }
          : null,
      );
    }
  }

  setOutcome(facts: OutcomeFacts): Promise<void> {
    return this.change(this.models.outcomes, facts._id, () => facts);
  }

  private change<T extends { _id: string }>(
    model: Model<T>,
    id: string,
    next: (current: T | null) => T | null,
  ): Promise<void> {
    return replaceReadModel(this.lock, model, id, next);
  }
}
