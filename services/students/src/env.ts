import { env, loadConfigOrExit, runtimeVariables, tracingVariables } from '@hocbaso/service-kit';
import { z } from 'zod';

/** The students service's configuration: the only place that reads process.env. */
export const studentsConfigSchema = z.object({
  STUDENTS_HOST: z.string().default('127.0.0.1'),
  STUDENTS_PORT: env.port(4002),
  /** Prometheus' `/metrics`, on a port of its own (not the GraphQL port the gateway calls). */
  STUDENTS_METRICS_PORT: env.port(9402),
  MONGODB_URI: env.mongoUri(),
  STUDENTS_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hocbaso_students'),
  KAFKA_BROKERS: env.brokers(),
  /** Shared with the gateway: verifies the identity it forwards. */
  INTERNAL_IDENTITY_SECRET: env.secret(),
  OUTBOX_POLL_INTERVAL_MS: env.milliseconds(500),
  /** How often the outbox relay also searches for pending events it was not told of (it does at start). */
  OUTBOX_SCAN_INTERVAL_MS: env.milliseconds(600_000),
  LOG_LEVEL: env.logLevel(),
  ...tracingVariables,
  ...runtimeVariables,
  /** Consumer group for signatures' lock requests and corrections; one per deployment. */
  STUDENTS_LOCKS_CONSUMER_GROUP: z.string().min(1).default('students-record-locks'),
  /** A new lock group reads its topics from their start, so that no request is ever missed. */
  STUDENTS_LOCKS_CONSUME_FROM_BEGINNING: env.boolean(true),
  /** Consumer group of the statistics: the school directory and the service's own student events. */
  STUDENTS_STATISTICS_CONSUMER_GROUP: z.string().min(1).default('hocbaso-students-statistics'),
  /** A new statistics group reads its topics from their start, so the aggregates miss no change. */
  STUDENTS_STATISTICS_CONSUME_FROM_BEGINNING: env.boolean(true),
  /** Keys the stored hashes of family link codes; unset: derived from INTERNAL_IDENTITY_SECRET. */
  FAMILY_LINK_CODE_SECRET: env.secret().optional(),
  /** How long a family link code can be redeemed (default 7 days). */
  FAMILY_LINK_CODE_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(168),
  /** Wrong codes an account may try within the window before it must wait. */
  FAMILY_LINK_MAX_FAILURES: z.coerce.number().int().min(3).max(20).default(5),
  FAMILY_LINK_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  FAMILY_LINK_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
});

export type StudentsConfig = z.infer<typeof studentsConfigSchema>;

export function readStudentsConfig(): StudentsConfig {
  return loadConfigOrExit(studentsConfigSchema, process.env, 'students');
}

/** What `seed:demo` loads: the demo school (created by identity's seed) and its homeroom teachers. */
export const seedOptionsSchema = z.object({
  DEMO_SCHOOL_ID: z.string().min(1),
  DEMO_SCHOOL_YEAR: z
    .string()
    .regex(/^\d{4}-\d{4}$/)
    .default('2025-2026'),
  /** JSON object: class name → homeroom teacher's account id, e.g. {"10A1":"<uuid>"}. */
  DEMO_HOMEROOM_TEACHERS: z
    .string()
    .default('{}')
    .transform((value, ctx) => {
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(value));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of class name to account id' });
        return z.NEVER;
      }
    }),
});

export type SeedOptions = z.infer<typeof seedOptionsSchema>;

export function readSeedOptions(): SeedOptions {
  return loadConfigOrExit(seedOptionsSchema, process.env, 'students-seed');
}
