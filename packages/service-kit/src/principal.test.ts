import jwt from 'jsonwebtoken';
import {
  hasRole,
  hasSchoolRole,
  overseesSchool,
  signForwardedIdentity,
  verifyForwardedIdentity,
  type ForwardedIdentity,
  type Principal,
} from './principal';

const SECRET = 'gateway-and-subgraphs-shared-secret-0123456789';

const principal: Principal = {
  accountId: 'acc-1',
  username: 'gv.toan',
  schoolId: 'school-a',
  roles: [
    { role: 'SUBJECT_TEACHER', scope: { schoolId: 'school-a', subjectCode: 'TOAN' } },
    { role: 'HOMEROOM_TEACHER', scope: { schoolId: 'school-a', classId: '10A1' } },
  ],
  teaching: [{ schoolId: 'school-a', classId: '10A1', subjectCode: 'TOAN', schoolYear: '2025-2026' }],
};

const identity: ForwardedIdentity = { principal, requestId: 'req-42' };

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('forwarded identity', () => {
  it('round-trips the principal and the request id', () => {
    const token = signForwardedIdentity(identity, SECRET);
    expect(verifyForwardedIdentity(token, SECRET)).toEqual(identity);
  });

  it('round-trips an anonymous caller', () => {
    const token = signForwardedIdentity({ principal: null, requestId: 'req-anon' }, SECRET);
    expect(verifyForwardedIdentity(token, SECRET)).toEqual({ principal: null, requestId: 'req-anon' });
  });

  it('signs with HS256 for the subgraphs audience, issued by the gateway, short-lived', () => {
    const token = signForwardedIdentity(identity, SECRET, 30);
    const decoded = jwt.decode(token, { complete: true });
    expect(decoded?.header.alg).toBe('HS256');
    const payload = decoded?.payload as jwt.JwtPayload;
    expect(payload.aud).toBe('hocbaso-subgraphs');
    expect(payload.iss).toBe('hocbaso-gateway');
    expect(payload.exp! - payload.iat!).toBe(30);
  });

  it('refuses a missing token', () => {
    expect(verifyForwardedIdentity(undefined, SECRET)).toBeNull();
    expect(verifyForwardedIdentity('', SECRET)).toBeNull();
    expect(verifyForwardedIdentity('not-a-jwt', SECRET)).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    const token = signForwardedIdentity(identity, 'another-secret-that-is-long-enough-0000');
    expect(verifyForwardedIdentity(token, SECRET)).toBeNull();
  });

  it('refuses an expired token', () => {
    const past = Math.floor(Date.now() / 1000) - 120;
    const token = jwt.sign({ principal, rid: 'r', iat: past, exp: past + 60 }, SECRET, {
      algorithm: 'HS256',
      issuer: 'hocbaso-gateway',
      audience: 'hocbaso-subgraphs',
    });
    expect(verifyForwardedIdentity(token, SECRET)).toBeNull();
  });

  it('refuses a token whose payload was changed after signing', () => {
    const token = signForwardedIdentity(identity, SECRET);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { principal: Principal };
    claims.principal.roles.push({ role: 'SYSTEM_ADMIN', scope: { schoolId: null } });
    const tampered = `${header}.${base64url(claims)}.${signature}`;
    expect(verifyForwardedIdentity(tampered, SECRET)).toBeNull();
    // The untouched token still verifies: the refusal is about the change, not the token shape.
    expect(verifyForwardedIdentity(token, SECRET)).not.toBeNull();
  });

  it('refuses an unsigned `alg: none` token', () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      principal,
      rid: 'r',
      iss: 'hocbaso-gateway',
      aud: 'hocbaso-subgraphs',
      iat: now,
      exp: now + 60,
    };
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
    expect(verifyForwardedIdentity(unsigned, SECRET)).toBeNull();
  });

  it('refuses a token signed with the right secret but another algorithm', () => {
    const token = jwt.sign({ principal, rid: 'r' }, SECRET, {
      algorithm: 'HS512',
      issuer: 'hocbaso-gateway',
      audience: 'hocbaso-subgraphs',
      expiresIn: 60,
    });
    expect(verifyForwardedIdentity(token, SECRET)).toBeNull();
  });

  it('refuses a token for another audience or from another issuer', () => {
    const forClients = jwt.sign({ principal, rid: 'r' }, SECRET, {
      algorithm: 'HS256',
      issuer: 'hocbaso-gateway',
      audience: 'hocbaso-clients',
      expiresIn: 60,
    });
    expect(verifyForwardedIdentity(forClients, SECRET)).toBeNull();
    const otherIssuer = jwt.sign({ principal, rid: 'r' }, SECRET, {
      algorithm: 'HS256',
      issuer: 'someone-else',
      audience: 'hocbaso-subgraphs',
      expiresIn: 60,
    });
    expect(verifyForwardedIdentity(otherIssuer, SECRET)).toBeNull();
  });
});

