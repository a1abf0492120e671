import { z } from 'zod';
import type { EventContract } from './envelope';

/**
 * The published shape of an event's data, as JSON Schema. A version, once published, is frozen:
 * consumers in other services depend on it. Changing a schema means a new version, with the old
 * snapshot kept (see compatibility.test.ts and `npm run events:snapshot`).
 */
export function publishedShape(contract: EventContract): unknown {
  return z.toJSONSchema(contract.schema, { unrepresentable: 'any' });
}

export function snapshotFileName(contract: EventContract): string {
  return `${contract.type}.v${contract.version}.json`;
}
