import { AppError } from '@hocbaso/errors';
import type { Principal, RequestContext } from '@hocbaso/service-kit';
import type { AcademicsDeps, Caller } from '../usecases/deps';
import type { AcademicsLoaders } from '../usecases/loaders';

export interface AcademicsContext extends RequestContext {
  deps: AcademicsDeps;
  loaders: AcademicsLoaders;
}

export function callerOf(context: AcademicsContext): Caller {
  return { principal: context.principal, requestId: context.requestId };
}

/** Resolvers behind @authenticated check again: a subgraph never relies on the gateway alone. */
export function requirePrincipal(context: AcademicsContext): Principal {
  if (!context.principal) throw new AppError('UNAUTHENTICATED');
  return context.principal;
}
