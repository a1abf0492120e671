import { hasSchoolRole, type Principal } from '@hocbaso/service-kit';

export const isInspector = (principal: Principal | null) =>
  !!principal?.roles.some((g) => g.role === 'INSPECTOR');

/**
 * Who follows a school's sync with the Ministry (R5: who is late, what was refused and why): the
 * school's board, academic staff and admin, and inspectors. Teachers, parents and students do not.
 */
export function canFollowSchoolSync(principal: Principal | null, schoolId: string): boolean {
  if (isInspector(principal)) return true;
  return hasSchoolRole(principal, schoolId, 'PRINCIPAL', 'VICE_PRINCIPAL', 'ACADEMIC_STAFF', 'SYSTEM_ADMIN');
}
