import { forwardedIdentityHeader, postGraphQL } from '@hocbaso/testkit';
import { demoSchoolYear } from '../../services/students/src/seed/demo-data';
import { FullStack, uniquePassword } from './full-stack';
import type { GraphQLResponse } from './stack';

/**
 * No secret in logs or error messages: a whole run at LOG_LEVEL debug (every service and the
 * gateway), through the things that carry secrets (accounts with passwords, a failed login, login,
 * refresh, password change and reset, a student admitted with a personal ID and guardians' phones,
 * a read of the student's personal data, requests refused in a subgraph, bad tokens); then every
 * log line and every error message a client received is searched for each secret.
 */

jest.setTimeout(120_000);

const SCHOOL_YEAR = '2025-2026';
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{10,}/;
const PRIVATE_KEY = new RegExp(['-----BEGIN', '([A-Z0-9]+ )*PRIVATE KEY-----'].join(' '));

interface Secret {
  what: string;
  value: string;
  /** Also found with its separators removed (phones written 0912 345 678 or 0912.345.678). */
  digits?: boolean;
}

/** The secret masked: enough to tell which one it is, not enough to use it. */
const masked = (line: string, value: string) =>
  line.split(value).join(`${value.slice(0, 3)}…[${value.length}]`);

/** Where a text shows a secret: the secret's name and the text with it masked. */
export function leaksIn(text: string, secrets: Secret[]): string[] {
  const found: string[] = [];
  const jwt = JWT.exec(text)?.[0];
  if (jwt) found.push(`a JWT: ${masked(text, jwt)}`);
  if (PRIVATE_KEY.test(text)) found.push(`a private key: ${text.slice(0, 80)}…`);
  const compact = text.replace(/[\s.()-]/g, '');
  for (const secret of secrets) {
    if (text.includes(secret.value)) found.push(`${secret.what}: ${masked(text, secret.value)}`);
    else if (secret.digits && compact.includes(secret.value.replace(/[\s.()-]/g, ''))) {
      found.push(
        `${secret.what} (without separators): ${masked(compact, secret.value.replace(/[\s.()-]/g, ''))}`,
      );
    }
  }
  return found;
}

