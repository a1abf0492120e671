import { Schema, type Connection, type Model } from 'mongoose';

/**
 * What the archive knows of other services' data, built only from their events (never from their
 * databases): schools (identity), classes, their students and the school managing each student (students), the schools'
 * registered CAs (signatures), each student's computed
 * year outcome (conduct) for the wave of a record not yet approved. Keyed by `_id` so that the
 * hot reads are `_id` lookups (the only lookup FerretDB v1 serves from an index).
 */
export interface SchoolFacts {
  _id: string;
  code: string | null;
  name: string;
}

export interface ClassFacts {
  _id: string;
  schoolId: string;
  schoolYear: string;
  grade: number;
  name: string;
  /** The students in the class now, with the name rosters show. */
  members: Array<{ studentId: string; fullName: string }>;
}

/** `${studentId}:${schoolYear}`: conduct's computed outcome of the year. */
export interface OutcomeFacts {
  _id: string;
  studentId: string;
  schoolId: string;
  schoolYear: string;
  outcome: string | null;
}

/** The school that manages a student now (R6: a transfer moves it), from students' events. */
export interface StudentFacts {
  _id: string;
  schoolId: string;
  fullName: string;
  status: string;
  /** The class the student was last enrolled in, by school year (what the statistics group it by). */
  classByYear?: Record<string, string>;
}

/** A school's registered certificate authority (signatures' registry): the trust anchors of its signatures. */
export interface AuthorityFacts {
  /** The CA certificate's fingerprint. */
  _id: string;
  schoolId: string;
}

const schoolSchema = new Schema<SchoolFacts>(
  {
    _id: { type: String, required: true },
    code: { type: String, default: null },
    name: { type: String, required: true },
  },
  { collection: 'schools', versionKey: false },
);

const classSchema = new Schema<ClassFacts>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    grade: { type: Number, required: true },
    name: { type: String, default: '' },
    members: { type: [{ studentId: String, fullName: String, _id: false }], default: [] },
  },
  { collection: 'classes', versionKey: false },
);

const outcomeSchema = new Schema<OutcomeFacts>(
  {
    _id: { type: String, required: true },
    studentId: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    outcome: { type: String, default: null },
  },
  { collection: 'outcomes', versionKey: false },
);

const studentSchema = new Schema<StudentFacts>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    fullName: { type: String, default: '' },
    status: { type: String, default: 'STUDYING' },
    classByYear: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'students', versionKey: false, minimize: false },
);

const authoritySchema = new Schema<AuthorityFacts>(
  { _id: { type: String, required: true }, schoolId: { type: String, required: true } },
  { collection: 'certificate_authorities', versionKey: false },
);

export interface ReadModels {
  schools: Model<SchoolFacts>;
  classes: Model<ClassFacts>;
  outcomes: Model<OutcomeFacts>;
  students: Model<StudentFacts>;
  authorities: Model<AuthorityFacts>;
}

export function readModels(connection: Connection): ReadModels {
  return {
    schools: connection.model<SchoolFacts>('School', schoolSchema),
    classes: connection.model<ClassFacts>('ClassFacts', classSchema),
    outcomes: connection.model<OutcomeFacts>('Outcome', outcomeSchema),
    students: connection.model<StudentFacts>('StudentFacts', studentSchema),
    authorities: connection.model<AuthorityFacts>('Authority', authoritySchema),
  };
}
