import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The certificates a school registered (R12): its certificate authorities, the signers'
 * certificates and the organisational seal. Public material only: no private key is ever here.
 */
export interface CertificateDocument extends OutboxFields {
  /** SHA-256 fingerprint of the certificate (DER), hex. */
  _id: string;
  schoolId: string;
  kind: 'CERTIFICATE_AUTHORITY' | 'PERSON' | 'ORGANISATION_SEAL';
  /** The signer's account (PERSON only). */
  accountId: string | null;
  /** Leaf first; a CA registers itself alone. */
  chain: string[];
  subject: string;
  notBefore: Date;
  notAfter: Date;
  registeredBy: string | null;
  registeredAt: Date;
}

const certificateSchema = new Schema<CertificateDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    kind: { type: String, required: true },
    accountId: { type: String, default: null },
    chain: { type: [String], required: true },
    subject: { type: String, required: true },
    notBefore: { type: Date, required: true },
    notAfter: { type: Date, required: true },
    registeredBy: { type: String, default: null },
    registeredAt: { type: Date, required: true },
  },
  { collection: 'certificates', versionKey: false },
);
addOutbox(certificateSchema);
certificateSchema.index({ schoolId: 1, kind: 1 });

export type CertificateModel = Model<CertificateDocument>;

export function certificateModel(connection: Connection): CertificateModel {
  return (
    (connection.models.Certificate as CertificateModel | undefined) ??
    connection.model<CertificateDocument>('Certificate', certificateSchema)
  );
}

/** Who approves a grade's record books in a school year (R4, R12). Key: school/year/grade. */
export interface GradeApproverDocument extends OutboxFields {
  _id: string;
  schoolId: string;
  schoolYear: string;
  grade: number;
  accountId: string;
  assignedBy: string | null;
  assignedAt: Date;
}

const gradeApproverSchema = new Schema<GradeApproverDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    grade: { type: Number, required: true },
    accountId: { type: String, required: true },
    assignedBy: { type: String, default: null },
    assignedAt: { type: Date, required: true },
  },
  { collection: 'grade_approvers', versionKey: false },
);
addOutbox(gradeApproverSchema);

export type GradeApproverModel = Model<GradeApproverDocument>;

export function gradeApproverModel(connection: Connection): GradeApproverModel {
  return (
    (connection.models.GradeApprover as GradeApproverModel | undefined) ??
    connection.model<GradeApproverDocument>('GradeApprover', gradeApproverSchema)
  );
}

export const gradeApproverId = (schoolId: string, schoolYear: string, grade: number) =>
  `${schoolId}/${schoolYear}/${grade}`;
