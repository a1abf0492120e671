import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The roster read model: which students are in which class, their names, the class's grade and
 * school. Built only from the students service's events on Kafka (never from its database).
 */

/** A class (lớp) of a school year, from `class.created` and `class.homeroom-teacher-changed`. */
export interface RosterClassDocument {
  _id: string;
  schoolId: string;
  schoolYear: string;
  grade: number;
  name: string;
  homeroomTeacherId: string | null;
  updatedAt: Date;
}

/** One stay of a student in a class (from `student.enrolled` to `student.left-class`). */
export interface EnrollmentRecord {
  classId: string;
  schoolId: string;
  schoolYear: string;
  grade: number;
  /** The date the student joined (effectiveOn of the enrolment event). */
  enrolledOn: string;
  /** When the enrolment event was produced: orders two enrolments of the same day. */
  enrolledAt: Date;
  /** Null while the student is in the class. */
  leftOn: string | null;
}

/** A student as the academics service knows them: one document per student. */
export interface RosterStudentDocument {
  _id: string;
  fullName: string;
  status: string;
  enrollments: EnrollmentRecord[];
  updatedAt: Date;
}

const rosterClassSchema = new Schema<RosterClassDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    grade: { type: Number, required: true },
    name: { type: String, required: true },
    homeroomTeacherId: { type: String, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'roster_classes', versionKey: false },
);

const enrollmentSchema = new Schema<EnrollmentRecord>(
  {
    classId: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    grade: { type: Number, required: true },
    enrolledOn: { type: String, required: true },
    enrolledAt: { type: Date, required: true },
    leftOn: { type: String, default: null },
  },
  { _id: false },
);

const rosterStudentSchema = new Schema<RosterStudentDocument>(
  {
    _id: { type: String, required: true },
    fullName: { type: String, default: '' },
    status: { type: String, default: 'STUDYING' },
    enrollments: { type: [enrollmentSchema], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'roster_students', versionKey: false },
);
// Serves the class list: membersOf(classIds) (who is, or was, in a class).
rosterStudentSchema.index({ 'enrollments.classId': 1 });

export type RosterClassModel = Model<RosterClassDocument>;
export type RosterStudentModel = Model<RosterStudentDocument>;

export function rosterClassModel(connection: Connection): RosterClassModel {
  return (
    connection.models.RosterClass ?? connection.model<RosterClassDocument>('RosterClass', rosterClassSchema)
  );
}

export function rosterStudentModel(connection: Connection): RosterStudentModel {
  return (
    connection.models.RosterStudent ??
    connection.model<RosterStudentDocument>('RosterStudent', rosterStudentSchema)
  );
}
