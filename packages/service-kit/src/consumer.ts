import { EVENT_REGISTRY, parseEvent, type CloudEvent } from '@hocbaso/events';
import type { Collection } from 'mongodb';
import type { EventBus, Subscription } from './event-bus';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { contextFromHeaders, inSpan, SpanKind } from './tracing';

export type EventHandler = (event: CloudEvent) => Promise<void>;

export interface IdempotentConsumerOptions {
  bus: EventBus;
  groupId: string;
  topics: string[];
  /** Handlers by CloudEvents type; other types on the topics are acknowledged and skipped. */
  handlers: Record<string, EventHandler>;
  /** Event ids already handled, kept in the consuming service's own database. */
  processed: Collection<{ _id: string }>;
  logger: Logger;
  fromBeginning?: boolean;
  /** Events handled, duplicates skipped and failures, by group and topic (Prometheus). */
  metrics?: Pick<ServiceMetrics, 'eventsConsumed'>;
}

/**
 * Consumes with at-least-once delivery and handles each event id once: an id already recorded is
 * skipped, so a redelivery (relay retry, rebalance, replay) changes nothing. A handler that throws
 * is retried by the bus; an envelope that does not parse is logged and skipped, never retried forever.
 */
export async function startIdempotentConsumer(options: IdempotentConsumerOptions): Promise<Subscription> {
  const logger = options.logger.child({ component: 'consumer', groupId: options.groupId });
  return options.bus.subscribe({
    groupId: options.groupId,
    topics: options.topics,
    fromBeginning: options.fromBeginning,
    handle: async (message) => {
      if (!message.value) return;
      let event: CloudEvent;
      try {
        event = parseEvent(message.value, EVENT_REGISTRY);
      } catch (error) {
        logger.error(
          { topic: message.topic, offset: message.offset, err: (error as Error).message },
          'unreadable event skipped',
        );
        return;
      }
      const handler = options.handlers[event.type];
      if (!handler) return;
      const counted = (result: 'handled' | 'duplicate' | 'failed') =>
        options.metrics?.eventsConsumed.inc({ group: options.groupId, topic: message.topic, result });
      // The handling continues the trace of the change that published the event.
      await inSpan(
        `process ${event.type}`,
        {
          kind: SpanKind.CONSUMER,
          parent: contextFromHeaders(message.headers),
          attributes: {
            'messaging.system': 'kafka',
            'messaging.destination.name': message.topic,
            'messaging.consumer.group.name': options.groupId,
            'messaging.message.id': event.id,
          },
        },
        async (span) => {
          if (await options.processed.findOne({ _id: event.id }, { projection: { _id: 1 } })) {
            span.setAttribute('hocbaso.event.duplicate', true);
            logger.debug({ eventId: event.id }, 'duplicate event skipped');
            counted('duplicate');
            return;
          }
          await handler(event);
          await options.processed
            .insertOne({ _id: event.id, type: event.type, processedAt: new Date() } as { _id: string })
            .catch((error: { code?: number }) => {
              if (error.code !== 11000) throw error;
            });
          counted('handled');
        },
      ).catch((error: unknown) => {
        counted('failed');
        throw error;
      });
    },
  });
}
