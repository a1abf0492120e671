import { env, loadConfigOrExit, runtimeVariables, tracingVariables } from '@hocbaso/service-kit';
import { z } from 'zod';

/** The identity service's configuration: the only place that reads process.env. */
export const identityConfigSchema = z.object({
  IDENTITY_HOST: z.string().default('127.0.0.1'),
  IDENTITY_PORT: env.port(4001),
  /** Prometheus' `/metrics`, on a port of its own (not the GraphQL port the gateway calls). */
  IDENTITY_METRICS_PORT: env.port(9401),
  MONGODB_URI: env.mongoUri(),
  IDENTITY_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hocbaso_identity'),
  KAFKA_BROKERS: env.brokers(),
  /** Shared with the gateway: verifies the identity it forwards and signs its principal look-ups. */
  INTERNAL_IDENTITY_SECRET: env.secret(),
  /** Encrypts the token-signing private keys at rest in the database. */
  SIGNING_KEY_ENCRYPTION_SECRET: env.secret(),
  TOKEN_ISSUER: z.string().min(1).default('hocbaso-identity'),
  TOKEN_AUDIENCE: z.string().min(1).default('hocbaso-gateway'),
  /** At most 15 minutes (issue 2). */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(900).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** A used refresh token presented again this soon, its successor unused, is a retry of a lost answer (0: never). */
  REFRESH_RETRY_WINDOW_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  SIGNING_KEY_ROTATION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(3).max(20).default(5),
  LOGIN_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  OUTBOX_POLL_INTERVAL_MS: env.milliseconds(500),
  /** How often the outbox relay also searches for pending events it was not told of (it does at start). */
  OUTBOX_SCAN_INTERVAL_MS: env.milliseconds(600_000),
  LOG_LEVEL: env.logLevel(),
  ...tracingVariables,
  ...runtimeVariables,
  /** Consumer group of the students service's family links (roles PARENT and STUDENT); one per deployment. */
  IDENTITY_CONSUMER_GROUP: z.string().min(1).default('identity-family-links'),
  /** A new group reads the links from the start of the topic, so that no link is ever missed. */
  IDENTITY_CONSUME_FROM_BEGINNING: env.boolean(true),
});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;

export function readIdentityConfig(): IdentityConfig {
  return loadConfigOrExit(identityConfigSchema, process.env, 'identity');
}

/** Where the demo seed writes the generated passwords (git-ignored .local/ by default). */
export function readSeedOutputPath(): string | undefined {
  return process.env.DEMO_CREDENTIALS_FILE;
}
