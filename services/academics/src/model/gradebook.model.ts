import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

export type Pass = 'DAT' | 'CHUA_DAT';
/** A scored subject's mark (0-10, one decimal) or a comment subject's ĐẠT / CHƯA ĐẠT. */
export type Mark = number | Pass;
export type TermKey = 'term1' | 'term2';
export type ExemptionPeriod = 'TERM_1' | 'TERM_2' | 'YEAR';

/** Nhận xét của giáo viên bộ môn: progress, strengths, limitations. */
export interface TeacherComment {
  progress: string | null;
  strengths: string | null;
  limitations: string | null;
}

/** One student's assessments of one term; null: not yet assessed. */
export interface TermEntry {
  /** ĐĐGtx, exactly as many as the subject requires per term. */
  regular: Array<Mark | null>;
  /** ĐĐGgk */
  midterm: Mark | null;
  /** ĐĐGck */
  final: Mark | null;
  comment: TeacherComment | null;
  recordedAt: Date;
  recordedBy: string | null;
}

/** Kiểm tra lại trong kì nghỉ hè: replaces the year result. */
export interface ReassessmentRecord {
  average: number | null;
  result: Pass | null;
  recordedAt: Date;
  recordedBy: string | null;
}

/** Miễn phần thực hành (Điều 10 TT22): assessed on theory, same number of assessments. */
export interface ExemptionRecord {
  part: 'PRACTICAL';
  period: ExemptionPeriod;
  reason: string;
  /** A cancellation is recorded as a cancelled exemption (the latest record wins, see the merge rule). */
  cancelled: boolean;
  recordedAt: Date;
  recordedBy: string | null;
}

/**
 * An approved correction applied to one student's row (R8): the values before and after, so the
 * earlier version stays readable; the row holds the current version.
 */
export interface CorrectionRecord {
  /** Signatures' correction request id: a redelivered request finds it and changes nothing. */
  correctionId: string;
  studentId: string;
  /** `term1.regular.0`, `term1.midterm`, …, `reassessment`. */
  changes: Array<{ field: string; before: Mark | null; after: Mark | null }>;
  reason: string;
  appliedAt: Date;
  /** The account that applied it (the admin), from the request. */
  appliedBy: string | null;
}

export interface GradebookRow {
  studentId: string;
  term1: TermEntry | null;
  term2: TermEntry | null;
  reassessment: ReassessmentRecord | null;
  exemption: ExemptionRecord | null;
}

/**
 * Sổ điểm: one class's marks in one subject for one school year, both terms, every student. The
 * unit of write: a class-wide gradebook change is one document write, carrying one event per
 * student whose result changed in its outbox.
 */
export interface GradebookDocument extends OutboxFields {
  _id: string;
  schoolId: string;
  classId: string;
  grade: number;
  schoolYear: string;
  subjectCode: string;
  kind: 'SCORE' | 'COMMENT';
  /** ĐĐGtx per term for this subject (from its periods). */
  regularCount: number;
  rows: GradebookRow[];
  /** The corrections applied, oldest first (absent on gradebooks never corrected). */
  corrections?: CorrectionRecord[];
  createdAt: Date;
  updatedAt: Date;
}

export type NewGradebook = Omit<GradebookDocument, '_outbox' | '_outboxPending' | '_rev'>;

export function gradebookId(classId: string, subjectCode: string, schoolYear: string): string {
  return `${schoolYear}/${classId}/${subjectCode}`;
}

const commentSchema = new Schema<TeacherComment>(
  {
    progress: { type: String, default: null },
    strengths: { type: String, default: null },
    limitations: { type: String, default: null },
  },
  { _id: false },
);

const termEntrySchema = new Schema<TermEntry>(
  {
    regular: { type: [Schema.Types.Mixed], default: [] },
    midterm: { type: Schema.Types.Mixed, default: null },
    final: { type: Schema.Types.Mixed, default: null },
    comment: { type: commentSchema, default: null },
    recordedAt: { type: Date, required: true },
    recordedBy: { type: String, default: null },
  },
  { _id: false },
);

const reassessmentSchema = new Schema<ReassessmentRecord>(
  {
    average: { type: Number, default: null },
    result: { type: String, default: null },
    recordedAt: { type: Date, required: true },
    recordedBy: { type: String, default: null },
  },
  { _id: false },
);

const exemptionSchema = new Schema<ExemptionRecord>(
  {
    part: { type: String, required: true },
    period: { type: String, required: true },
    reason: { type: String, required: true },
    cancelled: { type: Boolean, default: false },
    recordedAt: { type: Date, required: true },
    recordedBy: { type: String, default: null },
  },
  { _id: false },
);

const rowSchema = new Schema<GradebookRow>(
  {
    studentId: { type: String, required: true },
    term1: { type: termEntrySchema, default: null },
    term2: { type: termEntrySchema, default: null },
    reassessment: { type: reassessmentSchema, default: null },
    exemption: { type: exemptionSchema, default: null },
  },
  { _id: false },
);

const correctedValueSchema = new Schema<CorrectionRecord['changes'][number]>(
  {
    field: { type: String, required: true },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
  },
  { _id: false, minimize: false },
);

const correctionSchema = new Schema<CorrectionRecord>(
  {
    correctionId: { type: String, required: true },
    studentId: { type: String, required: true },
    changes: { type: [correctedValueSchema], default: [] },
    reason: { type: String, required: true },
    appliedAt: { type: Date, required: true },
    appliedBy: { type: String, default: null },
  },
  { _id: false },
);

const gradebookSchema = new Schema<GradebookDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    classId: { type: String, required: true },
    grade: { type: Number, required: true },
    schoolYear: { type: String, required: true },
    subjectCode: { type: String, required: true },
    kind: { type: String, required: true, enum: ['SCORE', 'COMMENT'] },
    regularCount: { type: Number, required: true },
    rows: { type: [rowSchema], default: [] },
    corrections: { type: [correctionSchema], default: undefined },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'gradebooks', versionKey: false },
);
addOutbox(gradebookSchema);
// Serves the per-student reads: findForStudents(schoolYear, studentIds) (Student.results, merges).
gradebookSchema.index({ 'rows.studentId': 1 });
// Serves a class's gradebooks: findByClasses(classIds, schoolYear) (Class.gradebooks).
gradebookSchema.index({ classId: 1, schoolYear: 1 });

export type GradebookModel = Model<GradebookDocument>;

export function gradebookModel(connection: Connection): GradebookModel {
  return connection.models.Gradebook ?? connection.model<GradebookDocument>('Gradebook', gradebookSchema);
}
