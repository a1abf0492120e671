import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { SignatureRole, SignedScope } from '../domain/units';

export interface ProblemRecord {
  code: string;
  message: string;
  details: string[];
}

/** A signature as stored: what `@hocbaso/signing` produced, kept verbatim for later verification. */
export interface StoredSignature {
  /** The RFC 8785 canonical JSON of the snapshot. */
  canonical: string;
  contentHash: string;
  algorithm: string;
  signature: string;
  /** Leaf first, PEM. */
  certificateChain: string[];
  signedAt: string;
  certificateFingerprint: string;
  signerName: string;
}

/**
 * One signature of one unit of the record book, from the request to the signed (or failed)
 * result. A signing waits in LOCKING until every owner confirmed the lock; it is then signed over
 * exactly the content they locked. A correction marks it SUPERSEDED; it stays readable.
 */
export interface SignatureDocument extends OutboxFields {
  _id: string;
  role: SignatureRole;
  scope: SignedScope;
  unitKey: string;
  schoolId: string;
  schoolYear: string;
  classId: string;
  studentId: string | null;
  signerAccountId: string;
  /** The key the signer holds (its account id; the seal's is `seal-<schoolId>`). */
  keyRef: string;
  state: 'LOCKING' | 'SIGNED' | 'FAILED';
  lockId: string;
  failure: ProblemRecord | null;
  recordVersion: number;
  snapshot: unknown;
  signed: StoredSignature | null;
  /** The school's organisational seal over the approval (APPROVER only). */
  seal: StoredSignature | null;
  status: 'CURRENT' | 'SUPERSEDED';
  supersededBy: string | null;
  supersededAt: Date | null;
  /** Batch approval of a class: the signatures requested together. */
  batchId: string | null;
  requestedAt: Date;
  updatedAt: Date;
}

const signatureSchema = new Schema<SignatureDocument>(
  {
    _id: { type: String, required: true },
    role: { type: String, required: true },
    scope: { type: Schema.Types.Mixed, required: true },
    unitKey: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    classId: { type: String, required: true },
    studentId: { type: String, default: null },
    signerAccountId: { type: String, required: true },
    keyRef: { type: String, required: true },
    state: { type: String, required: true },
    lockId: { type: String, required: true },
    failure: { type: Schema.Types.Mixed, default: null },
    recordVersion: { type: Number, required: true },
    snapshot: { type: Schema.Types.Mixed, default: null },
    signed: { type: Schema.Types.Mixed, default: null },
    seal: { type: Schema.Types.Mixed, default: null },
    status: { type: String, required: true, default: 'CURRENT' },
    supersededBy: { type: String, default: null },
    supersededAt: { type: Date, default: null },
    batchId: { type: String, default: null },
    requestedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'signatures', versionKey: false, minimize: false },
);
addOutbox(signatureSchema);
// Serves the class board and the chain checks: find({ schoolYear, classId }).
signatureSchema.index({ classId: 1, schoolYear: 1 });
// Serves Student.recordStatus: find({ studentId, schoolYear }).
signatureSchema.index({ studentId: 1, schoolYear: 1 });
// Serves completion on a lock confirmation: find({ lockId }).
signatureSchema.index({ lockId: 1 });

export type SignatureModel = Model<SignatureDocument>;

export function signatureModel(connection: Connection): SignatureModel {
  return (
    (connection.models.Signature as SignatureModel | undefined) ??
    connection.model<SignatureDocument>('Signature', signatureSchema)
  );
}
