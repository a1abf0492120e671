import type { SignatureEvidence } from '@hocbaso/events';
import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { SyncProgress } from '../domain/sync';

/**
 * An approved and sealed year page as signatures published it (`recordYearApproved`), kept verbatim:
 * the archive's copy of the signed record book. `_id`: `<studentId>:<schoolYear>:v<recordVersion>`.
 * Written once; a redelivered event finds it there.
 */
export interface SignedYearDocument {
  _id: string;
  signatureId: string;
  studentId: string;
  schoolId: string;
  schoolYear: string;
  classId: string;
  recordVersion: number;
  approval: SignatureEvidence;
  seal: SignatureEvidence;
  /** A correction superseded this approval (the year is approved again as a new version). */
  superseded: boolean;
  receivedAt: Date;
}

/**
 * One student-year's sync with the Ministry (`_id`: `<studentId>:<schoolYear>`). `payload` is the
 * exact JSON sent for `payloadVersion`, frozen at its first attempt, so every retry of a version
 * sends the same bytes under the same idempotency key.
 */
export interface RecordSyncDocument extends SyncProgress, OutboxFields {
  _id: string;
  studentId: string;
  schoolId: string;
  schoolYear: string;
  classId: string;
  payload: string | null;
  payloadVersion: number | null;
  payloadHash: string | null;
  updatedAt: Date;
}

/** One request to the Ministry and its answer, kept (R5: "the response kept"). Append-only. */
export interface SyncAttemptDocument {
  _id: string;
  syncId: string;
  recordKey: string;
  attempt: number;
  payloadHash: string;
  sentAt: Date;
  durationMs: number;
  /** HTTP status, or null when no answer came (network fault, timeout). */
  httpStatus: number | null;
  outcome: 'ACCEPTED' | 'REJECTED' | 'TRANSIENT';
  /** The answer's body as received (truncated), or the error. */
  response: string;
}

const signedYearSchema = new Schema<SignedYearDocument>(
  {
    _id: { type: String, required: true },
    signatureId: { type: String, required: true },
    studentId: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    classId: { type: String, required: true },
    recordVersion: { type: Number, required: true },
    approval: { type: Schema.Types.Mixed, required: true },
    seal: { type: Schema.Types.Mixed, required: true },
    superseded: { type: Boolean, default: false },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'signed_years', versionKey: false },
);

const recordSyncSchema = new Schema<RecordSyncDocument>(
  {
    _id: { type: String, required: true },
    studentId: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    classId: { type: String, required: true },
    state: { type: String, required: true },
    recordVersion: { type: Number, required: true },
    signatureId: { type: String, required: true },
    wave: { type: String, required: true },
    attempts: { type: Number, required: true },
    nextAttemptAt: { type: Date, default: null },
    receiptId: { type: String, default: null },
    reasons: { type: Schema.Types.Mixed, default: [] },
    rejections: { type: Number, default: 0 },
    acceptedVersion: { type: Number, default: null },
    firstAcceptedAt: { type: Date, default: null },
    acceptedAt: { type: Date, default: null },
    payload: { type: String, default: null },
    payloadVersion: { type: Number, default: null },
    payloadHash: { type: String, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'record_syncs', versionKey: false },
);
addOutbox(recordSyncSchema);

const syncAttemptSchema = new Schema<SyncAttemptDocument>(
  {
    _id: { type: String, required: true },
    syncId: { type: String, required: true },
    recordKey: { type: String, required: true },
    attempt: { type: Number, required: true },
    payloadHash: { type: String, required: true },
    sentAt: { type: Date, required: true },
    durationMs: { type: Number, required: true },
    httpStatus: { type: Number, default: null },
    outcome: { type: String, required: true },
    response: { type: String, required: true },
  },
  { collection: 'sync_attempts', versionKey: false },
);

export interface SyncModels {
  signedYears: Model<SignedYearDocument>;
  recordSyncs: Model<RecordSyncDocument>;
  syncAttempts: Model<SyncAttemptDocument>;
}

export function syncModels(connection: Connection): SyncModels {
  return {
    signedYears: connection.model<SignedYearDocument>('SignedYear', signedYearSchema),
    recordSyncs: connection.model<RecordSyncDocument>('RecordSync', recordSyncSchema),
    syncAttempts: connection.model<SyncAttemptDocument>('SyncAttempt', syncAttemptSchema),
  };
}
