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

export interface KnownSubjectResultDocument {
  _id: string; // `${studentId}:${schoolYear}:${subjectCode}`
  studentId: string;
  schoolYear: string;
  subjectCode: string;
  kind: 'SCORE' | 'COMMENT';
  year: { average: number | null; result: Pass | null };
  reassessment: { average: number | null; result: Pass | null } | null;
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

const subjectResultSchema = new Schema<KnownSubjectResultDocument>(
  {
    _id: String,
    studentId: String,
    schoolYear: String,
    subjectCode: String,
    kind: String,
    year: Schema.Types.Mixed,
    reassessment: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'rm_subject_results', versionKey: false },
);
// Serves the standing computation: find({ studentId, schoolYear }).
subjectResultSchema.index({ studentId: 1, schoolYear: 1 });

export interface ReadModels {
  classes: Model<KnownClassDocument>;
  memberships: Model<MembershipDocument>;
  subjectResults: Model<KnownSubjectResultDocument>;
}

export function readModels(connection: Connection): ReadModels {
  return {
    classes: connection.models.KnownClass ?? connection.model<KnownClassDocument>('KnownClass', classSchema),
    memberships:
      connection.models.Membership ?? connection.model<MembershipDocument>('Membership', membershipSchema),
    subjectResults:
      connection.models.KnownSubjectResult ??
      connection.model<KnownSubjectResultDocument>('KnownSubjectResult', subjectResultSchema),
  };
}
