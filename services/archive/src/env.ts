import { env, loadConfigOrExit, runtimeVariables, tracingVariables } from '@hocbaso/service-kit';
import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');

/**
 * Deadlines of the Ministry sync per school year, as JSON:
 * `{"2025-2026": {"completedGrade": "2026-06-25", "rest": "2026-08-10"}}`. A year not listed has
 * the regulation's dates (25 June and 10 August of its second calendar year).
 */
const deadlinesJson = z
  .string()
  .default('{}')
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(/^\d{4}-\d{4}$/), z.object({ completedGrade: day, rest: day })));

/** The archive service's configuration: the only place that reads process.env. */
export const archiveConfigSchema = z.object({
  ARCHIVE_HOST: z.string().default('127.0.0.1'),
  ARCHIVE_PORT: env.port(4006),
  /** Prometheus' `/metrics`, on a port of its own (not the GraphQL port the gateway calls). */
  ARCHIVE_METRICS_PORT: env.port(9406),
  MONGODB_URI: env.mongoUri(),
  ARCHIVE_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hocbaso_archive'),
  KAFKA_BROKERS: env.brokers(),
  INTERNAL_IDENTITY_SECRET: env.secret(),
  /** Consumer group for the read models and the signed years; one per deployment. */
  ARCHIVE_CONSUMER_GROUP: z.string().min(1).default('archive'),
  /** A new consumer group reads the topics from their start (rebuilding the read models). */
  ARCHIVE_CONSUME_FROM_BEGINNING: env.boolean(true),
  /** Consumer group of the dashboard statistics (the school directory and the sync's own events). */
  ARCHIVE_STATISTICS_CONSUMER_GROUP: z.string().min(1).default('hocbaso-archive-statistics'),
  /** A new statistics group reads its topics from their start (rebuilding the aggregates). */
  ARCHIVE_STATISTICS_CONSUME_FROM_BEGINNING: env.boolean(true),
  OUTBOX_POLL_INTERVAL_MS: env.milliseconds(500),
  /** How often the outbox relay also searches for pending events it was not told of (it does at start). */
  OUTBOX_SCAN_INTERVAL_MS: env.milliseconds(600_000),
  /** The Ministry database's API (the simulator under deploy/local locally). */
  MINISTRY_API_URL: env.url(),
  /** The school's credential at the Ministry: a secret, never logged. */
  MINISTRY_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  MINISTRY_TIMEOUT_MS: env.milliseconds(10_000),
  /** How often the sync worker looks for records to send. */
  SYNC_INTERVAL_MS: env.milliseconds(1_000),
  /** Records sent per round (one at a time, in the order they became due). */
  SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  SYNC_BACKOFF_BASE_MS: env.milliseconds(2_000),
  SYNC_BACKOFF_MAX_MS: env.milliseconds(10 * 60_000),
  SYNC_DEADLINES: deadlinesJson,
  /**
   * The local signer's keystore (`<keyRef>.key.pem`, `<keyRef>.chain.pem`, as scripts/pki creates
   * it): the school's seal signs transfer packages and credentials. In production a remote signing
   * service holds the keys.
   */
  SIGNING_KEYSTORE_DIR: z.string().min(1),
  /** How long an import waits for the students service to move the student before answering. */
  TRANSFER_WAIT_MS: env.milliseconds(10_000),
  /** Printed on exported copies: the page where a reader checks a verification code. */
  EXPORT_VERIFY_URL: z.url().optional(),
  LOG_LEVEL: env.logLevel(),
  ...tracingVariables,
  ...runtimeVariables,
});

export type ArchiveConfig = z.infer<typeof archiveConfigSchema>;

export function readArchiveConfig(): ArchiveConfig {
  return loadConfigOrExit(archiveConfigSchema, process.env, 'archive');
}
