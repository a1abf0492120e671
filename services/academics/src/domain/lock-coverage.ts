/**
 * Which locks in force cover a write of academics' data (issue 4, R8). Pure: the locks come from
 * the service's RecordLockRegistry, the write's target from the use case.
 *
 * - SUBJECT (class, subject, period): what the subject teacher signed. Covers that class's
 *   gradebook of the subject for the period (YEAR: both terms): marks, comments, exemptions; and
 *   the rows, in other classes' gradebooks of the subject, of a student who was in that class that
 *   year (a student who changed class: their merged result is in the signed content). Not the
 *   summer re-assessment, which comes after the year (TT22 Điều 12).
 * - STUDENT_YEAR (student, year): the year page the approver signed. Every row of the student in
 *   every subject of the year, the re-assessment and exemptions included.
 * - WINDOW (school, year, period, grade | null): every gradebook of the school (or of the grade)
 *   for the period; a YEAR window covers the re-assessment too.
 * - CLASS_CONDUCT is conduct's; it covers nothing here.
 */
import { AppError } from '@hocbaso/errors';
import { periodCovers } from '@hocbaso/service-kit';
import type { LockScope, RecordPeriod } from '@hocbaso/events';
import type { ExemptionRecord } from '../model/gradebook.model';

/** The gradebook a write goes to. */
export interface GradebookTarget {
  schoolYear: string;
  classId: string;
  subjectCode: string;
  grade: number;
}

/**
 * The part of the year a write touches: a term, the year (e.g. an exemption for the year), or the
 * summer re-assessment (SUMMER), after the year.
 */
export type WritePeriod = RecordPeriod | 'SUMMER';

/** One student's data written in a gradebook. */
export interface StudentWrite {
  gradebook: GradebookTarget;
  /** One or more periods (an exemption replacing another touches both). */
  periods: readonly WritePeriod[];
  studentId: string;
  /** The classes the student was in that school year (the roster's enrolments). */
  studentClassIds: readonly string[];
}

function covers(lockPeriod: RecordPeriod, write: WritePeriod): boolean {
  return write === 'SUMMER' ? false : periodCovers(lockPeriod, write);
}

/**
 * A SUBJECT or WINDOW lock on the gradebook itself for one of these periods: the whole write is
 * refused (one argument error).
 */
export function gradebookLock(
  locks: readonly LockScope[],
  gradebook: GradebookTarget,
  periods: readonly WritePeriod[],
): LockScope | null {
  return (
    locks.find((lock) => {
      if (lock.schoolYear !== gradebook.schoolYear) return false;
      if (lock.unit === 'SUBJECT') {
        return (
          lock.classId === gradebook.classId &&
          lock.subjectCode === gradebook.subjectCode &&
          periods.some((p) => covers(lock.period, p))
        );
      }
      if (lock.unit === 'WINDOW') {
        return (
          (lock.grade === null || lock.grade === gradebook.grade) &&
          periods.some((p) => (p === 'SUMMER' ? lock.period === 'YEAR' : periodCovers(lock.period, p)))
        );
      }
      return false;
    }) ?? null
  );
}

/**
 * A lock on this student's data that is not a lock of the whole gradebook: the student's year
 * page, or the subject of another class the student was in that year (refused row by row).
 */
export function studentLock(locks: readonly LockScope[], write: StudentWrite): LockScope | null {
  const { gradebook } = write;
  return (
    locks.find((lock) => {
      if (lock.schoolYear !== gradebook.schoolYear) return false;
      if (lock.unit === 'STUDENT_YEAR') return lock.studentId === write.studentId;
      if (lock.unit === 'SUBJECT') {
        return (
          lock.classId !== gradebook.classId &&
          lock.subjectCode === gradebook.subjectCode &&
          write.studentClassIds.includes(lock.classId) &&
          write.periods.some((p) => covers(lock.period, p))
        );
      }
      return false;
    }) ?? null
  );
}

/**
 * The periods an exemption change touches: the new record's and the one it replaces in the
 * gradebook (a lock of either refuses it). Cancelling when nothing is in force changes nothing
 * visible; it counts as the year, to be safe.
 */
export function exemptionPeriods(
  previous: Pick<ExemptionRecord, 'period' | 'cancelled'> | null,
  next: Pick<ExemptionRecord, 'period' | 'cancelled'>,
): WritePeriod[] {
  const periods: WritePeriod[] = [];
  if (previous && !previous.cancelled) periods.push(previous.period);
  if (!next.cancelled && !periods.includes(next.period)) periods.push(next.period);
  return periods.length ? periods : ['YEAR'];
}

/** The first lock in force that covers this write of one student's data, or null. */
export function coveringLock(locks: readonly LockScope[], write: StudentWrite): LockScope | null {
  return gradebookLock(locks, write.gradebook, write.periods) ?? studentLock(locks, write);
}

const PERIOD_LABELS: Record<RecordPeriod, string> = {
  TERM_1: 'học kì I',
  TERM_2: 'học kì II',
  YEAR: 'cả năm',
};

/** What the teacher reads when a lock refuses the write (Vietnamese; no personal data). */
export function lockedMessage(lock: LockScope): string {
  const then = 'Muốn sửa, hãy lập đề nghị chỉnh sửa để Hiệu trưởng phê duyệt.';
  switch (lock.unit) {
    case 'SUBJECT':
      return `Điểm ${PERIOD_LABELS[lock.period]} môn học này của lớp đã được giáo viên bộ môn ký và khóa. ${then}`;
    case 'STUDENT_YEAR':
      return `Học bạ năm học ${lock.schoolYear} của học sinh (mã ${lock.studentId}) đã được phê duyệt và khóa. ${then}`;
    case 'WINDOW':
      return `Nhà trường đã khóa sổ ${PERIOD_LABELS[lock.period]}${lock.grade === null ? '' : ` khối ${lock.grade}`} năm học ${lock.schoolYear}. ${then}`;
    case 'CLASS_CONDUCT':
      return `Dữ liệu đã được ký và khóa. ${then}`;
  }
}

/** The GraphQL error of a write a lock refuses (nothing was written). */
export function recordLocked(lock: LockScope): AppError {
  return new AppError('RECORD_LOCKED', {
    message: lockedMessage(lock),
    details: { unit: lock.unit, ...('period' in lock ? { period: lock.period } : {}) },
  });
}
