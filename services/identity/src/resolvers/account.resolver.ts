import { forbidden } from '@hocbaso/errors';
import { canAdministerSchool } from '../domain/administration';
import type { AccountDocument } from '../model/account.model';
import { canSeeAccount, canSeePersonalFields, canSeeSchool } from '../usecases/read-accounts';
import type { IdentityContext } from './context';

/** Personal fields are resolved only for the account itself and its administrators. */
function personal<T>(resolve: (account: AccountDocument) => T) {
  return (account: AccountDocument, _args: unknown, context: IdentityContext): T => {
    if (!canSeePersonalFields(context.principal, account)) throw forbidden();
    return resolve(account);
  };
}

export const Account = {
  __resolveReference: async (reference: { id: string }, context: IdentityContext) => {
    const account = await context.loaders.account.load(reference.id);
    return account && canSeeAccount(context.principal, account) ? account : null;
  },
  id: (account: AccountDocument) => account._id,
  school: (account: AccountDocument, _args: unknown, context: IdentityContext) =>
    account.schoolId ? context.loaders.school.load(account.schoolId) : null,
  email: personal((account) => account.email),
  phone: personal((account) => account.phone),
  roles: personal((account) => account.roles),
  teachingAssignments: (
    account: AccountDocument,
    args: { schoolYear?: string | null },
    context: IdentityContext,
  ) =>
    personal((a) =>
      a.teaching
        .filter((t) => !args.schoolYear || t.schoolYear === args.schoolYear)
        .map((t) => ({ ...t, accountId: a._id })),
    )(account, args, context),
  lockedUntil: (account: AccountDocument, _args: unknown, context: IdentityContext) => {
    if (!canAdministerSchool(context.principal, account.schoolId)) throw forbidden();
    return account.lockedUntil && account.lockedUntil > context.deps.now() ? account.lockedUntil : null;
  },
};

export const RoleAssignment = {
  id: (assignment: { _id: string }) => assignment._id,
};

export const TeachingAssignment = {
  __resolveReference: async (reference: { id: string }, context: IdentityContext) => {
    const owner = await context.deps.accounts.findByTeachingAssignmentId(reference.id);
    const assignment = owner?.teaching.find((t) => t._id === reference.id);
    if (!owner || !assignment || !canSeeAccount(context.principal, owner)) return null;
    return { ...assignment, accountId: owner._id };
  },
  id: (assignment: { _id: string }) => assignment._id,
  teacher: (assignment: { accountId: string }, _args: unknown, context: IdentityContext) =>
    context.loaders.account.load(assignment.accountId),
};

export const School = {
  // Row scope, like Account: a school the caller may not see resolves to null.
  __resolveReference: async (reference: { id: string }, context: IdentityContext) =>
    canSeeSchool(context.principal, reference.id) ? context.loaders.school.load(reference.id) : null,
  id: (school: { _id: string }) => school._id,
};
