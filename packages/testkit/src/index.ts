import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import type { CloudEvent } from '@hocbaso/events';
import { Kafka, logLevel as KafkaLogLevel } from 'kafkajs';
import {
  createLogger,
  IDENTITY_HEADER,
  KafkaEventBus,
  signForwardedIdentity,
  type Logger,
  type Principal,
  type Subscription,
} from '@hocbaso/service-kit';

/** Where the local infrastructure runs; `npm test` starts it and exports these. */
export function infra() {
  return {
    mongodbUri: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/',
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  };
}

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Runs one of the deploy/local scripts (e.g. to stop and start the broker in a fault test). */
export async function localScript(script: string, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(path.join(REPO_ROOT, 'deploy/local', script), args, {
    env: process.env,
    timeout: 180_000,
  });
  return stdout + stderr;
}

/** Unique names so that tests never see each other's data, even on a shared broker and store. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function uniqueDbName(prefix: string): string {
  return `t_${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** A logger for tests: silent unless LOG_LEVEL is set; `lines` keeps what was written. */
export function testLogger(service = 'test'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      if (process.env.LOG_LEVEL) process.stderr.write(chunk);
      callback();
    },
  });
  const logger = createLogger({ service, level: process.env.LOG_LEVEL ?? 'info', destination });
  return Object.assign(logger, { lines });
}

export interface CollectedEvent {
  key: string | null;
  topic: string;
  partition: number;
  offset: string;
  /** The Kafka message headers (e.g. `ce_id`, `ce_type`, `content-type`). */
  headers: Record<string, string>;
  event: CloudEvent;
}

/**
 * A real Kafka consumer that keeps every CloudEvent arriving on the topics, so a test can wait
 * for the ones it caused.
 */
export class EventCollector {
  readonly events: CollectedEvent[] = [];
  private subscription: Subscription | undefined;
  private readonly bus: KafkaEventBus;

  constructor(private readonly topics: string[]) {
    this.bus = new KafkaEventBus({
      clientId: uniqueId('collector'),
      brokers: infra().kafkaBrokers,
      logger: testLogger('collector'),
    });
  }

  async start(): Promise<this> {
    await this.bus.ensureTopics(this.topics);
    this.subscription = await this.bus.subscribe({
      groupId: uniqueId('test-collector'),
      topics: this.topics,
      // From the start of the topics: a test never misses an event published before the group joined.
      fromBeginning: true,
      handle: async (message) => {
        if (!message.value) return;
        this.events.push({
          key: message.key,
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          headers: message.headers,
          event: JSON.parse(message.value.toString()) as CloudEvent,
        });
      },
    });
    return this;
  }

  matching(predicate: (event: CloudEvent) => boolean): CollectedEvent[] {
    return this.events.filter((e) => predicate(e.event));
  }

  /** Waits until `count` matching events have arrived (or fails after `timeoutMs`). */
  async waitFor(
    predicate: (event: CloudEvent) => boolean,
    count = 1,
    timeoutMs = 30_000,
  ): Promise<CollectedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.matching(predicate);
      if (found.length >= count) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const found = this.matching(predicate);
    throw new Error(`expected ${count} matching events within ${timeoutMs} ms, got ${found.length}`);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.bus.disconnect();
  }
}

export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  stepMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}

/** A local TCP port that nothing listens on (bound once, then released), for "unreachable" tests. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('no port was assigned');
  return address.port;
}

/** Deletes a test's own topics from the local broker (best effort: a test never fails on clean-up). */
export async function deleteTopics(topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = new Kafka({
    clientId: uniqueId('testkit-admin'),
    brokers: infra().kafkaBrokers,
    logLevel: KafkaLogLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const mine = topics.filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
  } catch {
    // The broker may be down in a fault test; leftover topics only cost disk space.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** The header the gateway sends a subgraph: who is calling, signed with the shared secret (or another one). */
export function forwardedIdentityHeader(principal: Principal | null, secret: string): Record<string, string> {
  return { [IDENTITY_HEADER]: signForwardedIdentity({ principal, requestId: randomUUID() }, secret) };
}

/** POSTs one GraphQL operation and returns its body with the HTTP status. */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await response.json()) as Omit<GraphQLResult<T>, 'status'>), status: response.status };
}

/**
 * A sample's value in Prometheus' text format: the line of `name` whose labels include `labels`
 * (0 when there is none, as for a counter never incremented).
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return 0;
}
