import type { Role, RoleScope } from '@hocbaso/events';
import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

export type AccountStatus = 'ACTIVE' | 'DISABLED';

export interface RoleAssignmentRecord {
  _id: string;
  role: Role;
  scope: RoleScope;
  grantedAt: Date;
  grantedBy: string | null;
  /** PARENT and STUDENT only: the verified family link (students service) the role comes from. */
  familyLinkId?: string;
}

/** Phân công giảng dạy: the teacher teaches this subject to this class in this school year. */
export interface TeachingAssignmentRecord {
  _id: string;
  schoolId: string;
  classId: string;
  subjectCode: string;
  schoolYear: string;
  assignedAt: Date;
}

/**
 * An account with its roles and teaching assignments embedded: one document is one atomic unit,
 * so a role change and its event commit together, and the gateway's per-request principal
 * look-up is a single read.
 */
export interface AccountDocument extends OutboxFields {
  _id: string;
  schoolId: string | null;
  username: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  status: AccountStatus;
  passwordHash: string;
  passwordChangedAt: Date;
  failedLogins: number;
  lastFailedLoginAt: Date | null;
  lockedUntil: Date | null;
  roles: RoleAssignmentRecord[];
  teaching: TeachingAssignmentRecord[];
  createdAt: Date;
  updatedAt: Date;
}

const roleAssignmentSchema = new Schema<RoleAssignmentRecord>(
  {
    _id: { type: String, required: true },
    role: { type: String, required: true },
    scope: {
      schoolId: { type: String, default: null },
      grade: { type: Number, default: null },
      classId: { type: String, default: null },
      subjectCode: { type: String, default: null },
      studentId: { type: String, default: null },
      // DEPARTMENT_ANALYST only: its province (Sở GD&ĐT), narrowed to a district (Phòng GD&ĐT).
      provinceCode: { type: String, default: null },
      districtCode: { type: String, default: null },
    },
    grantedAt: { type: Date, required: true },
    grantedBy: { type: String, default: null },
    familyLinkId: { type: String },
  },
  { _id: false },
);

const teachingAssignmentSchema = new Schema<TeachingAssignmentRecord>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    classId: { type: String, required: true },
    subjectCode: { type: String, required: true },
    schoolYear: { type: String, required: true },
    assignedAt: { type: Date, required: true },
  },
  { _id: false },
);

const accountSchema = new Schema<AccountDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, default: null },
    username: { type: String, required: true },
    displayName: { type: String, required: true },
    email: { type: String, default: null },
    phone: { type: String, default: null },
    status: { type: String, required: true, enum: ['ACTIVE', 'DISABLED'] },
    passwordHash: { type: String, required: true },
    passwordChangedAt: { type: Date, required: true },
    failedLogins: { type: Number, default: 0 },
    lastFailedLoginAt: { type: Date, default: null },
    lockedUntil: { type: Date, default: null },
    roles: { type: [roleAssignmentSchema], default: [] },
    teaching: { type: [teachingAssignmentSchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'accounts', versionKey: false },
);
addOutbox(accountSchema);
// Serves login: findByUsername (usernames are unique across the platform).
accountSchema.index({ username: 1 }, { unique: true });
// Serves the administrators' account list: list({ schoolId, status }).
accountSchema.index({ schoolId: 1, username: 1 });
// Serves the look-up of a role assignment or teaching assignment by id.
accountSchema.index({ 'roles._id': 1 });
accountSchema.index({ 'teaching._id': 1 });

export type AccountModel = Model<AccountDocument>;

export function accountModel(connection: Connection): AccountModel {
  return connection.models.Account ?? connection.model<AccountDocument>('Account', accountSchema);
}
