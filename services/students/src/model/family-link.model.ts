import type { FamilyRelation } from '@hocbaso/events';
import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { GuardianRelationship } from './student.model';

/**
 * One family link code and, once redeemed, the link it made (liên kết gia đình): the same
 * document, so that using the code, creating the link and publishing `familyLinkVerified` are one
 * write. ISSUED: a code waiting to be redeemed; LINKED: an account is the student's parent or the
 * student; REVOKED: the link ended (the role goes with it).
 */
export interface FamilyLinkDocument extends OutboxFields {
  /** The code's id, then the link's id. */
  _id: string;
  studentId: string;
  /** The school that managed the record when the code was issued. */
  schoolId: string;
  relation: FamilyRelation;
  /** The recorded guardian the code was issued to (PARENT), as they were named then. */
  guardian: { relationship: GuardianRelationship; fullName: string } | null;
  /** HMAC of the code (never the code itself). */
  codeHash: string;
  /** Codes of one student, relation and guardian: only the latest one is valid. */
  holderKey: string;
  issuedAt: Date;
  issuedBy: string | null;
  expiresAt: Date;
  state: 'ISSUED' | 'LINKED' | 'REVOKED';
  accountId: string | null;
  linkedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  revokeReason: 'REVOKED' | 'GUARDIAN_REMOVED' | null;
  updatedAt: Date;
}

export type NewFamilyLinkDocument = Omit<FamilyLinkDocument, keyof OutboxFields>;

const familyLinkSchema = new Schema<FamilyLinkDocument>(
  {
    _id: { type: String, required: true },
    studentId: { type: String, required: true },
    schoolId: { type: String, required: true },
    relation: { type: String, required: true, enum: ['PARENT', 'STUDENT'] },
    guardian: {
      type: new Schema({ relationship: String, fullName: String }, { _id: false }),
      default: null,
    },
    codeHash: { type: String, required: true },
    holderKey: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    issuedBy: { type: String, default: null },
    expiresAt: { type: Date, required: true },
    state: { type: String, required: true, enum: ['ISSUED', 'LINKED', 'REVOKED'] },
    accountId: { type: String, default: null },
    linkedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: String, default: null },
    revokeReason: { type: String, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'family_links', versionKey: false },
);
addOutbox(familyLinkSchema);
// Serves findByCodeHash (redemption) and guarantees that a code names one document.
familyLinkSchema.index({ codeHash: 1 }, { unique: true });
// Serves findByStudent (Student.familyLinks) and the latest code of a holder (supersession).
familyLinkSchema.index({ studentId: 1, holderKey: 1, issuedAt: -1 });
// Serves findActiveLink: the account already linked to this student with this relation.
familyLinkSchema.index({ accountId: 1, studentId: 1 });

export type FamilyLinkModel = Model<FamilyLinkDocument>;

export function familyLinkModel(connection: Connection): FamilyLinkModel {
  return (
    (connection.models.FamilyLink as FamilyLinkModel | undefined) ??
    connection.model<FamilyLinkDocument>('FamilyLink', familyLinkSchema)
  );
}

/**
 * The failed redemptions of one account (not a change of record, so no event): what the attempt
 * limit counts, kept only as long as it can still block.
 */
export interface FamilyLinkAttemptDocument {
  /** The account id. */
  _id: string;
  failures: Date[];
}

const familyLinkAttemptSchema = new Schema<FamilyLinkAttemptDocument>(
  {
    _id: { type: String, required: true },
    failures: { type: [Date], default: [] },
  },
  { collection: 'family_link_attempts', versionKey: false },
);

export type FamilyLinkAttemptModel = Model<FamilyLinkAttemptDocument>;

export function familyLinkAttemptModel(connection: Connection): FamilyLinkAttemptModel {
  return (
    (connection.models.FamilyLinkAttempt as FamilyLinkAttemptModel | undefined) ??
    connection.model<FamilyLinkAttemptDocument>('FamilyLinkAttempt', familyLinkAttemptSchema)
  );
}
