import { Schema, type Connection, type Model } from 'mongoose';
import type { AuditEntry } from '../audit-entry';

/** An audit entry as stored in `audit_trail`: its seq is the `_id`. */
export interface AuditEntryDocument extends Omit<AuditEntry, 'seq'> {
  _id: number;
}

const auditEntrySchema = new Schema<AuditEntryDocument>(
  {
    _id: { type: Number, required: true },
    eventId: { type: String, required: true },
    at: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
    service: { type: String, required: true },
    type: { type: String, required: true },
    subject: { type: String, required: true },
    actor: {
      accountId: { type: String, default: null },
      kind: { type: String, required: true, enum: ['user', 'system'] },
      requestId: { type: String, default: null },
    },
    roles: { type: [String], default: [] },
    before: { type: String, default: null },
    after: { type: String, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  // Stored exactly as hashed: no version key, no empty-object pruning.
  { collection: 'audit_trail', versionKey: false, minimize: false },
);
// Serves query({ accountId }) newest first (MongoDB; FerretDB v1 scans, see the README).
auditEntrySchema.index({ 'actor.accountId': 1, _id: -1 });
// Serves query({ subjectPrefix }): a prefix regular expression uses it on MongoDB.
auditEntrySchema.index({ subject: 1, _id: -1 });

export type AuditEntryModel = Model<AuditEntryDocument>;

export function auditEntryModel(connection: Connection): AuditEntryModel {
  return (
    (connection.models.AuditEntry as AuditEntryModel | undefined) ??
    connection.model<AuditEntryDocument>('AuditEntry', auditEntrySchema)
  );
}
