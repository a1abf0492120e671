import { GraphQLError } from 'graphql';
import { ERROR_CATALOGUE, type ErrorCode } from './codes';

/** One problem with one input field, e.g. `{ field: 'password', code: 'WEAK_PASSWORD', message }`. */
export interface FieldProblem {
  field: string;
  code: ErrorCode;
  message: string;
}

export interface AppErrorOptions {
  /** Overrides the catalogue's Vietnamese message with a more specific one. */
  message?: string;
  fieldErrors?: FieldProblem[];
  /** Extra machine-readable facts safe to show the caller (never personal data). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * An error a caller can act on. It is a GraphQLError so that resolvers can throw it as is;
 * `extensions.code` carries the stable code.
 */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  readonly fieldErrors: FieldProblem[];

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? ERROR_CATALOGUE[code].vi, {
      originalError: options.cause instanceof Error ? options.cause : undefined,
      extensions: {
        code,
        ...(options.fieldErrors?.length ? { fieldErrors: options.fieldErrors } : {}),
        ...(options.details ? { details: options.details } : {}),
      },
    });
    this.name = 'AppError';
    this.code = code;
    this.fieldErrors = options.fieldErrors ?? [];
  }
}

export const unauthenticated = (message?: string) => new AppError('UNAUTHENTICATED', { message });
export const forbidden = (message?: string) => new AppError('FORBIDDEN', { message });
export const notFound = (message?: string) => new AppError('NOT_FOUND', { message });
export const conflict = (message?: string) => new AppError('CONFLICT', { message });

export function validationFailed(fieldErrors: FieldProblem[], message?: string): AppError {
  return new AppError('VALIDATION_FAILED', { fieldErrors, message });
}

export function fieldProblem(field: string, code: ErrorCode, message?: string): FieldProblem {
  return { field, code, message: message ?? ERROR_CATALOGUE[code].vi };
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
