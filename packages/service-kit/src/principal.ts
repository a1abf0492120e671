import jwt from 'jsonwebtoken';
import type { Role, RoleScope } from '@hocbaso/events';

/** A role the caller holds, with what it reaches. */
export interface RoleGrant {
  role: Role;
  scope: RoleScope;
}

/** A class and subject the caller teaches in a school year (phân công giảng dạy). */
export interface TeachingGrant {
  schoolId: string;
  classId: string;
  subjectCode: string;
  schoolYear: string;
}

/**
 * Who is calling, as the gateway established it on this very request (current roles, not the
 * token's snapshot). Subgraphs authorise rows from this.
 */
export interface Principal {
  accountId: string;
  username: string;
  schoolId: string | null;
  roles: RoleGrant[];
  teaching: TeachingGrant[];
}

/** What the gateway forwards: a principal, or an anonymous caller (e.g. `login`). */
export interface ForwardedIdentity {
  principal: Principal | null;
  requestId: string;
}

export const IDENTITY_HEADER = 'x-hocbaso-identity';
export const REQUEST_ID_HEADER = 'x-request-id';

const ISSUER = 'hocbaso-gateway';
const AUDIENCE = 'hocbaso-subgraphs';
const ALGORITHM = 'HS256';

/**
 * The gateway signs the identity it forwards with a secret only it and the subgraphs hold, so a
 * subgraph reached directly, bypassing the gateway, refuses the call (ADR 0005).
 */
export function signForwardedIdentity(identity: ForwardedIdentity, secret: string, ttlSeconds = 60): string {
  return jwt.sign({ principal: identity.principal, rid: identity.requestId }, secret, {
    algorithm: ALGORITHM,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

/** Returns the forwarded identity, or null when the token is missing, forged or expired. */
export function verifyForwardedIdentity(token: string | undefined, secret: string): ForwardedIdentity | null {
  if (!token) return null;
  try {
    const payload = jwt.verify(token, secret, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
    }) as {
      principal?: Principal | null;
      rid?: string;
    };
    return { principal: payload.principal ?? null, requestId: payload.rid ?? 'unknown' };
  } catch {
    return null;
  }
}

export function hasRole(principal: Principal | null, ...roles: Role[]): boolean {
  return !!principal && principal.roles.some((grant) => roles.includes(grant.role));
}

/** Whether the principal holds one of `roles` for the given school. */
export function hasSchoolRole(
  principal: Principal | null,
  schoolId: string | null,
  ...roles: Role[]
): boolean {
  return (
    !!principal &&
    principal.roles.some(
      (grant) =>
        roles.includes(grant.role) && (grant.scope.schoolId === schoolId || grant.scope.schoolId === null),
    )
  );
}
