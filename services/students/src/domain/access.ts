import type { Role } from '@hocbaso/events';
import type { Principal, RoleGrant } from '@hocbaso/service-kit';

/**
 * Row scope: who may read and write which student and class (mission.md R4, R9). Decided here,
 * from the principal the gateway forwards, for every row, whatever the gateway already checked.
 */

/** What the rules need to know about a student: where they are now. */
export interface StudentPlacement {
  id: string;
  /** The school that manages the record now (R6: a transfer passes it to the new school). */
  schoolId: string;
  /** The class they are in now; null after a transfer out. */
  classId: string | null;
}

export interface ClassPlacement {
  id: string;
  schoolId: string;
}

/**
 * - NONE: the row looks absent.
 * - BASIC: name, gender, status, class and enrolment history (a subject teacher's gradebook).
 * - PERSONAL: everything, including personal data (`student.personal` fields).
 */
export type StudentAccess = 'NONE' | 'BASIC' | 'PERSONAL';

/** The school's leadership and administration: every student and class of the school. */
export const SCHOOL_READER_ROLES: readonly Role[] = [
  'PRINCIPAL',
  'VICE_PRINCIPAL',
  'ACADEMIC_STAFF',
  'SYSTEM_ADMIN',
];

/** Who keeps the administrative record (enrolment, classes, transfers, status): giáo vụ and the school's admin. */
export const ENROLMENT_MANAGER_ROLES: readonly Role[] = ['ACADEMIC_STAFF', 'SYSTEM_ADMIN'];

const isPlatformAdmin = (grant: RoleGrant) => grant.role === 'SYSTEM_ADMIN' && grant.scope.schoolId === null;

/** Leadership or administration of the school, a platform administrator, or an inspector reaching it. */
export function isSchoolReader(principal: Principal | null, schoolId: string): boolean {
  return (
    !!principal &&
    principal.roles.some(
      (grant) =>
        (SCHOOL_READER_ROLES.includes(grant.role) && grant.scope.schoolId === schoolId) ||
        isPlatformAdmin(grant) ||
        (grant.role === 'INSPECTOR' && (grant.scope.schoolId === null || grant.scope.schoolId === schoolId)),
    )
  );
}

function isHomeroomTeacherOf(principal: Principal, schoolId: string, classId: string | null): boolean {
  return (
    classId !== null &&
    principal.roles.some(
      (grant) =>
        grant.role === 'HOMEROOM_TEACHER' &&
        grant.scope.classId === classId &&
        grant.scope.schoolId === schoolId,
    )
  );
}

/** Teaches the class (a teaching assignment) and still holds a teacher role in its school. */
function teaches(principal: Principal, schoolId: string, classId: string | null): boolean {
  return (
    classId !== null &&
    principal.roles.some(
      (grant) =>
        (grant.role === 'SUBJECT_TEACHER' || grant.role === 'HOMEROOM_TEACHER') &&
        grant.scope.schoolId === schoolId,
    ) &&
    principal.teaching.some((t) => t.classId === classId && t.schoolId === schoolId)
  );
}

function isFamilyOf(principal: Principal, studentId: string): boolean {
  return principal.roles.some(
    (grant) => (grant.role === 'PARENT' || grant.role === 'STUDENT') && grant.scope.studentId === studentId,
  );
}

/**
 * How much of a student the principal may read:
 * - PRINCIPAL, VICE_PRINCIPAL, ACADEMIC_STAFF, SYSTEM_ADMIN of the student's school, platform
 *   administrators and inspectors: PERSONAL;
 * - the homeroom teacher of the student's current class: PERSONAL;
 * - PARENT or STUDENT whose role names this student: PERSONAL (read-only);
 * - a teacher assigned to teach the student's current class: BASIC (never personal fields);
 * - anyone else, department analysts included: NONE.
 */
export function studentAccess(principal: Principal | null, student: StudentPlacement): StudentAccess {
  if (!principal) return 'NONE';
  if (
    isSchoolReader(principal, student.schoolId) ||
    isHomeroomTeacherOf(principal, student.schoolId, student.classId) ||
    isFamilyOf(principal, student.id)
  ) {
    return 'PERSONAL';
  }
  return teaches(principal, student.schoolId, student.classId) ? 'BASIC' : 'NONE';
}

/**
 * Who may open a class directly (by id, in a list, as an entity): the school's leadership and
 * administration, inspectors, its homeroom teacher, and the teachers assigned to it. A class
 * reached through a student the caller may read is shown too (its roster stays row-scoped).
 */
export function canReadClass(principal: Principal | null, schoolClass: ClassPlacement): boolean {
  if (!principal) return false;
  return (
    isSchoolReader(principal, schoolClass.schoolId) ||
    isHomeroomTeacherOf(principal, schoolClass.schoolId, schoolClass.id) ||
    teaches(principal, schoolClass.schoolId, schoolClass.id)
  );
}

/** Finding a record by personal ID: the school's leadership and administration (and platform staff). */
export function canLookUpByPersonalId(principal: Principal | null, student: StudentPlacement): boolean {
  return isSchoolReader(principal, student.schoolId);
}

/**
 * Administrative records of a school (classes, homeroom teachers, admissions, class changes,
 * transfers, status): ACADEMIC_STAFF or SYSTEM_ADMIN holding the role for that very school.
 */
export function canManageEnrolment(principal: Principal | null, schoolId: string): boolean {
  return (
    !!principal &&
    principal.roles.some(
      (grant) => ENROLMENT_MANAGER_ROLES.includes(grant.role) && grant.scope.schoolId === schoolId,
    )
  );
}

/** Personal data: the homeroom teacher of the class the student is in now, only. */
export function canEditPersonalData(principal: Principal | null, student: StudentPlacement): boolean {
  return !!principal && isHomeroomTeacherOf(principal, student.schoolId, student.classId);
}

/**
 * Reads of personal data that are logged (R11): every reader's but the student's own and their
 * parents' (a reader who is also the student's parent reads as a parent).
 */
export function isLoggedPersonalRead(principal: Principal | null, studentId: string): boolean {
  return !!principal && !isFamilyOf(principal, studentId);
}

/**
 * Issuing and revoking a student's family link codes (mã liên kết): the board and administration
 * of the school that manages the record, and the homeroom teacher of the student's current class,
 * who knows the family. Not inspectors nor platform staff: linking is the school's act.
 */
export function canManageFamilyLinks(principal: Principal | null, student: StudentPlacement): boolean {
  return (
    !!principal &&
    (principal.roles.some(
      (grant) => SCHOOL_READER_ROLES.includes(grant.role) && grant.scope.schoolId === student.schoolId,
    ) ||
      isHomeroomTeacherOf(principal, student.schoolId, student.classId))
  );
}

/**
 * Which of a student's family links the principal sees: ALL for those who manage them, OWN for
 * the parent or student (their own link only), NONE for anyone else.
 */
export function familyLinkVisibility(
  principal: Principal | null,
  student: StudentPlacement,
): 'ALL' | 'OWN' | 'NONE' {
  if (!principal) return 'NONE';
  if (canManageFamilyLinks(principal, student)) return 'ALL';
  return isFamilyOf(principal, student.id) ? 'OWN' : 'NONE';
}
