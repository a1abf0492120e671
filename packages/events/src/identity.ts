import { z } from 'zod';
import { actorSchema, defineEvent } from './envelope';

/** Roles from the regulation (mission.md). */
export const ROLES = [
  'PRINCIPAL',
  'VICE_PRINCIPAL',
  'HOMEROOM_TEACHER',
  'SUBJECT_TEACHER',
  'ACADEMIC_STAFF',
  'SYSTEM_ADMIN',
  'STUDENT',
  'PARENT',
  'INSPECTOR',
  'DEPARTMENT_ANALYST',
] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** What a role assignment reaches: always a school (or a department), optionally narrowed. */
export const roleScopeSchema = z.object({
  schoolId: z.string().nullable(),
  grade: z.number().int().min(10).max(12).nullable().optional(),
  classId: z.string().nullable().optional(),
  subjectCode: z.string().nullable().optional(),
  studentId: z.string().nullable().optional(),
  /** A department analyst's reach: its province (Sở GD&ĐT), narrowed to a district (Phòng GD&ĐT). */
  provinceCode: z.string().nullable().optional(),
  districtCode: z.string().nullable().optional(),
});
export type RoleScope = z.infer<typeof roleScopeSchema>;

export const IDENTITY_SOURCE = 'hocbaso/identity';
const ACCOUNT_TOPIC = 'hocbaso.identity.account';
const SCHOOL_TOPIC = 'hocbaso.identity.school';
const TEACHING_TOPIC = 'hocbaso.identity.teaching-assignment';

const accountSnapshot = z.object({
  username: z.string(),
  displayName: z.string(),
  status: z.enum(['ACTIVE', 'DISABLED']),
  schoolId: z.string().nullable(),
});

export const schoolCreated = defineEvent({
  type: 'vn.hocbaso.identity.school.created',
  topic: SCHOOL_TOPIC,
  version: 1,
  schema: z.object({
    schoolId: z.string(),
    code: z.string(),
    name: z.string(),
    /** Where the school is (mã tỉnh, mã quận/huyện), for the departments' statistics; absent in older events. */
    provinceCode: z.string().nullable().optional(),
    districtCode: z.string().nullable().optional(),
    actor: actorSchema,
  }),
});

export const accountCreated = defineEvent({
  type: 'vn.hocbaso.identity.account.created',
  topic: ACCOUNT_TOPIC,
  version: 1,
  schema: z.object({ accountId: z.string(), after: accountSnapshot, actor: actorSchema }),
});

export const accountStatusChanged = defineEvent({
  type: 'vn.hocbaso.identity.account.status-changed',
  topic: ACCOUNT_TOPIC,
  version: 1,
  schema: z.object({
    accountId: z.string(),
    before: z.object({ status: z.enum(['ACTIVE', 'DISABLED']) }),
    after: z.object({ status: z.enum(['ACTIVE', 'DISABLED']) }),
    reason: z.string().nullable(),
    actor: actorSchema,
  }),
});

export const accountPasswordReset = defineEvent({
  type: 'vn.hocbaso.identity.account.password-reset',
  topic: ACCOUNT_TOPIC,
  version: 1,
  // Never the password or its hash: only that it changed and who changed it.
  schema: z.object({ accountId: z.string(), actor: actorSchema }),
});

export const accountLockedOut = defineEvent({
  type: 'vn.hocbaso.identity.account.locked-out',
  topic: ACCOUNT_TOPIC,
  version: 1,
  schema: z.object({
    accountId: z.string(),
    lockedUntil: z.string(),
    failedAttempts: z.number().int(),
    actor: actorSchema,
  }),
});

export const roleGranted = defineEvent({
  type: 'vn.hocbaso.identity.role.granted',
  topic: ACCOUNT_TOPIC,
  version: 1,
  schema: z.object({
    accountId: z.string(),
    roleAssignmentId: z.string(),
    role: roleSchema,
    scope: roleScopeSchema,
    actor: actorSchema,
  }),
});

export const roleRevoked = defineEvent({
  type: 'vn.hocbaso.identity.role.revoked',
  topic: ACCOUNT_TOPIC,
  version: 1,
  schema: z.object({
    accountId: z.string(),
    roleAssignmentId: z.string(),
    role: roleSchema,
    scope: roleScopeSchema,
    actor: actorSchema,
  }),
});

const teachingAssignmentData = z.object({
  teachingAssignmentId: z.string(),
  accountId: z.string(),
  schoolId: z.string(),
  classId: z.string(),
  subjectCode: z.string(),
  schoolYear: z.string(),
  actor: actorSchema,
});

export const teachingAssignmentCreated = defineEvent({
  type: 'vn.hocbaso.identity.teaching-assignment.created',
  topic: TEACHING_TOPIC,
  version: 1,
  schema: teachingAssignmentData,
});

export const teachingAssignmentRemoved = defineEvent({
  type: 'vn.hocbaso.identity.teaching-assignment.removed',
  topic: TEACHING_TOPIC,
  version: 1,
  schema: teachingAssignmentData,
});

export const IDENTITY_EVENTS = [
  schoolCreated,
  accountCreated,
  accountStatusChanged,
  accountPasswordReset,
  accountLockedOut,
  roleGranted,
  roleRevoked,
  teachingAssignmentCreated,
  teachingAssignmentRemoved,
] as const;
