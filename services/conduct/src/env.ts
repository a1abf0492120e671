import { env, loadConfigOrExit, runtimeVariables, tracingVariables } from '@hocbaso/service-kit';
import { z } from 'zod';

/** The conduct service's configuration: the only place that reads process.env. */
export const conductConfigSchema = z.object({
  CONDUCT_HOST: z.string().default('127.0.0.1'),
  CONDUCT_PORT: env.port(4004),
  /** Prometheus' `/metrics`, on a port of its own (not the GraphQL port the gateway calls). */
  CONDUCT_METRICS_PORT: env.port(9404),
  MONGODB_URI: env.mongoUri(),
  CONDUCT_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hocbaso_conduct'),
  KAFKA_BROKERS: env.brokers(),
  INTERNAL_IDENTITY_SECRET: env.secret(),
  /** Both conduct and learning CHƯA ĐẠT: the regulation is unclear (ADR 0007). */
  BOTH_FAILING_OUTCOME: z.enum(['RETAINED', 'SUMMER_TRAINING', 'SUMMER_REASSESSMENT']).default('RETAINED'),
  /** Consumer group for the read models; one per deployment. */
  CONDUCT_CONSUMER_GROUP: z.string().min(1).default('conduct'),
  /** A new consumer group reads the topics from their start (rebuilding the read models). */
  CONDUCT_CONSUME_FROM_BEGINNING: env.boolean(true),
  /** Consumer group for signatures' lock and correction requests; one per deployment. */
  CONDUCT_LOCKS_CONSUMER_GROUP: z.string().min(1).default('conduct-record-locks'),
  /** A new lock group reads its topics from their start, so that no lock or correction request is missed. */
  CONDUCT_LOCKS_CONSUME_FROM_BEGINNING: env.boolean(true),
  /** Consumer group of the statistics (school places, conduct's own events, class changes); one per deployment. */
  CONDUCT_STATISTICS_CONSUMER_GROUP: z.string().min(1).default('hocbaso-conduct-statistics'),
  /** A new statistics group reads its topics from their start, so every student is counted. */
  CONDUCT_STATISTICS_CONSUME_FROM_BEGINNING: env.boolean(true),
  OUTBOX_POLL_INTERVAL_MS: env.milliseconds(500),
  /** How often the outbox relay also searches for pending events it was not told of (it does at start). */
  OUTBOX_SCAN_INTERVAL_MS: env.milliseconds(600_000),
  LOG_LEVEL: env.logLevel(),
  ...tracingVariables,
  ...runtimeVariables,
});

export type ConductConfig = z.infer<typeof conductConfigSchema>;

export function readConductConfig(): ConductConfig {
  return loadConfigOrExit(conductConfigSchema, process.env, 'conduct');
}