describe('role checks', () => {
  const admin: Principal = {
    accountId: 'acc-admin',
    username: 'admin',
    schoolId: null,
    roles: [{ role: 'SYSTEM_ADMIN', scope: { schoolId: null } }],
    teaching: [],
  };

  it('hasRole: true when any grant has one of the roles', () => {
    expect(hasRole(principal, 'SUBJECT_TEACHER')).toBe(true);
    expect(hasRole(principal, 'PRINCIPAL', 'HOMEROOM_TEACHER')).toBe(true);
    expect(hasRole(principal, 'PRINCIPAL', 'SYSTEM_ADMIN')).toBe(false);
    expect(hasRole(principal)).toBe(false);
    expect(hasRole(null, 'SUBJECT_TEACHER')).toBe(false);
  });

  it('hasSchoolRole: the role must be held for that school', () => {
    expect(hasSchoolRole(principal, 'school-a', 'HOMEROOM_TEACHER')).toBe(true);
    expect(hasSchoolRole(principal, 'school-b', 'HOMEROOM_TEACHER')).toBe(false);
    expect(hasSchoolRole(principal, 'school-a', 'PRINCIPAL')).toBe(false);
    expect(hasSchoolRole(null, 'school-a', 'HOMEROOM_TEACHER')).toBe(false);
  });

  it('hasSchoolRole: a grant not bound to a school (department level) reaches every school', () => {
    expect(hasSchoolRole(admin, 'school-a', 'SYSTEM_ADMIN')).toBe(true);
    expect(hasSchoolRole(admin, 'school-b', 'SYSTEM_ADMIN')).toBe(true);
    expect(hasSchoolRole(admin, 'school-a', 'PRINCIPAL')).toBe(false);
  });

  it('hasSchoolRole: a school-bound grant does not reach a department-level (null) school', () => {
    expect(hasSchoolRole(principal, null, 'SUBJECT_TEACHER')).toBe(false);
  });

  it("overseesSchool: the school's board and admin, and inspectors whose role reaches it", () => {
    const holding = (role: Principal['roles'][number]['role'], schoolId: string | null): Principal => ({
      ...principal,
      roles: [{ role, scope: { schoolId } }],
    });
    for (const role of [
      'PRINCIPAL',
      'VICE_PRINCIPAL',
      'ACADEMIC_STAFF',
      'SYSTEM_ADMIN',
      'INSPECTOR',
    ] as const) {
      expect(overseesSchool(holding(role, 'school-a'), 'school-a')).toBe(true);
      expect(overseesSchool(holding(role, 'school-b'), 'school-a')).toBe(false);
    }
    expect(overseesSchool(holding('INSPECTOR', null), 'school-a')).toBe(true);
    expect(overseesSchool(holding('HOMEROOM_TEACHER', 'school-a'), 'school-a')).toBe(false);
    expect(overseesSchool(holding('PARENT', 'school-a'), 'school-a')).toBe(false);
    expect(overseesSchool(null, 'school-a')).toBe(false);
  });
});
