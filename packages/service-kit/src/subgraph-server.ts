import http from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { expressMiddleware } from '@as-integrations/express5';
import { ERROR_CATALOGUE } from '@hocbaso/errors';
import express from 'express';
import type { DocumentNode } from 'graphql';
import { maskError } from './graphql-errors';
import type { Logger } from './logger';
import { graphqlMetricsPlugin, serveMetrics, type ServiceMetrics } from './metrics';
import { operationSpanPlugin, serverSpan, stopTracing } from './tracing';
import { IDENTITY_HEADER, verifyForwardedIdentity, type Principal } from './principal';

/** What every resolver receives. Services extend it with their use cases. */
export interface RequestContext extends BaseContext {
  principal: Principal | null;
  requestId: string;
  logger: Logger;
}

export interface SubgraphServerOptions<TContext extends RequestContext> {
  name: string;
  typeDefs: DocumentNode;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolvers: GraphQLResolverMap<any>;
  logger: Logger;
  /** Shared with the gateway; verifies the identity it forwards. */
  identitySecret: string;
  createContext: (base: RequestContext) => TContext | Promise<TContext>;
  /** Readiness checks by name (database, broker...): all must pass for /readyz to answer 200. */
  readiness: Record<string, () => Promise<boolean>>;
  /** Routes besides /graphql, /healthz and /readyz (e.g. the JWKS). */
  extraRoutes?: (app: express.Express) => void;
  /** Called after the last request has drained: flush the outbox, close connections. */
  onShutdown?: () => Promise<void>;
  /** How long a shutdown waits for in-flight requests. */
  drainTimeoutMs?: number;
  /** The service's own request hooks (e.g. logging what a request read, before the answer leaves). */
  plugins?: ApolloServerPlugin<TContext>[];
  /** Counted and timed per operation; served at `/metrics` on `metricsPort` by `listen()`. */
  metrics: ServiceMetrics;
  /** The port of `/metrics`, apart from the GraphQL port (0: any free port). */
  metricsPort: number;
}

export interface SubgraphServer {
  app: express.Express;
  httpServer: http.Server;
  /** Starts serving GraphQL on `port` and the metrics on the metrics port; returns the GraphQL port. */
  listen(port: number, host?: string): Promise<number>;
  /** The metrics port once listening (the one asked for, or the one given for 0). */
  metricsPort(): number | undefined;
  close(): Promise<void>;
}

export async function createSubgraphServer<TContext extends RequestContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const logger = options.logger;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // The gateway keeps connections to subgraphs open between requests; a server that closes an idle
  // one as the gateway reuses it answers "socket hang up" (an INTERNAL to the user). Node's
  // default 5 s equals the client's idle time, so the server waits longer than any client.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  let draining = false;
  // formatError gets no context: the request id reaches it through the request's async context.
  const currentRequest = new AsyncLocalStorage<{ requestId: string }>();

  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers }),
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: options.drainTimeoutMs ?? 10_000,
      }),
      // Per-field timings are not sent to any gateway: they would only reveal internals.
      ApolloServerPluginInlineTraceDisabled(),
      graphqlMetricsPlugin<TContext>(options.metrics),
      operationSpanPlugin<TContext>(),
      ...(options.plugins ?? []),
    ],
    includeStacktraceInErrorResponses: false,
    // Signals are handled by runUntilSignal, which drains, flushes the outbox, then exits.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) =>
      maskError(formatted, error, logger, currentRequest.getStore()?.requestId),
    logger: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    for (const [name, check] of Object.entries(options.readiness)) {
      // A check that hangs counts as failed: readiness must answer quickly to be useful.
      checks[name] = await Promise.race([
        check().catch(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref()),
      ]);
    }
    const ready = !draining && Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', draining, checks });
  });
  options.extraRoutes?.(app);

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    // The call continues the gateway's trace (its traceparent header). After the body is read:
    // the body's stream events run outside the request's async context.
    (req, res, next) => serverSpan('POST /graphql', req, res, next),
    (req, res, next) => {
      // Subgraphs answer only the gateway: a call without its signed identity is refused.
      const identity = verifyForwardedIdentity(req.header(IDENTITY_HEADER), options.identitySecret);
      if (!identity) {
        res.status(401).json({
          errors: [{ message: ERROR_CATALOGUE.UNAUTHENTICATED.vi, extensions: { code: 'UNAUTHENTICATED' } }],
        });
        return;
      }
      const requestId = identity.requestId || randomUUID();
      res.locals.identity = { principal: identity.principal, requestId };
      currentRequest.run({ requestId }, next);
    },
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const identity = res.locals.identity as { principal: Principal | null; requestId: string };
        return options.createContext({
          principal: identity.principal,
          requestId: identity.requestId,
          logger: logger.child({ requestId: identity.requestId }),
        });
      },
    }),
  );

  let closing: Promise<void> | undefined;
  let metricsServer: { port: number; close(): Promise<void> } | undefined;
  return {
    app,
    httpServer,
    listen: async (port, host = '127.0.0.1') => {
      const bound = await new Promise<number>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
      metricsServer = await serveMetrics(options.metrics, options.metricsPort, host, logger);
      return bound;
    },
    metricsPort: () => metricsServer?.port,
    close: () => {
      closing ??= (async () => {
        draining = true;
        logger.info('shutting down: draining requests');
        await apollo.stop();
        logger.debug('requests drained');
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await options.onShutdown?.();
        await metricsServer?.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

/** Runs a service's main and stops it cleanly on SIGTERM or SIGINT (Ctrl-C). */
export function runUntilSignal(logger: Logger, start: () => Promise<{ close(): Promise<void> }>): void {
  start()
    .then((service) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'signal received');
        service
          .close()
          .then(() => stopTracing())
          .then(() => process.exit(0))
          .catch((error) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    })
    .catch((error) => {
      logger.fatal({ err: error }, 'start-up failed');
      process.exit(1);
    });
}
