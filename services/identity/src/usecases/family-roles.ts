import { randomUUID } from 'node:crypto';
import type { Actor, FamilyRelation } from '@hocbaso/events';
import type { AccountDocument, RoleAssignmentRecord } from '../model/account.model';
import type { IdentityDeps } from './deps';
import { addRoleAssignment, normalizeScope, removeRoleAssignment } from './manage-roles';

/** A verified family link, as the students service announces it (familyLinkVerified / Revoked). */
export interface FamilyLinkGrant {
  linkId: string;
  accountId: string;
  studentId: string;
  /** The school that managed the student's record when the link was made. */
  schoolId: string;
  relation: FamilyRelation;
  actor: Actor;
}

function roleOfLink(account: AccountDocument, link: Omit<FamilyLinkGrant, 'actor'>) {
  return (
    account.roles.find((r) => r.familyLinkId === link.linkId) ??
    account.roles.find((r) => r.role === link.relation && r.scope.studentId === link.studentId)
  );
}

/**
 * The only way to the roles PARENT and STUDENT: a link the students service verified (the account
 * redeemed a code the school issued for that student). Scope { schoolId, studentId }; idempotent
 * (a role for this student and relation already there is returned as is). Null for an account
 * this identity does not know.
 */
export async function grantFamilyRole(
  deps: IdentityDeps,
  link: FamilyLinkGrant,
): Promise<RoleAssignmentRecord | null> {
  const account = await deps.accounts.findById(link.accountId);
  if (!account) return null;
  const existing = roleOfLink(account, link);
  if (existing) return existing;
  const scope = normalizeScope({ schoolId: link.schoolId, studentId: link.studentId });
  const assignment: RoleAssignmentRecord = {
    _id: randomUUID(),
    role: link.relation,
    scope,
    grantedAt: deps.now(),
    grantedBy: link.actor.accountId,
    familyLinkId: link.linkId,
  };
  return (await addRoleAssignment(deps, account._id, assignment, link.actor)) ? assignment : null;
}

/** The link ended: the role it gave goes (nothing to do when it is already gone). */
export async function revokeFamilyRole(
  deps: IdentityDeps,
  link: FamilyLinkGrant,
): Promise<RoleAssignmentRecord | null> {
  const account = await deps.accounts.findById(link.accountId);
  const assignment = account && roleOfLink(account, link);
  if (!account || !assignment) return null;
  return (await removeRoleAssignment(deps, account, assignment, link.actor)) ? assignment : null;
}
