import { recordSpansInMemory, SpanKind, stopTracing, type ReadableSpan } from '@hocbaso/service-kit';
import { classCreated } from '@hocbaso/events';
import { eventually, metricValue } from '@hocbaso/testkit';
import { demoSchoolYear } from '../../services/students/src/seed/demo-data';
import { FullStack } from './full-stack';

jest.setTimeout(300_000);

const YEAR = '2025-2026';

/** Every span from `span` up to the root of its trace (parents first-found in `spans`). */
function ancestry(span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const chain = [span];
  for (let parent = span.parentSpanContext?.spanId; parent;) {
    const found = byId.get(parent);
    if (!found) break;
    chain.push(found);
    parent = found.parentSpanContext?.spanId;
  }
  return chain;
}

describe('traces and metrics across the gateway, the subgraphs and Kafka', () => {
  let stack: FullStack;
  let spans: ReturnType<typeof recordSpansInMemory>;

  beforeAll(async () => {
    spans = recordSpansInMemory('hocbaso-e2e');
    stack = await FullStack.startAll();
  });
  afterAll(async () => {
    await stack?.stop();
    await stopTracing();
  });

  it("follows one mutation from the gateway through its subgraph to the event and each consumer's handling", async () => {
    const { school } = await stack.createSchoolWithAdmin('trace');
    const staff = await stack.createAccount(school._id, 'giaovu', 'ACADEMIC_STAFF');
    const token = (await stack.login(staff.username, staff.password)).accessToken;
    const demo = demoSchoolYear(school._id, YEAR).find((c) => c.grade === 10)!;

    const created = await stack.query<{ createClass: { id: string } }>(
      `mutation TracedCreateClass($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      { i: { schoolId: school._id, schoolYear: YEAR, grade: demo.grade, name: demo.name } },
      token,
    );
    expect(created.errors).toBeUndefined();

    // The gateway's span for this request starts the trace: a client's traceparent is not taken.
    const root = spans
      .getFinishedSpans()
      .find(
        (s) =>
          s.name === 'graphql mutation TracedCreateClass' &&
          s.kind === SpanKind.SERVER &&
          !s.parentSpanContext,
      );
    expect(root).toBeDefined();
    const traceId = root!.spanContext().traceId;
    const inTrace = () => spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);

    // The students subgraph answered within it, below the gateway's fetch.
    const subgraph = inTrace().find((s) => s.kind === SpanKind.SERVER && s !== root);
    expect(subgraph).toBeDefined();
    expect(ancestry(subgraph!, inTrace())).toContain(root);

    // Its event was published in the same trace, and other services handled it as children of that publication.
    const consumers = await eventually(async () => {
      const handled = inTrace().filter(
        (s) => s.kind === SpanKind.CONSUMER && s.name === `process ${classCreated.type}`,
      );
      return handled.length >= 2 ? handled : null;
    }, 60_000);
    const publish = inTrace().find(
      (s) => s.kind === SpanKind.PRODUCER && s.name === `publish ${classCreated.type}`,
    );
    expect(publish).toBeDefined();
    expect(ancestry(publish!, inTrace())).toContain(subgraph);
    for (const consumer of consumers) {
      expect(consumer.parentSpanContext?.spanId).toBe(publish!.spanContext().spanId);
    }
    const groups = new Set(consumers.map((s) => s.attributes['messaging.consumer.group.name']));
    expect(groups.size).toBeGreaterThanOrEqual(2);
  });

  it('counts the operation at the gateway and the subgraph, and the events published and consumed', async () => {
    const scrape = async (port: number | undefined) => {
      const answer = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(answer.status).toBe(200);
      return answer.text();
    };
    const gateway = await scrape(stack.gateway.metricsPort());
    expect(
      metricValue(gateway, 'graphql_requests_total', { operation: 'TracedCreateClass', outcome: 'ok' }),
    ).toBe(1);

    const students = await scrape(stack.students.server.metricsPort());
    expect(metricValue(students, 'outbox_events_published_total')).toBeGreaterThan(0);
    expect(metricValue(students, 'mongodb_pool_connections', { state: 'open' })).toBeGreaterThan(0);
    expect(
      metricValue(students, 'mongodb_command_duration_seconds_count', { command: 'find' }),
    ).toBeGreaterThan(0);

    const academics = await eventually(async () => {
      const text = await scrape(stack.academics.server.metricsPort());
      return metricValue(text, 'events_consumed_total', { result: 'handled' }) > 0 ? text : null;
    }, 30_000);
    expect(academics).toContain('kafka_consumer_lag_messages{');
  });
});
