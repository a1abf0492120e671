import DataLoader from 'dataloader';
import { AppError } from '@hocbaso/errors';
import type { Principal, RequestContext } from '@hocbaso/service-kit';
import type { AccountDocument } from '../model/account.model';
import type { SchoolDocument } from '../model/school.model';
import type { Caller, IdentityDeps } from '../usecases/deps';

export interface IdentityContext extends RequestContext {
  deps: IdentityDeps;
  loaders: {
    account: DataLoader<string, AccountDocument | null>;
    school: DataLoader<string, SchoolDocument | null>;
  };
}

/** Per-request loaders: one query for all the accounts or schools a response needs (no N+1). */
export function createLoaders(deps: IdentityDeps): IdentityContext['loaders'] {
  return {
    account: new DataLoader(async (ids) => {
      const found = new Map((await deps.accounts.findManyByIds(ids)).map((a) => [a._id, a]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    school: new DataLoader(async (ids) => {
      const found = new Map((await deps.schools.findManyByIds(ids)).map((s) => [s._id, s]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}

export function callerOf(context: IdentityContext): Caller {
  return { principal: context.principal, requestId: context.requestId };
}

/** Resolvers behind @authenticated check again: a subgraph never relies on the gateway alone. */
export function requirePrincipal(context: IdentityContext): Principal {
  if (!context.principal) throw new AppError('UNAUTHENTICATED');
  return context.principal;
}
