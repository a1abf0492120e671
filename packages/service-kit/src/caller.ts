import { SYSTEM_ACTOR, type Actor } from '@hocbaso/events';
import type { Principal } from './principal';

/** Who acts in a use case: the caller of this request, or the system (bootstrap, seeding, consumers). */
export interface Caller {
  principal: Principal | null;
  requestId?: string;
}

export const SYSTEM_CALLER: Caller = { principal: null };

/** The actor an event records for the audit trail (R2): who, and through which request. */
export function actorOf(caller: Caller): Actor {
  if (!caller.principal)
    return caller.requestId ? { ...SYSTEM_ACTOR, requestId: caller.requestId } : SYSTEM_ACTOR;
  return {
    accountId: caller.principal.accountId,
    kind: 'user',
    ...(caller.requestId ? { requestId: caller.requestId } : {}),
  };
}
