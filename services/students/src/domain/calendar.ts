import { fieldProblem, type FieldProblem } from '@hocbaso/errors';

/** A calendar date as stored and exchanged: `YYYY-MM-DD` (no time, no time zone). */
export type IsoDate = string;

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (no 2025-02-30). */
export function isIsoDate(value: string): value is IsoDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Today's date in Vietnam (UTC+7, no daylight saving): what "today" means at a Vietnamese school. */
export function vietnamToday(now: Date): IsoDate {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** Năm học, e.g. 2025-2026: two consecutive years. */
export function parseSchoolYear(value: string): { startYear: number } | null {
  const match = /^(\d{4})-(\d{4})$/.exec(value);
  if (!match) return null;
  const startYear = Number(match[1]);
  if (Number(match[2]) !== startYear + 1 || startYear < 2000 || startYear > 2100) return null;
  return { startYear };
}

export function checkSchoolYear(value: string, field = 'schoolYear'): FieldProblem | null {
  return parseSchoolYear(value)
    ? null
    : fieldProblem(field, 'VALIDATION_FAILED', 'Năm học phải có dạng hai năm liền nhau, ví dụ 2025-2026.');
}

/** Age in whole years on `on` of someone born on `dateOfBirth`. */
export function ageOn(dateOfBirth: IsoDate, on: IsoDate): number {
  const age = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return on.slice(5) < dateOfBirth.slice(5) ? age - 1 : age;
}

/**
 * Upper secondary (THPT) students are normally 15, 16 and 17 in the calendar year their school
 * year starts in grade 10, 11 and 12. Entering a year early, or up to several years late (repeating,
 * interrupted studies), is allowed; anything outside that is a typing mistake.
 */
export const AGE_TOLERANCE = { early: 1, late: 5 } as const;

export function expectedBirthYear(grade: number, schoolYearStart: number): number {
  return schoolYearStart - (grade + 5);
}

/**
 * Checks a date of birth: a real date, not in the future, and plausible for an upper-secondary
 * student (for the given grade and school year, when known; otherwise 12 to 30 years old today).
 */
export function checkDateOfBirth(
  dateOfBirth: string,
  context: { today: IsoDate; grade?: number; schoolYear?: string },
  field = 'dateOfBirth',
): FieldProblem | null {
  if (!isIsoDate(dateOfBirth)) {
    return fieldProblem(field, 'VALIDATION_FAILED', 'Ngày sinh phải là một ngày có thật, dạng YYYY-MM-DD.');
  }
  if (dateOfBirth > context.today) {
    return fieldProblem(field, 'VALIDATION_FAILED', 'Ngày sinh không thể ở tương lai.');
  }
  const start = context.schoolYear ? parseSchoolYear(context.schoolYear)?.startYear : undefined;
  if (context.grade !== undefined && start !== undefined) {
    const expected = expectedBirthYear(context.grade, start);
    const year = Number(dateOfBirth.slice(0, 4));
    if (year > expected + AGE_TOLERANCE.early || year < expected - AGE_TOLERANCE.late) {
      return fieldProblem(
        field,
        'VALIDATION_FAILED',
        `Năm sinh ${year} không phù hợp với học sinh lớp ${context.grade} năm học ${context.schoolYear} ` +
          `(thường sinh năm ${expected}; chấp nhận từ ${expected - AGE_TOLERANCE.late} đến ${
            expected + AGE_TOLERANCE.early
          }).`,
      );
    }
    return null;
  }
  const age = ageOn(dateOfBirth, context.today);
  if (age < 12 || age > 30) {
    return fieldProblem(
      field,
      'VALIDATION_FAILED',
      'Ngày sinh không phù hợp với học sinh trung học phổ thông (từ 12 đến 30 tuổi).',
    );
  }
  return null;
}
