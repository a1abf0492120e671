import type { Role } from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';

/** Holds `role` in this school (a platform-wide grant, schoolId null, counts for every school). */
export function hasSchoolRole(
  principal: Principal | null,
  roles: readonly Role[],
  schoolId: string,
): boolean {
  return !!principal?.roles.some(
    (g) => roles.includes(g.role) && (g.scope.schoolId === null || g.scope.schoolId === schoolId),
  );
}

/** The teacher assigned to this class and subject in this school year (phân công giảng dạy). */
export function teachesSubject(
  principal: Principal | null,
  classId: string,
  subjectCode: string,
  schoolYear: string,
): boolean {
  return !!principal?.teaching.some(
    (t) => t.classId === classId && t.subjectCode === subjectCode && t.schoolYear === schoolYear,
  );
}

interface ClassPlace {
  classId: string;
  schoolId: string;
  homeroomTeacherId: string | null;
}

/** The homeroom teacher of the class: by role scope, or as the class's recorded homeroom teacher. */
export function isHomeroomTeacherOf(principal: Principal | null, place: ClassPlace): boolean {
  if (!principal) return false;
  if (place.homeroomTeacherId === principal.accountId) return true;
  return principal.roles.some(
    (g) =>
      g.role === 'HOMEROOM_TEACHER' &&
      g.scope.classId === place.classId &&
      (g.scope.schoolId ?? place.schoolId) === place.schoolId,
  );
}

/** The school's board and admin, and inspectors: who sees the signing board and every signature. */
export function canOverseeSchool(principal: Principal | null, schoolId: string): boolean {
  if (principal?.roles.some((g) => g.role === 'INSPECTOR')) return true;
  return hasSchoolRole(
    principal,
    ['PRINCIPAL', 'VICE_PRINCIPAL', 'ACADEMIC_STAFF', 'SYSTEM_ADMIN'],
    schoolId,
  );
}

export const isPrincipalOf = (principal: Principal | null, schoolId: string) =>
  hasSchoolRole(principal, ['PRINCIPAL'], schoolId);

/** The school's admin (quản trị): registers certificates, applies locks and corrections (R8, R12). */
export const isAdminOf = (principal: Principal | null, schoolId: string) =>
  hasSchoolRole(principal, ['SYSTEM_ADMIN'], schoolId);

export const isInspector = (principal: Principal | null) =>
  !!principal?.roles.some((g) => g.role === 'INSPECTOR');
