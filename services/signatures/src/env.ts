import { env, loadConfigOrExit, runtimeVariables, tracingVariables } from '@hocbaso/service-kit';
import { z } from 'zod';

/** The signatures service's configuration: the only place that reads process.env. */
export const signaturesConfigSchema = z.object({
  SIGNATURES_HOST: z.string().default('127.0.0.1'),
  SIGNATURES_PORT: env.port(4005),
  /** Prometheus' `/metrics`, on a port of its own (not the GraphQL port the gateway calls). */
  SIGNATURES_METRICS_PORT: env.port(9405),
  MONGODB_URI: env.mongoUri(),
  SIGNATURES_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hocbaso_signatures'),
  KAFKA_BROKERS: env.brokers(),
  INTERNAL_IDENTITY_SECRET: env.secret(),
  /**
   * The local signer's keystore: `<keyRef>.key.pem` and `<keyRef>.chain.pem` per signer (created
   * by scripts/pki for development). In production signing goes through a remote signing service
   * and no private key is on this machine.
   */
  SIGNING_KEYSTORE_DIR: z.string().min(1),
  /**
   * How long a signing mutation waits for the data owners to confirm the lock before answering
   * LOCKING. Below the gateway's REQUEST_TIMEOUT_MS (15 s), so the signer hears LOCKING, not a timeout.
   */
  SIGNING_WAIT_MS: env.milliseconds(10_000),
  /**
   * Consumer groups, one set per deployment: `<group>` for the read models, `<group>-answers` for
   * the owners' lock and correction answers, `<group>-audit` for the audit trail.
   */
  SIGNATURES_CONSUMER_GROUP: z.string().min(1).default('signatures'),
  /** A new consumer group reads the topics from their start (rebuilding the read models). */
  SIGNATURES_CONSUME_FROM_BEGINNING: env.boolean(true),
  /** Consumer group of the dashboard statistics (the school directory and signatures' own events). */
  SIGNATURES_STATISTICS_CONSUMER_GROUP: z.string().min(1).default('hocbaso-signatures-statistics'),
  /** A new statistics group reads its topics from their start (rebuilding the aggregates). */
  SIGNATURES_STATISTICS_CONSUME_FROM_BEGINNING: env.boolean(true),
  OUTBOX_POLL_INTERVAL_MS: env.milliseconds(500),
  /** How often the outbox relay also searches for pending events it was not told of (it does at start). */
  OUTBOX_SCAN_INTERVAL_MS: env.milliseconds(600_000),
  LOG_LEVEL: env.logLevel(),
  ...tracingVariables,
  ...runtimeVariables,
});

export type SignaturesConfig = z.infer<typeof signaturesConfigSchema>;

export function readSignaturesConfig(): SignaturesConfig {
  return loadConfigOrExit(signaturesConfigSchema, process.env, 'signatures');
}
