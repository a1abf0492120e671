import type { StudentStatus } from '@hocbaso/events';
import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { IsoDate } from '../domain/calendar';
import type { Gender } from '../domain/personal-id';
import type { Grade } from './class.model';

export type GuardianRelationship = 'FATHER' | 'MOTHER' | 'GUARDIAN';

/** Cha, mẹ hoặc người giám hộ. */
export interface GuardianRecord {
  relationship: GuardianRelationship;
  fullName: string;
  occupation: string | null;
  phone: string | null;
}

export type EnrolmentKind = 'ADMITTED' | 'TRANSFERRED_IN' | 'NEW_SCHOOL_YEAR' | 'CLASS_CHANGE';

/** One line of the Quá trình học tập: a class of a school in a school year, from and until when. */
export interface EnrolmentRecord {
  schoolId: string;
  classId: string;
  className: string;
  schoolYear: string;
  grade: Grade;
  kind: EnrolmentKind;
  /** Ngày nhập học or ngày chuyển đến. */
  enrolledOn: IsoDate;
  leftOn: IsoDate | null;
  recordedAt: Date;
  recordedBy: string | null;
  /**
   * The archive's transfer whose imported package made this TRANSFERRED_IN enrolment (absent
   * otherwise): a redelivered import finds it and is answered again, never applied twice.
   */
  transferId?: string;
}

/** One administrative status change (tình trạng): what, why, from when, and who recorded it. */
export interface StatusChangeRecord {
  status: StudentStatus;
  previousStatus: StudentStatus | null;
  reason: string | null;
  effectiveOn: IsoDate;
  recordedAt: Date;
  recordedBy: string | null;
}

/** Before and after of one personal-data change: kept in the record, never sent on Kafka (R2). */
export interface PersonalDataChangeRecord {
  changedAt: Date;
  changedBy: string | null;
  requestId: string | null;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
}

/**
 * A correction of the personal data applied on signatures' request (R8), the principal having
 * approved it: the values before and after stay readable here (they never travel on Kafka).
 */
export interface CorrectionRecord {
  correctionId: string;
  /** By correction field (`personal.address`), in the order asked. */
  changes: Array<{ field: string; before: string | null; after: string | null }>;
  reason: string;
  appliedAt: Date;
  appliedBy: string | null;
}

/** The personal data of a student (sơ yếu lý lịch), as the homeroom teacher keeps it. */
export interface PersonalData {
  fullName: string;
  dateOfBirth: IsoDate;
  gender: Gender;
  placeOfBirth: string;
  /** Dân tộc, e.g. Kinh. */
  ethnicity: string;
  /** Đối tượng chính sách, e.g. con thương binh; null for none. */
  policyCategory: string | null;
  address: string;
  guardians: GuardianRecord[];
}

/**
 * The one record of a student across schools and years (R1). Its enrolment and status history
 * are embedded, so every change and its events commit in one document write.
 */
export interface StudentDocument extends PersonalData, OutboxFields {
  _id: string;
  /** Mã định danh cá nhân: 12 digits, unique on the platform. */
  personalId: string;
  status: StudentStatus;
  /** The school that manages the record now (R6). */
  schoolId: string;
  /** The current class; null after a transfer out. */
  classId: string | null;
  enrolments: EnrolmentRecord[];
  statusHistory: StatusChangeRecord[];
  personalDataHistory: PersonalDataChangeRecord[];
  /** Absent on records never corrected. */
  corrections?: CorrectionRecord[];
  createdAt: Date;
  updatedAt: Date;
}

export type NewStudentDocument = Omit<StudentDocument, keyof OutboxFields>;

const guardianSchema = new Schema<GuardianRecord>(
  {
    relationship: { type: String, required: true, enum: ['FATHER', 'MOTHER', 'GUARDIAN'] },
    fullName: { type: String, required: true },
    occupation: { type: String, default: null },
    phone: { type: String, default: null },
  },
  { _id: false },
);

const enrolmentSchema = new Schema<EnrolmentRecord>(
  {
    schoolId: { type: String, required: true },
    classId: { type: String, required: true },
    className: { type: String, required: true },
    schoolYear: { type: String, required: true },
    grade: { type: Number, required: true },
    kind: { type: String, required: true },
    enrolledOn: { type: String, required: true },
    leftOn: { type: String, default: null },
    recordedAt: { type: Date, required: true },
    recordedBy: { type: String, default: null },
    transferId: { type: String },
  },
  { _id: false },
);

const statusChangeSchema = new Schema<StatusChangeRecord>(
  {
    status: { type: String, required: true },
    previousStatus: { type: String, default: null },
    reason: { type: String, default: null },
    effectiveOn: { type: String, required: true },
    recordedAt: { type: Date, required: true },
    recordedBy: { type: String, default: null },
  },
  { _id: false },
);

const personalDataChangeSchema = new Schema<PersonalDataChangeRecord>(
  {
    changedAt: { type: Date, required: true },
    changedBy: { type: String, default: null },
    requestId: { type: String, default: null },
    changes: {
      type: [
        new Schema({ field: String, before: Schema.Types.Mixed, after: Schema.Types.Mixed }, { _id: false }),
      ],
      default: [],
    },
  },
  { _id: false },
);

const correctionSchema = new Schema<CorrectionRecord>(
  {
    correctionId: { type: String, required: true },
    changes: {
      type: [new Schema({ field: String, before: String, after: String }, { _id: false })],
      default: [],
    },
    reason: { type: String, required: true },
    appliedAt: { type: Date, required: true },
    appliedBy: { type: String, default: null },
  },
  { _id: false },
);

const studentSchema = new Schema<StudentDocument>(
  {
    _id: { type: String, required: true },
    personalId: { type: String, required: true },
    fullName: { type: String, required: true },
    dateOfBirth: { type: String, required: true },
    gender: { type: String, required: true, enum: ['MALE', 'FEMALE'] },
    placeOfBirth: { type: String, required: true },
    ethnicity: { type: String, required: true },
    policyCategory: { type: String, default: null },
    address: { type: String, required: true },
    guardians: { type: [guardianSchema], default: [] },
    status: { type: String, required: true },
    schoolId: { type: String, required: true },
    classId: { type: String, default: null },
    enrolments: { type: [enrolmentSchema], default: [] },
    statusHistory: { type: [statusChangeSchema], default: [] },
    personalDataHistory: { type: [personalDataChangeSchema], default: [] },
    corrections: { type: [correctionSchema], default: undefined },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'students', versionKey: false },
);
addOutbox(studentSchema);
// Serves findByPersonalId and guarantees one record per student across schools and years (R1).
studentSchema.index({ personalId: 1 }, { unique: true });
// Serves the class roster: findByClassIds (one query for the students of every class a response needs).
studentSchema.index({ classId: 1 });

export type StudentModel = Model<StudentDocument>;

export function studentModel(connection: Connection): StudentModel {
  return connection.models.Student ?? connection.model<StudentDocument>('Student', studentSchema);
}
