import { AppError } from '@hocbaso/errors';
import type { LockScope } from '@hocbaso/events';
import type { LockDecision } from '@hocbaso/service-kit';
import { lockCovering, studentYearDecision, type StudentWrite } from '../domain/record-locks';
import type { StudentsDeps } from './deps';

/** A school year of a school: the registry gates and keeps locks per such pair. */
export interface SchoolYearOf {
  schoolId: string;
  schoolYear: string;
}

/** RECORD_LOCKED, naming the kind of lock and its year (no personal data). */
export function recordLocked(lock: LockScope): AppError {
  return new AppError('RECORD_LOCKED', { details: { unit: lock.unit, schoolYear: lock.schoolYear } });
}

/**
 * Runs a user write unless a lock in force covers it. The check and the write run inside the
 * registry's gate of every school year the write concerns, so a lock is recorded either before the
 * write (refused) or after it (the write is in the locked content).
 */
export function writeUnlessLocked<T>(
  deps: StudentsDeps,
  years: readonly SchoolYearOf[],
  write: StudentWrite,
  work: () => Promise<T>,
): Promise<T> {
  return writeInYears(deps, years, (locks) => {
    const lock = lockCovering(locks, write);
    if (lock) throw recordLocked(lock);
    return work();
  });
}

/**
 * Runs `work` inside the registry's gate of every given school year (entered in one fixed order,
 * so that two writes never wait for each other) with the locks in force in them: no lock of those
 * years is decided while it runs.
 */
export function writeInYears<T>(
  deps: StudentsDeps,
  years: readonly SchoolYearOf[],
  work: (locks: LockScope[]) => Promise<T>,
): Promise<T> {
  const keyOf = (y: SchoolYearOf) => `${y.schoolId}\u0000${y.schoolYear}`;
  const ordered = [...new Map(years.map((y) => [keyOf(y), y])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, y]) => y);
  const enter = (index: number, seen: LockScope[]): Promise<T> => {
    const year = ordered[index];
    if (!year) return work(seen);
    return deps.locks.write(year.schoolId, year.schoolYear, (locks) => enter(index + 1, [...seen, ...locks]));
  };
  return enter(0, []);
}

/** The school years of a student's history (every year page of theirs), oldest first. */
export function schoolYearsOf(student: { enrolments: readonly SchoolYearOf[] }): SchoolYearOf[] {
  return student.enrolments.map((e) => ({ schoolId: e.schoolId, schoolYear: e.schoolYear }));
}

/**
 * Answers a lock request (the registry calls this while no write of the school year is in flight).
 * Only STUDENT_YEAR names students as an owner (lockOwnersOf); anything else is refused.
 */
export async function decideStudentsLock(deps: StudentsDeps, scope: LockScope): Promise<LockDecision> {
  if (scope.unit !== 'STUDENT_YEAR') {
    return {
      outcome: 'REFUSED',
      code: 'VALIDATION_FAILED',
      message: 'Hồ sơ học sinh chỉ khóa theo năm học của từng học sinh.',
      details: [],
    };
  }
  return studentYearDecision(scope, await deps.students.findById(scope.studentId));
}
