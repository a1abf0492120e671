import { forbidden } from '@hocbaso/errors';
import type { Role, RoleScope } from '@hocbaso/events';
import { isPlatformAdmin } from '../domain/administration';
import { login } from '../usecases/login';
import {
  changeOwnPassword,
  createAccount,
  resetPassword,
  setAccountStatus,
  type CreateAccountInput,
} from '../usecases/manage-accounts';
import {
  assignTeaching,
  grantRole,
  removeTeachingAssignment,
  revokeRole,
  type AssignTeachingInput,
} from '../usecases/manage-roles';
import { createSchool, type CreateSchoolInput } from '../usecases/manage-schools';
import { logout, refreshSession } from '../usecases/sessions';
import { callerOf, requirePrincipal, type IdentityContext } from './context';

type Args<T> = { input: T };

export const Mutation = {
  login: (_: unknown, { input }: Args<{ username: string; password: string }>, context: IdentityContext) =>
    login(context.deps, callerOf(context), input),

  refreshSession: (_: unknown, args: { refreshToken: string }, context: IdentityContext) =>
    refreshSession(context.deps, args.refreshToken),

  logout: (_: unknown, args: { refreshToken: string }, context: IdentityContext) =>
    logout(context.deps, args.refreshToken),

  changeOwnPassword: async (
    _: unknown,
    { input }: Args<{ currentPassword: string; newPassword: string }>,
    context: IdentityContext,
  ) => {
    requirePrincipal(context);
    await changeOwnPassword(context.deps, callerOf(context), input);
    return true;
  },

  createSchool: (_: unknown, { input }: Args<CreateSchoolInput>, context: IdentityContext) => {
    requirePrincipal(context);
    return createSchool(context.deps, callerOf(context), input);
  },

  createAccount: (_: unknown, { input }: Args<CreateAccountInput>, context: IdentityContext) => {
    requirePrincipal(context);
    return createAccount(context.deps, callerOf(context), { ...input, schoolId: input.schoolId ?? null });
  },

  resetPassword: (
    _: unknown,
    { input }: Args<{ accountId: string; newPassword: string }>,
    context: IdentityContext,
  ) => {
    requirePrincipal(context);
    return resetPassword(context.deps, callerOf(context), input);
  },

  disableAccount: (_: unknown, args: { id: string; reason?: string | null }, context: IdentityContext) => {
    requirePrincipal(context);
    return setAccountStatus(context.deps, callerOf(context), {
      accountId: args.id,
      status: 'DISABLED',
      reason: args.reason,
    });
  },

  enableAccount: (_: unknown, args: { id: string }, context: IdentityContext) => {
    requirePrincipal(context);
    return setAccountStatus(context.deps, callerOf(context), { accountId: args.id, status: 'ACTIVE' });
  },

  grantRole: (
    _: unknown,
    { input }: Args<{ accountId: string; role: Role; scope: RoleScope }>,
    context: IdentityContext,
  ) => {
    requirePrincipal(context);
    return grantRole(context.deps, callerOf(context), input);
  },

  revokeRole: (_: unknown, args: { roleAssignmentId: string }, context: IdentityContext) => {
    requirePrincipal(context);
    return revokeRole(context.deps, callerOf(context), args.roleAssignmentId);
  },

  assignTeaching: async (_: unknown, { input }: Args<AssignTeachingInput>, context: IdentityContext) => {
    requirePrincipal(context);
    return { ...(await assignTeaching(context.deps, callerOf(context), input)), accountId: input.accountId };
  },

  removeTeachingAssignment: async (_: unknown, args: { id: string }, context: IdentityContext) => {
    requirePrincipal(context);
    const owner = await context.deps.accounts.findByTeachingAssignmentId(args.id);
    return {
      ...(await removeTeachingAssignment(context.deps, callerOf(context), args.id)),
      accountId: owner?._id,
    };
  },

  rotateSigningKey: async (_: unknown, _args: unknown, context: IdentityContext) => {
    if (!isPlatformAdmin(requirePrincipal(context))) throw forbidden();
    return { kid: await context.deps.keys.rotate() };
  },
};
