import { hasSchoolRole, type Principal } from '@hocbaso/service-kit';

/**
 * Who follows a school's sync with the Ministry (R5: who is late, what was refused and why): the
 * school's board, academic staff and admin, and the inspectors whose role reaches it. Teachers, parents and students do not.
 */
export function canFollowSchoolSync(principal: Principal | null, schoolId: string): boolean {
  return hasSchoolRole(
    principal,
    schoolId,
    'PRINCIPAL',
    'VICE_PRINCIPAL',
    'ACADEMIC_STAFF',
    'SYSTEM_ADMIN',
    'INSPECTOR',
  );
}
