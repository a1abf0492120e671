/** Regular-assessment counts (Điều 6, 7) and the term and year averages (Điều 9.1). */
import { divideRoundHalfUp, scoreToTenths, tenthsToNumber } from './decimal';
import { AssessmentError, detailValue, invalidInput, showValue } from './errors';
import type { AssessmentKind } from './types';

/** The fewest and most recorded regular assessments a term can have (2 up to 35 periods, 4 above 70). */
export const MIN_REGULAR_ASSESSMENTS = 2;
export const MAX_REGULAR_ASSESSMENTS = 4;

/**
 * The number of recorded regular assessments (ĐĐGtx) per term: for a scored subject 2 with up to 35
 * periods a year, 3 above 35 and up to 70, 4 above 70; a comment subject always 2.
 * Throws `VALIDATION_FAILED` when `periodsPerYear` is not a positive integer or `kind` is unknown.
 */
export function regularAssessmentCount(periodsPerYear: number, kind: AssessmentKind): number {
  if (typeof periodsPerYear !== 'number' || !Number.isInteger(periodsPerYear) || periodsPerYear <= 0) {
    throw invalidInput(
      'periodsPerYear',
      periodsPerYear,
      `Số tiết của môn học trong năm (${showValue(periodsPerYear)}) không hợp lệ: phải là một số nguyên dương.`,
    );
  }
  if (kind === 'COMMENT') return 2;
  if (kind !== 'SCORE') {
    throw invalidInput(
      'kind',
      kind,
      `Hình thức đánh giá (${showValue(kind)}) không hợp lệ: chỉ có đánh giá bằng nhận xét kết hợp điểm số (SCORE) hoặc chỉ bằng nhận xét (COMMENT).`,
    );
  }
  if (periodsPerYear <= 35) return 2;
  if (periodsPerYear <= 70) return 3;
  return 4;
}

/**
 * Every assessment of a term: the regular ones plus one mid-term and one end-of-term (Điều 7).
 * This is the `required` count for `commentTermResult` (2 + 2 = 4 for a comment subject).
 */
export function assessmentsPerTerm(periodsPerYear: number, kind: AssessmentKind): number {
  return regularAssessmentCount(periodsPerYear, kind) + 2;
}

export interface TermMarks {
  /** The regular assessments (ĐĐGtx) of the term, 2 to 4 of them; a missing one without make-up is 0. */
  regular: readonly number[];
  /** The mid-term assessment (ĐĐGgk). */
  midterm: number;
  /** The end-of-term assessment (ĐĐGck). */
  final: number;
}

/**
 * The term average ĐTBmhk = (Σ ĐĐGtx + 2 × ĐĐGgk + 3 × ĐĐGck) / (number of ĐĐGtx + 5), rounded half
 * up to one decimal with integer arithmetic.
 *
 * Every mark must be a valid score (`INVALID_SCORE`). The number of regular assessments must be one
 * the rules allow, 2 to 4 (`INVALID_ASSESSMENT_COUNT`); use `termAverageFor` to check it against the
 * subject's periods.
 */
export function termAverage(input: TermMarks): number {
  return tenthsToNumber(termAverageTenths(input));
}

/** `termAverage`, also checking that the number of regular assessments is the one the periods require. */
export function termAverageFor(input: TermMarks, periodsPerYear: number): number {
  const expected = regularAssessmentCount(periodsPerYear, 'SCORE');
  const actual = Array.isArray(input?.regular) ? input.regular.length : undefined;
  if (actual !== expected) {
    throw new AssessmentError(
      'INVALID_ASSESSMENT_COUNT',
      `Môn học có ${periodsPerYear} tiết/năm cần đúng ${expected} điểm đánh giá thường xuyên mỗi học kì, nhưng có ${actual ?? 0} điểm.`,
      { field: 'regular', expected, actual: actual ?? null, periodsPerYear },
    );
  }
  return termAverage(input);
}

/** The term average as integer tenths (7.3 → 73). */
export function termAverageTenths(input: TermMarks): number {
  if (input === null || typeof input !== 'object') {
    throw invalidInput('input', input, 'Thiếu điểm của học kì.');
  }
  const { regular, midterm, final } = input;
  if (!Array.isArray(regular)) {
    throw invalidInput('regular', regular, 'Thiếu danh sách điểm đánh giá thường xuyên.');
  }
  if (regular.length < MIN_REGULAR_ASSESSMENTS || regular.length > MAX_REGULAR_ASSESSMENTS) {
    throw new AssessmentError(
      'INVALID_ASSESSMENT_COUNT',
      `Mỗi học kì cần từ ${MIN_REGULAR_ASSESSMENTS} đến ${MAX_REGULAR_ASSESSMENTS} điểm đánh giá thường xuyên, nhưng có ${regular.length} điểm.`,
      {
        field: 'regular',
        expected: { min: MIN_REGULAR_ASSESSMENTS, max: MAX_REGULAR_ASSESSMENTS },
        actual: regular.length,
      },
    );
  }
  let sum = 0;
  regular.forEach((mark: unknown, index) => {
    sum += scoreToTenths(mark, 'điểm đánh giá thường xuyên', 'regular', index);
  });
  sum += 2 * scoreToTenths(midterm, 'điểm đánh giá giữa kì', 'midterm');
  sum += 3 * scoreToTenths(final, 'điểm đánh giá cuối kì', 'final');
  return divideRoundHalfUp(sum, regular.length + 5);
}

/**
 * The year average ĐTBmcn = (ĐTBmhk I + 2 × ĐTBmhk II) / 3 from the ROUNDED term averages (each must
 * be a valid one-decimal score, so an unrounded 7.25 is rejected with `INVALID_SCORE`), rounded half
 * up to one decimal. (A third of an integer number of tenths is never exactly half-way, so the tie
 * rule never applies here.)
 */
export function yearAverage(term1: number, term2: number): number {
  const first = scoreToTenths(term1, 'điểm trung bình học kì I', 'term1');
  const second = scoreToTenths(term2, 'điểm trung bình học kì II', 'term2');
  return tenthsToNumber(divideRoundHalfUp(first + 2 * second, 3));
}

/** Throws unless `value` is a count of assessments (a non-negative integer). */
export function assertCount(value: unknown, field: string, label: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new AssessmentError(
      'INVALID_ASSESSMENT_COUNT',
      `${label} (${showValue(value)}) không hợp lệ: phải là một số nguyên không âm.`,
      { field, value: detailValue(value) },
    );
  }
}
