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

/**
 * Who oversees a school's records (signing board, signatures, sync with the Ministry): its board
 * and admin, and the inspectors whose role reaches it (a department-level inspector, with no
 * school named, reaches every school).
 */
export function overseesSchool(principal: Principal | null, schoolId: string): boolean {
  return hasSchoolRole(
    principal,
    schoolId,
    'PRINCIPAL',
    'VICE_PRINCIPAL',
    'ACADEMIC_STAFF',
    'SYSTEM_ADMIN',
    'INSPECTOR',
  );
}

/** Phân công giảng dạy: the caller teaches this subject to this class in this school year. */
export function teaches(
  principal: Principal | null,
  classId: string,
  subjectCode: string,
  schoolYear: string,
  schoolId: string | null,
): boolean {
  return !!principal?.teaching.some(
    (t) =>
      t.classId === classId &&
      t.subjectCode === subjectCode &&
      t.schoolYear === schoolYear &&
      (schoolId === null || t.schoolId === schoolId),
  );
}

/** A class as the homeroom rule needs it. */
export interface HomeroomPlace {
  classId: string;
  schoolId: string | null;
  homeroomTeacherId: string | null;
}

/** The homeroom teacher of the class: holds the role, and is scoped to the class or named by it. */
export function isHomeroomTeacherOf(principal: Principal | null, cls: HomeroomPlace): boolean {
  const homeroomGrants = principal?.roles.filter((g) => g.role === 'HOMEROOM_TEACHER') ?? [];
  if (!principal || homeroomGrants.length === 0) return false;
  if (cls.homeroomTeacherId !== null && cls.homeroomTeacherId === principal.accountId) return true;
  return homeroomGrants.some(
    (g) => g.scope.classId === cls.classId && (cls.schoolId === null || g.scope.schoolId === cls.schoolId),
  );
}
