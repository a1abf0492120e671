import type { Level } from '@hocbaso/assessment';
import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

export interface AbsenceRecord {
  _id: string;
  date: string; // YYYY-MM-DD
  session: 'MORNING' | 'AFTERNOON';
  excused: boolean;
  reason: string | null;
  recordedBy: string | null;
}

export interface AwardRecord {
  _id: string;
  kind: 'COMMENDATION';
  title: string;
  grantedBy: string | null;
  grantedOn: string;
}

export interface DisciplineRecord {
  _id: string;
  form: string;
  reason: string;
  decidedBy: string | null;
  decidedOn: string;
}

export interface ComputedStanding {
  learning: Level | null;
  conduct: Level | null;
  absences: number;
  outcome: string | null;
  title: 'EXCELLENT' | 'GOOD' | null;
  computedAt: Date;
}

/**
 * An approved correction applied to the page (R8): every field with its value before and after, so
 * the earlier version stays readable.
 */
export interface ConductCorrectionRecord {
  /** Signatures' correction request id: a redelivered request finds it and changes nothing. */
  correctionId: string;
  changes: Array<{ field: string; before: string | null; after: string | null }>;
  reason: string;
  appliedAt: Date;
  appliedBy: string | null;
}

/**
 * One student's conduct page of one school year (kết quả rèn luyện, nghỉ học, khen thưởng, kỉ luật,
 * kết quả cuối năm): one document, so each change and its event commit together.
 */
export interface ConductRecordDocument extends OutboxFields {
  _id: string; // `${studentId}:${schoolYear}`
  studentId: string;
  schoolId: string;
  schoolYear: string;
  conductTerm1: Level | null;
  conductTerm2: Level | null;
  summerConduct: Level | null;
  homeroomComment: string | null;
  absences: AbsenceRecord[];
  awards: AwardRecord[];
  discipline: DisciplineRecord[];
  standing: ComputedStanding | null;
  confirmedOutcome: {
    outcome: string;
    title: string | null;
    confirmedBy: string | null;
    confirmedAt: Date;
  } | null;
  /** The corrections applied, oldest first (absent on pages never corrected). */
  corrections?: ConductCorrectionRecord[];
  updatedAt: Date;
}

const absenceSchema = new Schema<AbsenceRecord>(
  {
    _id: { type: String, required: true },
    date: { type: String, required: true },
    session: { type: String, required: true },
    excused: { type: Boolean, required: true },
    reason: { type: String, default: null },
    recordedBy: { type: String, default: null },
  },
  { _id: false },
);

const awardSchema = new Schema<AwardRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    grantedBy: { type: String, default: null },
    grantedOn: { type: String, required: true },
  },
  { _id: false },
);

const disciplineSchema = new Schema<DisciplineRecord>(
  {
    _id: { type: String, required: true },
    form: { type: String, required: true },
    reason: { type: String, required: true },
    decidedBy: { type: String, default: null },
    decidedOn: { type: String, required: true },
  },
  { _id: false },
);

const correctedValueSchema = new Schema<ConductCorrectionRecord['changes'][number]>(
  {
    field: { type: String, required: true },
    before: { type: String, default: null },
    after: { type: String, default: null },
  },
  { _id: false },
);

const correctionSchema = new Schema<ConductCorrectionRecord>(
  {
    correctionId: { type: String, required: true },
    changes: { type: [correctedValueSchema], required: true },
    reason: { type: String, required: true },
    appliedAt: { type: Date, required: true },
    appliedBy: { type: String, default: null },
  },
  { _id: false },
);

const conductRecordSchema = new Schema<ConductRecordDocument>(
  {
    _id: { type: String, required: true },
    studentId: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    conductTerm1: { type: String, default: null },
    conductTerm2: { type: String, default: null },
    summerConduct: { type: String, default: null },
    homeroomComment: { type: String, default: null },
    absences: { type: [absenceSchema], default: [] },
    awards: { type: [awardSchema], default: [] },
    discipline: { type: [disciplineSchema], default: [] },
    standing: { type: Schema.Types.Mixed, default: null },
    confirmedOutcome: { type: Schema.Types.Mixed, default: null },
    corrections: { type: [correctionSchema], default: undefined },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'conduct_records', versionKey: false },
);
addOutbox(conductRecordSchema);
// Serves the per-student look-up of all years: findByStudents(ids).
conductRecordSchema.index({ studentId: 1, schoolYear: 1 });

export type ConductRecordModel = Model<ConductRecordDocument>;

export function conductRecordModel(connection: Connection): ConductRecordModel {
  return (
    connection.models.ConductRecord ??
    connection.model<ConductRecordDocument>('ConductRecord', conductRecordSchema)
  );
}

export function conductRecordId(studentId: string, schoolYear: string): string {
  return `${studentId}:${schoolYear}`;
}
