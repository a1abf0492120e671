import { Schema, type Connection, type Model } from 'mongoose';

/**
 * What signatures knows of other services' data, built only from their events (never from their
 * databases): classes and their students (students), teaching assignments and roles (identity),
 * and how far each subject's marks are entered (academics). Keyed by `_id` so that every read is
 * an `_id` lookup (the only lookup FerretDB v1 serves from an index).
 */
export interface ClassFacts {
  /** The class id. */
  _id: string;
  schoolId: string;
  schoolYear: string;
  grade: number;
  name: string;
  homeroomTeacherId: string | null;
  members: string[];
}

/** `${schoolYear}/${classId}/${subjectCode}`: who teaches it. */
export interface TeachingFacts {
  _id: string;
  classId: string;
  schoolYear: string;
  subjectCode: string;
  teacherAccountIds: string[];
}

/** `${schoolYear}/${classId}/${subjectCode}`: per student, which results are complete. */
export interface SubjectProgressFacts {
  _id: string;
  classId: string;
  schoolYear: string;
  subjectCode: string;
  students: Record<string, { term1: boolean; term2: boolean; year: boolean }>;
}

/** The roles an account holds now (for the audit trail's "role"). */
export interface AccountRoleFacts {
  _id: string;
  roles: Array<{ role: string; schoolId: string | null }>;
}

const classFactsSchema = new Schema<ClassFacts>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    grade: { type: Number, required: true },
    name: { type: String, required: true },
    homeroomTeacherId: { type: String, default: null },
    members: { type: [String], default: [] },
  },
  { collection: 'rm_classes', versionKey: false },
);
classFactsSchema.index({ schoolId: 1, schoolYear: 1 });

const teachingFactsSchema = new Schema<TeachingFacts>(
  {
    _id: { type: String, required: true },
    classId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    subjectCode: { type: String, required: true },
    teacherAccountIds: { type: [String], default: [] },
  },
  { collection: 'rm_teaching', versionKey: false },
);
teachingFactsSchema.index({ classId: 1, schoolYear: 1 });

const subjectProgressSchema = new Schema<SubjectProgressFacts>(
  {
    _id: { type: String, required: true },
    classId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    subjectCode: { type: String, required: true },
    students: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'rm_subject_progress', versionKey: false, minimize: false },
);
subjectProgressSchema.index({ classId: 1, schoolYear: 1 });

const accountRolesSchema = new Schema<AccountRoleFacts>(
  { _id: { type: String, required: true }, roles: { type: Schema.Types.Mixed, default: [] } },
  { collection: 'rm_account_roles', versionKey: false },
);

export interface ReadModels {
  classes: Model<ClassFacts>;
  teaching: Model<TeachingFacts>;
  subjectProgress: Model<SubjectProgressFacts>;
  accountRoles: Model<AccountRoleFacts>;
}

export function readModels(connection: Connection): ReadModels {
  const model = <T>(name: string, schema: Schema<T>) =>
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return {
    classes: model('ClassFacts', classFactsSchema),
    teaching: model('TeachingFacts', teachingFactsSchema),
    subjectProgress: model('SubjectProgressFacts', subjectProgressSchema),
    accountRoles: model('AccountRoleFacts', accountRolesSchema),
  };
}

export const subjectKey = (schoolYear: string, classId: string, subjectCode: string) =>
  `${schoolYear}/${classId}/${subjectCode}`;
