import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { ERROR_CATALOGUE } from '@hocbaso/errors';
import {
  graphqlMetricsPlugin,
  IDENTITY_HEADER,
  maskError,
  operationSpanPlugin,
  REQUEST_ID_HEADER,
  serveMetrics,
  serverSpan,
  ServiceMetrics,
  signForwardedIdentity,
  traceHeaders,
  type Logger,
  type Principal,
} from '@hocbaso/service-kit';
import express from 'express';
import { GraphQLError } from 'graphql';
import { AccessTokenVerifier, TokenRejected } from './auth/access-token-verifier';
import { PrincipalClient } from './auth/principal-client';
import { bodyErrors, graphqlHandler, requestShapeLimits } from './abuse/http-limits';
import { costLimitCheck } from './abuse/operation-cost';
import { allowListPersistedOperations, readManifest } from './abuse/persisted-operations';
import { GatewayRateLimits, personalDataFields, rateLimitCheck } from './abuse/rate-limits';
import { abortOnDeadline, deadlinePassed, requestTimeout } from './abuse/request-deadline';
import {
  aliasLimitRule,
  depthLimitRule,
  readAuthRequirements,
  rootFieldLimitRule,
  selectionLimitRule,
} from './authz';
import { AuthorizingGateway } from './authorizing-gateway';
import { operationLimitsPlugin } from './operation-limits';
import { SUPERGRAPH_PATH } from './compose/subgraphs';
import { subgraphUrls, type GatewayConfig } from './env';
import { scopesOf, type GatewayContext } from './gateway-context';
import { SubgraphDataSource, unavailableWhenUnreachable } from './subgraph-data-source';
import { fetchFromReplicas, SubgraphReplicas } from './subgraph-replicas';

export interface GatewayServer {
  app: express.Express;
  httpServer: http.Server;
  verifier: AccessTokenVerifier;
  metrics: ServiceMetrics;
  /** Starts serving GraphQL and, on GATEWAY_METRICS_PORT, the metrics; returns the GraphQL port. */
  listen(): Promise<number>;
  /** The metrics port once listening. */
  metricsPort(): number | undefined;
  close(): Promise<void>;
}

