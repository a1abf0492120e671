import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One official export of a record book (R11: who, when, what): the form, the years it carries, the
 * hash of the file handed out and the code printed on it. The file itself is not kept.
 */
export interface RecordExportDocument extends OutboxFields {
  _id: string;
  studentId: string;
  format: 'PDF' | 'XML' | 'CREDENTIAL';
  schoolYears: string[];
  requestedBy: string;
  requesterRole: string;
  /** The share a recipient read the copy through (null: the requester's own export). */
  share: { shareId: string; recipient: string; purpose: string } | null;
  verificationCode: string;
  /** SHA-256 of the file as handed out. */
  contentHash: string;
  issuedAt: Date;
}

const recordExportSchema = new Schema<RecordExportDocument>(
  {
    _id: { type: String, required: true },
    studentId: { type: String, required: true },
    format: { type: String, required: true },
    schoolYears: { type: [String], default: [] },
    requestedBy: { type: String, required: true },
    requesterRole: { type: String, required: true },
    share: { type: Schema.Types.Mixed, default: null },
    verificationCode: { type: String, required: true },
    contentHash: { type: String, required: true },
    issuedAt: { type: Date, required: true },
  },
  { collection: 'record_exports', versionKey: false },
);
addOutbox(recordExportSchema);

export const recordExportModel = (connection: Connection): Model<RecordExportDocument> =>
  connection.model<RecordExportDocument>('RecordExport', recordExportSchema);
