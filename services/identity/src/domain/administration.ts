import type { Role } from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';

/** Roles that may manage accounts and permissions (mission.md: principal and system admin). */
export const ADMIN_ROLES: readonly Role[] = ['SYSTEM_ADMIN', 'PRINCIPAL'];

/** A platform administrator holds SYSTEM_ADMIN with no school in its scope. */
export function isPlatformAdmin(principal: Principal | null): boolean {
  return !!principal?.roles.some((g) => g.role === 'SYSTEM_ADMIN' && g.scope.schoolId === null);
}

/** Whether the principal may administer accounts of `schoolId` (null: platform accounts). */
export function canAdministerSchool(principal: Principal | null, schoolId: string | null): boolean {
  if (!principal) return false;
  if (isPlatformAdmin(principal)) return true;
  return (
    schoolId !== null &&
    principal.roles.some((g) => ADMIN_ROLES.includes(g.role) && g.scope.schoolId === schoolId)
  );
}

/**
 * Which roles an administrator may grant. Least privilege: a school's administrator grants
 * school roles in its own school; only a platform administrator grants roles that reach across
 * schools (inspector, department analyst) or makes another system administrator.
 */
const PLATFORM_ONLY_ROLES: readonly Role[] = ['INSPECTOR', 'DEPARTMENT_ANALYST'];

export function canGrantRole(principal: Principal | null, role: Role, schoolId: string | null): boolean {
  if (!canAdministerSchool(principal, schoolId)) return false;
  if (isPlatformAdmin(principal)) return true;
  if (PLATFORM_ONLY_ROLES.includes(role) || schoolId === null) return false;
  // Making someone principal is the platform's or the principal's own act, not a system admin's.
  if (role === 'PRINCIPAL')
    return !!principal?.roles.some((g) => g.role === 'PRINCIPAL' && g.scope.schoolId === schoolId);
  return true;
}
