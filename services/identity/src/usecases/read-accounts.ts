import { forbidden } from '@hocbaso/errors';
import type { Principal } from '@hocbaso/service-kit';
import { canAdministerSchool, isPlatformAdmin } from '../domain/administration';
import type { AccountDocument } from '../model/account.model';
import type { IdentityDeps } from './deps';

/**
 * Row rule for reading an account: staff see accounts of their own school; platform staff see
 * any; inspectors those of the schools their role reaches. Returns null when the caller may not see it, so it looks absent.
 */
export function canSeeAccount(principal: Principal | null, account: AccountDocument): boolean {
  if (!principal) return false;
  if (principal.accountId === account._id) return true;
  if (isPlatformAdmin(principal)) return true;
  // An inspector sees the accounts of the schools its role reaches (all, at department level).
  if (
    principal.roles.some(
      (g) => g.role === 'INSPECTOR' && (g.scope.schoolId === null || g.scope.schoolId === account.schoolId),
    )
  )
    return true;
  const isSchoolStaff = principal.roles.some(
    (g) => g.scope.schoolId === account.schoolId && g.role !== 'STUDENT' && g.role !== 'PARENT',
  );
  return account.schoolId !== null && isSchoolStaff;
}

/**
 * Row rule for reading a school (a tenant): its own people (any role scoped to it, or it as their
 * home school) and platform-wide staff (roles that name no school: platform administrators,
 * inspectors, department analysts). Anyone else sees it as absent.
 */
export function canSeeSchool(principal: Principal | null, schoolId: string): boolean {
  if (!principal) return false;
  if (principal.schoolId === schoolId) return true;
  return principal.roles.some((g) => g.scope.schoolId === schoolId || g.scope.schoolId === null);
}

/** Personal fields (email, phone, roles, assignments): the account itself and its administrators. */
export function canSeePersonalFields(principal: Principal | null, account: AccountDocument): boolean {
  return (
    !!principal && (principal.accountId === account._id || canAdministerSchool(principal, account.schoolId))
  );
}

export async function listAccounts(
  deps: IdentityDeps,
  principal: Principal | null,
  input: { schoolId: string | null; status?: 'ACTIVE' | 'DISABLED'; first: number; after?: string | null },
): Promise<AccountDocument[]> {
  if (!canAdministerSchool(principal, input.schoolId)) throw forbidden();
  return deps.accounts.list({
    schoolId: input.schoolId,
    status: input.status,
    after: input.after ?? undefined,
    limit: Math.min(Math.max(input.first, 1), 200),
  });
}