describe('no secret in logs or error messages', () => {
  let stack: FullStack;
  const previousLevel = process.env.LOG_LEVEL;
  const secrets: Secret[] = [];
  const errorMessages: string[] = [];
  const keep = (what: string, value: string | undefined, digits = false) => {
    if (!value) throw new Error(`${what} is missing`);
    secrets.push({ what, value, digits });
    return value;
  };

  /** A request whose errors (what a client sees) are kept for the scan. */
  async function call<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const result = await stack.query<T>(query, variables, token, headers);
    if (result.errors) errorMessages.push(JSON.stringify(result.errors));
    return result;
  }

  const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }`;
  const login = async (username: string, password: string) => {
    const result = await call<{ login: { accessToken: string; refreshToken: string } }>(LOGIN, {
      i: { username, password },
    });
    const session = result.data?.login;
    if (!session) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
    keep('a refresh token', session.refreshToken);
    return session;
  };

  beforeAll(async () => {
    // The level every service's logger and configuration get (testLogger, FullStack.common()).
    process.env.LOG_LEVEL = 'debug';
    stack = await FullStack.startAll();
    keep('INTERNAL_IDENTITY_SECRET', stack.secret);
    keep('SIGNING_KEY_ENCRYPTION_SECRET', stack.stores.identityKeySecret);
    keep('the Ministry API token', stack.ministryToken);
  });

  afterAll(async () => {
    await stack?.stop();
    if (previousLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = previousLevel;
  });

  it('runs the scenario, then finds no secret in any log line or error message', async () => {
    const { school, admin } = await stack.createSchoolWithAdmin('bimat');
    const schoolId = school._id;
    keep("the administrator's password", admin.password);
    const staff = await stack.createAccount(schoolId, 'bimat.giaovu', 'ACADEMIC_STAFF');
    keep("the academic staff's password", staff.password);

    // A failed login, with a wrong password and with an unknown account.
    const wrong = keep('a wrong password', uniquePassword());
    const failed = await call(LOGIN, { i: { username: admin.username, password: wrong } });
    expect(failed.errors?.[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
    await call(LOGIN, { i: { username: 'khong.ton.tai', password: wrong } });

    const adminSession = await login(admin.username, admin.password);
    const adminToken = adminSession.accessToken;

    // An account created through the API, with its password, e-mail and phone.
    const teacherPassword = keep("a new account's password", uniquePassword());
    const teacherPhone = keep("an account's phone", '0987 654 321', true);
    const username = `bimat.gv.${Date.now().toString(36)}`;
    const created = await call<{ createAccount: { id: string } }>(
      `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
      {
        i: {
          schoolId,
          username,
          displayName: 'Trần Thị Bích Ngọc',
          password: teacherPassword,
          email: `${username}@example.edu.vn`,
          phone: teacherPhone,
        },
      },
      adminToken,
    );
    const teacherId = created.data!.createAccount.id;
    // The same username again: refused in identity, with another password in the variables.
    const duplicate = await call(
      `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
      {
        i: {
          schoolId,
          username,
          displayName: 'Trần Thị Bích Ngọc',
          password: keep('a refused account password', uniquePassword()),
        },
      },
      adminToken,
    );
    expect(duplicate.errors).toBeDefined();

    // Login, refresh (the old refresh token then refused), change own password, reset by the admin.
    const first = await login(username, teacherPassword);
    const refreshed = await call<{ refreshSession: { accessToken: string; refreshToken: string } }>(
      `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }`,
      { t: first.refreshToken },
    );
    keep('a refresh token', refreshed.data?.refreshSession.refreshToken);
    // Its successor used, the first token is no retry of a lost answer but a copy.
    const successorUsed = await call<{ refreshSession: { refreshToken: string } }>(
      `mutation($t: String!) { refreshSession(refreshToken: $t) { refreshToken } }`,
      { t: refreshed.data?.refreshSession.refreshToken },
    );
    keep('a second refresh token', successorUsed.data?.refreshSession.refreshToken);
    const reused = await call(`mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`, {
      t: first.refreshToken,
    });
    // Reuse of a rotated refresh token ends the whole session (its access tokens included).
    expect(reused.errors).toBeDefined();
    const changedPassword = keep('a changed password', uniquePassword());
    const changed = await call<{ changeOwnPassword: boolean }>(
      `mutation($i: ChangeOwnPasswordInput!) { changeOwnPassword(input: $i) }`,
      { i: { currentPassword: teacherPassword, newPassword: changedPassword } },
      (await login(username, teacherPassword)).accessToken,
    );
    expect(changed.errors).toBeUndefined();
    const tooShort = await call(
      `mutation($i: ChangeOwnPasswordInput!) { changeOwnPassword(input: $i) }`,
      { i: { currentPassword: keep('a wrong current password', uniquePassword()), newPassword: 'ngan' } },
      (await login(username, changedPassword)).accessToken,
    );
    expect(tooShort.errors).toBeDefined();
    const resetPassword = keep('a reset password', uniquePassword());
    const reset = await call(
      `mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { id } }`,
      { i: { accountId: teacherId, newPassword: resetPassword } },
      adminToken,
    );
    expect(reset.errors).toBeUndefined();
    await login(username, resetPassword);

    // A student admitted with a personal ID and guardians' phones, then read, then admitted again.
    const staffToken = (await login(staff.username, staff.password)).accessToken;
    const demo = demoSchoolYear(schoolId, SCHOOL_YEAR).find((c) => c.grade === 10)!;
    const classCreated = await call<{ createClass: { id: string } }>(
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      { i: { schoolId, schoolYear: SCHOOL_YEAR, grade: demo.grade, name: demo.name } },
      staffToken,
    );
    const classId = classCreated.data!.createClass.id;
    const person = demo.students[0]!;
    keep("the student's personal ID", person.personalId);
    const guardians = [
      { relationship: 'MOTHER', fullName: 'Lê Thị Thu Hà', occupation: 'Giáo viên', phone: '0912 468 135' },
      { relationship: 'FATHER', fullName: 'Nguyễn Văn Hùng', phone: '+84 903 579 246' },
    ];
    for (const guardian of guardians) keep("a guardian's phone", guardian.phone, true);
    const ADMIT = `mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id } }`;
    const admitted = await call<{ admitStudent: { id: string } }>(
      ADMIT,
      { i: { ...person, guardians, classId } },
      staffToken,
    );
    expect(admitted.errors).toBeUndefined();
    const studentId = admitted.data!.admitStudent.id;
    const read = await call<{ student: { personalId: string; guardians: Array<{ phone: string }> } }>(
      `query($id: ID!) { student(id: $id) { fullName personalId dateOfBirth address guardians { fullName phone } } }`,
      { id: studentId },
      staffToken,
    );
    expect(read.data?.student.personalId).toBe(person.personalId);
    const again = await call(ADMIT, { i: { ...person, guardians, classId } }, staffToken);
    expect(again.errors?.[0]?.extensions?.code).toBe('DUPLICATE_PERSONAL_ID');
    const invalid = await call(
      ADMIT,
      { i: { ...person, personalId: keep('an invalid personal ID', '0791234'), guardians, classId } },
      staffToken,
    );
    expect(invalid.errors).toBeDefined();

    // A value the students subgraph's own Date scalar refuses (passed on as BAD_USER_INPUT), next to a personal ID.
    const thirdPerson = demo.students[2]!;
    keep("a refused student's personal ID", thirdPerson.personalId);
    const badDate = await call(
      ADMIT,
      { i: { ...thirdPerson, dateOfBirth: '2009-02-30', guardians, classId } },
      staffToken,
    );
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // Bad tokens: a tampered signature, a refresh token used as an access token, garbage.
    const [header, payload] = adminToken.split('.');
    const tampered = `${header}.${payload}.${'A'.repeat(43)}`;
    for (const token of [tampered, adminSession.refreshToken, 'khong-phai-token']) {
      const refused = await call(`{ me { id } }`, {}, token);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }

    // Subgraphs refuse a call that does not come from the gateway (an identity signed with another secret).
    const forged = await postGraphQL(
      stack.subgraphUrl('students'),
      ADMIT,
      { i: { ...person, guardians, classId } },
      forwardedIdentityHeader(null, 'mot-bi-mat-khac-hoan-toan-32-ky-tu'),
    );
    expect(forged.status).toBeGreaterThanOrEqual(400);
    if (forged.errors) errorMessages.push(JSON.stringify(forged.errors));

    // Requests that fail in a subgraph that is down, carrying personal data and a password.
    await stack.students.close();
    const second = demo.students[1]!;
    keep("another student's personal ID", second.personalId);
    const studentsDown = await call(ADMIT, { i: { ...second, guardians, classId } }, staffToken);
    expect(studentsDown.errors).toBeDefined();
    await stack.identity.close();
    const identityDown = await call(LOGIN, {
      i: { username, password: keep('a password sent while identity is down', uniquePassword()) },
    });
    expect(identityDown.errors).toBeDefined();
    const withTokenDown = await call(`{ me { id } }`, {}, staffToken);
    expect(withTokenDown.errors).toBeDefined();

    // Everything written so far has reached the streams (pino writes synchronously to them).
    await new Promise((resolve) => setImmediate(resolve));
    const services = Object.keys(stack.logs).sort();
    expect(services).toEqual(
      ['academics', 'archive', 'conduct', 'gateway', 'identity', 'signatures', 'students'].sort(),
    );
    const lines = Object.entries(stack.logs).flatMap(([service, written]) =>
      written.map((line) => ({ where: `${service} log`, text: line })),
    );
    // The scan reads a real run: debug lines and the refused login's line are among them.
    expect(lines.some((l) => l.text.includes('"level":"debug"'))).toBe(true);
    const leaks = [
      ...lines,
      ...errorMessages.map((text) => ({ where: 'error sent to a client', text })),
    ].flatMap(({ where, text }) => leaksIn(text, secrets).map((leak) => `${where}: ${leak}`));
    expect(leaks).toEqual([]);
  });

  it('recognises each kind of secret it looks for', () => {
    const secret = { what: 'a phone', value: '0912 468 135', digits: true };
    expect(leaksIn('{"phone":"0912468135"}', [secret])).toHaveLength(1);
    expect(leaksIn('{"phone":"0912 468 135"}', [secret])[0]).toContain('091…[12]');
    expect(leaksIn(`token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.${'x'.repeat(40)}`, [])).toHaveLength(1);
    expect(leaksIn(['-----BEGIN', 'EC PRIVATE KEY-----'].join(' '), [])).toHaveLength(1);
    expect(leaksIn('{"msg":"login refused","username":"an.nguyen"}', [secret])).toEqual([]);
  });
});
