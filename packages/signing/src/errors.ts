import { AppError, type ErrorCode } from '@hocbaso/errors';

/**
 * Thrown when the library is asked to do something it must refuse: canonicalize a value that is
 * not I-JSON, sign with a key it does not hold, issue a certificate from incomplete facts. The code
 * is stable (`VALIDATION_FAILED`, `CERTIFICATE_MISSING`, `CERTIFICATE_INVALID`); the message is
 * Vietnamese; `details` names the input at fault. Verification never throws: it reports problems.
 */
export class SigningError extends AppError {
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(code, { message, details, cause });
    this.name = 'SigningError';
    this.details = Object.freeze({ ...details });
  }
}

export function isSigningError(error: unknown): error is SigningError {
  return error instanceof SigningError;
}
