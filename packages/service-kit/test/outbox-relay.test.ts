import type { CloudEvent } from '@hocbaso/events';
import {
  deleteTopics,
  eventually,
  EventCollector,
  infra,
  testLogger,
  uniqueId,
  type CollectedEvent,
} from '@hocbaso/testkit';
import type { Connection, Schema } from 'mongoose';
import {
  documentLockKey,
  KafkaEventBus,
  newDocumentOutbox,
  OutboxRelay,
  setStoreProfile,
  syncIndexes,
  withEvents,
  WriteLock,
  type EventPublisher,
  type OutboxEntry,
  type OutgoingMessage,
} from '../src';
import {
  counterContract,
  counterEntry,
  counterModel,
  dropAndClose,
  ownDatabase,
  SOURCE,
  type CounterContract,
  type CounterDocument,
} from './fixtures';

jest.setTimeout(120_000);

const logger = testLogger('outbox-it');
let bus: KafkaEventBus;
const topics: string[] = [];
const connections: Connection[] = [];
const collectors: EventCollector[] = [];
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  bus = new KafkaEventBus({ clientId: uniqueId('outbox-it'), brokers: infra().kafkaBrokers, logger });
  await bus.connect();
});

afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.stop(1_000).catch(() => undefined)));
  await Promise.all(collectors.map((collector) => collector.stop().catch(() => undefined)));
  await bus?.disconnect();
  await Promise.all(connections.map(dropAndClose));
  await deleteTopics(topics);
});

/** A database, a topic and a collector of the test's own. */
async function setup(prefix: string, configure?: (schema: Schema<CounterDocument>) => void) {
  const contract = counterContract();
  topics.push(contract.topic);
  const connection = await ownDatabase(prefix, logger);
  connections.push(connection);
  // Counts the relay's compare-and-set attempts that lost to a write made since its read.
  const races = { lost: 0, keptWrittenMeanwhile: 0 };
  const Counter = counterModel(connection, (schema) => {
    schema.post('updateOne', function (result: { matchedCount?: number }) {
      if ('_rev' in this.getFilter() && result.matchedCount === 0) races.lost++;
      const set = (this.getUpdate() as { $set?: { _outbox?: unknown[]; _outboxPending?: boolean } }).$set;
      if (set?._outbox && set._outboxPending === true) races.keptWrittenMeanwhile++;
    });
    configure?.(schema);
  });
  await syncIndexes(connection);
  const eventLog = connection.db!.collection('event_log');
  const collector = await new EventCollector([contract.topic]).start();
  collectors.push(collector);
  return { contract, Counter, eventLog, collector, races };
}

function relayFor(options: ConstructorParameters<typeof OutboxRelay>[0]): OutboxRelay {
  const relay = new OutboxRelay(options);
  relays.push(relay);
  return relay;
}

const ofType = (contract: CounterContract) => (event: CloudEvent) => event.type === contract.type;
const seqOf = (collected: CollectedEvent) => (collected.event.data as { seq: number }).seq;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Publishes a marker straight to the bus for each key and waits until it arrives: Kafka keeps one
 * partition in order, so once a key's marker is in, everything published before it on that key is too.
 */
async function drainKeys(collector: EventCollector, contract: CounterContract, keys: string[]) {
  const marker = uniqueId('marker');
  await bus.publish(
    keys.map((key) => ({
      topic: contract.topic,
      key,
      value: JSON.stringify({ type: 'vn.hocbaso.test.marker', id: `${marker}-${key}`, partitionkey: key }),
    })),
  );
  await collector.waitFor(
    (event) => event.type === 'vn.hocbaso.test.marker' && event.id.startsWith(marker),
    keys.length,
  );
}

/** Our EventPublisher in front of the real bus, failing while told to (a broker outage, as the relay sees it). */
class FlakyPublisher implements EventPublisher {
  attempts = 0;
  failing = true;
  /** `before`: the broker never got the batch; `after`: it did, but the acknowledgement was lost. */
  constructor(
    private readonly inner: EventPublisher,
    private readonly mode: 'before' | 'after',
  ) {}

  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.attempts++;
    if (!this.failing) return this.inner.publish(messages);
    if (this.mode === 'after') await this.inner.publish(messages);
    throw new Error('simulated broker outage');
  }
}

