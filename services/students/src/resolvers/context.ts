import DataLoader from 'dataloader';
import { AppError } from '@hocbaso/errors';
import type { PersonalReadCollector, Principal, RequestContext } from '@hocbaso/service-kit';
import { compareVietnameseNames } from '../domain/text';
import type { ClassDocument } from '../model/class.model';
import type { StudentDocument } from '../model/student.model';
import type { Caller, StudentsDeps } from '../usecases/deps';

export interface StudentsContext extends RequestContext {
  deps: StudentsDeps;
  loaders: Loaders;
  /** Personal fields this request read, logged once when the answer leaves (R11). */
  personalReads: PersonalReadCollector;
}

export interface Loaders {
  student: DataLoader<string, StudentDocument | null>;
  class: DataLoader<string, ClassDocument | null>;
  /** The current roster of each class, ordered by given name. */
  roster: DataLoader<string, StudentDocument[]>;
}

/**
 * Per-request loaders: one query for all the students, classes or rosters a response needs, so
 * a class of 45 costs the same number of round trips as a class of 10 (no N+1).
 */
export function createLoaders(deps: StudentsDeps): Loaders {
  const student = new DataLoader<string, StudentDocument | null>(async (ids) => {
    const found = new Map((await deps.students.findManyByIds(ids)).map((s) => [s._id, s]));
    return ids.map((id) => found.get(id) ?? null);
  });
  const schoolClass = new DataLoader<string, ClassDocument | null>(async (ids) => {
    const found = new Map((await deps.classes.findManyByIds(ids)).map((c) => [c._id, c]));
    return ids.map((id) => found.get(id) ?? null);
  });
  const roster = new DataLoader<string, StudentDocument[]>(async (classIds) => {
    const byClass = new Map<string, StudentDocument[]>(classIds.map((id) => [id, []]));
    for (const s of await deps.students.findByClassIds(classIds)) {
      if (s.classId) byClass.get(s.classId)?.push(s);
      // Later look-ups of these students by id need no query of their own.
      student.prime(s._id, s);
    }
    return classIds.map((id) =>
      (byClass.get(id) ?? []).sort((a, b) => compareVietnameseNames(a.fullName, b.fullName)),
    );
  });
  return { student, class: schoolClass, roster };
}

export function callerOf(context: StudentsContext): Caller {
  return { principal: context.principal, requestId: context.requestId };
}

/** Resolvers behind @authenticated check again: a subgraph never relies on the gateway alone. */
export function requirePrincipal(context: StudentsContext): Principal {
  if (!context.principal) throw new AppError('UNAUTHENTICATED');
  return context.principal;
}
