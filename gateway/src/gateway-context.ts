import type { BaseContext } from '@apollo/server';
import type { Principal } from '@hocbaso/service-kit';
import type { AuthzSubject } from './authz';

/** What one request through the gateway carries. */
export interface GatewayContext extends BaseContext {
  requestId: string;
  principal: Principal | null;
  subject: AuthzSubject;
  /** The signed identity forwarded to every subgraph of this request. */
  forwardedIdentity: string;
}

/** The scopes `@requiresScopes` is checked against: the caller's current roles. */
export function scopesOf(principal: Principal | null): Set<string> {
  return new Set(principal?.roles.map((grant) => grant.role) ?? []);
}