describe('OutboxRelay with a real broker and store', () => {
  it('publishes every committed event once, in order per key, with the CloudEvents fields, then empties the outbox', async () => {
    const { contract, Counter, eventLog, collector } = await setup('outbox_e2e');
    const written: OutboxEntry[] = [];
    const record = (...entries: OutboxEntry[]) => {
      written.push(...entries);
      return entries;
    };
    const updateA = (seq: number) =>
      Counter.updateOne(
        { _id: 'A' },
        withEvents({ $set: { value: seq } }, record(counterEntry(contract, 'A', seq))),
      );
    const updateB = (seq: number) =>
      Counter.updateOne(
        { _id: 'B' },
        withEvents({ $inc: { value: 1 } }, record(counterEntry(contract, 'B', seq))),
      );

    // Committed before the relay runs (a service restarting with a backlog): born with their first event...
    await Counter.create({ _id: 'A', ...newDocumentOutbox(record(counterEntry(contract, 'A', 0))) });
    await Counter.create({
      _id: 'B',
      value: 100,
      ...newDocumentOutbox(record(counterEntry(contract, 'B', 0))),
    });
    // ...born without events: not pending...
    await Counter.create({ _id: 'C', ...newDocumentOutbox([]) });
    expect(await Counter.exists({ _id: 'C', _outboxPending: true })).toBeNull();
    // ...then updated, each update with its event.
    for (let seq = 1; seq <= 10; seq++) {
      expect((await updateA(seq)).modifiedCount).toBe(1);
      if (seq % 4 === 0) expect((await updateB(seq / 4)).modifiedCount).toBe(1);
    }
    expect(await Counter.countDocuments({ _outboxPending: true })).toBe(2);

    const relay = relayFor({ models: [Counter], publisher: bus, logger, eventLog, pollIntervalMs: 5_000 });
    relay.start();
    await eventually(async () => (await Counter.countDocuments({ _outboxPending: true })) === 0);

    // While it runs, each new write goes out on notify(), long before the next poll (5 s). Each
    // write waits for the previous event to leave: concurrent writes are the subject of the tests below.
    const quiet = (id: string) =>
      eventually(async () => !(await Counter.exists({ _id: id, _outboxPending: true })), 4_000, 10);
    for (let seq = 11; seq <= 20; seq++) {
      expect((await updateA(seq)).modifiedCount).toBe(1);
      relay.notify();
      await quiet('A');
      if (seq % 4 === 0) {
        expect((await updateB(seq / 4)).modifiedCount).toBe(1);
        relay.notify();
        await quiet('B');
      }
    }
    // Two events in one update, beside a plain field change.
    await Counter.updateOne(
      { _id: 'C' },
      withEvents(
        { $set: { label: 'c' } },
        record(counterEntry(contract, 'C', 1), counterEntry(contract, 'C', 2)),
      ),
    );
    relay.notify();
    await quiet('C');
    expect(written).toHaveLength(29);

    await collector.waitFor(ofType(contract), written.length);
    await relay.stop();
    await drainKeys(collector, contract, ['A', 'B', 'C']);

    const collected = collector.matching(ofType(contract));
    // Exactly once each (nothing failed, so nothing was sent twice), and in order per key.
    expect(collected).toHaveLength(written.length);
    const byKey = (key: string) => collected.filter((c) => c.key === key).map(seqOf);
    expect(byKey('A')).toEqual(range(0, 20));
    expect(byKey('B')).toEqual(range(0, 5));
    expect(byKey('C')).toEqual([1, 2]);

    const committed = new Map(written.map((entry) => [entry.id, JSON.parse(entry.payload) as CloudEvent]));
    for (const { key, event, headers } of collected) {
      // What arrives is exactly what was committed with the change.
      expect(event).toEqual(committed.get(event.id));
      expect(event).toMatchObject({
        specversion: '1.0',
        type: contract.type,
        source: SOURCE,
        subject: `counter/${key}`,
        datacontenttype: 'application/json',
        schemaversion: 1,
        partitionkey: key,
      });
      expect(new Date(event.time).toISOString()).toBe(event.time);
      expect((event.data as { counterId: string }).counterId).toBe(key);
      expect(headers).toMatchObject({ ce_id: event.id, ce_type: contract.type });
      expect(headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    }

    // The event log keeps one record per event, by id.
    expect(await eventLog.countDocuments()).toBe(written.length);
    const logged = await eventLog.find({}).toArray();
    expect(new Set(logged.map((r) => r._id as unknown as string))).toEqual(new Set(committed.keys()));
    const first = written[0]!;
    expect(await eventLog.findOne({ _id: first.id as never })).toMatchObject({
      type: contract.type,
      topic: contract.topic,
      key: 'A',
      subject: 'counter/A',
      time: first.createdAt,
      data: { counterId: 'A', seq: 0 },
    });

    // The outbox is empty and the data changes are all there.
    const documents = await Counter.find({}).sort({ _id: 1 }).lean();
    expect(documents.map((d) => [d._id, d.value, d._outbox, d._outboxPending])).toEqual([
      ['A', 20, [], false],
      ['B', 105, [], false],
      ['C', 0, [], false],
    ]);
    expect(documents[2]?.label).toBe('c');
  });

  it('does not sleep through a write notified while a pass was already running', async () => {
    let armed = false;
    const late: { entry?: OutboxEntry; relay?: OutboxRelay } = {};
    // While the relay reads a document it was told of, a request commits another event, behind
    // mongoose's back (no hint), and notifies: the relay must start another pass, not wait for the poll.
    const { contract, Counter, eventLog, collector } = await setup('outbox_notify', (schema) => {
      schema.post('findOne', async function () {
        if (!armed || (this.getFilter() as { _id?: unknown })._id !== 'M') return;
        armed = false;
        await this.model.collection.updateOne({ _id: 'M' as never }, {
          $push: { _outbox: late.entry! },
          $set: { _outboxPending: true },
          $inc: { _rev: 1 },
        } as never);
        late.relay!.notify();
      });
    });
    const first = counterEntry(contract, 'M', 0);
    const entry = counterEntry(contract, 'M', 1);
    const relay = relayFor({
      models: [Counter],
      publisher: bus,
      logger,
      eventLog,
      pollIntervalMs: 30_000,
      scanIntervalMs: 600_000,
    });
    Object.assign(late, { entry, relay });
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 200)); // now idle, until the poll in 30 s

    armed = true;
    await Counter.create({ _id: 'M', ...newDocumentOutbox([first]) });
    await collector.waitFor((e) => e.id === entry.id, 1, 10_000);
    await eventually(async () => !(await Counter.exists({ _id: 'M', _outboxPending: true })), 5_000);
    await relay.stop();
  });

  it('publishes each kind of write it is told of by its hooks, reading by _id and never searching again', async () => {
    const searches = { count: 0 };
    const { contract, Counter, eventLog, collector } = await setup('outbox_hints', (schema) => {
      schema.post('find', function () {
        if ('_outboxPending' in this.getFilter()) searches.count++;
      });
    });
    // Nothing calls notify(), the poll is 30 s and the periodic search 10 min: only the hints can do it.
    const relay = relayFor({
      models: [Counter],
      publisher: bus,
      logger,
      eventLog,
      pollIntervalMs: 30_000,
      scanIntervalMs: 600_000,
    });
    relay.start();
    await eventually(async () => searches.count === 1, 5_000, 10); // the start-up search
    const arrives = (entry: OutboxEntry) => collector.waitFor((e) => e.id === entry.id, 1, 5_000);

    const born = counterEntry(contract, 'P', 0);
    await Counter.create({ _id: 'P', ...newDocumentOutbox([born]) });
    await arrives(born);

    const updated = counterEntry(contract, 'P', 1);
    await Counter.updateOne({ _id: 'P' }, withEvents({ $inc: { value: 1 } }, [updated]));
    await arrives(updated);

    const found = counterEntry(contract, 'P', 2);
    await Counter.findOneAndUpdate({ _id: 'P' }, withEvents({ $inc: { value: 1 } }, [found]));
    await arrives(found);

    const many = [counterEntry(contract, 'Q', 0), counterEntry(contract, 'R', 0)];
    await Counter.insertMany([
      { _id: 'Q', ...newDocumentOutbox([many[0]!]) },
      { _id: 'R', ...newDocumentOutbox([many[1]!]) },
    ]);
    await Promise.all(many.map(arrives));

    await eventually(async () => (await Counter.countDocuments({ _outboxPending: true })) === 0, 5_000);
    expect(searches.count).toBe(1);
    await relay.stop();
  });

  it('finds by searching what it was not told of: at start, after a write of several documents, and periodically', async () => {
    const searches = { count: 0 };
    const { contract, Counter, eventLog, collector } = await setup('outbox_search', (schema) => {
      schema.post('find', function () {
        if ('_outboxPending' in this.getFilter()) searches.count++;
      });
    });
    // Left pending by an earlier life of the service.
    const leftover = counterEntry(contract, 'S', 0);
    await Counter.create({ _id: 'S', ...newDocumentOutbox([leftover]) });
    await Counter.create({ _id: 'T', label: 'term', ...newDocumentOutbox([]) });
    const relay = relayFor({
      models: [Counter],
      publisher: bus,
      logger,
      eventLog,
      pollIntervalMs: 30_000,
      scanIntervalMs: 3_000,
    });
    relay.start();
    await collector.waitFor((e) => e.id === leftover.id, 1, 5_000);

    // An updateMany names no single document: its hook asks for a search at once.
    await eventually(async () => searches.count === 1, 5_000, 10);
    const labelled = counterEntry(contract, 'T', 0);
    await Counter.updateMany({ label: 'term' }, withEvents({ $inc: { value: 1 } }, [labelled]));
    await collector.waitFor((e) => e.id === labelled.id, 1, 2_500);
    expect(searches.count).toBe(2);

    // A write made behind mongoose (no hook at all) waits for the periodic search.
    const raw = counterEntry(contract, 'V', 0);
    await Counter.collection.insertOne({
      _id: 'V' as never,
      value: 0,
      applied: [],
      ...newDocumentOutbox([raw]),
    });
    await collector.waitFor((e) => e.id === raw.id, 1, 10_000);
    expect(searches.count).toBeGreaterThanOrEqual(3);
    await eventually(async () => (await Counter.countDocuments({ _outboxPending: true })) === 0, 5_000);
    await relay.stop();
  });

  it('publishes what it is told of while a slow search of the collection is still running', async () => {
    let searchEnded = 0;
    const { contract, Counter, eventLog, collector } = await setup('outbox_slow_search', (schema) => {
      schema.post('find', async function () {
        if (!('_outboxPending' in this.getFilter())) return;
        await new Promise((resolve) => setTimeout(resolve, 3_000)); // a province's gradebooks on FerretDB
        searchEnded = Date.now();
      });
    });
    const leftover = counterEntry(contract, 'W', 0);
    await Counter.create({ _id: 'W', ...newDocumentOutbox([leftover]) });
    const relay = relayFor({ models: [Counter], publisher: bus, logger, eventLog, pollIntervalMs: 30_000 });
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the start-up search is under way

    const written = counterEntry(contract, 'X', 0);
    await Counter.create({ _id: 'X', ...newDocumentOutbox([written]) });
    await collector.waitFor((e) => e.id === written.id, 1, 2_000);
    expect(searchEnded).toBe(0);
    // And what the search finds goes out once it ends.
    await collector.waitFor((e) => e.id === leftover.id, 1, 10_000);
    expect(searchEnded).toBeGreaterThan(0);
    await relay.stop();
  });

  it('keeps events pending while the publisher fails, then delivers all of them, none lost', async () => {
    const { contract, Counter, eventLog, collector } = await setup('outbox_fail');
    const publisher = new FlakyPublisher(bus, 'before');
    const written: OutboxEntry[] = [];
    for (const id of ['D1', 'D2', 'D3']) {
      const entry = counterEntry(contract, id, 0);
      written.push(entry);
      await Counter.create({ _id: id, ...newDocumentOutbox([entry]) });
    }
    const next = counterEntry(contract, 'D1', 1);
    written.push(next);
    await Counter.updateOne({ _id: 'D1' }, withEvents({ $inc: { value: 1 } }, [next]));

    const relay = relayFor({ models: [Counter], publisher, logger, eventLog, pollIntervalMs: 50 });
    relay.start();

    // Several failed rounds: nothing reached the broker, nothing left the outbox.
    await eventually(async () => publisher.attempts >= 3, 20_000, 20);
    expect(await Counter.countDocuments({ _outboxPending: true })).toBe(3);
    const pending = await Counter.find({}).sort({ _id: 1 }).lean();
    expect(pending.map((d) => d._outbox.map((e) => e.id))).toEqual([
      [written[0]!.id, next.id],
      [written[1]!.id],
      [written[2]!.id],
    ]);
    expect(collector.matching(ofType(contract))).toHaveLength(0);
    expect(logger.lines.some((line) => line.includes('events stay pending'))).toBe(true);

    // The broker is back.
    publisher.failing = false;
    await collector.waitFor(ofType(contract), written.length);
    await eventually(async () => (await Counter.countDocuments({ _outboxPending: true })) === 0);
    await relay.stop();
    await drainKeys(collector, contract, ['D1', 'D2', 'D3']);

    const collected = collector.matching(ofType(contract));
    expect(new Set(collected.map((c) => c.event.id))).toEqual(new Set(written.map((e) => e.id)));
    expect(collected.filter((c) => c.key === 'D1').map(seqOf)).toEqual([0, 1]);
    // Recorded once per id, although the relay tried to record each batch on every attempt.
    expect(await eventLog.countDocuments()).toBe(written.length);
    expect(logger.lines.some((line) => line.includes('outbox relay recovered'))).toBe(true);
  });

  it('backs off again after a stop and a restart, and then delivers', async () => {
    const { contract, Counter, eventLog, collector } = await setup('outbox_restart');
    const publisher = new FlakyPublisher(bus, 'before');
    const entry = counterEntry(contract, 'H', 0);
    await Counter.create({ _id: 'H', ...newDocumentOutbox([entry]) });
    const relay = relayFor({ models: [Counter], publisher, logger, eventLog, pollIntervalMs: 50 });

    relay.start();
    await eventually(async () => publisher.attempts >= 1, 10_000, 10);
    await relay.stop(100); // gives up flushing: the broker is still "down"
    expect(await Counter.exists({ _id: 'H', _outboxPending: true })).not.toBeNull();

    relay.start();
    const before = publisher.attempts;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Backoff of 0.1-0.2 s, doubling: a handful of attempts in 1.5 s, not a hot loop.
    expect(publisher.attempts - before).toBeGreaterThanOrEqual(2);
    expect(publisher.attempts - before).toBeLessThanOrEqual(8);

    publisher.failing = false;
    await collector.waitFor((e) => e.id === entry.id);
    await eventually(async () => !(await Counter.exists({ _id: 'H', _outboxPending: true })));
    await relay.stop();
  });

  it('publishes again when the acknowledgement is lost: duplicates, never a gap, one event-log record per id', async () => {
    const { contract, Counter, eventLog, collector } = await setup('outbox_ack');
    const publisher = new FlakyPublisher(bus, 'after');
    const written = [0, 1, 2].map((seq) => counterEntry(contract, 'E', seq));
    await Counter.create({ _id: 'E', ...newDocumentOutbox(written) });

    const relay = relayFor({ models: [Counter], publisher, logger, eventLog, pollIntervalMs: 50 });
    relay.start();
    await eventually(async () => publisher.attempts >= 2, 20_000, 20);
    publisher.failing = false;
    await eventually(async () => (await Counter.countDocuments({ _outboxPending: true })) === 0);
    await relay.stop();
    await drainKeys(collector, contract, ['E']);

    const collected = collector.matching(ofType(contract));
    // Each failed round did reach the broker: at least two full copies plus the successful one.
    expect(collected.length).toBeGreaterThanOrEqual(written.length * 3);
    expect(new Set(collected.map((c) => c.event.id))).toEqual(new Set(written.map((e) => e.id)));
    // Every copy of the batch is itself in order.
    expect(collected.map(seqOf).join(',')).toMatch(/^(0,1,2,)+0,1,2$/);
    expect(await eventLog.countDocuments()).toBe(written.length);
  });

  it('keeps an event written while its document is being published (compare-and-set on _rev)', async () => {
    const { contract, Counter, eventLog, collector, races } = await setup('outbox_cas');
    const written: OutboxEntry[] = [counterEntry(contract, 'F', 0)];
    await Counter.create({ _id: 'F', ...newDocumentOutbox([written[0]!]) });

    // Between the relay's read and its removal of what it published, a request writes another event.
    let interleaved = 0;
    const publisher: EventPublisher = {
      publish: async (messages) => {
        if (interleaved < 3) {
          interleaved++;
          const entry = counterEntry(contract, 'F', written.length);
          written.push(entry);
          await Counter.updateOne({ _id: 'F' }, withEvents({ $inc: { value: 1 } }, [entry]));
        }
        await bus.publish(messages);
      },
    };
    const relay = relayFor({ models: [Counter], publisher, logger, eventLog, pollIntervalMs: 50 });
    relay.start();

    await eventually(
      async () => interleaved === 3 && (await Counter.countDocuments({ _outboxPending: true })) === 0,
    );
    await relay.stop();
    await drainKeys(collector, contract, ['F']);

    expect(written).toHaveLength(4);
    const collected = collector.matching(ofType(contract));
    expect(collected.map(seqOf)).toEqual([0, 1, 2, 3]);
    expect(collected.map((c) => c.event.id)).toEqual(written.map((e) => e.id));
    const document = await Counter.findById('F').lean();
    expect(document).toMatchObject({ value: 3, _outbox: [], _outboxPending: false });
    expect(await eventLog.countDocuments()).toBe(4);
    // Each interleaved write made the relay's removal miss once, re-read, and keep the new entry.
    expect(races.lost).toBe(3);
  });

  it.each([
    ['a compare-and-set on _rev (MongoDB)', false],
    ['reads and writes by _id under the write lock (FerretDB v1)', true],
  ])(
    'loses no event while requests keep writing to the document the relay is publishing: %s',
    async (_, onlyId) => {
      const { contract, Counter, eventLog, collector, races } = await setup('outbox_busy');
      setStoreProfile(Counter.db, { indexesOnlyIdEquality: onlyId });
      await Counter.create({ _id: 'G', ...newDocumentOutbox([]) });
      // As the services run on FerretDB: every write of a document, the relay's clean-up included,
      // goes through the process's write lock (FerretDB v1 does not apply one update atomically).
      const writeLock = new WriteLock();
      const relay = relayFor({
        models: [Counter],
        publisher: bus,
        logger,
        eventLog,
        pollIntervalMs: 5,
        writeLock,
      });
      relay.start();

      const written: OutboxEntry[] = [];
      const writer = async (name: string, count: number) => {
        for (let seq = 0; seq < count; seq++) {
          const entry = counterEntry(contract, 'G', seq, name);
          written.push(entry);
          const result = await writeLock.run(documentLockKey(Counter.collection.name, 'G'), () =>
            Counter.updateOne(
              { _id: 'G' },
              withEvents({ $inc: { value: 1 }, $push: { applied: entry.id } }, [entry]),
            ),
          );
          expect(result.modifiedCount).toBe(1);
          relay.notify();
        }
      };
      await Promise.all([writer('w1', 30), writer('w2', 30), writer('w3', 30)]);

      await eventually(async () => (await Counter.countDocuments({ _outboxPending: true })) === 0, 30_000);
      await relay.stop();
      await drainKeys(collector, contract, ['G']);

      const collected = collector.matching(ofType(contract));
      const arrived = new Set(collected.map((c) => c.event.id));
      // Every event arrived (at least once), and nothing that was never written.
      expect(written.filter((entry) => !arrived.has(entry.id))).toEqual([]);
      expect(arrived.size).toBe(90);
      // Each writer's events arrive in the order it wrote them (first copies, should any repeat).
      for (const name of ['w1', 'w2', 'w3']) {
        const seen = new Set<string>();
        const order = collected
          .filter(
            (c) =>
              (c.event.data as { writer?: string }).writer === name &&
              !seen.has(c.event.id) &&
              seen.add(c.event.id),
          )
          .map(seqOf);
        expect(order).toEqual(range(0, 29));
      }
      // Every change is kept, and the outbox is empty.
      const document = (await Counter.findById('G').lean())!;
      expect(document).toMatchObject({ value: 90, _outbox: [], _outboxPending: false });
      expect(new Set(document.applied)).toEqual(new Set(written.map((e) => e.id)));
      expect(await eventLog.countDocuments()).toBe(90);
      expect(writeLock.size).toBe(0);
      // The writers did interleave with the relay: it lost compare-and-sets to them and re-read, or,
      // under the lock, emptied the outbox of what it had published and kept entries written meanwhile.
      if (onlyId) expect(races.keptWrittenMeanwhile).toBeGreaterThan(0);
      else expect(races.lost).toBeGreaterThan(0);
    },
  );
});
