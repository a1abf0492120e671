/**
 * The topic as the source of truth for events: its offsets when the run began, and every message
 * published since, read back in partition order by a consumer group of the suite's own.
 */
import { AssignerProtocol, Kafka, logLevel, type IHeaders } from 'kafkajs';

export interface TopicMessage {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  headers: IHeaders;
}

/** Next offset of each partition (what the run's first event would get). */
export type Offsets = Map<number, number>;

export function kafkaClient(brokers: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 3_000 },
  });
}

/** The topic's end offsets (high watermarks); empty when it does not exist yet. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Offsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return new Map();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every message between `from` (a partition not there: its start) and the topic's current end,
 * read with a fresh group that seeks to `from`. Partition order is kept.
 */
export async function readSince(
  kafka: Kafka,
  topic: string,
  from: Offsets,
  groupId: string,
  timeoutMs = 180_000,
): Promise<TopicMessage[]> {
  const until = await endOffsets(kafka, topic);
  const wanted = [...until].filter(([partition, end]) => end > (from.get(partition) ?? 0));
  const messages: TopicMessage[] = [];
  if (wanted.length === 0) return messages;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Set<number>();
    let finished: () => void = () => undefined;
    const complete = new Promise<void>((resolve) => (finished = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        const start = from.get(partition) ?? 0;
        const end = until.get(partition) ?? 0;
        if (offset >= start && offset < end) {
          messages.push({
            partition,
            offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? '',
            headers: message.headers ?? {},
          });
        }
        if (offset >= end - 1) done.add(partition);
        if (wanted.every(([p]) => done.has(p))) finished();
      },
    });
    for (const [partition] of wanted)
      consumer.seek({ topic, partition, offset: String(from.get(partition) ?? 0) });
    const timer = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`reading ${topic}: not at its end within ${timeoutMs} ms`)),
        timeoutMs,
      ).unref(),
    );
    await Promise.race([complete, timer]);
  } finally {
    await consumer.disconnect();
  }
  return messages.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** Publishes the messages again, unchanged (same key, so the same partition; same id inside). */
export async function publishAgain(
  kafka: Kafka,
  topic: string,
  messages: readonly TopicMessage[],
): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 200) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + 200).map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Each group's backlog on the topic (the end minus what it committed; a partition it never
 * committed counts from `from`), for the groups whose names start with `prefix`.
 */
export async function groupBacklogs(
  kafka: Kafka,
  topic: string,
  prefix: string,
  from: Offsets,
): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const end = await admin.fetchTopicOffsets(topic);
    const names = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    const { groups } = await admin.describeGroups(names);
    const backlogs = new Map<string, number>();
    for (const group of groups) {
      const [committed] = await admin.fetchOffsets({ groupId: group.groupId, topics: [topic] });
      const offsets = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      // A group reads the topic if a member subscribes to it (or, with no member up, it committed there).
      const subscribed = group.members.some((m) => {
        try {
          return AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics.includes(topic) ?? false;
        } catch {
          return false; // no subscription in its metadata (a member still joining)
        }
      });
      if (!subscribed && ![...offsets.values()].some((o) => o >= 0)) continue;
      let backlog = 0;
      for (const { partition, high } of end) {
        const at = offsets.get(partition) ?? -1;
        backlog += Math.max(0, Number(high) - (at >= 0 ? at : (from.get(partition) ?? 0)));
      }
      backlogs.set(group.groupId, backlog);
    }
    return backlogs;
  } finally {
    await admin.disconnect();
  }
}
