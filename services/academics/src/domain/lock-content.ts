/**
 * The locked content academics confirms for signing (issue 4): the data of the unit in a canonical
 * JSON form that signatures signs as is (RFC 8785 canonicalisation there). Plain JSON only:
 * strings, numbers, booleans, null and arrays sorted by a stable key (code-unit order, never a
 * locale); no dates, no database internals, no outbox, no health reasons. Pure.
 */
import type { LockScope } from '@hocbaso/events';
import type { LockDecision } from '@hocbaso/service-kit';
import type { Mark, TeacherComment, TermEntry } from '../model/gradebook.model';
import type { MergedSubjectResult, PeriodResult } from './subject-result';

/** One term of one student: the assessments, the term result and the teacher's comment. */
export interface TermContent {
  /** ĐĐGtx in order; a comment subject's are 'DAT' / 'CHUA_DAT'. */
  regular: Array<Mark | null>;
  midterm: Mark | null;
  final: Mark | null;
  /** ĐTBmhk (scored subjects). */
  average: number | null;
  /** ĐẠT / CHƯA ĐẠT (comment subjects). */
  result: string | null;
  comment: { progress: string | null; strengths: string | null; limitations: string | null } | null;
}

export interface PeriodContent {
  average: number | null;
  result: string | null;
}

/** SUBJECT: what the subject teacher signs. */
export interface SubjectLockContent {
  schoolYear: string;
  classId: string;
  subjectCode: string;
  subjectName: string;
  kind: 'SCORE' | 'COMMENT';
  period: 'TERM_1' | 'TERM_2' | 'YEAR';
  /** By studentId. TERM_1: term1 only; TERM_2: term2 only; YEAR: term1, term2 and year. */
  students: Array<{ studentId: string; term1?: TermContent; term2?: TermContent; year?: PeriodContent }>;
}

/** STUDENT_YEAR: the academics part of the year page the approver signs. */
export interface StudentYearLockContent {
  schoolYear: string;
  studentId: string;
  /** By subjectCode. */
  subjects: Array<{
    subjectCode: string;
    kind: 'SCORE' | 'COMMENT';
    term1: TermContent | null;
    term2: TermContent | null;
    /** From the two terms (before any re-assessment). */
    year: PeriodContent;
    /** Kiểm tra lại: replaces the year result. */
    reassessment: PeriodContent | null;
    /** Miễn phần thực hành, without its (health) reason. */
    exemption: { period: 'TERM_1' | 'TERM_2' | 'YEAR' } | null;
  }>;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const period = (result: PeriodResult): PeriodContent => ({ average: result.average, result: result.result });

const comment = (c: TeacherComment | null): TermContent['comment'] =>
  c
    ? { progress: c.progress ?? null, strengths: c.strengths ?? null, limitations: c.limitations ?? null }
    : null;

export function termContent(entry: TermEntry | null, result: PeriodResult): TermContent | null {
  if (!entry) return null;
  return {
    regular: [...entry.regular],
    midterm: entry.midterm,
    final: entry.final,
    average: result.average,
    result: result.result,
    comment: comment(entry.comment),
  };
}

const complete = (result: PeriodResult) => result.average !== null || result.result !== null;

/** Complete for the period: the term's result, or for YEAR both terms' and the year's. */
export function completeFor(result: MergedSubjectResult | undefined, scopePeriod: SubjectScope['period']) {
  if (!result) return false;
  if (scopePeriod === 'TERM_1') return complete(result.term1Result);
  if (scopePeriod === 'TERM_2') return complete(result.term2Result);
  return complete(result.term1Result) && complete(result.term2Result) && complete(result.year);
}

type SubjectScope = Extract<LockScope, { unit: 'SUBJECT' }>;
type StudentYearScope = Extract<LockScope, { unit: 'STUDENT_YEAR' }>;

const PERIOD_LABELS = { TERM_1: 'học kì I', TERM_2: 'học kì II', YEAR: 'cả năm' } as const;

/**
 * SUBJECT: refused with SUBJECT_INCOMPLETE (details: the students missing, by id) unless every
 * student studying in the class has a complete result for the period; otherwise the content.
 */
export function subjectLockDecision(input: {
  scope: SubjectScope;
  subject: { name: string; kind: 'SCORE' | 'COMMENT' };
  /** The students studying in the class. */
  studentIds: readonly string[];
  /** Their merged results in the subject (any class of the year), by student id. */
  results: ReadonlyMap<string, MergedSubjectResult>;
}): LockDecision {
  const { scope, subject } = input;
  const studentIds = [...new Set(input.studentIds)].sort(byCodeUnits);
  if (studentIds.length === 0) {
    return {
      outcome: 'REFUSED',
      code: 'SUBJECT_INCOMPLETE',
      message: 'Lớp chưa có học sinh nào đang học: không có gì để ký.',
      details: [],
    };
  }
  const missing = studentIds.filter((id) => !completeFor(input.results.get(id), scope.period));
  if (missing.length > 0) {
    return {
      outcome: 'REFUSED',
      code: 'SUBJECT_INCOMPLETE',
      message: `Môn ${subject.name}: còn ${missing.length} học sinh chưa có đủ điểm/nhận xét ${PERIOD_LABELS[scope.period]}, chưa thể ký.`,
      details: missing,
    };
  }
  const content: SubjectLockContent = {
    schoolYear: scope.schoolYear,
    classId: scope.classId,
    subjectCode: scope.subjectCode,
    subjectName: subject.name,
    kind: subject.kind,
    period: scope.period,
    students: studentIds.map((studentId) => {
      const r = input.results.get(studentId) as MergedSubjectResult;
      const term1 = termContent(r.term1, r.term1Result) as TermContent;
      const term2 = termContent(r.term2, r.term2Result) as TermContent;
      if (scope.period === 'TERM_1') return { studentId, term1 };
      if (scope.period === 'TERM_2') return { studentId, term2 };
      return { studentId, term1, term2, year: period(r.year) };
    }),
  };
  return { outcome: 'APPLIED', content };
}

/** STUDENT_YEAR: every subject result of the student's year, as it stands. */
export function studentYearLockContent(
  scope: StudentYearScope,
  results: readonly MergedSubjectResult[],
): StudentYearLockContent {
  return {
    schoolYear: scope.schoolYear,
    studentId: scope.studentId,
    subjects: [...results]
      .sort((a, b) => byCodeUnits(a.subjectCode, b.subjectCode))
      .map((r) => ({
        subjectCode: r.subjectCode,
        kind: r.kind,
        term1: termContent(r.term1, r.term1Result),
        term2: termContent(r.term2, r.term2Result),
        year: period(r.year),
        reassessment: r.reassessment
          ? { average: r.reassessment.average, result: r.reassessment.result }
          : null,
        exemption: r.exemption ? { period: r.exemption.period } : null,
      })),
  };
}
