import pino, { type Logger } from 'pino';

export type { Logger };

/** Keys that may carry personal data or secrets (names, birth dates, ID numbers, contacts, credentials). */
const SENSITIVE_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'privateKey',
  'fullName',
  'displayName',
  'dateOfBirth',
  'birthDate',
  'personalId',
  'nationalId',
  'address',
  'phone',
  'email',
  'guardians',
  'placeOfBirth',
  'ethnicity',
  'policyCategory',
];

/**
 * Paths pino redacts before a line is written: each sensitive key at the top level and up to
 * three objects deep (e.g. `variables.input.password`), plus credential-carrying headers.
 */
export const REDACTED_PATHS = [
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hocbaso-identity"]',
  'headers.authorization',
  'headers["x-hocbaso-identity"]',
];

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; a test passes a stream to read them. Defaults to stdout. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.service,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
