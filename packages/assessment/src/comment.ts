/** Subjects assessed by comment only: term and year results (Điều 9.1). */
import { assertCount } from './averages';
import { AssessmentError, invalidInput, showValue } from './errors';
import type { Pass } from './types';

export function isPass(value: unknown): value is Pass {
  return value === 'DAT' || value === 'CHUA_DAT';
}

/**
 * The term result of a comment subject: ĐẠT when all `required` assessments are present and ĐẠT,
 * otherwise CHƯA ĐẠT.
 *
 * `required` is the number of assessments of the term (for a comment subject 2 regular + mid-term +
 * end-of-term = 4, see `assessmentsPerTerm`). Choice: FEWER assessments than required is not an
 * error; the missing ones are the ones never made up, and the rules count an assessment missing
 * without make-up as CHƯA ĐẠT, so the term is CHƯA ĐẠT. Recording a make-up replaces the missing
 * one. MORE assessments than required is an error (`INVALID_ASSESSMENT_COUNT`): there is no such
 * assessment to record. An entry other than 'DAT' / 'CHUA_DAT' is `VALIDATION_FAILED`.
 */
export function commentTermResult(assessments: readonly Pass[], required: number): Pass {
  assertCount(required, 'required', 'Số lần đánh giá bắt buộc');
  if (required === 0) {
    throw new AssessmentError(
      'INVALID_ASSESSMENT_COUNT',
      'Số lần đánh giá bắt buộc của học kì phải lớn hơn 0.',
      { field: 'required', value: required },
    );
  }
  if (!Array.isArray(assessments)) {
    throw invalidInput('assessments', assessments, 'Thiếu danh sách kết quả đánh giá của môn học.');
  }
  if (assessments.length > required) {
    throw new AssessmentError(
      'INVALID_ASSESSMENT_COUNT',
      `Môn học chỉ có ${required} lần đánh giá trong học kì, nhưng có ${assessments.length} kết quả.`,
      { field: 'assessments', expected: required, actual: assessments.length },
    );
  }
  assessments.forEach((value: unknown, index) => {
    if (!isPass(value)) {
      throw new AssessmentError(
        'VALIDATION_FAILED',
        `Kết quả đánh giá thứ ${index + 1} (${showValue(value)}) không hợp lệ: chỉ có Đạt (DAT) hoặc Chưa đạt (CHUA_DAT).`,
        { field: 'assessments', index, value: String(value) },
      );
    }
  });
  if (assessments.length < required) return 'CHUA_DAT';
  return assessments.every((value) => value === 'DAT') ? 'DAT' : 'CHUA_DAT';
}

/** The year result of a comment subject is its term II result (Điều 9.1). */
export function commentYearResult(_term1: Pass, term2: Pass): Pass {
  if (!isPass(term2)) {
    throw invalidInput(
      'term2',
      term2,
      `Kết quả học kì II (${showValue(term2)}) không hợp lệ: chỉ có Đạt (DAT) hoặc Chưa đạt (CHUA_DAT).`,
    );
  }
  return term2;
}
