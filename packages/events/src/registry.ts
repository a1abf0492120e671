import type { EventContract } from './envelope';
import { IDENTITY_EVENTS } from './identity';

/** Every contract of the platform, by CloudEvents type. */
export const ALL_EVENTS: readonly EventContract[] = [...IDENTITY_EVENTS];

export const EVENT_REGISTRY: ReadonlyMap<string, EventContract> = new Map(ALL_EVENTS.map((c) => [c.type, c]));

export const ALL_TOPICS: readonly string[] = [...new Set(ALL_EVENTS.map((c) => c.topic))];
