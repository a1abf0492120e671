import { AppError } from '@hocbaso/errors';
import type { LockScope } from '@hocbaso/events';
import type { LockDecision } from '@hocbaso/service-kit';
import {
  classConductDecision,
  lockCovering,
  studentYearDecision,
  type ConductWrite,
} from '../domain/record-locks';
import type { ConductDeps } from './deps';

/** RECORD_LOCKED, naming what kind of lock refused the write (no personal data). */
export function recordLocked(lock: LockScope): AppError {
  return new AppError('RECORD_LOCKED', {
    details: {
      unit: lock.unit,
      schoolYear: lock.schoolYear,
      ...('period' in lock ? { period: lock.period } : {}),
    },
  });
}

/**
 * Runs a user write of a student's conduct page unless a lock in force covers it. The check and
 * the write run inside the registry's gate, so a lock is applied either before (the write is
 * refused) or after (the write is in the locked content), never in between.
 */
export function writeUnlessLocked<T>(
  deps: ConductDeps,
  write: ConductWrite,
  work: () => Promise<T>,
): Promise<T> {
  return deps.locks.write(write.schoolId, write.schoolYear, async (locks) => {
    const lock = lockCovering(locks, write);
    if (lock) throw recordLocked(lock);
    return work();
  });
}

/**
 * Answers a lock request for conduct's data (the registry calls this while no write of the school
 * year is in flight): reads the unit and returns its canonical content, or why it cannot be signed.
 */
export async function decideConductLock(deps: ConductDeps, scope: LockScope): Promise<LockDecision> {
  switch (scope.unit) {
    case 'CLASS_CONDUCT': {
      const roster = (await deps.repository.roster(scope.classId)).filter(
        (m) => m.schoolYear === scope.schoolYear,
      );
      const ids = roster.map((m) => m.studentId);
      const records = new Map(
        (await deps.repository.findRecordsOfYear(ids, scope.schoolYear)).map((r) => [r.studentId, r]),
      );
      return classConductDecision(
        scope,
        ids.map((studentId) => ({ studentId, record: records.get(studentId) ?? null })),
      );
    }
    case 'STUDENT_YEAR': {
      const [membership, record] = await Promise.all([
        deps.repository.findMembership(scope.studentId, scope.schoolYear),
        deps.repository.findRecord(scope.studentId, scope.schoolYear),
      ]);
      return studentYearDecision(scope, membership ? { classId: membership.classId, record } : null);
    }
    case 'WINDOW':
      // A lock window is signed by no one: nothing to confirm but the lock itself.
      return { outcome: 'APPLIED', content: null };
    case 'SUBJECT':
      return {
        outcome: 'REFUSED',
        code: 'VALIDATION_FAILED',
        message: 'Điểm môn học không thuộc dữ liệu rèn luyện.',
        details: [],
      };
  }
}
