import { z } from 'zod';
import { actorSchema, defineEvent } from './envelope';

export const STUDENTS_SOURCE = 'hocbaso/students';
const STUDENT_TOPIC = 'hocbaso.students.student';
const CLASS_TOPIC = 'hocbaso.students.class';
const ACCESS_TOPIC = 'hocbaso.students.access';
const FAMILY_TOPIC = 'hocbaso.students.family';

export const STUDENT_STATUSES = [
  'STUDYING',
  'TRANSFERRED',
  'REPEATING',
  'COMPLETED',
  'GRADUATED',
  'DROPPED_OUT',
] as const;
export const studentStatusSchema = z.enum(STUDENT_STATUSES);
export type StudentStatus = z.infer<typeof studentStatusSchema>;

export const gradeSchema = z.union([z.literal(10), z.literal(11), z.literal(12)]);
/** e.g. 2025-2026 */
export const schoolYearSchema = z.string().regex(/^\d{4}-\d{4}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * A class (lớp) of a school year. Key: the class id. Downstream services keep rosters from these
 * and the student events below (never from the students database).
 */
export const classCreated = defineEvent({
  type: 'vn.hocbaso.students.class.created',
  topic: CLASS_TOPIC,
  version: 1,
  schema: z.object({
    classId: z.string(),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    grade: gradeSchema,
    name: z.string(),
    homeroomTeacherId: z.string().nullable(),
    actor: actorSchema,
  }),
});

export const classHomeroomTeacherChanged = defineEvent({
  type: 'vn.hocbaso.students.class.homeroom-teacher-changed',
  topic: CLASS_TOPIC,
  version: 1,
  schema: z.object({
    classId: z.string(),
    before: z.object({ homeroomTeacherId: z.string().nullable() }),
    after: z.object({ homeroomTeacherId: z.string().nullable() }),
    actor: actorSchema,
  }),
});

/**
 * A student joins a class of a school (admission at grade 10, transfer in, or the new school
 * year's class). Carries the full name because teachers' gradebooks list students by name; no
 * other personal data travels on Kafka.
 */
export const studentEnrolled = defineEvent({
  type: 'vn.hocbaso.students.student.enrolled',
  topic: STUDENT_TOPIC,
  version: 1,
  schema: z.object({
    studentId: z.string(),
    fullName: z.string(),
    schoolId: z.string(),
    classId: z.string(),
    schoolYear: schoolYearSchema,
    grade: gradeSchema,
    kind: z.enum(['ADMITTED', 'TRANSFERRED_IN', 'NEW_SCHOOL_YEAR', 'CLASS_CHANGE']),
    effectiveOn: isoDate,
    actor: actorSchema,
  }),
});

/** The student leaves a class (class change, transfer out, end of studies). */
export const studentLeftClass = defineEvent({
  type: 'vn.hocbaso.students.student.left-class',
  topic: STUDENT_TOPIC,
  version: 1,
  schema: z.object({
    studentId: z.string(),
    schoolId: z.string(),
    classId: z.string(),
    schoolYear: schoolYearSchema,
    effectiveOn: isoDate,
    /**
     * Why (added later, optional for compatibility): a class change within the school, a transfer
     * to another school (transfer out, or the new school's transfer in), or the next school year.
     */
    kind: z.enum(['CLASS_CHANGE', 'TRANSFERRED_OUT', 'NEW_SCHOOL_YEAR']).optional(),
    actor: actorSchema,
  }),
});

/** Personal data changed: which fields, with before and after for the audit trail (R2). */
export const studentPersonalDataChanged = defineEvent({
  type: 'vn.hocbaso.students.student.personal-data-changed',
  topic: STUDENT_TOPIC,
  version: 1,
  schema: z.object({
    studentId: z.string(),
    changedFields: z.array(z.string()).min(1),
    /** Set only when the name changed, so rosters stay right. */
    fullName: z.string().optional(),
    actor: actorSchema,
  }),
});

export const studentStatusChanged = defineEvent({
  type: 'vn.hocbaso.students.student.status-changed',
  topic: STUDENT_TOPIC,
  version: 1,
  schema: z.object({
    studentId: z.string(),
    schoolId: z.string(),
    before: studentStatusSchema,
    after: studentStatusSchema,
    reason: z.string().nullable(),
    effectiveOn: isoDate,
    actor: actorSchema,
  }),
});

/**
 * A staff member read students' personal fields (R11: reads of personal data are visible in the
 * audit trail). One event per request and reader, naming the students and the fields read, never
 * the values. Key: the reader's account id.
 */
/** A staff read of students' personal data (R11): who, which students, which fields; never the values. */
export const personalDataReadSchema = z.object({
  readerAccountId: z.string(),
  studentIds: z.array(z.string()).min(1),
  fields: z.array(z.string()).min(1),
  actor: actorSchema,
});

export const studentPersonalDataRead = defineEvent({
  type: 'vn.hocbaso.students.personal-data.read',
  topic: ACCESS_TOPIC,
  version: 1,
  schema: personalDataReadSchema,
});

/** Who a verified family link makes an account: a parent (cha mẹ, người giám hộ) or the student. */
export const FAMILY_RELATIONS = ['PARENT', 'STUDENT'] as const;
export const familyRelationSchema = z.enum(FAMILY_RELATIONS);
export type FamilyRelation = z.infer<typeof familyRelationSchema>;

/**
 * The school issued a one-time family link code for a student (to a recorded guardian, or to the
 * student). Never the code itself nor the guardian's name: only that it exists and until when.
 * Key: the student id.
 */
export const familyLinkCodeIssued = defineEvent({
  type: 'vn.hocbaso.students.family-link.code-issued',
  topic: FAMILY_TOPIC,
  version: 1,
  schema: z.object({
    codeId: z.string(),
    studentId: z.string(),
    schoolId: z.string(),
    relation: familyRelationSchema,
    /** The guardian's position in the student's record when the code was issued (PARENT only). */
    guardianIndex: z.number().int().min(0).nullable(),
    expiresAt: z.iso.datetime({ offset: true }),
    actor: actorSchema,
  }),
});

/**
 * An account redeemed a valid code: it is now the student's parent or the student. identity grants
 * the role PARENT or STUDENT with scope { schoolId, studentId } from this event only. Key: the
 * student id (a link and its revocation stay in order).
 */
export const familyLinkVerified = defineEvent({
  type: 'vn.hocbaso.students.family-link.verified',
  topic: FAMILY_TOPIC,
  version: 1,
  schema: z.object({
    linkId: z.string(),
    studentId: z.string(),
    /** The school that manages the student's record when the link was made. */
    schoolId: z.string(),
    accountId: z.string(),
    relation: familyRelationSchema,
    actor: actorSchema,
  }),
});

/** The link ended (the school revoked it, or the guardian left the record): identity revokes the role. */
export const familyLinkRevoked = defineEvent({
  type: 'vn.hocbaso.students.family-link.revoked',
  topic: FAMILY_TOPIC,
  version: 1,
  schema: z.object({
    linkId: z.string(),
    studentId: z.string(),
    schoolId: z.string(),
    accountId: z.string(),
    relation: familyRelationSchema,
    reason: z.enum(['REVOKED', 'GUARDIAN_REMOVED']),
    actor: actorSchema,
  }),
});

export const STUDENTS_EVENTS = [
  classCreated,
  classHomeroomTeacherChanged,
  studentEnrolled,
  studentLeftClass,
  studentPersonalDataChanged,
  studentStatusChanged,
  studentPersonalDataRead,
  familyLinkCodeIssued,
  familyLinkVerified,
  familyLinkRevoked,
] as const;
