import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may carry personal data or secrets. pino replaces their values before a line is
 * written, wherever a component logs an object that holds them.
 */
export const REDACTED_PATHS = [
  'password',
  'newPassword',
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
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hocbaso-identity"]',
  'headers.authorization',
  'headers["x-hocbaso-identity"]',
  'variables.password',
  'variables.input.password',
  'variables.refreshToken',
  '*.password',
  '*.newPassword',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.privateKey',
  '*.fullName',
  '*.displayName',
  '*.dateOfBirth',
  '*.personalId',
  '*.address',
  '*.phone',
  '*.email',
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
