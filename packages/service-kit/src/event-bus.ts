/**
 * Our own small event-bus interface. Services and the outbox depend on this, never on kafkajs:
 * kafkajs has had no release since 2023, so the client must stay replaceable (ADR 0002).
 */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Called once per message, in order per partition; a throw stops the partition and retries. */
  handle: (message: IncomingMessage) => Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface EventPublisher {
  /** Resolves once the broker has acknowledged every message (all in-sync replicas). */
  publish(messages: OutgoingMessage[]): Promise<void>;
}

export interface EventBus extends EventPublisher {
  connect(): Promise<void>;
  ensureTopics(topics: string[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  disconnect(): Promise<void>;
}
