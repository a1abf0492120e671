import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { FamilyRelation, ShareConsent, StoredShareState } from '../domain/record-shares';

/**
 * One request of the student's family to share the record book with a third party (chia sẻ học bạ):
 * the recipient, the purpose, until when, each consent (who, as what, when), and the hash of the
 * access code once ACTIVE (the code itself is handed to the family once and never kept).
 */
export interface RecordShareDocument extends OutboxFields {
  _id: string;
  studentId: string;
  /** The school that managed the student when the share was asked for. */
  schoolId: string;
  recipient: string;
  purpose: string;
  validUntil: Date;
  state: StoredShareState;
  consents: ShareConsent[];
  /** SHA-256 of the access code (ACTIVE and after). */
  accessCodeHash: string | null;
  requestedBy: string;
  createdAt: Date;
  activatedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawnBy: { accountId: string; relation: FamilyRelation } | null;
  /** How many times the recipient read it, and the last time (each read is also an export and an event). */
  accessCount: number;
  lastAccessedAt: Date | null;
}

const consentSchema = new Schema<ShareConsent>(
  {
    relation: { type: String, required: true },
    accountId: { type: String, required: true },
    givenAt: { type: Date, required: true },
  },
  { _id: false },
);

const recordShareSchema = new Schema<RecordShareDocument>(
  {
    _id: { type: String, required: true },
    studentId: { type: String, required: true },
    schoolId: { type: String, required: true },
    recipient: { type: String, required: true },
    purpose: { type: String, required: true },
    validUntil: { type: Date, required: true },
    state: { type: String, required: true },
    consents: { type: [consentSchema], default: [] },
    accessCodeHash: { type: String, default: null },
    requestedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    activatedAt: { type: Date, default: null },
    withdrawnAt: { type: Date, default: null },
    withdrawnBy: { type: Schema.Types.Mixed, default: null },
    accessCount: { type: Number, default: 0 },
    lastAccessedAt: { type: Date, default: null },
  },
  { collection: 'record_shares', versionKey: false },
);
addOutbox(recordShareSchema);
// recordShares(studentId): a student's shares, oldest first.
recordShareSchema.index({ studentId: 1, createdAt: 1 });
// sharedRecordBook(accessCode): the share a code opens (not unique: null until ACTIVE).
recordShareSchema.index({ accessCodeHash: 1 });

export const recordShareModel = (connection: Connection): Model<RecordShareDocument> =>
  connection.model<RecordShareDocument>('RecordShare', recordShareSchema);
