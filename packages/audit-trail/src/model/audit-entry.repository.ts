import type { QueryFilter } from 'mongoose';
import type { AuditEntry } from '../audit-entry';
import type { AuditEntryDocument, AuditEntryModel } from './audit-entry.model';

/** What inspectors filter the trail by; every field optional, all given ones must match. */
export interface AuditEntryFilter {
  subjectPrefix?: string;
  accountId?: string;
  service?: string;
  /** Changes committed at or after this time. */
  from?: Date;
  /** Changes committed before this time. */
  to?: Date;
  afterSeq?: number;
  beforeSeq?: number;
}

/**
 * The entries of `audit_trail`. Only inserts: nothing in the platform updates or deletes an entry.
 * The caller (AuditTrail) serialises inserts, so seq numbers are taken in order.
 */
export class AuditEntryRepository {
  constructor(private readonly model: AuditEntryModel) {}

  async insert(entry: AuditEntry): Promise<void> {
    await this.model.create(toDocument(entry));
  }

  async last(): Promise<AuditEntry | null> {
    const document = await this.model.findOne().sort({ _id: -1 }).lean<AuditEntryDocument>().exec();
    return document ? toEntry(document) : null;
  }

  /**
   * Every entry in seq order (after `afterSeq` when given), read in batches through a cursor so
   * that a long trail is never held in memory. Without `afterSeq` nothing is filtered out, not
   * even a document whose `_id` is no seq at all: verification must see it.
   */
  async *stream(afterSeq?: number): AsyncGenerator<AuditEntry> {
    const filter: QueryFilter<AuditEntryDocument> = afterSeq === undefined ? {} : { _id: { $gt: afterSeq } };
    const cursor = this.model
      .find(filter)
      .sort({ _id: 1 })
      .lean<AuditEntryDocument>()
      .cursor({ batchSize: 500 });
    try {
      for await (const document of cursor) yield toEntry(document as AuditEntryDocument);
    } finally {
      await cursor.close();
    }
  }

  /** One page, oldest first (`ascending`) or newest first. */
  async find(filter: AuditEntryFilter, ascending: boolean, limit: number): Promise<AuditEntry[]> {
    const documents = await this.model
      .find(toQuery(filter))
      .sort({ _id: ascending ? 1 : -1 })
      .limit(limit)
      .lean<AuditEntryDocument[]>()
      .exec();
    return documents.map(toEntry);
  }
}

function toQuery(filter: AuditEntryFilter): QueryFilter<AuditEntryDocument> {
  const query: QueryFilter<AuditEntryDocument> = {};
  if (filter.subjectPrefix !== undefined)
    query.subject = { $regex: `^${escapeRegExp(filter.subjectPrefix)}` };
  if (filter.accountId !== undefined) query['actor.accountId'] = filter.accountId;
  if (filter.service !== undefined) query.service = filter.service;
  if (filter.from !== undefined || filter.to !== undefined)
    query.at = {
      ...(filter.from !== undefined ? { $gte: filter.from } : {}),
      ...(filter.to !== undefined ? { $lt: filter.to } : {}),
    };
  if (filter.afterSeq !== undefined || filter.beforeSeq !== undefined)
    query._id = {
      ...(filter.afterSeq !== undefined ? { $gt: filter.afterSeq } : {}),
      ...(filter.beforeSeq !== undefined ? { $lt: filter.beforeSeq } : {}),
    };
  return query;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toDocument(entry: AuditEntry): AuditEntryDocument {
  const { seq, ...rest } = entry;
  return { _id: seq, ...rest };
}

/**
 * Field by field, without validation: a stored entry may have been tampered with into any shape,
 * and verification must see what is there (a missing field fails its hash).
 */
function toEntry(document: AuditEntryDocument): AuditEntry {
  return {
    seq: document._id,
    eventId: document.eventId,
    at: document.at,
    recordedAt: document.recordedAt,
    service: document.service,
    type: document.type,
    subject: document.subject,
    actor: document.actor,
    roles: document.roles,
    before: document.before,
    after: document.after,
    prevHash: document.prevHash,
    hash: document.hash,
  };
}
