import { env, loadConfigOrExit } from '@hocbaso/service-kit';
import { z } from 'zod';
import { SUBGRAPHS } from './compose/subgraphs';

/** The gateway's configuration: the only place that reads process.env. */
export const gatewayConfigSchema = z.object({
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: env.port(4000),
  /** Shared with the subgraphs: signs the identity forwarded to them. */
  INTERNAL_IDENTITY_SECRET: env.secret(),
  /** Base URL of the identity service's HTTP routes (JWKS, principal look-up). */
  IDENTITY_BASE_URL: z.url().default('http://127.0.0.1:4001'),
  TOKEN_ISSUER: z.string().min(1).default('hocbaso-identity'),
  TOKEN_AUDIENCE: z.string().min(1).default('hocbaso-gateway'),
  /** Accepted clock difference between identity and gateway. */
  CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(120).default(30),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(0).max(500).default(30),
  /** Fields after expanding fragments: stops a small query that fans out into a huge one. */
  MAX_QUERY_SELECTIONS: z.coerce.number().int().min(10).max(100_000).default(2_000),
  MAX_QUERY_BYTES: z.coerce.number().int().min(256).max(1_000_000).default(20_000),
  /** Introspection is off unless asked for: the schema is published for developers, not probed in production. */
  ALLOW_INTROSPECTION: env.boolean(false),
  LOG_LEVEL: env.logLevel(),
  ...Object.fromEntries(
    SUBGRAPHS.map((s) => [`SUBGRAPH_${s.name.toUpperCase()}_URL`, z.url().default(s.url)]),
  ),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema> & Record<string, unknown>;

export function readGatewayConfig(): GatewayConfig {
  return loadConfigOrExit(gatewayConfigSchema, process.env, 'gateway');
}

export function subgraphUrl(config: GatewayConfig, name: string): string | undefined {
  const value = config[`SUBGRAPH_${name.toUpperCase()}_URL`];
  return typeof value === 'string' ? value : undefined;
}
