import { createHash } from 'node:crypto';
import { actorSchema, type CloudEvent } from '@hocbaso/events';
import { canonicalJson } from './canonical-json';

/** Who made the change, as the event recorded it. */
export interface AuditActor {
  /** null: the system (bootstrap, seeding, a service answering another service). */
  accountId: string | null;
  kind: 'user' | 'system';
  /** The gateway request that caused the change; null when it did not come through a request. */
  requestId: string | null;
}

/**
 * One entry of the audit trail (nhật ký kiểm tra): one committed change of one service.
 *
 * `before` and `after` are canonical JSON texts (see canonical-json.ts), not objects: the trail
 * must take every event as it is, and FerretDB v1 refuses some JSON as a document (nested arrays);
 * a text is stored, returned and hashed byte for byte.
 */
export interface AuditEntry {
  /** 1, 2, 3, ... without gaps; the document's `_id`. */
  seq: number;
  eventId: string;
  /** When the change was committed (the event's time). */
  at: Date;
  /** When the trail recorded it. */
  recordedAt: Date;
  /** The service that made the change (the event's source, e.g. `hocbaso/academics`). */
  service: string;
  type: string;
  subject: string;
  actor: AuditActor;
  /** The roles the account held when it acted, as the caller of `append` knew them. */
  roles: string[];
  /** The previous `after` of the same subject; null for the subject's first change. */
  before: string | null;
  /** The event's data without its `actor`. */
  after: string;
  /** The previous entry's hash; GENESIS_HASH for entry 1. */
  prevHash: string;
  /** SHA-256 (hex) of the entry's canonical JSON without `hash`: see auditEntryHash. */
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of an entry: SHA-256, hex, over the canonical JSON of exactly these fields:
 * `{ actor, after, at, before, eventId, prevHash, recordedAt, roles, seq, service, subject, type }`
 * (dates as ISO 8601 text). `seq` and `prevHash` are inside, so an entry cannot be moved, and
 * changing any entry changes every later `prevHash` link.
 */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const hashed = {
    seq: entry.seq,
    eventId: entry.eventId,
    at: entry.at,
    recordedAt: entry.recordedAt,
    service: entry.service,
    type: entry.type,
    subject: entry.subject,
    actor: entry.actor,
    roles: entry.roles,
    before: entry.before,
    after: entry.after,
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

export interface NewAuditEntry {
  event: CloudEvent;
  roles: readonly string[];
  seq: number;
  prevHash: string;
  /** The subject's previous `after`, or null. */
  before: string | null;
  recordedAt: Date;
}

/** Builds the next entry of the chain from a committed change's event. */
export function newAuditEntry(input: NewAuditEntry): AuditEntry {
  const { event } = input;
  const at = new Date(event.time);
  if (Number.isNaN(at.getTime())) throw new TypeError(`event ${event.id} has an invalid time: ${event.time}`);
  const entry: Omit<AuditEntry, 'hash'> = {
    seq: input.seq,
    eventId: event.id,
    at,
    recordedAt: input.recordedAt,
    service: event.source,
    type: event.type,
    subject: event.subject,
    actor: actorOfEvent(event.data),
    roles: [...input.roles],
    before: input.before,
    after: canonicalJson(withoutActor(event.data)),
    prevHash: input.prevHash,
  };
  return { ...entry, hash: auditEntryHash(entry) };
}

/**
 * The actor an event's data carries. Events without one (an owner's lock confirmation, a
 * correction outcome) are the system answering another service.
 */
export function actorOfEvent(data: unknown): AuditActor {
  const parsed = actorSchema.safeParse(isRecord(data) ? data.actor : undefined);
  if (!parsed.success) return { accountId: null, kind: 'system', requestId: null };
  return {
    accountId: parsed.data.accountId,
    kind: parsed.data.kind,
    requestId: parsed.data.requestId ?? null,
  };
}

function withoutActor(data: unknown): unknown {
  if (!isRecord(data)) return data;
  const { actor: _actor, ...rest } = data;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
