import { createEvent, type CloudEvent } from '@hocbaso/events';
import { deleteTopics, eventually, infra, testLogger, uniqueId } from '@hocbaso/testkit';
import { Kafka, logLevel } from 'kafkajs';
import type { Connection } from 'mongoose';
import { KafkaEventBus, startIdempotentConsumer, type OutgoingMessage, type Subscription } from '../src';
import { counterContract, dropAndClose, ownDatabase, SOURCE, type CounterContract } from './fixtures';

jest.setTimeout(120_000);

const logger = testLogger('consumer-it');
let bus: KafkaEventBus;
const topics: string[] = [];
const connections: Connection[] = [];
const subscriptions: Subscription[] = [];
const replicaBuses: KafkaEventBus[] = [];

beforeAll(async () => {
  bus = new KafkaEventBus({ clientId: uniqueId('consumer-it'), brokers: infra().kafkaBrokers, logger });
  await bus.connect();
});

afterAll(async () => {
  await Promise.all(subscriptions.map((s) => s.stop().catch(() => undefined)));
  await bus?.disconnect();
  await Promise.all(replicaBuses.map((b) => b.disconnect()));
  await Promise.all(connections.map(dropAndClose));
  await deleteTopics(topics);
});

async function setup(prefix: string) {
  const contract = counterContract();
  topics.push(contract.topic);
  await bus.ensureTopics([contract.topic]);
  const connection = await ownDatabase(prefix, logger);
  connections.push(connection);
  const processed = connection.db!.collection<{ _id: string }>('processed_events');
  return { contract, processed };
}

function event(contract: CounterContract, key: string, seq: number): CloudEvent {
  return createEvent(contract, {
    source: SOURCE,
    subject: `counter/${key}`,
    key,
    data: { counterId: key, seq },
  });
}

const message = (contract: CounterContract, key: string, value: string | CloudEvent): OutgoingMessage => ({
  topic: contract.topic,
  key,
  value: typeof value === 'string' ? value : JSON.stringify(value),
});

