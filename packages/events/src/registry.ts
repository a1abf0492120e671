import type { EventContract } from './envelope';
import { ACADEMICS_EVENTS } from './academics';
import { ARCHIVE_EVENTS } from './archive';
import { CONDUCT_EVENTS } from './conduct';
import { IDENTITY_EVENTS } from './identity';
import { SIGNATURES_EVENTS } from './signatures';
import { STUDENTS_EVENTS } from './students';

/** Every contract of the platform, by CloudEvents type. */
export const ALL_EVENTS: readonly EventContract[] = [
  ...IDENTITY_EVENTS,
  ...STUDENTS_EVENTS,
  ...ACADEMICS_EVENTS,
  ...CONDUCT_EVENTS,
  ...SIGNATURES_EVENTS,
  ...ARCHIVE_EVENTS,
];

export const EVENT_REGISTRY: ReadonlyMap<string, EventContract> = new Map(ALL_EVENTS.map((c) => [c.type, c]));

export const ALL_TOPICS: readonly string[] = [...new Set(ALL_EVENTS.map((c) => c.topic))];
