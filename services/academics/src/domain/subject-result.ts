/**
 * A student's result in one subject and school year, merged from the gradebooks of every class the
 * student was in that year, and the learning result computed from all their subjects. Pure; every
 * rule (averages, comment results, learning result, re-assessment) comes from @hocbaso/assessment.
 *
 * Merge rule (a student who changes class mid-year has a row in two classes' gradebooks): the
 * gradebooks are ordered by the student's enrolment in their class (enrolment date, then when the
 * enrolment was recorded; a class the roster does not know for the student comes first, then by
 * gradebook id). Each assessment cell (every ĐĐGtx, ĐĐGgk, ĐĐGck of each term) is taken from the
 * LATEST gradebook in that order that has a value for it; likewise the teacher's comment of each
 * term, the summer re-assessment and the exemption. So marks entered in the first class before the
 * move stay, and the new class's teacher completes or corrects them.
 */
import {
  commentTermResult,
  commentYearResult,
  learningResult,
  summerReassessmentSubjects,
  termAverage,
  yearAverage,
  type Level,
  type SubjectYearResult,
} from '@hocbaso/assessment';
import type {
  ExemptionRecord,
  GradebookDocument,
  GradebookRow,
  Mark,
  Pass,
  ReassessmentRecord,
  TermEntry,
  TermKey,
} from '../model/gradebook.model';
import type { RosterStudentDocument } from '../model/roster.model';
import { subjectOrder, subjectRules } from './subjects';

/** A period's result: a scored subject's average, a comment subject's ĐẠT/CHƯA ĐẠT; null until complete. */
export interface PeriodResult {
  average: number | null;
  result: Pass | null;
}

export const EMPTY_RESULT: PeriodResult = Object.freeze({ average: null, result: null });

export interface MergedSubjectResult {
  studentId: string;
  subjectCode: string;
  schoolYear: string;
  kind: 'SCORE' | 'COMMENT';
  regularCount: number;
  /** The classes (gradebooks) the result is merged from, in enrolment order; the last is the latest. */
  sources: Array<{ gradebookId: string; classId: string; schoolId: string; grade: number }>;
  term1: TermEntry | null;
  term2: TermEntry | null;
  reassessment: ReassessmentRecord | null;
  /** The exemption in force (null when none, or when the latest record cancels it). */
  exemption: ExemptionRecord | null;
  term1Result: PeriodResult;
  term2Result: PeriodResult;
  /** From the two terms (ĐTBmcn; a comment subject's term II result). */
  year: PeriodResult;
  /** The year result in force: the summer re-assessment's when there was one, else `year`. */
  final: PeriodResult;
  /** How many approved corrections changed this result (R8; the record book's correction footer). */
  corrections: number;
}

/** Orders a student's gradebooks of a school year by the student's enrolment in their class. */
export function enrolmentOrder(
  student: RosterStudentDocument | null,
  schoolYear: string,
): (a: GradebookDocument, b: GradebookDocument) => number {
  const rank = new Map<string, number>();
  (student?.enrollments ?? [])
    .filter((e) => e.schoolYear === schoolYear)
    .sort(
      (a, b) =>
        a.enrolledOn.localeCompare(b.enrolledOn) ||
        new Date(a.enrolledAt).getTime() - new Date(b.enrolledAt).getTime(),
    )
    .forEach((e, index) => rank.set(e.classId, index));
  return (a, b) => (rank.get(a.classId) ?? -1) - (rank.get(b.classId) ?? -1) || a._id.localeCompare(b._id);
}

