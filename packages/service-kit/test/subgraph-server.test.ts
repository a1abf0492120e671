import { ERROR_CATALOGUE, forbidden } from '@hocbaso/errors';
import { metricValue, testLogger } from '@hocbaso/testkit';
import { SpanKind } from '@opentelemetry/api';
import { parse } from 'graphql';
import {
  createSubgraphServer,
  IDENTITY_HEADER,
  recordSpansInMemory,
  ServiceMetrics,
  stopTracing,
  signForwardedIdentity,
  type Principal,
  type RequestContext,
  type SubgraphServer,
} from '../src';

jest.setTimeout(60_000);

const SECRET = 'subgraph-test-secret-0123456789-abcdef';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  type Query {
    hello(name: String): String!
    whoami: Caller!
    boom: String
    denied: String
    slow: String!
  }

  type Caller {
    accountId: String
    requestId: String!
    service: String!
  }
`);

const teacher: Principal = {
  accountId: 'acc-7',
  username: 'gv.van',
  schoolId: 'school-a',
  roles: [{ role: 'SUBJECT_TEACHER', scope: { schoolId: 'school-a', subjectCode: 'VAN' } }],
  teaching: [],
};

interface TestContext extends RequestContext {
  service: string;
}

/** A gate a resolver waits on, so that a test controls when an in-flight request ends. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let entered!: () => void;
  const reached = new Promise<void>((resolve) => (entered = resolve));
  return { open, opened, entered, reached };
}

describe('createSubgraphServer', () => {
  const logger = testLogger('subgraph-it');
  let ready = { store: true, broker: true };
  let slow = gate();
  const shutdownSteps: string[] = [];
  let server: SubgraphServer;
  let base: string;
  let spans: ReturnType<typeof recordSpansInMemory>;

  beforeAll(async () => {
    spans = recordSpansInMemory('test-subgraph');
    server = await createSubgraphServer<TestContext>({
      name: 'test-subgraph',
      typeDefs,
      resolvers: {
        Query: {
          hello: (_: unknown, args: { name?: string | null }, ctx: TestContext) =>
            `Xin chào ${args.name ?? ctx.principal?.username ?? 'khách'}`,
          whoami: (_: unknown, __: unknown, ctx: TestContext) => ({
            accountId: ctx.principal?.accountId ?? null,
            requestId: ctx.requestId,
            service: ctx.service,
          }),
          boom: () => {
            throw new Error('connection to 10.0.0.5:27017 refused (db password hunter2)');
          },
          denied: () => {
            throw forbidden();
          },
          slow: async () => {
            slow.entered();
            await slow.opened;
            shutdownSteps.push('slow request answered');
            return 'done';
          },
        },
      },
      logger,
      identitySecret: SECRET,
      createContext: (baseContext) => ({ ...baseContext, service: 'test-subgraph' }),
      readiness: {
        store: async () => ready.store,
        broker: async () => {
          if (!ready.broker) throw new Error('broker down');
          return true;
        },
      },
      onShutdown: async () => {
        shutdownSteps.push('onShutdown');
      },
      drainTimeoutMs: 10_000,
      metrics: new ServiceMetrics('test-subgraph'),
      metricsPort: 0,
    });
    const port = await server.listen(0);
    expect(port).toBeGreaterThan(0);
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    slow.open();
    await server?.close();
    await stopTracing();
  });

  const identity = (principal: Principal | null = teacher, requestId = 'req-1') =>
    signForwardedIdentity({ principal, requestId }, SECRET);

  async function graphql(query: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        data?: Record<string, unknown>;
        errors?: Array<Record<string, unknown>>;
      },
    };
  }

  it('refuses a call without the identity the gateway signs', async () => {
    const { status, body } = await graphql('{ hello }');
    expect(status).toBe(401);
    expect(body).toEqual({
      errors: [{ message: ERROR_CATALOGUE.UNAUTHENTICATED.vi, extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('refuses an identity signed with another secret', async () => {
    const forged = signForwardedIdentity(
      { principal: teacher, requestId: 'r' },
      'not-the-shared-secret-but-long-enough',
    );
    const { status, body } = await graphql('{ hello }', { [IDENTITY_HEADER]: forged });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('answers with the signed identity, giving resolvers the principal and request id', async () => {
    const { status, body } = await graphql('{ hello whoami { accountId requestId service } }', {
      [IDENTITY_HEADER]: identity(teacher, 'req-77'),
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        hello: 'Xin chào gv.van',
        whoami: { accountId: 'acc-7', requestId: 'req-77', service: 'test-subgraph' },
      },
    });
  });

  it('answers an anonymous caller the gateway vouches for', async () => {
    const { status, body } = await graphql('{ hello whoami { accountId } }', {
      [IDENTITY_HEADER]: identity(null),
    });
    expect(status).toBe(200);
    expect(body.data).toEqual({ hello: 'Xin chào khách', whoami: { accountId: null } });
  });

  it('serves the federation SDL to the gateway (with the identity)', async () => {
    const { status, body } = await graphql('{ _service { sdl } }', { [IDENTITY_HEADER]: identity() });
    expect(status).toBe(200);
    expect((body.data?._service as { sdl: string }).sdl).toContain('hello(name: String): String!');
  });

  it('masks an unexpected error as INTERNAL with the request id, and logs it once with that id', async () => {
    const before = logger.lines.length;
    const { status, body } = await graphql('{ boom }', { [IDENTITY_HEADER]: identity(teacher, 'req-boom') });
    expect(status).toBe(200);
    expect(body.data).toEqual({ boom: null });
    expect(body.errors).toEqual([
      {
        message: ERROR_CATALOGUE.INTERNAL.vi,
        path: ['boom'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'INTERNAL', requestId: 'req-boom' },
      },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.5|hunter2|stacktrace/);

    const logged = logger.lines.slice(before).filter((line) => line.includes('unexpected error'));
    expect(logged).toHaveLength(1);
    const record = JSON.parse(logged[0]!) as { requestId?: string; err?: { message?: string } };
    expect(record.requestId).toBe('req-boom');
    expect(record.err?.message).toContain('refused');
  });

  it('passes our coded errors to the caller with their code and no stack trace', async () => {
    const { status, body } = await graphql('{ denied }', { [IDENTITY_HEADER]: identity() });
    expect(status).toBe(200);
    expect(body.errors).toEqual([
      {
        message: ERROR_CATALOGUE.FORBIDDEN.vi,
        path: ['denied'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'FORBIDDEN' },
      },
    ]);
  });

  it('reports a query that does not validate as such, not as INTERNAL', async () => {
    const { status, body } = await graphql('{ nope }', { [IDENTITY_HEADER]: identity() });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'test-subgraph' });
  });

  it('answers /readyz 200 when every check passes, 503 naming the one that fails', async () => {
    let response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      draining: false,
      checks: { store: true, broker: true },
    });

    ready = { store: false, broker: true };
    response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not-ready',
      draining: false,
      checks: { store: false, broker: true },
    });

    ready = { store: true, broker: false }; // a check that throws counts as failed
    response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { checks: unknown }).checks).toEqual({ store: true, broker: false });

    ready = { store: true, broker: true };
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("continues the caller's trace in a server span named after the operation", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const answer = await graphql('query Greeting { hello }', {
      [IDENTITY_HEADER]: identity(),
      traceparent: `00-${traceId}-${callerSpanId}-01`,
    });
    expect(answer.status).toBe(200);
    const span = spans.getFinishedSpans().find((s) => s.spanContext().traceId === traceId);
    expect(span).toBeDefined();
    expect(span!.name).toBe('graphql query Greeting');
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.parentSpanContext?.spanId).toBe(callerSpanId);
    expect(span!.attributes['http.response.status_code']).toBe(200);
  });

  it('counts and times each operation with its outcome and error codes, at /metrics on its own port', async () => {
    for (let i = 0; i < 2; i++)
      await graphql('query MetricsHello { hello }', { [IDENTITY_HEADER]: identity() });
    await graphql('query MetricsDenied { denied }', { [IDENTITY_HEADER]: identity() });
    const scraped = await fetch(`http://127.0.0.1:${server.metricsPort()}/metrics`);
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    const requests = (operation: string, outcome: string) =>
      metricValue(text, 'graphql_requests_total', { operation, outcome, service: 'test-subgraph' });
    expect(requests('MetricsHello', 'ok')).toBe(2);
    expect(requests('MetricsHello', 'error')).toBe(0);
    expect(requests('MetricsDenied', 'error')).toBe(1);
    expect(metricValue(text, 'graphql_errors_total', { operation: 'MetricsDenied', code: 'FORBIDDEN' })).toBe(
      1,
    );
    expect(metricValue(text, 'graphql_request_duration_seconds_count', { operation: 'MetricsHello' })).toBe(
      2,
    );
    expect(metricValue(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Not on the GraphQL port, which the gateway's callers reach.
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });

  it('on close(), lets an in-flight request finish, then calls onShutdown and stops listening', async () => {
    slow = gate();
    const inFlight = graphql('{ slow }', { [IDENTITY_HEADER]: identity() });
    await slow.reached;

    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    // Draining: the request is still running, and shutdown waits for it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    expect(shutdownSteps).toEqual([]);

    slow.open();
    const { status, body } = await inFlight;
    expect(status).toBe(200);
    expect(body).toEqual({ data: { slow: 'done' } });
    await closing;
    expect(shutdownSteps).toEqual(['slow request answered', 'onShutdown']);
    expect(server.httpServer.listening).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    // close() is idempotent.
    await server.close();
    expect(shutdownSteps).toEqual(['slow request answered', 'onShutdown']);
  });
});
