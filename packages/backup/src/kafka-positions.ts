import type { Logger } from '@hocbaso/service-kit';
import { Kafka, logLevel as KafkaLogLevel, type Admin } from 'kafkajs';

/** A position in one partition of one topic; offsets are int64, kept as decimal text. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * What backups need from Kafka, and nothing more: kafkajs stays replaceable (ADR 0002), here as
 * in the event bus.
 */
export interface KafkaPositions {
  /** The offsets a consumer group committed (the next message it will read), per topic-partition. */
  committedOffsets(groupId: string): Promise<PartitionOffset[]>;
  /** Each partition's high-water mark: the offset the next message written there will get. */
  highWatermarks(topics: string[]): Promise<PartitionOffset[]>;
  /** How many consumers are members of the group now (0: the group is stopped). */
  activeMembers(groupId: string): Promise<number>;
  /** Commits these offsets for the group; the group must have no active member. */
  setCommittedOffsets(groupId: string, offsets: PartitionOffset[]): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaAdminPositionsOptions {
  brokers: string[];
  clientId?: string;
  logger?: Logger;
}

/** Orders positions by topic, then partition: manifests and comparisons do not depend on broker order. */
export function sortPositions(offsets: PartitionOffset[]): PartitionOffset[] {
  return [...offsets].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}

/** KafkaPositions with the kafkajs admin client. */
export class KafkaAdminPositions implements KafkaPositions {
  private readonly kafka: Kafka;
  private admin: Promise<Admin> | undefined;

  constructor(private readonly options: KafkaAdminPositionsOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'hocbaso-backup',
      brokers: options.brokers,
      logLevel: KafkaLogLevel.ERROR,
      logCreator: () => (entry) => options.logger?.warn({ component: 'kafkajs' }, entry.log.message),
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 2_000 },
    });
  }

  private connected(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    this.admin.catch(() => (this.admin = undefined));
    return this.admin;
  }

  async committedOffsets(groupId: string): Promise<PartitionOffset[]> {
    const admin = await this.connected();
    // Without topics: every topic the group has committed offsets for.
    const topics = await admin.fetchOffsets({ groupId });
    return sortPositions(
      topics.flatMap(({ topic, partitions }) =>
        partitions
          // -1: nothing committed on that partition, so no position to keep.
          .filter((p) => BigInt(p.offset) >= 0n)
          .map((p) => ({ topic, partition: p.partition, offset: p.offset })),
      ),
    );
  }

  async highWatermarks(topics: string[]): Promise<PartitionOffset[]> {
    const admin = await this.connected();
    const existing = new Set(await admin.listTopics());
    const marks: PartitionOffset[] = [];
    for (const topic of new Set(topics)) {
      // A topic deleted since a group read it has no log end any more.
      if (!existing.has(topic)) continue;
      for (const p of await admin.fetchTopicOffsets(topic)) {
        marks.push({ topic, partition: p.partition, offset: p.high });
      }
    }
    return sortPositions(marks);
  }

  async activeMembers(groupId: string): Promise<number> {
    const admin = await this.connected();
    const { groups } = await admin.describeGroups([groupId]);
    return groups.find((g) => g.groupId === groupId)?.members.length ?? 0;
  }

  /**
   * kafkajs's admin `setOffsets` joins the group once per topic; this joins once per group: a
   * member that reads nothing (paused, no auto-commit) commits every offset in one request and
   * leaves. The commit is then read back, so a silent failure cannot pass for a restore.
   */
  async setCommittedOffsets(groupId: string, offsets: PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const topics = [...new Set(offsets.map((o) => o.topic))];
    // A short fetch wait: leaving waits for the fetch in flight, and this member fetches nothing.
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: true, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: false });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
      consumer.pause(topics.map((topic) => ({ topic })));
      await consumer.commitOffsets(
        offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
      );
    } finally {
      await consumer.disconnect();
    }
    const committed = new Map(
      (await this.committedOffsets(groupId)).map((o) => [`${o.topic}:${o.partition}`, o.offset]),
    );
    const missed = offsets.filter((o) => committed.get(`${o.topic}:${o.partition}`) !== o.offset);
    if (missed.length > 0) {
      throw new Error(
        `consumer group ${groupId}: ${missed.length} offsets were not committed (first: ${missed[0]!.topic}:${missed[0]!.partition})`,
      );
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect();
  }
}
