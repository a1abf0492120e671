import type { CorrectionChange, LockOwner } from '@hocbaso/events';
import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { ProblemRecord } from './signature.model';

export type CorrectionState = 'FILED' | 'APPROVED' | 'REJECTED' | 'APPLYING' | 'APPLIED' | 'FAILED';

export interface CorrectionStep {
  action: 'FILED' | 'APPROVED' | 'NO_APPROVAL_NEEDED' | 'REJECTED' | 'APPLY_REQUESTED' | 'APPLIED' | 'FAILED';
  accountId: string | null;
  at: Date;
  note: string | null;
}

/**
 * Bản đề nghị chỉnh sửa (R8): the fields, the new values and the reason, filed by a teacher;
 * approved by the principal when the data is locked; applied by the admin. Every step is kept
 * with its time. The owner applies it as a new version; the old values stay in `applied`.
 */
export interface CorrectionDocument extends OutboxFields {
  _id: string;
  schoolId: string;
  schoolYear: string;
  classId: string;
  grade: number | null;
  studentId: string;
  /** The service that owns the corrected values and applies them. */
  owner: LockOwner;
  /** The subject of corrected marks; null for conduct and personal data. */
  subjectCode: string | null;
  changes: CorrectionChange[];
  reason: string;
  /** Whether a lock covered the data when it was filed (then the principal must approve). */
  locked: boolean;
  state: CorrectionState;
  steps: CorrectionStep[];
  /** What the owner changed, before and after (APPLIED), or why it refused (FAILED). */
  applied: Array<{ field: string; before: number | string | null; after: number | string | null }>;
  failure: ProblemRecord | null;
  filedBy: string;
  filedAt: Date;
  updatedAt: Date;
}

const correctionSchema = new Schema<CorrectionDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    classId: { type: String, required: true },
    grade: { type: Number, default: null },
    studentId: { type: String, required: true },
    owner: { type: String, required: true, enum: ['academics', 'conduct', 'students'] },
    subjectCode: { type: String, default: null },
    changes: { type: Schema.Types.Mixed, required: true },
    reason: { type: String, required: true },
    locked: { type: Boolean, required: true },
    state: { type: String, required: true },
    steps: { type: Schema.Types.Mixed, default: [] },
    applied: { type: Schema.Types.Mixed, default: [] },
    failure: { type: Schema.Types.Mixed, default: null },
    filedBy: { type: String, required: true },
    filedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'corrections', versionKey: false, minimize: false },
);
addOutbox(correctionSchema);
correctionSchema.index({ schoolId: 1, schoolYear: 1 });
correctionSchema.index({ studentId: 1, schoolYear: 1 });

export type CorrectionModel = Model<CorrectionDocument>;

export function correctionModel(connection: Connection): CorrectionModel {
  return (
    (connection.models.Correction as CorrectionModel | undefined) ??
    connection.model<CorrectionDocument>('Correction', correctionSchema)
  );
}
