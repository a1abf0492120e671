import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type LogEntry,
  type Producer,
  type Consumer,
} from 'kafkajs';
import type { EventBus, IncomingMessage, OutgoingMessage, SubscribeOptions, Subscription } from './event-bus';
import type { Logger } from './logger';

export interface KafkaEventBusOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** How long one publish may keep retrying before it fails back to the caller (the outbox retries again). */
  publishTimeoutMs?: number;
  /** Told after each batch a consumer processed how many messages the partition still holds after it. */
  onConsumerLag?: (lag: { groupId: string; topic: string; partition: number; messages: number }) => void;
}

/** kafkajs log lines go into the service's pino logger. */
function bridgeLogs(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const child = { component: 'kafkajs', namespace: extra.logger, broker: extra.broker };
      if (level === KafkaLogLevel.ERROR) logger.error(child, message);
      else if (level === KafkaLogLevel.WARN) logger.warn(child, message);
      else logger.debug(child, message);
    };
}

export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  /** Each running consumer with the way to stop it for good (see `restartOnFailure`). */
  private readonly consumers = new Map<Consumer, () => Promise<void>>();

  constructor(private readonly options: KafkaEventBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: KafkaLogLevel.WARN,
      logCreator: bridgeLogs(options.logger),
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { initialRetryTime: 200, retries: 4, maxRetryTime: 2_000 },
    });
  }

  async connect(): Promise<void> {
    await this.getProducer();
  }

  private async getProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      // Idempotent with one request in flight: a retried batch is neither duplicated in the log
      // nor reordered, which keeps one key's events in order.
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
        // Murmur2 like the Java client: a key lands on the same partition whichever client wrote it.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await producer.connect();
      } catch (error) {
        this.connecting = undefined;
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.getProducer();
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      list.push(message);
      byTopic.set(message.topic, list);
    }
    try {
      await producer.sendBatch({
        acks: -1,
        timeout: this.options.publishTimeoutMs ?? 10_000,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        })),
      });
    } catch (error) {
      // A broken producer is rebuilt on the next publish rather than trusted again.
      this.producer = undefined;
      this.connecting = undefined;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async ensureTopics(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: 3, replicationFactor: -1 })),
        });
      }
    } finally {
      await admin.disconnect();
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    let stopped = false;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: true,
      // kafkajs restarts a consumer that crashed (e.g. while the broker was away) on a timer, even
      // after it was disconnected; a stopped subscription must stay stopped.
      retry: { restartOnFailure: async () => !stopped },
    });
    const stop = async () => {
      stopped = true;
      this.consumers.delete(consumer);
      await consumer.disconnect();
    };
    const onLag = this.options.onConsumerLag;
    if (onLag)
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        onLag({
          groupId: options.groupId,
          topic: payload.topic,
          partition: payload.partition,
          messages: Math.max(0, Number(payload.offsetLag)),
        }),
      );
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
    this.consumers.set(consumer, stop);
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value.toString();
        }
        const incoming: IncomingMessage = {
          topic,
          partition,
          offset: message.offset,
          key: message.key ? message.key.toString() : null,
          value: message.value,
          headers,
        };
        await options.handle(incoming);
      },
    });
    return { stop };
  }

  async disconnect(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((stop) => stop().catch(() => undefined)));
    this.consumers.clear();
    const producer = this.producer;
    this.producer = undefined;
    this.connecting = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
