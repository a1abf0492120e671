import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment against a schema and lists every bad variable at once, so that an
 * operator fixes them in one go instead of one restart per mistake.
 */
export function parseConfig<TSchema extends z.ZodType>(
  schema: TSchema,
  env: Record<string, string | undefined>,
): z.infer<TSchema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** For a service's env.ts: parse once at start-up; on error print every problem and exit non-zero. */
export function loadConfigOrExit<TSchema extends z.ZodType>(
  schema: TSchema,
  env: Record<string, string | undefined>,
  serviceName: string,
): z.infer<TSchema> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`[${serviceName}] ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** `VAR=` (empty, e.g. an unset `${VAR}` in a compose file) means "not set", never the number 0. */
const blankAsUnset = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** Reusable variable parsers. */
export const env = {
  port: (fallback: number) =>
    z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(65535).default(fallback)),
  url: () => z.url(),
  mongoUri: () =>
    z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a MongoDB connection string (mongodb://...)'),
  brokers: () =>
    z
      .string()
      .min(1)
      .transform((value) =>
        value
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1)),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A secret: at least 32 characters, never printed. */
  secret: () => z.string().min(32, 'must be at least 32 characters'),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  milliseconds: (fallback: number) =>
    z.preprocess(blankAsUnset, z.coerce.number().int().min(0).default(fallback)),
};

/** Variables of the service runtime every subgraph accepts (spread into each env.ts schema). */
export const runtimeVariables = {
  /**
   * `process` (one replica per service) or `database` (several replicas: a lease per document
   * written). Unset: `database` on MongoDB, `process` on FerretDB v1.
   */
  WRITE_LOCK_SCOPE: z.enum(['process', 'database']).optional(),
};
