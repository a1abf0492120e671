import type { Level } from '@hocbaso/assessment';
import { ERROR_CATALOGUE } from '@hocbaso/errors';
import type { LockScope, RecordPeriod } from '@hocbaso/events';
import type { LockDecision } from '@hocbaso/service-kit';

/**
 * Conduct's side of the lock protocol (packages/events/src/signatures.ts): which locks cover a
 * write, and the canonical content conduct confirms for a lock. Pure: the use cases read the data.
 */

/**
 * One user write of a student's conduct page, as the locks see it. `parts` names what it touches:
 * TERM_1 / TERM_2 that term's conduct rating, YEAR anything else of the year page (absences,
 * awards, discipline, comment, summer re-assessment, outcome confirmation).
 */
export interface ConductWrite {
  studentId: string;
  schoolId: string;
  schoolYear: string;
  /** The student's class this school year (conduct's roster read model); null when unknown. */
  classId: string | null;
  grade: number;
  parts: readonly RecordPeriod[];
}

/**
 * A lock of `period` covers these parts: a YEAR lock the whole page, a term lock only that term's
 * rating. (Unlike the kit's periodCovers, a year-only field is not in a term's locked content.)
 */
function periodCoversParts(period: RecordPeriod, parts: readonly RecordPeriod[]): boolean {
  return period === 'YEAR' || parts.includes(period);
}

/** The first lock in force that covers the write, or null when the write may go ahead. */
export function lockCovering(locks: readonly LockScope[], write: ConductWrite): LockScope | null {
  return (
    locks.find((lock) => {
      if (lock.schoolYear !== write.schoolYear) return false;
      switch (lock.unit) {
        case 'CLASS_CONDUCT':
          return lock.classId === write.classId && periodCoversParts(lock.period, write.parts);
        case 'STUDENT_YEAR':
          return lock.studentId === write.studentId;
        case 'WINDOW':
          return (
            lock.schoolId === write.schoolId &&
            (lock.grade === null || lock.grade === write.grade) &&
            periodCoversParts(lock.period, write.parts)
          );
        case 'SUBJECT':
          return false;
      }
    }) ?? null
  );
}

/** What the content needs of a student's conduct record of the year (null: nothing recorded yet). */
export interface ConductPage {
  conductTerm1: Level | null;
  conductTerm2: Level | null;
  summerConduct: Level | null;
  homeroomComment: string | null;
  absences: ReadonlyArray<{ excused: boolean }>;
  awards: ReadonlyArray<{ _id: string; kind: string; title: string; grantedOn: string }>;
  discipline: ReadonlyArray<{ _id: string; form: string; reason: string; decidedOn: string }>;
  standing: {
    learning: Level | null;
    conduct: Level | null;
    outcome: string | null;
    title: string | null;
  } | null;
  confirmedOutcome: { outcome: string } | null;
}

/** A student of the class and their record of the year. */
export interface ClassMember {
  studentId: string;
  record: ConductPage | null;
}

/** The whole conduct page of a student's year, in the canonical form signatures signs. */
export interface ConductYearContent {
  studentId: string;
  conductTerm1: Level | null;
  conductTerm2: Level | null;
  /** From the two terms; after summer re-training, the re-assessment (as the page shows it). */
  conductYear: Level | null;
  summerConduct: Level | null;
  absences: { total: number; excused: number; unexcused: number };
  awards: Array<{ id: string; kind: string; title: string; grantedOn: string }>;
  discipline: Array<{ id: string; form: string; reason: string; decidedOn: string }>;
  learningResult: Level | null;
  outcome: string | null;
  title: string | null;
  outcomeConfirmed: boolean;
  homeroomComment: string | null;
}

export type ConductTermContent =
  { studentId: string; conductTerm1: Level | null } | { studentId: string; conductTerm2: Level | null };

/** Ascending by a string key, independent of the locale (the content must be the same everywhere). */
const byKey =
  <T>(...keys: Array<(item: T) => string>) =>
  (a: T, b: T): number => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };

