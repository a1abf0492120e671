import { fieldProblem, validationFailed, type FieldProblem } from '@hocbaso/errors';

/** Cấp thống kê: one school, a district (Phòng GD&ĐT) or a province (Sở GD&ĐT). */
export type StatisticsScope = 'SCHOOL' | 'DISTRICT' | 'PROVINCE';
/** Học kì I, học kì II or the whole school year. */
export type StatisticsTerm = 'TERM_1' | 'TERM_2' | 'YEAR';
export const STATISTICS_TERMS: readonly StatisticsTerm[] = ['TERM_1', 'TERM_2', 'YEAR'];
export const GRADES = [10, 11, 12] as const;

/**
 * What a statistics entity is keyed by, in every subgraph that contributes to it. `code` is the
 * school id, the district code (mã quận/huyện) or the province code (mã tỉnh); a null grade
 * means every grade.
 */
export interface StatisticsKey {
  scope: StatisticsScope;
  code: string;
  schoolYear: string;
  term: StatisticsTerm;
  grade: number | null;
}

const SCHOOL_YEAR = /^(\d{4})-(\d{4})$/;

/** Checks a key from a client (the root query) and returns it normalised. */
export function parseStatisticsKey(input: {
  scope: StatisticsScope;
  code: string;
  schoolYear: string;
  term?: StatisticsTerm | null;
  grade?: number | null;
}): StatisticsKey {
  const problems: FieldProblem[] = [];
  const code = input.code.trim();
  if (code.length === 0 || code.length > 64)
    problems.push(fieldProblem('code', 'VALIDATION_FAILED', 'Cần mã trường, mã quận/huyện hoặc mã tỉnh.'));
  const year = SCHOOL_YEAR.exec(input.schoolYear.trim());
  if (!year || Number(year[2]) !== Number(year[1]) + 1)
    problems.push(
      fieldProblem('schoolYear', 'VALIDATION_FAILED', 'Năm học có dạng 2025-2026 (hai năm liên tiếp).'),
    );
  const grade = input.grade ?? null;
  if (grade !== null && !(GRADES as readonly number[]).includes(grade))
    problems.push(fieldProblem('grade', 'VALIDATION_FAILED', 'Khối lớp là 10, 11 hoặc 12.'));
  if (problems.length) throw validationFailed(problems);
  return { scope: input.scope, code, schoolYear: input.schoolYear.trim(), term: input.term ?? 'YEAR', grade };
}
