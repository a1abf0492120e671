import { replaceReadModel, type WriteLock } from '@hocbaso/service-kit';
import type { Model } from 'mongoose';
import {
  subjectKey,
  type AccountRoleFacts,
  type ClassFacts,
  type ReadModels,
  type SubjectProgressFacts,
  type TeachingFacts,
} from './read-model.model';

/**
 * The only code that touches the read models. Each change is a read-modify-write of one document
 * under the service's WriteLock (FerretDB v1 updates are not atomic, ADR 0004); every handler is
 * idempotent on its own, so a redelivered event changes nothing.
 */
export class FactsRepository {
  constructor(
    private readonly models: ReadModels,
    private readonly lock: WriteLock,
  ) {}

  findClass(classId: string): Promise<ClassFacts | null> {
    return this.models.classes.findById(classId).lean<ClassFacts>().exec();
  }

  findClassesOfSchool(schoolId: string, schoolYear: string): Promise<ClassFacts[]> {
    return this.models.classes.find({ schoolId, schoolYear }).sort({ name: 1 }).lean<ClassFacts[]>().exec();
  }

  /** The class a student belongs to in a school year. */
  findClassOfStudent(studentId: string, schoolYear: string): Promise<ClassFacts | null> {
    return this.models.classes.findOne({ members: studentId, schoolYear }).lean<ClassFacts>().exec();
  }

  teachingOfClass(classId: string, schoolYear: string): Promise<TeachingFacts[]> {
    return this.models.teaching.find({ classId, schoolYear }).lean<TeachingFacts[]>().exec();
  }

  progressOfClass(classId: string, schoolYear: string): Promise<SubjectProgressFacts[]> {
    return this.models.subjectProgress.find({ classId, schoolYear }).lean<SubjectProgressFacts[]>().exec();
  }

  async rolesOf(accountId: string): Promise<AccountRoleFacts['roles']> {
    const facts = await this.models.accountRoles.findById(accountId).lean<AccountRoleFacts>().exec();
    return facts?.roles ?? [];
  }

  /** A class as announced, keeping members already known (an enrolment can arrive first). */
  upsertClass(facts: Omit<ClassFacts, 'members'>): Promise<void> {
    return this.change(this.models.classes, facts._id, (current) => ({
      ...(current ?? { members: [] }),
      ...facts,
    }));
  }

  setHomeroomTeacher(classId: string, homeroomTeacherId: string | null): Promise<void> {
    return this.change(this.models.classes, classId, (current) =>
      current ? { ...current, homeroomTeacherId } : null,
    );
  }

  addMember(
    place: Pick<ClassFacts, '_id' | 'schoolId' | 'schoolYear' | 'grade'>,
    studentId: string,
  ): Promise<void> {
    return this.change(this.models.classes, place._id, (current) => {
      const base = current ?? { ...place, name: '', homeroomTeacherId: null, members: [] };
      if (base.members.includes(studentId)) return null;
      return { ...base, members: [...base.members, studentId] };
    });
  }

  removeMember(classId: string, studentId: string): Promise<void> {
    return this.change(this.models.classes, classId, (current) =>
      current?.members.includes(studentId)
        ? { ...current, members: current.members.filter((m) => m !== studentId) }
        : null,
    );
  }

  setTeaching(
    place: { classId: string; schoolYear: string; subjectCode: string },
    accountId: string,
    assigned: boolean,
  ): Promise<void> {
    const id = subjectKey(place.schoolYear, place.classId, place.subjectCode);
    return this.change(this.models.teaching, id, (current) => {
      const base = current ?? { _id: id, ...place, teacherAccountIds: [] };
      const others = base.teacherAccountIds.filter((a) => a !== accountId);
      return { ...base, teacherAccountIds: assigned ? [...others, accountId] : others };
    });
  }

  setProgress(
    place: { classId: string; schoolYear: string; subjectCode: string },
    studentId: string,
    complete: { term1: boolean; term2: boolean; year: boolean },
  ): Promise<void> {
    const id = subjectKey(place.schoolYear, place.classId, place.subjectCode);
    return this.change(this.models.subjectProgress, id, (current) => {
      const base = current ?? { _id: id, ...place, students: {} };
      return { ...base, students: { ...base.students, [studentId]: complete } };
    });
  }

  setRole(
    accountId: string,
    role: { role: string; schoolId: string | null },
    granted: boolean,
  ): Promise<void> {
    return this.change(this.models.accountRoles, accountId, (current) => {
      const roles = (current?.roles ?? []).filter(
        (r) => !(r.role === role.role && r.schoolId === role.schoolId),
      );
      return { _id: accountId, roles: granted ? [...roles, role] : roles };
    });
  }

  private change<T extends { _id: string }>(
    model: Model<T>,
    id: string,
    next: (current: T | null) => T | null,
  ): Promise<void> {
    return replaceReadModel(this.lock, model, id, next);
  }
}