function latest<T>(values: ReadonlyArray<T | null | undefined>): T | null {
  for (let i = values.length - 1; i >= 0; i -= 1) {
    const value = values[i];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/** Cell by cell, the latest class's value wins (see the merge rule above). */
export function mergeTermEntries(
  entries: ReadonlyArray<TermEntry | null>,
  regularCount: number,
): TermEntry | null {
  const present = entries.filter((e): e is TermEntry => e !== null);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0] ?? null;
  const newest = present.reduce((a, b) => (new Date(b.recordedAt) >= new Date(a.recordedAt) ? b : a));
  return {
    regular: Array.from({ length: regularCount }, (_, i) => latest(present.map((e) => e.regular[i]))),
    midterm: latest(present.map((e) => e.midterm)),
    final: latest(present.map((e) => e.final)),
    comment: latest(present.map((e) => e.comment)),
    recordedAt: newest.recordedAt,
    recordedBy: newest.recordedBy,
  };
}

/** The term's result, once every assessment of the term is there. */
export function termResult(
  entry: TermEntry | null,
  kind: 'SCORE' | 'COMMENT',
  regularCount: number,
): PeriodResult {
  if (!entry) return EMPTY_RESULT;
  const marks: Array<Mark | null> = [...entry.regular, entry.midterm, entry.final];
  if (entry.regular.length !== regularCount || marks.some((m) => m === null)) return EMPTY_RESULT;
  if (kind === 'SCORE') {
    return {
      average: termAverage({
        regular: entry.regular as number[],
        midterm: entry.midterm as number,
        final: entry.final as number,
      }),
      result: null,
    };
  }
  return { average: null, result: commentTermResult(marks as Pass[], regularCount + 2) };
}

export function yearResult(
  term1: PeriodResult,
  term2: PeriodResult,
  kind: 'SCORE' | 'COMMENT',
): PeriodResult {
  if (kind === 'SCORE') {
    return term1.average !== null && term2.average !== null
      ? { average: yearAverage(term1.average, term2.average), result: null }
      : EMPTY_RESULT;
  }
  return term1.result !== null && term2.result !== null
    ? { average: null, result: commentYearResult(term1.result, term2.result) }
    : EMPTY_RESULT;
}

/** Merges one student's rows of one subject (gradebooks already in enrolment order). */
export function mergeSubjectResult(
  studentId: string,
  parts: ReadonlyArray<{ gradebook: GradebookDocument; row: GradebookRow }>,
): MergedSubjectResult | null {
  const first = parts[0];
  if (!first) return null;
  const { subjectCode, schoolYear, kind } = first.gradebook;
  const regularCount = subjectRules(subjectCode)?.regularCount ?? first.gradebook.regularCount;
  const term = (key: TermKey) =>
    mergeTermEntries(
      parts.map((p) => p.row[key]),
      regularCount,
    );
  const term1 = term('term1');
  const term2 = term('term2');
  const reassessment = latest(parts.map((p) => p.row.reassessment));
  const exemption = latest(parts.map((p) => p.row.exemption));
  const term1Result = termResult(term1, kind, regularCount);
  const term2Result = termResult(term2, kind, regularCount);
  const year = yearResult(term1Result, term2Result, kind);
  const final: PeriodResult = reassessment
    ? { average: reassessment.average, result: reassessment.result }
    : year;
  return {
    studentId,
    subjectCode,
    schoolYear,
    kind,
    regularCount,
    sources: parts.map(({ gradebook }) => ({
      gradebookId: gradebook._id,
      classId: gradebook.classId,
      schoolId: gradebook.schoolId,
      grade: gradebook.grade,
    })),
    term1,
    term2,
    reassessment,
    exemption: exemption && !exemption.cancelled ? exemption : null,
    term1Result,
    term2Result,
    year,
    final,
    corrections: parts.reduce(
      (count, { gradebook }) =>
        count + (gradebook.corrections ?? []).filter((c) => c.studentId === studentId).length,
      0,
    ),
  };
}

/** Every subject result of one student in one school year, in record-book order. */
export function studentSubjectResults(
  studentId: string,
  schoolYear: string,
  student: RosterStudentDocument | null,
  gradebooks: readonly GradebookDocument[],
): MergedSubjectResult[] {
  const bySubject = new Map<string, GradebookDocument[]>();
  for (const gradebook of gradebooks) {
    if (gradebook.schoolYear !== schoolYear) continue;
    if (!gradebook.rows.some((r) => r.studentId === studentId)) continue;
    bySubject.set(gradebook.subjectCode, [...(bySubject.get(gradebook.subjectCode) ?? []), gradebook]);
  }
  const order = enrolmentOrder(student, schoolYear);
  return [...bySubject.entries()]
    .sort(([a], [b]) => subjectOrder(a) - subjectOrder(b) || a.localeCompare(b))
    .flatMap(([, books]) => {
      const parts = [...books].sort(order).flatMap((gradebook) => {
        const row = gradebook.rows.find((r) => r.studentId === studentId);
        return row ? [{ gradebook, row }] : [];
      });
      const merged = mergeSubjectResult(studentId, parts);
      return merged ? [merged] : [];
    });
}

export type LearningPeriod = 'TERM_1' | 'TERM_2' | 'YEAR';

/** Kết quả học tập of one period. */
export interface LearningOutcome {
  period: LearningPeriod;
  /** Null until every subject has its result for the period. */
  level: Level | null;
  /** For the year: the level from the terms, before any summer re-assessment. */
  levelBeforeReassessment: Level | null;
  subjectCount: number;
  complete: boolean;
  /** For the year, when the level before re-assessment is CHƯA ĐẠT: the subjects to re-take. */
  reassessmentSubjects: string[];
}

function asSubjectResult(kind: 'SCORE' | 'COMMENT', result: PeriodResult): SubjectYearResult | null {
  if (kind === 'SCORE') return result.average === null ? null : { kind, average: result.average };
  return result.result === null ? null : { kind, result: result.result };
}

function levelOf(results: readonly MergedSubjectResult[], pick: (r: MergedSubjectResult) => PeriodResult) {
  const subjects = results.map((r) => asSubjectResult(r.kind, pick(r)));
  const complete = subjects.length > 0 && subjects.every((s) => s !== null);
  return { subjects, complete, level: complete ? learningResult(subjects as SubjectYearResult[]) : null };
}

/** The learning results of a student's year: term I, term II and the year (after any re-assessment). */
export function learningOutcomes(results: readonly MergedSubjectResult[]): LearningOutcome[] {
  const outcome = (
    period: LearningPeriod,
    pick: (r: MergedSubjectResult) => PeriodResult,
  ): LearningOutcome => {
    const { complete, level } = levelOf(results, pick);
    return {
      period,
      level,
      levelBeforeReassessment: level,
      subjectCount: results.length,
      complete,
      reassessmentSubjects: [],
    };
  };
  const before = levelOf(results, (r) => r.year);
  const after = levelOf(results, (r) => r.final);
  const due =
    before.level === 'CHUA_DAT'
      ? summerReassessmentSubjects(before.subjects as SubjectYearResult[]).map(
          (index) => results[index]?.subjectCode ?? '',
        )
      : [];
  return [
    outcome('TERM_1', (r) => r.term1Result),
    outcome('TERM_2', (r) => r.term2Result),
    {
      period: 'YEAR',
      level: after.level,
      levelBeforeReassessment: before.level,
      subjectCount: results.length,
      complete: after.complete,
      reassessmentSubjects: due,
    },
  ];
}
