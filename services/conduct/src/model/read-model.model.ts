import type { Pass } from '@hocbaso/assessment';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Read models kept from other services' events (never their databases): classes and who is in
 * them (students service), and subject year results (academics service).
 */
export interface KnownClassDocument {
  _id: string; // class id
  schoolId: string;
  schoolYear: string;
  grade: 10 | 11 | 12;
  name: string;
  homeroomTeacherId: string | null;
}

export interface MembershipDocument {
  _id: string; // `${studentId}:${schoolYear}`
  studentId: string;
  schoolYear: string;
  schoolId: string;
  classId: string | null;
  grade: 10 | 11 | 12;
  fullName: string;
}

/** One subject's year result, as academics last published it. */
export interface KnownSubjectResult {
  kind: 'SCORE' | 'COMMENT';
  year: { average: number | null; result: Pass | null };
  reassessment: { average: number | null; result: Pass | null } | null;
}

/**
 * A student's subject results of one school year, in one document keyed by `${studentId}:${schoolYear}`:
 * FerretDB v1 answers look-ups by _id from its index but scans for any other filter, so the read
 * model that every recomputation reads is shaped for _id look-ups.
 */
export interface StudentResultsDocument {
  _id: string;
  studentId: string;
  schoolYear: string;
  subjects: Record<string, KnownSubjectResult>;
}

const classSchema = new Schema<KnownClassDocument>(
  {
    _id: String,
    schoolId: String,
    schoolYear: String,
    grade: Number,
    name: String,
    homeroomTeacherId: { type: String, default: null },
  },
  { collection: 'rm_classes', versionKey: false },
);

const membershipSchema = new Schema<MembershipDocument>(
  {
    _id: String,
    studentId: String,
    schoolYear: String,
    schoolId: String,
    classId: { type: String, default: null },
    grade: Number,
    fullName: String,
  },
  { collection: 'rm_memberships', versionKey: false },
);
// Serves the class roster: find({ classId }).
membershipSchema.index({ classId: 1 });
// Serves name updates: updateMany({ studentId }).
membershipSchema.index({ studentId: 1 });

const studentResultsSchema = new Schema<StudentResultsDocument>(
  {
    _id: String,
    studentId: String,
    schoolYear: String,
    subjects: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'rm_student_results', versionKey: false, minimize: false },
);

export interface ReadModels {
  classes: Model<KnownClassDocument>;
  memberships: Model<MembershipDocument>;
  studentResults: Model<StudentResultsDocument>;
}

export function readModels(connection: Connection): ReadModels {
  return {
    classes: connection.models.KnownClass ?? connection.model<KnownClassDocument>('KnownClass', classSchema),
    memberships:
      connection.models.Membership ?? connection.model<MembershipDocument>('Membership', membershipSchema),
    studentResults:
      connection.models.StudentResults ??
      connection.model<StudentResultsDocument>('StudentResults', studentResultsSchema),
  };
}
