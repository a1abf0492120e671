import type { Connection, Model } from 'mongoose';
import type { Collection } from 'mongodb';
import { startIdempotentConsumer, type EventHandler } from './consumer';
import type { EventBus, Subscription } from './event-bus';
import { KafkaEventBus } from './kafka-event-bus';
import type { Logger } from './logger';
import { ServiceMetrics } from './metrics';
import { connectMongo, pingMongo, storeProfile, syncIndexes } from './mongo';
import { backoffDelay, sleep } from './retry';
import { OutboxRelay } from './outbox';
import { DatabaseLeases, WriteLock, type LeaseDocument } from './write-lock';

export interface ServiceRuntimeOptions {
  name: string;
  mongoUri: string;
  dbName: string;
  kafkaBrokers: string[];
  logger: Logger;
  outboxPollIntervalMs?: number;
  outboxScanIntervalMs?: number;
  /**
   * `process`: writes to a document are serialised in this process (one replica per service).
   * `database`: also across processes, by a lease per document in `write_locks` (several
   * replicas). Default: `database` on MongoDB, `process` on FerretDB v1, where each lease's
   * write would read the whole lease collection and one replica per service is the deployment.
   */
  writeLockScope?: 'process' | 'database';
}

/**
 * The infrastructure every service wires the same way: its own database, the event bus, the
 * write lock, the audit trail (event log) and the outbox relay. A service's server.ts registers
 * its models, then calls `startRelay` with the models that carry an outbox.
 */
export interface ServiceRuntime {
  connection: Connection;
  /** The service's Prometheus metrics; its subgraph server serves them on the metrics port. */
  metrics: ServiceMetrics;
  bus: EventBus;
  writeLock: WriteLock;
  /** Every event this service published: its audit trail. */
  eventLog: Collection;
  /** Ids of events this service consumed and handled. */
  processedEvents: Collection<{ _id: string }>;
  relay: OutboxRelay | undefined;
  isReady(): Promise<boolean>;
  /** Creates the indexes, starts the relay and creates the topics (in the background). */
  start(options: { outboxModels: Model<any>[]; topics: string[] }): Promise<OutboxRelay>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Consumes other services' events idempotently (dedupe by event id in processed_events). */
  consume(options: {
    groupId: string;
    topics: string[];
    handlers: Record<string, EventHandler>;
    fromBeginning?: boolean;
    /**
     * Where this consumer remembers the event ids it handled (default `processed_events`). Two
     * groups reading the same events need one each, or the second would skip what the first did.
     */
    processedCollection?: string;
  }): Promise<Subscription>;
  /** Publishes what is pending, then closes the broker and database connections. */
  close(): Promise<void>;
}

export async function createServiceRuntime(options: ServiceRuntimeOptions): Promise<ServiceRuntime> {
  const { logger } = options;
  const metrics = new ServiceMetrics(options.name);
  const connection = await connectMongo({ uri: options.mongoUri, dbName: options.dbName, logger, metrics });
  const bus = new KafkaEventBus({
    clientId: options.name,
    brokers: options.kafkaBrokers,
    logger: logger.child({ component: 'kafka' }),
    onConsumerLag: ({ groupId, topic, partition, messages }) =>
      metrics.consumerLag.set({ group: groupId, topic, partition: String(partition) }, messages),
  });
  const scope =
    options.writeLockScope ?? (storeProfile(connection).indexesOnlyIdEquality ? 'process' : 'database');
  const writeLock = new WriteLock(
    scope === 'database'
      ? new DatabaseLeases(connection.db!.collection<LeaseDocument>('write_locks'), {
          logger: logger.child({ component: 'write-lock' }),
        })
      : undefined,
  );
  logger.info({ writeLockScope: scope }, 'document writes serialised');
  const eventLog = connection.db!.collection('event_log');
  const processedEvents = connection.db!.collection<{ _id: string }>('processed_events');
  const consumerCloses: Array<() => Promise<void>> = [];

  const runtime: ServiceRuntime = {
    connection,
    metrics,
    bus,
    writeLock,
    eventLog,
    processedEvents,
    relay: undefined,
    isReady: () => pingMongo(connection),
    async start({ outboxModels, topics }) {
      await syncIndexes(connection);
      const relay = new OutboxRelay({
        models: outboxModels,
        publisher: bus,
        logger: logger.child({ component: 'outbox' }),
        eventLog,
        pollIntervalMs: options.outboxPollIntervalMs,
        scanIntervalMs: options.outboxScanIntervalMs,
        writeLock,
        metrics,
      });
      runtime.relay = relay;
      // A broker that is down now is no reason not to start: the relay publishes when it is back.
      bus
        .ensureTopics(topics)
        .catch((error) =>
          logger.warn(
            { err: (error as Error).message },
            'could not create topics yet; the broker creates them on first publish',
          ),
        );
      relay.start();
      return relay;
    },
    async consume({ groupId, topics, handlers, fromBeginning, processedCollection }) {
      let subscription: Subscription | undefined;
      let stopped = false;
      const subscribe = async () => {
        // Topics must exist before a group can subscribe to them (a fresh broker has none).
        await bus.ensureTopics(topics);
        return startIdempotentConsumer({
          bus,
          groupId,
          topics,
          handlers,
          processed: processedCollection
            ? connection.db!.collection<{ _id: string }>(processedCollection)
            : processedEvents,
          logger,
          fromBeginning: fromBeginning ?? true,
          metrics,
        });
      };
      try {
        subscription = await subscribe();
      } catch (error) {
        // A broker that is down at start-up delays the read models; it does not stop the service.
        logger.warn(
          { err: (error as Error).message, groupId },
          'could not subscribe yet; retrying in the background',
        );
        void (async () => {
          for (let attempt = 0; !stopped && !subscription; attempt++) {
            await sleep(backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 }));
            if (stopped) return;
            const started = await subscribe().catch(() => undefined);
            // Stopped while subscribing: nobody else will stop this consumer.
            if (started && stopped) await started.stop().catch(() => undefined);
            else subscription = started;
          }
        })();
      }
      const handle: Subscription = {
        stop: async () => {
          stopped = true;
          await subscription?.stop();
        },
      };
      consumerCloses.push(() => handle.stop());
      return handle;
    },
    async close() {
      await Promise.all(consumerCloses.map((close) => close().catch(() => undefined)));
      await runtime.relay?.stop();
      await bus.disconnect();
      await connection.close();
    },
  };
  return runtime;
}