export function conductYearContent(studentId: string, record: ConductPage | null): ConductYearContent {
  const absences = record?.absences ?? [];
  const excused = absences.filter((a) => a.excused).length;
  const outcome = record?.standing?.outcome ?? null;
  return {
    studentId,
    conductTerm1: record?.conductTerm1 ?? null,
    conductTerm2: record?.conductTerm2 ?? null,
    conductYear: record?.standing?.conduct ?? null,
    summerConduct: record?.summerConduct ?? null,
    absences: { total: absences.length, excused, unexcused: absences.length - excused },
    awards: (record?.awards ?? [])
      .map((a) => ({ id: a._id, kind: a.kind, title: a.title, grantedOn: a.grantedOn }))
      .sort(
        byKey(
          (a) => a.grantedOn,
          (a) => a.id,
        ),
      ),
    discipline: (record?.discipline ?? [])
      .map((d) => ({ id: d._id, form: d.form, reason: d.reason, decidedOn: d.decidedOn }))
      .sort(
        byKey(
          (d) => d.decidedOn,
          (d) => d.id,
        ),
      ),
    learningResult: record?.standing?.learning ?? null,
    outcome,
    title: record?.standing?.title ?? null,
    outcomeConfirmed: outcome !== null && record?.confirmedOutcome?.outcome === outcome,
    homeroomComment: record?.homeroomComment ?? null,
  };
}

function termContent(period: 'TERM_1' | 'TERM_2', member: ClassMember): ConductTermContent {
  return period === 'TERM_1'
    ? { studentId: member.studentId, conductTerm1: member.record?.conductTerm1 ?? null }
    : { studentId: member.studentId, conductTerm2: member.record?.conductTerm2 ?? null };
}

/** What the period needs before it can be signed, by content field name. */
export function missingForPeriod(period: RecordPeriod, record: ConductPage | null): string[] {
  if (period === 'TERM_1') return record?.conductTerm1 ? [] : ['conductTerm1'];
  if (period === 'TERM_2') return record?.conductTerm2 ? [] : ['conductTerm2'];
  const missing: string[] = [];
  if (!record?.conductTerm1) missing.push('conductTerm1');
  if (!record?.conductTerm2) missing.push('conductTerm2');
  if (!record?.standing?.conduct) missing.push('conductYear');
  if (!record?.standing?.outcome) missing.push('outcome');
  return missing;
}

function incomplete(details: string[]): LockDecision {
  return {
    outcome: 'REFUSED',
    code: 'CONDUCT_INCOMPLETE',
    message: ERROR_CATALOGUE.CONDUCT_INCOMPLETE.vi,
    details,
  };
}

/**
 * CLASS_CONDUCT: every student of the class must have the period's rating (and for YEAR the year
 * rating and the computed outcome); the content lists them by student id. A class with no student
 * known here is refused too: there is nothing to sign (or the roster has not arrived yet).
 */
export function classConductDecision(
  scope: Extract<LockScope, { unit: 'CLASS_CONDUCT' }>,
  members: readonly ClassMember[],
): LockDecision {
  if (members.length === 0) return incomplete(['Lớp chưa có học sinh nào.']);
  const sorted = [...members].sort(byKey((m) => m.studentId));
  const details = sorted
    .map((m) => ({ studentId: m.studentId, missing: missingForPeriod(scope.period, m.record) }))
    .filter((m) => m.missing.length > 0)
    .map((m) => `${m.studentId}: ${m.missing.join(', ')}`);
  if (details.length > 0) return incomplete(details);
  const period = scope.period;
  return {
    outcome: 'APPLIED',
    content: {
      schoolYear: scope.schoolYear,
      classId: scope.classId,
      period,
      students: sorted.map((m) =>
        period === 'YEAR' ? conductYearContent(m.studentId, m.record) : termContent(period, m),
      ),
    },
  };
}

/**
 * STUDENT_YEAR: the student's whole conduct page of the year, once the year rating and the
 * outcome are there (the approver signs a finished year).
 */
export function studentYearDecision(
  scope: Extract<LockScope, { unit: 'STUDENT_YEAR' }>,
  member: { classId: string | null; record: ConductPage | null } | null,
): LockDecision {
  if (!member) {
    return {
      outcome: 'REFUSED',
      code: 'NOT_FOUND',
      message: `Không có học sinh này trong năm học ${scope.schoolYear}.`,
      details: [scope.studentId],
    };
  }
  const missing = missingForPeriod('YEAR', member.record);
  if (missing.length > 0) return incomplete([`${scope.studentId}: ${missing.join(', ')}`]);
  return {
    outcome: 'APPLIED',
    content: {
      schoolYear: scope.schoolYear,
      classId: member.classId,
      ...conductYearContent(scope.studentId, member.record),
    },
  };
}
