import type { Principal } from '@hocbaso/service-kit';

interface StudentPlace {
  studentId: string;
  schoolId: string;
  classId: string | null;
}

interface ClassPlace {
  classId: string;
  schoolId: string;
  homeroomTeacherId: string | null;
}

const SCHOOL_BOARD = ['PRINCIPAL', 'VICE_PRINCIPAL', 'ACADEMIC_STAFF', 'SYSTEM_ADMIN'];

/** The homeroom teacher of this class: by role scope, or as the class's recorded homeroom teacher. */
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

/**
 * Who may read a student's conduct page (R9): the school's board and admin, inspectors, the
 * homeroom teacher of the student's class, and the student or a parent of that one student.
 */
export function canReadConduct(
  principal: Principal | null,
  place: StudentPlace,
  classPlace: ClassPlace | null,
): boolean {
  if (!principal) return false;
  return principal.roles.some((g) => {
    if (g.role === 'INSPECTOR') return g.scope.schoolId === null || g.scope.schoolId === place.schoolId;
    if (SCHOOL_BOARD.includes(g.role)) return g.scope.schoolId === place.schoolId;
    if (g.role === 'PARENT' || g.role === 'STUDENT') return g.scope.studentId === place.studentId;
    if (g.role === 'HOMEROOM_TEACHER') return !!classPlace && isHomeroomTeacherOf(principal, classPlace);
    return false;
  });
}

/** Principal's commendations and discipline decisions (Điều 15 and the school's rules). */
export function isPrincipalOf(principal: Principal | null, schoolId: string): boolean {
  return !!principal?.roles.some((g) => g.role === 'PRINCIPAL' && g.scope.schoolId === schoolId);
}

/** The student themself or a parent of that student: their own record, not a staff read to log. */
export function readsAsFamily(principal: Principal | null, studentId: string): boolean {
  return !!principal?.roles.some(
    (g) => (g.role === 'PARENT' || g.role === 'STUDENT') && g.scope.studentId === studentId,
  );
}
