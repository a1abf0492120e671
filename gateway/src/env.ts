import { isIP } from 'node:net';
import { env, loadConfigOrExit, tracingVariables } from '@hocbaso/service-kit';
import { z } from 'zod';
import { DEFAULT_MANIFEST_PATH } from './abuse/operations-manifest';
import { SUBGRAPHS } from './compose/subgraphs';

const perMinute = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

/** Addresses or CIDR ranges, comma-separated: the proxies whose X-Forwarded-For is believed. */
const trustedProxies = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .refine(
          (entry) => isIP(entry.split('/')[0] ?? '') !== 0,
          'each entry must be an IP address or a CIDR range',
        ),
    ),
  );

const urlList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url()).min(1));

/** The gateway's configuration: the only place that reads process.env. */
export const gatewayEnvironment = z.object({
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: env.port(4000),
  /** Prometheus' `/metrics`, on a port of its own that the gateway's clients do not reach. */
  GATEWAY_METRICS_PORT: env.port(9400),
  /** Shared with the subgraphs: signs the identity forwarded to them. */
  INTERNAL_IDENTITY_SECRET: env.secret(),
  /** Base URL of the identity service's HTTP routes (JWKS, principal look-up). */
  IDENTITY_BASE_URL: z.url().default('http://127.0.0.1:4001'),
  TOKEN_ISSUER: z.string().min(1).default('hocbaso-identity'),
  TOKEN_AUDIENCE: z.string().min(1).default('hocbaso-gateway'),
  /** Accepted clock difference between identity and gateway. */
  CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(120).default(30),
  /**
   * `production`: introspection cannot be switched on, validation errors do not suggest field
   * names ("Did you mean …?"), and only the persisted operations' allow-list runs. Defaults to
   * `production` when NODE_ENV is `production`, else `development`.
   */
  GATEWAY_PROFILE: z.enum(['development', 'production']).optional(),
  NODE_ENV: z.string().optional(),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(0).max(500).default(30),
  /** Fields selected on the root type (breadth): many unrelated reads belong in several requests. */
  MAX_QUERY_ROOT_FIELDS: z.coerce.number().int().min(1).max(500).default(15),
  /** Fields after expanding fragments: stops a small query that fans out into a huge one. */
  MAX_QUERY_SELECTIONS: z.coerce.number().int().min(10).max(100_000).default(2_000),
  /**
   * Estimated cost (abuse/operation-cost.ts): a class's students with their results, learning
   * results and conduct costs about 18 000; the same over every class of a school, millions.
   */
  MAX_QUERY_COST: z.coerce.number().int().min(10).max(100_000_000).default(30_000),
  /** Items a list field is assumed to return in the cost estimate (a class has up to ~45 students). */
  QUERY_COST_LIST_SIZE: z.coerce.number().int().min(1).max(10_000).default(50),
  /** The operation text alone. */
  MAX_QUERY_BYTES: z.coerce.number().int().min(256).max(1_000_000).default(20_000),
  /** The whole request body, variables included (a gradebook workbook, a transfer package). */
  MAX_REQUEST_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(2_000_000),
  /** Operations in one HTTP request (an array body); each one still passes every other limit. */
  MAX_OPERATIONS_PER_REQUEST: z.coerce.number().int().min(1).max(100).default(5),
  /** `apq` | `allow-list` | `off` (abuse/persisted-operations.ts); default `allow-list` in production, else `apq`. */
  PERSISTED_OPERATIONS: z.enum(['apq', 'allow-list', 'off']).optional(),
  PERSISTED_OPERATIONS_MANIFEST: z.string().min(1).default(DEFAULT_MANIFEST_PATH),
  /** `login` and `refreshSession` per client address (a school's NAT is one address). */
  LOGIN_RATE_PER_ADDRESS_PER_MINUTE: perMinute(60),
  /** `login` per username, whatever the address: below identity's lockout, so guessing is slowed first. */
  LOGIN_RATE_PER_USERNAME_PER_MINUTE: perMinute(10),
  /** Reads of students' personal data (abuse/rate-limited-use.ts) per signed-in account. */
  PERSONAL_DATA_READS_PER_ACCOUNT_PER_MINUTE: perMinute(120),
  /** The same per client address (anonymous share and verification codes included). */
  PERSONAL_DATA_READS_PER_ADDRESS_PER_MINUTE: perMinute(600),
  /** Peers allowed to state the client address in X-Forwarded-For; none by default. */
  TRUSTED_PROXIES: trustedProxies,
  /** A request still running after this is answered REQUEST_TIMEOUT and its subgraph calls aborted. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(15_000),
  /** Time a client has to send a whole request (slow-loris); headers must arrive within 10 s. */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** Introspection is off unless asked for: the schema is published for developers, not probed in production. */
  ALLOW_INTROSPECTION: env.boolean(false),
  LOG_LEVEL: env.logLevel(),
  ...tracingVariables,
  /** One URL per subgraph, or its replicas' URLs comma-separated (the gateway takes turns). */
  ...Object.fromEntries(SUBGRAPHS.map((s) => [`SUBGRAPH_${s.name.toUpperCase()}_URL`, urlList(s.url)])),
});

export const gatewayConfigSchema = gatewayEnvironment
  .transform(({ NODE_ENV, ...config }) => {
    const profile = config.GATEWAY_PROFILE ?? (NODE_ENV === 'production' ? 'production' : 'development');
    return {
      ...config,
      GATEWAY_PROFILE: profile,
      PERSISTED_OPERATIONS: config.PERSISTED_OPERATIONS ?? (profile === 'production' ? 'allow-list' : 'apq'),
    };
  })
  .superRefine((config, context) => {
    if (config.GATEWAY_PROFILE === 'production' && config.ALLOW_INTROSPECTION) {
      context.addIssue({
        code: 'custom',
        path: ['ALLOW_INTROSPECTION'],
        message: 'introspection stays off with GATEWAY_PROFILE=production',
      });
    }
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema> & Record<string, unknown>;

export function readGatewayConfig(): GatewayConfig {
  return loadConfigOrExit(gatewayConfigSchema, process.env, 'gateway');
}

/** The subgraph's URLs: one, or one per replica. */
export function subgraphUrls(config: GatewayConfig, name: string): string[] | undefined {
  const value = config[`SUBGRAPH_${name.toUpperCase()}_URL`];
  return Array.isArray(value) ? (value as string[]) : undefined;
}
