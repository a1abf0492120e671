import { Schema, type Connection, type Model } from 'mongoose';

/**
 * What an append keeps beside the entries, each keyed by `_id` (the only lookup FerretDB v1
 * serves from an index). Every field here can be rebuilt from `audit_trail`; the append writes
 * them after the entry, and a restart completes them for an entry whose append was cut short.
 */

/** `audit_heads`: the last `after` of each subject, which becomes the next change's `before`. */
export interface SubjectHeadDocument {
  /** The event subject, e.g. `students/<id>/results/2025-2026/TOAN`. */
  _id: string;
  seq: number;
  after: string;
}

const subjectHeadSchema = new Schema<SubjectHeadDocument>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    after: { type: String, required: true },
  },
  { collection: 'audit_heads', versionKey: false },
);

/** `audit_event_ids`: the events already in the trail, so a redelivered event appends nothing. */
export interface RecordedEventDocument {
  /** The event id. */
  _id: string;
  seq: number;
}

const recordedEventSchema = new Schema<RecordedEventDocument>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
  },
  { collection: 'audit_event_ids', versionKey: false },
);

/**
 * `audit_chain`: one document, the chain's head after the last complete append. Where numbering
 * continues after a restart (never reusing a number even when the last entries were deleted),
 * and a second witness for verification: a chain that ends before it was truncated.
 */
export interface ChainHeadDocument {
  _id: 'head';
  seq: number;
  hash: string;
  updatedAt: Date;
}

const chainHeadSchema = new Schema<ChainHeadDocument>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'audit_chain', versionKey: false },
);

export type SubjectHeadModel = Model<SubjectHeadDocument>;
export type RecordedEventModel = Model<RecordedEventDocument>;
export type ChainHeadModel = Model<ChainHeadDocument>;

export function subjectHeadModel(connection: Connection): SubjectHeadModel {
  return (
    (connection.models.AuditSubjectHead as SubjectHeadModel | undefined) ??
    connection.model<SubjectHeadDocument>('AuditSubjectHead', subjectHeadSchema)
  );
}

export function recordedEventModel(connection: Connection): RecordedEventModel {
  return (
    (connection.models.AuditRecordedEvent as RecordedEventModel | undefined) ??
    connection.model<RecordedEventDocument>('AuditRecordedEvent', recordedEventSchema)
  );
}

export function chainHeadModel(connection: Connection): ChainHeadModel {
  return (
    (connection.models.AuditChainHead as ChainHeadModel | undefined) ??
    connection.model<ChainHeadDocument>('AuditChainHead', chainHeadSchema)
  );
}
