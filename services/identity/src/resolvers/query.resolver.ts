import type { AccountStatus } from '../model/account.model';
import { canSeeAccount, canSeeSchool, listAccounts } from '../usecases/read-accounts';
import { requirePrincipal, type IdentityContext } from './context';

export const Query = {
  me: (_: unknown, _args: unknown, context: IdentityContext) =>
    context.loaders.account.load(requirePrincipal(context).accountId),

  account: async (_: unknown, args: { id: string }, context: IdentityContext) => {
    const account = await context.loaders.account.load(args.id);
    // An account the caller may not see looks absent rather than forbidden: no enumeration.
    return account && canSeeAccount(requirePrincipal(context), account) ? account : null;
  },

  accounts: async (
    _: unknown,
    args: { schoolId?: string | null; status?: AccountStatus | null; first: number; after?: string | null },
    context: IdentityContext,
  ) => {
    const principal = requirePrincipal(context);
    const schoolId = args.schoolId === undefined ? principal.schoolId : args.schoolId;
    const nodes = await listAccounts(context.deps, principal, {
      schoolId,
      status: args.status ?? undefined,
      first: args.first,
      after: args.after,
    });
    return {
      nodes,
      endCursor:
        nodes.length === Math.min(Math.max(args.first, 1), 200) ? (nodes.at(-1)?.username ?? null) : null,
    };
  },

  school: async (_: unknown, args: { id: string }, context: IdentityContext) => {
    // Same row rule as the entity: another school's record looks absent.
    return canSeeSchool(requirePrincipal(context), args.id) ? context.loaders.school.load(args.id) : null;
  },
};
