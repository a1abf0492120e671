import type { PolicyContext } from '../authz';

/**
 * The named policies that `@policy` refers to in the subgraph schemas. The gateway decides them
 * from the caller alone (never from data): an unknown policy denies.
 */
const ADMIN_SCOPES = ['SYSTEM_ADMIN', 'PRINCIPAL'];

export const POLICIES: Record<string, (context: PolicyContext) => boolean> = {
  /** An account's personal fields: the account itself (reached through `me`) and administrators. */
  'account.personal': ({ subject, rootField }) =>
    subject.authenticated && (rootField === 'me' || ADMIN_SCOPES.some((s) => subject.scopes.has(s))),
};

export function evaluatePolicy(policy: string, context: PolicyContext): boolean {
  return POLICIES[policy]?.(context) ?? false;
}
