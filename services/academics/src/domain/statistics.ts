/**
 * The academics dashboard tables (issue 7): what one class of a school year contributes to the
 * school's statistics. Pure: the class's students and gradebooks in, figures out; every result
 * (averages, ĐẠT / CHƯA ĐẠT, the learning result) comes from the same merge and rules as the
 * record book (`subject-result.ts`, @hocbaso/assessment).
 *
 * Who counts: each student once per school year, in the LAST class they were in that year (by
 * enrolment), unless they left it and the school (transferred out, dropped out). So a student who
 * changed class counts in the new one, with the marks merged from both.
 */
import { subjectByCode, type Level } from '@hocbaso/assessment';
import type { Figure, PartRef, StatisticsTableDefinition, StatisticsTerm } from '@hocbaso/statistics';
import type { GradebookDocument } from '../model/gradebook.model';
import type { EnrollmentRecord, RosterStudentDocument } from '../model/roster.model';
import {
  learningOutcomes,
  studentSubjectResults,
  type MergedSubjectResult,
  type PeriodResult,
} from './subject-result';

/** Column of a student whose results of the period are not all there yet. */
export const INCOMPLETE = 'INCOMPLETE';

const LEVEL_COLUMNS: ReadonlyArray<{ key: Level | typeof INCOMPLETE; label: string }> = [
  { key: 'TOT', label: 'Tốt' },
  { key: 'KHA', label: 'Khá' },
  { key: 'DAT', label: 'Đạt' },
  { key: 'CHUA_DAT', label: 'Chưa đạt' },
  { key: INCOMPLETE, label: 'Chưa đủ kết quả' },
];

/** Kết quả học tập: every student of the grade, by learning level (or not complete yet). */
export const LEARNING_RESULTS_TABLE: StatisticsTableDefinition = {
  name: 'learningResults',
  title: 'Kết quả học tập',
  columns: LEVEL_COLUMNS,
  totalLabel: 'Tổng số học sinh',
};

/** The contributed sum of the students' averages (the Điểm TB column is sum / students). */
export const SCORE_SUM = 'SUM';

/** Band `b` holds averages in [b, b + 1); the last band is [9, 10]. */
export const SCORE_BANDS: ReadonlyArray<{ key: string; label: string }> = Array.from(
  { length: 10 },
  (_, b) => ({
    key: `B${b}`,
    label: b === 9 ? '9–10' : `${b}–<${b + 1}`,
  }),
);

export function scoreBand(average: number): string {
  return `B${Math.min(9, Math.max(0, Math.floor(average)))}`;
}

const subjectItems = {
  heading: 'Môn học',
  label: (code: string) => subjectByCode(code)?.name ?? code,
};

/** Điểm trung bình môn học: per scored subject, how many students' averages fall in each band. */
export const SUBJECT_SCORES_TABLE: StatisticsTableDefinition = {
  name: 'subjectScores',
  title: 'Điểm trung bình môn học',
  items: subjectItems,
  columns: SCORE_BANDS,
  totalLabel: 'Số học sinh có điểm trung bình',
  averages: [{ label: 'Điểm TB', sumColumn: SCORE_SUM }],
};

/** Môn đánh giá bằng nhận xét: per comment subject, ĐẠT / CHƯA ĐẠT. */
export const SUBJECT_PASSES_TABLE: StatisticsTableDefinition = {
  name: 'subjectPasses',
  title: 'Môn đánh giá bằng nhận xét',
  items: subjectItems,
  columns: [
    { key: 'DAT', label: 'Đạt' },
    { key: 'CHUA_DAT', label: 'Chưa đạt' },
  ],
  totalLabel: 'Số học sinh được đánh giá',
};

/** The tables by their field on `Statistics`. */
export const ACADEMICS_STATISTICS_TABLES = {
  learningResults: LEARNING_RESULTS_TABLE,
  subjectScores: SUBJECT_SCORES_TABLE,
  subjectPasses: SUBJECT_PASSES_TABLE,
} as const;

/** A class's share of its school's statistics: the class is both the part and its group. */
export function classPart(schoolId: string, schoolYear: string, classId: string): PartRef {
  return { schoolId, schoolYear, group: classId, part: classId };
}

