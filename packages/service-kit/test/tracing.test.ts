import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  contextFromHeaders,
  inSpan,
  SpanKind,
  startTracing,
  stopTracing,
  traceHeaders,
  type SpanLine,
} from '../src';

describe('traces exported to a file (a local run without a collector)', () => {
  afterEach(() => stopTracing());

  it('writes one JSON line per span, children pointing at their parent, across a header hop', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hocbaso-traces-')), 'nested', 'probe.jsonl');
    startTracing('probe', { OTEL_TRACES_EXPORTER: 'file', OTEL_TRACES_FILE: file });

    let carried: Record<string, string> = {};
    await inSpan('POST /graphql', { kind: SpanKind.SERVER }, async () => {
      carried = traceHeaders();
    });
    // Another process reads the headers and continues the trace.
    await inSpan(
      'process event',
      { kind: SpanKind.CONSUMER, parent: contextFromHeaders(carried) },
      async () => {
        throw new Error('handler failed');
      },
    ).catch(() => undefined);
    await stopTracing();

    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanLine);
    expect(lines.map((l) => l.name)).toEqual(['POST /graphql', 'process event']);
    const [server, consumer] = lines as [SpanLine, SpanLine];
    expect(carried.traceparent).toBe(`00-${server.traceId}-${server.spanId}-01`);
    expect(consumer.traceId).toBe(server.traceId);
    expect(consumer.parentSpanId).toBe(server.spanId);
    expect(server.parentSpanId).toBeNull();
    expect([server.kind, consumer.kind]).toEqual(['SERVER', 'CONSUMER']);
    expect([server.service, consumer.service]).toEqual(['probe', 'probe']);
    expect(consumer.status).toBe('ERROR');
  });

  it('records nothing and carries no trace context when tracing is off', async () => {
    startTracing('probe', { OTEL_TRACES_EXPORTER: 'none' });
    const carried = await inSpan('POST /graphql', { kind: SpanKind.SERVER }, async () => traceHeaders());
    expect(carried).toEqual({});
  });
});
