import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { z } from 'zod';

/**
 * Traces (OpenTelemetry): a request's span in the gateway, its subgraph calls, the event its
 * change published and each consumer's handling of it share one trace id, carried in W3C
 * `traceparent` headers over HTTP and in the Kafka message's headers.
 *
 * Spans carry names of operations, topics and event types, never personal data or variables.
 */
const TRACER = '@hocbaso/service-kit';

/** Variables every service and the gateway accept (spread into each env.ts schema). */
export const tracingVariables = {
  /** `none` (default), `console`, `file` (JSON lines at OTEL_TRACES_FILE) or `otlp` (OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'console', 'file', 'otlp']).default('none'),
  OTEL_TRACES_FILE: z.string().min(1).optional(),
  /** The collector's base URL, e.g. http://otel-collector:4318 (the exporter adds /v1/traces). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
};

export interface TracingConfig {
  OTEL_TRACES_EXPORTER: 'none' | 'console' | 'file' | 'otlp';
  OTEL_TRACES_FILE?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

let provider: NodeTracerProvider | undefined;

/**
 * Registers the process's tracer provider, W3C trace-context propagation and the async context
 * that carries the current span through awaits. With `none`, spans are not recorded at all.
 */
export function startTracing(service: string, config: TracingConfig): void {
  if (config.OTEL_TRACES_EXPORTER === 'none' || provider) return;
  registerTracing(service, [spanProcessorFor(config)]);
}

/** Registers with the given processors (a test passes an in-memory exporter's). */
export function registerTracing(service: string, spanProcessors: SpanProcessor[]): NodeTracerProvider {
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }),
    spanProcessors,
  });
  provider.register();
  return provider;
}

/** For tests: every span of this process, kept in memory (read with `getFinishedSpans()`). */
export function recordSpansInMemory(service: string): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  registerTracing(service, [new SimpleSpanProcessor(exporter)]);
  return exporter;
}

/** Sends what is buffered; called once the service has drained its requests. */
export async function stopTracing(): Promise<void> {
  if (!provider) return;
  await provider.shutdown().catch(() => undefined);
  provider = undefined;
  // Unregistered, so that a later registration (the next test) takes effect.
  trace.disable();
  context.disable();
  propagation.disable();
}

function spanProcessorFor(config: TracingConfig): SpanProcessor {
  switch (config.OTEL_TRACES_EXPORTER) {
    case 'console':
      return new SimpleSpanProcessor(new ConsoleSpanExporter());
    case 'file': {
      if (!config.OTEL_TRACES_FILE) throw new Error('OTEL_TRACES_EXPORTER=file needs OTEL_TRACES_FILE');
      return new SimpleSpanProcessor(new FileSpanExporter(config.OTEL_TRACES_FILE));
    }
    default:
      return new BatchSpanProcessor(
        new OTLPTraceExporter(
          config.OTEL_EXPORTER_OTLP_ENDPOINT
            ? { url: new URL('/v1/traces', config.OTEL_EXPORTER_OTLP_ENDPOINT).toString() }
            : {},
        ),
      );
  }
}

/** One line of a trace file. */
export interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: string;
  start: string;
  durationMs: number;
  status: 'UNSET' | 'OK' | 'ERROR';
  attributes: Attributes;
}

export function toSpanLine(span: ReadableSpan): SpanLine {
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    service: String(span.resource.attributes[ATTR_SERVICE_NAME] ?? ''),
    name: span.name,
    kind: SpanKind[span.kind],
    start: new Date(hrTimeToMilliseconds(span.startTime)).toISOString(),
    durationMs: Math.round(hrTimeToMilliseconds(span.duration) * 1000) / 1000,
    status: (['UNSET', 'OK', 'ERROR'] as const)[span.status.code],
    attributes: span.attributes,
  };
}

/** Appends finished spans as JSON lines: a local run's traces, readable without a collector. */
export class FileSpanExporter implements SpanExporter {
  constructor(private readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      appendFileSync(this.file, spans.map((span) => JSON.stringify(toSpanLine(span)) + '\n').join(''));
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}
}

function tracer() {
  return trace.getTracer(TRACER);
}

/** The trace context of the current span, as headers (empty when nothing is traced). */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier;
}

/** Reads a `traceparent` (and `tracestate`) from headers; the root context when there is none. */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/**
 * Runs `work` inside a new span, ended when the work settles; a throw marks the span failed
 * (its message is not recorded: errors can quote the input).
 */
export async function inSpan<T>(
  name: string,
  options: { kind: SpanKind; attributes?: Attributes; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Starts a server span for an incoming HTTP request, continuing the caller's trace, and runs the
 * rest of the request inside it; the span ends when the answer is sent.
 */
export function serverSpan(
  name: string,
  incoming: { headers: Record<string, string | string[] | undefined> },
  answer: { statusCode: number; once(event: 'finish' | 'close', listener: () => void): unknown },
  next: () => void,
): void {
  const parent = contextFromHeaders(incoming.headers);
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER }, parent);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    span.setAttribute('http.response.status_code', answer.statusCode);
    if (answer.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  answer.once('finish', end);
  answer.once('close', end);
  context.with(trace.setSpan(parent, span), next);
}

/**
 * A span for one message published: its parent is the trace the change was made in (kept with the
 * outbox entry), and its own context goes into the message's headers for the consumers.
 */
export function startPublishSpan(
  name: string,
  traceparent: string | undefined,
  attributes: Attributes,
): { span: Span; headers: Record<string, string> } {
  const parent = traceparent ? contextFromHeaders({ traceparent }) : ROOT_CONTEXT;
  const span = tracer().startSpan(name, { kind: SpanKind.PRODUCER, attributes }, parent);
  return { span, headers: traceHeaders(trace.setSpan(parent, span)) };
}

/** Ends spans of work that failed as a whole (e.g. a batch the broker refused). */
export function failSpan(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
}

/** Names the request's server span after its GraphQL operation, once the operation is known. */
export function operationSpanPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      // Captured here: later hooks may run inside a child span (the gateway's own).
      const span = trace.getActiveSpan();
      return {
        async didResolveOperation({ operationName, operation }) {
          const type = operation?.operation ?? 'query';
          span?.updateName(`graphql ${type} ${operationName ?? '(anonymous)'}`);
          span?.setAttributes({
            'graphql.operation.type': type,
            'graphql.operation.name': operationName ?? '',
          });
        },
      };
    },
  };
}

export { SpanKind, type ReadableSpan };
