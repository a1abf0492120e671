import { env, loadConfigOrExit, runtimeVariables, tracingVariables } from '@hocbaso/service-kit';
import { z } from 'zod';

/** The academics service's configuration: the only place that reads process.env. */
export const academicsConfigSchema = z.object({
  ACADEMICS_HOST: z.string().default('127.0.0.1'),
  ACADEMICS_PORT: env.port(4003),
  /** Prometheus' `/metrics`, on a port of its own (not the GraphQL port the gateway calls). */
  ACADEMICS_METRICS_PORT: env.port(9403),
  MONGODB_URI: env.mongoUri(),
  ACADEMICS_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hocbaso_academics'),
  KAFKA_BROKERS: env.brokers(),
  /** Shared with the gateway: verifies the identity it forwards. */
  INTERNAL_IDENTITY_SECRET: env.secret(),
  /**
   * The Kafka consumer group of the roster read model (students' class and student events). One
   * per deployment; tests give each service instance its own.
   */
  ACADEMICS_CONSUMER_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .default('hocbaso.academics.roster'),
  /**
   * Read the students topics from their beginning when the consumer group is new (the roster must
   * know every class and student). Only tests turn it off, to skip other tests' history.
   */
  ACADEMICS_ROSTER_FROM_BEGINNING: env.boolean(true),
  /**
   * The Kafka consumer group of signatures' lock and correction requests (one per deployment;
   * tests give each service instance its own).
   */
  ACADEMICS_LOCKS_CONSUMER_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .default('academics-record-locks'),
  /**
   * Read signatures' topics from their beginning when that group is new, so that no lock request
   * is ever missed (requests are idempotent by lock and correction id). Only tests turn it off.
   */
  ACADEMICS_LOCKS_CONSUME_FROM_BEGINNING: env.boolean(true),
  /**
   * The Kafka consumer group of the dashboard statistics: identity's school directory and the
   * service's own subject results (one per deployment; tests give each instance its own).
   */
  ACADEMICS_STATISTICS_CONSUMER_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .default('hocbaso-academics-statistics'),
  /**
   * Read those topics from their beginning when the group is new, so the directory knows every
   * school and every class's figures are computed. Only tests turn it off.
   */
  ACADEMICS_STATISTICS_CONSUME_FROM_BEGINNING: env.boolean(true),
  OUTBOX_POLL_INTERVAL_MS: env.milliseconds(500),
  /** How often the outbox relay also searches for pending events it was not told of (it does at start). */
  OUTBOX_SCAN_INTERVAL_MS: env.milliseconds(600_000),
  LOG_LEVEL: env.logLevel(),
  ...tracingVariables,
  ...runtimeVariables,
});

export type AcademicsConfig = z.infer<typeof academicsConfigSchema>;

export function readAcademicsConfig(): AcademicsConfig {
  return loadConfigOrExit(academicsConfigSchema, process.env, 'academics');
}
