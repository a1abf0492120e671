import { fieldProblem, type FieldProblem } from '@hocbaso/errors';

/**
 * Checks of the plain values a principal types (năm học, khối, tài khoản), made before anything
 * is stored or published: an event's contract refuses them later, which would surface as INTERNAL.
 */

/** A school year "2025-2026": two consecutive years. */
export function schoolYearProblems(schoolYear: string, field = 'schoolYear'): FieldProblem[] {
  const match = /^(\d{4})-(\d{4})$/.exec(schoolYear);
  return match && Number(match[2]) === Number(match[1]) + 1
    ? []
    : [
        fieldProblem(
          field,
          'VALIDATION_FAILED',
          'Năm học có dạng YYYY-YYYY, hai năm liền nhau (ví dụ 2025-2026).',
        ),
      ];
}

/** Upper-secondary grades only. */
export function gradeProblems(grade: number | null, field = 'grade'): FieldProblem[] {
  return grade === null || [10, 11, 12].includes(grade)
    ? []
    : [fieldProblem(field, 'VALIDATION_FAILED', 'Khối lớp là 10, 11 hoặc 12.')];
}

/** An account named by its id: at least not blank. */
export function accountIdProblems(accountId: string, field = 'accountId'): FieldProblem[] {
  return accountId.trim() === '' || accountId !== accountId.trim()
    ? [fieldProblem(field, 'VALIDATION_FAILED', 'Mã tài khoản không hợp lệ.')]
    : [];
}