describe('startIdempotentConsumer with a real broker and store', () => {
  it('handles each event id once, skips what it cannot read, and keeps consuming', async () => {
    const { contract, processed } = await setup('consumer');
    const first = event(contract, 'K', 1);
    const second = event(contract, 'K', 2);
    const last = event(contract, 'K', 3);
    const foreign = { ...event(contract, 'K', 4), type: 'vn.hocbaso.test.not-handled-here' };

    // All on one key, so one partition, so this order: the last event arriving means the rest did.
    await bus.publish([message(contract, 'K', first)]);
    await bus.publish([message(contract, 'K', first)]); // the same event again (a relay retry)
    await bus.publish([message(contract, 'K', 'this is not JSON {')]);
    await bus.publish([message(contract, 'K', JSON.stringify({ specversion: '1.0', id: 'no-type' }))]);
    await bus.publish([message(contract, 'K', foreign)]);
    await bus.publish([message(contract, 'K', second), message(contract, 'K', first)]);
    await bus.publish([message(contract, 'K', last)]);

    const handled: CloudEvent[] = [];
    subscriptions.push(
      await startIdempotentConsumer({
        bus,
        groupId: uniqueId('consumer-group'),
        topics: [contract.topic],
        handlers: { [contract.type]: async (e) => void handled.push(e) },
        processed,
        logger,
        fromBeginning: true,
      }),
    );

    await eventually(async () => handled.some((e) => e.id === last.id), 60_000);
    expect(handled.map((e) => e.id)).toEqual([first.id, second.id, last.id]);
    expect(handled[0]).toEqual(first);

    const records = await processed.find({}).toArray();
    expect(records.map((r) => r._id).sort()).toEqual([first.id, second.id, last.id].sort());
    expect(records.find((r) => r._id === first.id)).toMatchObject({
      type: contract.type,
      processedAt: expect.any(Date),
    });
    // The two unreadable messages were logged and passed over, not retried forever.
    expect(logger.lines.filter((line) => line.includes('unreadable event skipped'))).toHaveLength(2);
  });

  it('does not handle again what another consumer of the same service already handled (a replay)', async () => {
    const { contract, processed } = await setup('consumer_replay');
    const events = [1, 2, 3].map((seq) => event(contract, 'R', seq));
    await bus.publish(events.map((e) => message(contract, 'R', e)));

    const counts = new Map<string, number>();
    const handlers = {
      [contract.type]: async (e: CloudEvent) => void counts.set(e.id, (counts.get(e.id) ?? 0) + 1),
    };
    const firstRun = await startIdempotentConsumer({
      bus,
      groupId: uniqueId('replay-a'),
      topics: [contract.topic],
      handlers,
      processed,
      logger,
      fromBeginning: true,
    });
    subscriptions.push(firstRun);
    await eventually(async () => counts.size === 3, 60_000);
    await firstRun.stop();

    // A new group reads the topic from the start again; the processed ids stop every handler call.
    const marker = event(contract, 'R', 4);
    await bus.publish([message(contract, 'R', marker)]);
    const replay = await startIdempotentConsumer({
      bus,
      groupId: uniqueId('replay-b'),
      topics: [contract.topic],
      handlers,
      processed,
      logger,
      fromBeginning: true,
    });
    subscriptions.push(replay);
    await eventually(async () => counts.has(marker.id), 60_000);
    expect([...counts.values()]).toEqual([1, 1, 1, 1]);
    expect(await processed.countDocuments()).toBe(4);
  });

  it('retries an event whose handler failed, and records it only once it succeeded', async () => {
    const { contract, processed } = await setup('consumer_retry');
    const flaky = event(contract, 'T', 1);
    const after = event(contract, 'T', 2);
    await bus.publish([message(contract, 'T', flaky), message(contract, 'T', after)]);

    const calls: string[] = [];
    let recordedWhileFailing: boolean | undefined;
    subscriptions.push(
      await startIdempotentConsumer({
        bus,
        groupId: uniqueId('retry-group'),
        topics: [contract.topic],
        handlers: {
          [contract.type]: async (e) => {
            calls.push(e.id);
            if (e.id === flaky.id && calls.filter((id) => id === flaky.id).length === 1) {
              recordedWhileFailing = (await processed.countDocuments({ _id: flaky.id })) > 0;
              throw new Error('downstream store briefly unavailable');
            }
          },
        },
        processed,
        logger,
        fromBeginning: true,
      }),
    );

    await eventually(async () => calls.includes(after.id), 60_000);
    expect(recordedWhileFailing).toBe(false);
    // Tried twice, handled once, and the next event only after it (order kept on the partition).
    expect(calls).toEqual([flaky.id, flaky.id, after.id]);
    expect(await processed.countDocuments()).toBe(2);
  });

  it('shares the partitions between two replicas of a service in one group, handling each event once', async () => {
    const { contract, processed } = await setup('replicas');
    const groupId = uniqueId('replicas-group');
    const handledBy = { first: [] as string[], second: [] as string[] };
    for (const replica of ['first', 'second'] as const) {
      const replicaBus = new KafkaEventBus({
        clientId: `${groupId}-${replica}`,
        brokers: infra().kafkaBrokers,
        logger,
      });
      replicaBuses.push(replicaBus);
      subscriptions.push(
        await startIdempotentConsumer({
          bus: replicaBus,
          groupId,
          topics: [contract.topic],
          handlers: { [contract.type]: async (e) => void handledBy[replica].push(e.id) },
          processed,
          logger,
          fromBeginning: true,
        }),
      );
    }
    // Both replicas are members with their share of the 3 partitions before anything is published.
    const admin = new Kafka({ brokers: infra().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await eventually(async () => {
        const { groups } = await admin.describeGroups([groupId]);
        return groups[0]?.state === 'Stable' && groups[0].members.length === 2;
      }, 60_000);
    } finally {
      await admin.disconnect();
    }

    // 60 counters: their keys spread over the 3 partitions (murmur2, as every client places them).
    const events = Array.from({ length: 60 }, (_, i) => event(contract, `counter-${i}`, 1));
    await bus.publish(events.map((e) => message(contract, e.partitionkey, e)));
    await eventually(async () => handledBy.first.length + handledBy.second.length >= events.length, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a late second handling would show now

    const handled = [...handledBy.first, ...handledBy.second];
    expect(handled.sort()).toEqual(events.map((e) => e.id).sort());
    expect(handledBy.first.length).toBeGreaterThan(0);
    expect(handledBy.second.length).toBeGreaterThan(0);
    expect(await processed.countDocuments()).toBe(events.length);
  });
});
