import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One download of a gradebook as a file (R11: copies are logged and attributable): who, which
 * class, subject and term, when, through which request, and the SHA-256 of the file handed out.
 * Append-only; born with its event.
 */
export interface GradebookExportDocument extends OutboxFields {
  _id: string;
  schoolId: string | null;
  classId: string;
  subjectCode: string;
  schoolYear: string;
  term: 'TERM_1' | 'TERM_2';
  students: number;
  sha256: string;
  exportedBy: string;
  requestId: string | null;
  exportedAt: Date;
}

export type NewGradebookExport = Omit<GradebookExportDocument, keyof OutboxFields>;

const gradebookExportSchema = new Schema<GradebookExportDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, default: null },
    classId: { type: String, required: true },
    subjectCode: { type: String, required: true },
    schoolYear: { type: String, required: true },
    term: { type: String, required: true },
    students: { type: Number, required: true },
    sha256: { type: String, required: true },
    exportedBy: { type: String, required: true },
    requestId: { type: String, default: null },
    exportedAt: { type: Date, required: true },
  },
  { collection: 'gradebook_exports', versionKey: false },
);
addOutbox(gradebookExportSchema);

export type GradebookExportModel = Model<GradebookExportDocument>;

export function gradebookExportModel(connection: Connection): GradebookExportModel {
  return (
    (connection.models.GradebookExport as GradebookExportModel | undefined) ??
    connection.model<GradebookExportDocument>('GradebookExport', gradebookExportSchema)
  );
}
