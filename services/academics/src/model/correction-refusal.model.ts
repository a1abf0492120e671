import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A correction request academics did not apply (invalid field or value, unknown gradebook or
 * student), kept by its correction id so that a redelivered request is answered once. The answer
 * (`academicsCorrectionApplied`, REFUSED) is published from this document's outbox, like every
 * other event of the service. Applied corrections live on their gradebook.
 */
export interface CorrectionRefusalDocument extends OutboxFields {
  /** The correction id. */
  _id: string;
  schoolId: string;
  schoolYear: string;
  classId: string;
  studentId: string;
  subjectCode: string | null;
  refusal: { code: string; message: string; details: string[] };
  refusedAt: Date;
}

const correctionRefusalSchema = new Schema<CorrectionRefusalDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    classId: { type: String, required: true },
    studentId: { type: String, required: true },
    subjectCode: { type: String, default: null },
    refusal: { type: Schema.Types.Mixed, required: true },
    refusedAt: { type: Date, required: true },
  },
  { collection: 'correction_refusals', versionKey: false, minimize: false },
);
addOutbox(correctionRefusalSchema);

export type CorrectionRefusalModel = Model<CorrectionRefusalDocument>;

export function correctionRefusalModel(connection: Connection): CorrectionRefusalModel {
  return (
    (connection.models.CorrectionRefusal as CorrectionRefusalModel | undefined) ??
    connection.model<CorrectionRefusalDocument>('CorrectionRefusal', correctionRefusalSchema)
  );
}