function unauthenticated(): GraphQLError {
  return new GraphQLError(ERROR_CATALOGUE.UNAUTHENTICATED.vi, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** What the abuse limits need on top of the gateway context. */
type ServedContext = GatewayContext & { clientAddress: string };

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Builds the gateway from its configuration; `listen()` starts serving. */
export async function createGatewayServer(
  config: GatewayConfig,
  logger: Logger,
  options: { supergraphSdl?: string } = {},
): Promise<GatewayServer> {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8');
  // @apollo/gateway refuses to load features marked `for: SECURITY`, as only the Router enforces
  // them. This gateway enforces them itself (AuthorizingGateway reads them from the original SDL),
  // so the copy handed to the query planner drops the marker (ADR 0006).
  const plannerSdl = supergraphSdl.replace(
    /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v0\.1"), for: SECURITY\)/g,
    '$1)',
  );
  const verifier = new AccessTokenVerifier({
    jwksUrl: new URL('/.well-known/jwks.json', config.IDENTITY_BASE_URL).toString(),
    issuer: config.TOKEN_ISSUER,
    audience: config.TOKEN_AUDIENCE,
    clockToleranceSeconds: config.CLOCK_TOLERANCE_SECONDS,
    logger,
  });
  const principals = new PrincipalClient(config.IDENTITY_BASE_URL, config.INTERNAL_IDENTITY_SECRET);

  const gateway = new ApolloGateway({
    supergraphSdl: plannerSdl,
    buildService: ({ name, url }) => {
      const replicas = new SubgraphReplicas(subgraphUrls(config, name) ?? [url!]);
      const source = new SubgraphDataSource<GatewayContext>({
        url: replicas.urls[0],
        willSendRequest: ({ request, context }) => {
          request.http?.headers.set(IDENTITY_HEADER, context.forwardedIdentity);
          request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
          // The subgraph continues this request's trace, under the gateway's fetch span.
          for (const [name, value] of Object.entries(traceHeaders())) request.http?.headers.set(name, value);
        },
      });
      // A request that timed out stops waiting for its subgraphs, and they see the call dropped.
      source.fetcher = abortOnDeadline(
        unavailableWhenUnreachable(fetchFromReplicas(source.fetcher, replicas), name, logger),
      );
      return source;
    },
    logger: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });

  const app = express();
  app.disable('x-powered-by');
  // req.ip: the socket's address, or X-Forwarded-For's when the peer is a trusted proxy.
  app.set('trust proxy', config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false);
  const httpServer = http.createServer(app);
  // Slow clients: headers within 10 s, the whole request within HTTP_REQUEST_TIMEOUT_MS.
  httpServer.headersTimeout = Math.min(10_000, config.HTTP_REQUEST_TIMEOUT_MS);
  httpServer.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  let draining = false;

  const production = config.GATEWAY_PROFILE === 'production';
  const metrics = new ServiceMetrics('gateway');
  const allowList =
    config.PERSISTED_OPERATIONS === 'allow-list'
      ? allowListPersistedOperations(readManifest(config.PERSISTED_OPERATIONS_MANIFEST))
      : undefined;
  const rateLimits = new GatewayRateLimits({
    loginPerAddress: config.LOGIN_RATE_PER_ADDRESS_PER_MINUTE,
    loginPerUsername: config.LOGIN_RATE_PER_USERNAME_PER_MINUTE,
    personalReadsPerAccount: config.PERSONAL_DATA_READS_PER_ACCOUNT_PER_MINUTE,
    personalReadsPerAddress: config.PERSONAL_DATA_READS_PER_ADDRESS_PER_MINUTE,
  });

  const apollo = new ApolloServer<ServedContext>({
    gateway: new AuthorizingGateway(gateway, supergraphSdl),
    introspection: config.ALLOW_INTROSPECTION,
    // No "Did you mean …?" in production: validation errors do not map the schema for a prober.
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: config.MAX_OPERATIONS_PER_REQUEST > 1,
    persistedQueries:
      config.PERSISTED_OPERATIONS === 'off' ? false : allowList ? { cache: allowList.cache, ttl: null } : {},
    // Signals are handled by runUntilSignal, which drains, flushes the outbox, then exits.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => {
      // Late errors of a request already answered REQUEST_TIMEOUT (its aborted fetches): not news.
      if (deadlinePassed()) return requestTimeout(config.REQUEST_TIMEOUT_MS);
      const { serviceName: _serviceName, ...extensions } = formatted.extensions ?? {};
      return maskError({ ...formatted, extensions }, error, logger);
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      graphqlMetricsPlugin<ServedContext>(metrics),
      operationSpanPlugin<ServedContext>(),
      operationLimitsPlugin<ServedContext>(
        [
          depthLimitRule(config.MAX_QUERY_DEPTH),
          aliasLimitRule(config.MAX_QUERY_ALIASES),
          rootFieldLimitRule(config.MAX_QUERY_ROOT_FIELDS),
          selectionLimitRule(config.MAX_QUERY_SELECTIONS),
        ],
        [
          costLimitCheck(config.MAX_QUERY_COST, config.QUERY_COST_LIST_SIZE),
          rateLimitCheck(rateLimits, personalDataFields(readAuthRequirements(supergraphSdl)), (context) => ({
            address: context.clientAddress,
            accountId: context.principal?.accountId ?? null,
          })),
        ],
      ),
    ],
    logger: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await apollo.start();
  void verifier.refresh();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/readyz', (_req, res) => {
    res.status(draining ? 503 : 200).json({ status: draining ? 'draining' : 'ready' });
  });

  app.use(
    '/graphql',
    express.json({ limit: config.MAX_REQUEST_BYTES }),
    bodyErrors(config.MAX_REQUEST_BYTES),
    // A client's traceparent is not continued: its trace ids and sampling are not ours to take.
    (_req: express.Request, res: express.Response, next: express.NextFunction) =>
      serverSpan('POST /graphql', { headers: {} }, res, next),
    requestShapeLimits({
      maxOperations: config.MAX_OPERATIONS_PER_REQUEST,
      maxQueryBytes: config.MAX_QUERY_BYTES,
    }),
    ...(allowList ? [allowList.middleware] : []),
    graphqlHandler(
      apollo,
      async (req): Promise<ServedContext> => {
        const offered = req.header(REQUEST_ID_HEADER);
        const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
        const principal = await authenticate(req.header('authorization'), requestId);
        return {
          requestId,
          principal,
          clientAddress: normalizeAddress(req.ip),
          subject: { authenticated: principal !== null, scopes: scopesOf(principal) },
          forwardedIdentity: signForwardedIdentity({ principal, requestId }, config.INTERNAL_IDENTITY_SECRET),
        };
      },
      { timeoutMs: config.REQUEST_TIMEOUT_MS, logger },
    ),
  );

  /** No Authorization header: anonymous. A header that does not prove a live session: refused. */
  async function authenticate(header: string | undefined, requestId: string): Promise<Principal | null> {
    if (!header) return null;
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header.trim());
    if (!match) throw unauthenticated();
    try {
      const token = await verifier.verify(match[1]!);
      const lookup = await principals.lookup(token.accountId, token.sessionId, requestId);
      if (lookup.status !== 'ACTIVE') throw new TokenRejected(`account ${lookup.status.toLowerCase()}`);
      return lookup.principal;
    } catch (error) {
      if (error instanceof TokenRejected) {
        logger.info({ requestId, reason: error.message }, 'access token refused');
        throw unauthenticated();
      }
      logger.error({ requestId, err: error }, 'authentication failed');
      throw new GraphQLError(ERROR_CATALOGUE.SERVICE_UNAVAILABLE.vi, {
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      });
    }
  }

  let closing: Promise<void> | undefined;
  let metricsServer: { port: number; close(): Promise<void> } | undefined;
  return {
    app,
    httpServer,
    verifier,
    metrics,
    listen: async () => {
      const port = await new Promise<number>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.GATEWAY_PORT, config.GATEWAY_HOST, () => {
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : config.GATEWAY_PORT);
        });
      });
      metricsServer = await serveMetrics(metrics, config.GATEWAY_METRICS_PORT, config.GATEWAY_HOST, logger);
      return port;
    },
    metricsPort: () => metricsServer?.port,
    close: () => {
      closing ??= (async () => {
        draining = true;
        await apollo.stop();
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await metricsServer?.close();
      })();
      return closing;
    },
  };
}
