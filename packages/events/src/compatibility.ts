import { z } from 'zod';
import type { EventContract } from './envelope';

/**
 * The published shape of an event's data, as JSON Schema. A version, once published, is frozen:
 * consumers in other services depend on it. The one change a version allows is a new optional
 * field (older events lack it; older consumers drop it); anything else means a new version, with
 * the old snapshot kept (see compatibility.test.ts and `npm run events:snapshot`).
 */
export function publishedShape(contract: EventContract): unknown {
  return z.toJSONSchema(contract.schema, { unrepresentable: 'any' });
}

export function snapshotFileName(contract: EventContract): string {
  return `${contract.type}.v${contract.version}.json`;
}

type Shape = Record<string, unknown>;
const isObject = (v: unknown): v is Shape => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where `current` differs from the `published` shape other than by new optional object fields:
 * every published field is still there with a compatible shape, the required fields are the
 * same, and nothing else changed. Empty: compatible.
 */
export function incompatibilities(published: unknown, current: unknown, at = '$'): string[] {
  if (!isObject(published) || !isObject(current))
    return JSON.stringify(published) === JSON.stringify(current) ? [] : [`${at}: changed`];
  const problems: string[] = [];
  for (const key of new Set([...Object.keys(published), ...Object.keys(current)])) {
    if (key === 'properties') continue;
    if (key === 'required') {
      const before = [...((published.required as string[] | undefined) ?? [])].sort();
      const after = [...((current.required as string[] | undefined) ?? [])].sort();
      if (JSON.stringify(before) !== JSON.stringify(after)) problems.push(`${at}: required fields changed`);
      continue;
    }
    problems.push(...incompatibilities(published[key], current[key], `${at}.${key}`));
  }
  const before = (published.properties as Shape | undefined) ?? {};
  const after = (current.properties as Shape | undefined) ?? {};
  for (const field of Object.keys(before))
    if (!(field in after)) problems.push(`${at}.${field}: removed`);
    else problems.push(...incompatibilities(before[field], after[field], `${at}.${field}`));
  return problems;
}
