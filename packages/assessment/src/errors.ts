import { AppError, type ErrorCode } from '@hocbaso/errors';

/**
 * Thrown for any input the rules reject. The code is stable (`INVALID_SCORE`,
 * `INVALID_ASSESSMENT_COUNT`, `VALIDATION_FAILED`); the message is Vietnamese and names the value
 * at fault; `details` says which input it was (`field`, `index`, `value`, and for counts the
 * `expected` and `actual` numbers).
 */
export class AssessmentError extends AppError {
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown>) {
    super(code, { message, details });
    this.name = 'AssessmentError';
    this.details = Object.freeze({ ...details });
  }
}

export function isAssessmentError(error: unknown): error is AssessmentError {
  return error instanceof AssessmentError;
}

/** A value as a teacher writes it (decimal comma), for messages. */
export function showValue(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'không phải là số';
    if (!Number.isFinite(value)) return value > 0 ? 'vô cùng' : 'âm vô cùng';
    return String(value).replace('.', ',');
  }
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}

/** A value safe to put in JSON details (NaN and Infinity would become null). */
export function detailValue(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value === undefined) return 'undefined';
  return value;
}

export function invalidInput(field: string, value: unknown, message: string): AssessmentError {
  return new AssessmentError('VALIDATION_FAILED', message, { field, value: detailValue(value) });
}