/** A student who left their class and the school: no longer counted anywhere that year. */
const LEFT_SCHOOL = new Set(['TRANSFERRED', 'DROPPED_OUT']);

function enrolmentsOf(student: RosterStudentDocument, schoolYear: string): EnrollmentRecord[] {
  return student.enrollments
    .filter((e) => e.schoolYear === schoolYear)
    .sort(
      (a, b) =>
        a.enrolledOn.localeCompare(b.enrolledOn) ||
        new Date(a.enrolledAt).getTime() - new Date(b.enrolledAt).getTime(),
    );
}

/** The class a student counts in for the year (see the header), or null. */
export function countingEnrolment(
  student: RosterStudentDocument,
  schoolYear: string,
): EnrollmentRecord | null {
  const last = enrolmentsOf(student, schoolYear).at(-1);
  if (!last) return null;
  if (last.leftOn !== null && LEFT_SCHOOL.has(student.status)) return null;
  return last;
}

/**
 * The classes whose figures a change of this student's data may move: every class they were in
 * (that year, or any year when none is given): the one they count in, and those they no longer do.
 */
export function studentParts(student: RosterStudentDocument | null, schoolYear?: string): PartRef[] {
  return (student?.enrollments ?? [])
    .filter((e) => schoolYear === undefined || e.schoolYear === schoolYear)
    .map((e) => classPart(e.schoolId, e.schoolYear, e.classId));
}

/** Parts named twice (a class by the event and by the student's enrolment) once. */
export function distinctParts(parts: readonly PartRef[]): PartRef[] {
  const seen = new Map<string, PartRef>();
  for (const part of parts) seen.set(`${part.schoolId}|${part.schoolYear}|${part.group}|${part.part}`, part);
  return [...seen.values()];
}

const PERIODS: ReadonlyArray<{ term: StatisticsTerm; pick: (r: MergedSubjectResult) => PeriodResult }> = [
  { term: 'TERM_1', pick: (r) => r.term1Result },
  { term: 'TERM_2', pick: (r) => r.term2Result },
  // The year as the record book shows it: after a summer re-assessment where there was one.
  { term: 'YEAR', pick: (r) => r.final },
];

/** One student's figures: their learning level per period, each subject's average or ĐẠT / CHƯA ĐẠT. */
export function studentFigures(grade: number, results: readonly MergedSubjectResult[]): Figure[] {
  const figures: Figure[] = [];
  for (const outcome of learningOutcomes(results)) {
    figures.push({
      table: LEARNING_RESULTS_TABLE.name,
      term: outcome.period,
      grade,
      column: outcome.complete && outcome.level ? outcome.level : INCOMPLETE,
      value: 1,
    });
  }
  for (const result of results) {
    for (const { term, pick } of PERIODS) {
      const period = pick(result);
      const item = result.subjectCode;
      if (result.kind === 'SCORE' && period.average !== null) {
        const cell = { table: SUBJECT_SCORES_TABLE.name, term, grade, item };
        figures.push({ ...cell, column: scoreBand(period.average), value: 1 });
        figures.push({ ...cell, column: SCORE_SUM, value: period.average });
      } else if (result.kind === 'COMMENT' && period.result !== null) {
        figures.push({
          table: SUBJECT_PASSES_TABLE.name,
          term,
          grade,
          item,
          column: period.result,
          value: 1,
        });
      }
    }
  }
  return figures;
}

export interface ClassStatisticsInput {
  classId: string;
  schoolYear: string;
  /** The class's grade (from the roster, else its enrolments or gradebooks). */
  grade: number;
  /** Everyone who is or was in the class (others are ignored). */
  students: readonly RosterStudentDocument[];
  /** The class's gradebooks and those of its students' other classes of the year. */
  gradebooks: readonly GradebookDocument[];
}

/** What a class contributes: the figures of every student who counts in it (see the header). */
export function classFigures(input: ClassStatisticsInput): { figures: Figure[]; students: number } {
  const counted = input.students.filter(
    (s) => countingEnrolment(s, input.schoolYear)?.classId === input.classId,
  );
  const figures = counted.flatMap((student) =>
    studentFigures(
      input.grade,
      studentSubjectResults(student._id, input.schoolYear, student, input.gradebooks),
    ),
  );
  return { figures, students: counted.length };
}
