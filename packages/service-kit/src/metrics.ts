import http from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from './logger';

/**
 * Prometheus metrics of one process, on a registry of its own (a test runs several services in
 * one process). Labels carry operation names, topics and collections, never personal data.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL operations answered, by operation name and outcome (ok, error)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its answer',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL answers, by operation name and error code',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });

  readonly eventsPublished = new Counter({
    name: 'outbox_events_published_total',
    help: 'Events the outbox relay published (the broker acknowledged them)',
    registers: [this.registry],
  });

  readonly outboxBacklog = new Gauge({
    name: 'outbox_backlog_documents',
    help: 'Documents the outbox relay knows to hold events not yet published',
    registers: [this.registry],
  });

  readonly eventsConsumed = new Counter({
    name: 'events_consumed_total',
    help: 'Events handled by a consumer group, by topic and result (handled, duplicate, failed)',
    labelNames: ['group', 'topic', 'result'] as const,
    registers: [this.registry],
  });

  readonly consumerLag = new Gauge({
    name: 'kafka_consumer_lag_messages',
    help: 'Messages in a partition after the last one a consumer group processed',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [this.registry],
  });

  readonly databaseConnections = new Gauge({
    name: 'mongodb_pool_connections',
    help: 'Connections of the database pool, by state (open, in_use)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly databaseCheckoutFailures = new Counter({
    name: 'mongodb_pool_checkout_failures_total',
    help: 'Requests for a database connection that failed (pool exhausted, timed out, closed)',
    registers: [this.registry],
  });

  readonly databaseCommandDuration = new Histogram({
    name: 'mongodb_command_duration_seconds',
    help: 'Database command round trips, by command',
    labelNames: ['command'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  /** Operation names come from clients: past this many, new ones are counted as `(other)`. */
  private readonly operations = new Set<string>();

  constructor(
    readonly service: string,
    private readonly maxOperations = 500,
  ) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  /** The label for an operation: its name, `(anonymous)`, or `(other)` once the cap is reached. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return '(anonymous)';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= this.maxOperations) return '(other)';
    this.operations.add(name);
    return name;
  }
}

/** Counts and times every GraphQL operation with its outcome and error codes. */
export function graphqlMetricsPlugin<TContext extends BaseContext>(
  metrics: ServiceMetrics,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const end = metrics.requestDuration.startTimer();
      return {
        async willSendResponse({ operationName, errors, response }) {
          const operation = metrics.operationLabel(operationName);
          end({ operation });
          const body = response.body;
          const answered = body.kind === 'single' ? body.singleResult.errors : undefined;
          const codes = (answered ?? errors ?? []).map((error) =>
            String((error as { extensions?: { code?: unknown } }).extensions?.code ?? 'INTERNAL'),
          );
          metrics.requests.inc({ operation, outcome: codes.length ? 'error' : 'ok' });
          for (const code of codes) metrics.errors.inc({ operation, code });
        },
      };
    },
  };
}

/**
 * Serves `/metrics` on a port of its own, apart from the GraphQL port: what Prometheus scrapes is
 * not reachable by the gateway's clients, and the NetworkPolicy opens it to the monitoring only.
 */
export async function serveMetrics(
  metrics: ServiceMetrics,
  port: number,
  host: string,
  logger: Logger,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry
      .metrics()
      .then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text))
      .catch((error) => {
        logger.error({ err: error }, 'metrics could not be collected');
        res.writeHead(500).end();
      });
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  return {
    port: bound,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
