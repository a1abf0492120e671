import { ERROR_CATALOGUE } from '@hocbaso/errors';
import { TestStack } from './stack';

jest.setTimeout(90_000);

const ME = `{ me { id username displayName email roles { role } } }`;

describe('signing in through the gateway', () => {
  let stack: TestStack;
  let schoolId: string;
  let admin: { id: string; username: string; password: string };

  beforeAll(async () => {
    stack = await TestStack.start();
    const created = await stack.createSchoolWithAdmin('auth');
    schoolId = created.school._id;
    admin = created.admin;
  });
  afterAll(() => stack.stop());

  it("logs in and answers `me` with the caller's own account", async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.login', 'SUBJECT_TEACHER');
    const session = await stack.login(teacher.username, teacher.password);
    const result = await stack.query<{
      me: { id: string; username: string; email: string; roles: { role: string }[] };
    }>(ME, {}, session.accessToken);
    expect(result.errors).toBeUndefined();
    expect(result.data?.me).toMatchObject({
      id: teacher.id,
      username: teacher.username,
      email: `${teacher.username}@example.edu.vn`,
      roles: [{ role: 'SUBJECT_TEACHER' }],
    });
  });

  it('gives a clear Vietnamese error for a wrong password and for an unknown user', async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.wrong', 'SUBJECT_TEACHER');
    for (const username of [teacher.username, 'khong.ton.tai']) {
      const result = await stack.query(
        `mutation { login(input: { username: "${username}", password: "sai-mat-khau-1" }) { accessToken } }`,
      );
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
      expect(result.errors?.[0]?.message).toBe(ERROR_CATALOGUE.INVALID_CREDENTIALS.vi);
    }
  });

  it('answers an overlong password as a wrong one, and never accepts one as a new password', async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.long', 'SUBJECT_TEACHER');
    const overlong = `${teacher.password}${'a'.repeat(200)}`;
    const login = await stack.query(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, {
      i: { username: teacher.username, password: overlong },
    });
    expect(login.errors?.[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
    const { accessToken } = await stack.login(teacher.username, teacher.password);
    const change = await stack.query(
      `mutation($i: ChangeOwnPasswordInput!) { changeOwnPassword(input: $i) }`,
      { i: { currentPassword: teacher.password, newPassword: overlong } },
      accessToken,
    );
    expect(change.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    // The old password still works: nothing was changed.
    await expect(stack.login(teacher.username, teacher.password)).resolves.toBeDefined();
  });

  it('locks the account after repeated failures, even against the right password, and publishes nothing secret', async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.lock', 'SUBJECT_TEACHER');
    const attempt = (password: string) =>
      stack.query(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, {
        i: { username: teacher.username, password },
      });
    // LOGIN_MAX_FAILURES is 3 in the test stack.
    expect((await attempt('sai-1-aaaaaa')).errors?.[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
    expect((await attempt('sai-2-aaaaaa')).errors?.[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
    const third = await attempt('sai-3-aaaaaa');
    expect(third.errors?.[0]?.extensions?.code).toBe('ACCOUNT_LOCKED');
    const withRightPassword = await attempt(teacher.password);
    expect(withRightPassword.errors?.[0]?.extensions?.code).toBe('ACCOUNT_LOCKED');
    expect(withRightPassword.errors?.[0]?.message).toBe(ERROR_CATALOGUE.ACCOUNT_LOCKED.vi);

    // An administrator sees the lock and lifts it by resetting the password.
    const adminSession = await stack.login(admin.username, admin.password);
    const seen = await stack.query<{ account: { lockedUntil: string | null } }>(
      `query($id: ID!) { account(id: $id) { lockedUntil } }`,
      { id: teacher.id },
      adminSession.accessToken,
    );
    expect(new Date(seen.data!.account.lockedUntil!).getTime()).toBeGreaterThan(Date.now());
    const reset = await stack.query(
      `mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { id lockedUntil } }`,
      { i: { accountId: teacher.id, newPassword: 'Mat-khau-moi-2026' } },
      adminSession.accessToken,
    );
    expect(reset.errors).toBeUndefined();
    expect(reset.data).toEqual({ resetPassword: { id: teacher.id, lockedUntil: null } });
    await expect(stack.login(teacher.username, 'Mat-khau-moi-2026')).resolves.toHaveProperty('accessToken');
  });

  const refresh = (token: string) =>
    stack.query<{ refreshSession: { accessToken: string; refreshToken: string } }>(
      `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }`,
      { t: token },
    );

  it('rotates refresh tokens and revokes the whole family when an old one is reused', async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.refresh', 'SUBJECT_TEACHER');
    const first = await stack.login(teacher.username, teacher.password);
    const second = await refresh(first.refreshToken);
    expect(second.errors).toBeUndefined();
    const secondTokens = second.data!.refreshSession;
    expect(secondTokens.refreshToken).not.toBe(first.refreshToken);
    expect((await stack.query(ME, {}, secondTokens.accessToken)).data?.me).toBeTruthy();
    const third = await refresh(secondTokens.refreshToken);
    expect(third.errors).toBeUndefined();
    const thirdTokens = third.data!.refreshSession;

    // Someone replays the first refresh token, whose successor was used: the family is revoked.
    const replay = await refresh(first.refreshToken);
    expect(replay.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_INVALID');
    expect((await refresh(thirdTokens.refreshToken)).errors?.[0]?.extensions?.code).toBe(
      'REFRESH_TOKEN_INVALID',
    );
    const afterRevocation = await stack.query(ME, {}, thirdTokens.accessToken);
    expect(afterRevocation.status).toBe(401);
    expect(afterRevocation.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps the session when a refresh is retried because its answer was lost, and still catches a copy', async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.retry', 'SUBJECT_TEACHER');
    const first = await stack.login(teacher.username, teacher.password);
    // The refresh happens, but its answer never reaches the client.
    const lost = (await refresh(first.refreshToken)).data!.refreshSession;
    // The client retries with the only token it has: it gets a working successor.
    const retried = await refresh(first.refreshToken);
    expect(retried.errors).toBeUndefined();
    const kept = retried.data!.refreshSession;
    expect(kept.refreshToken).not.toBe(lost.refreshToken);
    const next = await refresh(kept.refreshToken);
    expect(next.errors).toBeUndefined();
    expect((await stack.query(ME, {}, next.data!.refreshSession.accessToken)).data?.me).toBeTruthy();

    // Whoever holds the successor the lost answer carried is a copy: presenting it ends the family.
    expect((await refresh(lost.refreshToken)).errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_INVALID');
    expect((await refresh(next.data!.refreshSession.refreshToken)).errors?.[0]?.extensions?.code).toBe(
      'REFRESH_TOKEN_INVALID',
    );
  });

  it('ends the session on logout: its access token is refused on the next request', async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.logout', 'SUBJECT_TEACHER');
    const session = await stack.login(teacher.username, teacher.password);
    expect((await stack.query(ME, {}, session.accessToken)).data?.me).toBeTruthy();
    const out = await stack.query(`mutation($t: String!) { logout(refreshToken: $t) }`, {
      t: session.refreshToken,
    });
    expect(out.data).toEqual({ logout: true });
    expect((await stack.query(ME, {}, session.accessToken)).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it("refuses a disabled account's access token and refresh token at once", async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.disabled', 'SUBJECT_TEACHER');
    const session = await stack.login(teacher.username, teacher.password);
    const adminSession = await stack.login(admin.username, admin.password);
    const disabled = await stack.query<{ disableAccount: { status: string } }>(
      `mutation($id: ID!) { disableAccount(id: $id, reason: "Chuyển công tác") { status } }`,
      { id: teacher.id },
      adminSession.accessToken,
    );
    expect(disabled.data).toEqual({ disableAccount: { status: 'DISABLED' } });

    const access = await stack.query(ME, {}, session.accessToken);
    expect(access.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const refreshed = await stack.query(
      `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`,
      {
        t: session.refreshToken,
      },
    );
    expect(refreshed.data).toBeNull();
    expect(refreshed.errors?.[0]?.extensions?.code).toMatch(/^(REFRESH_TOKEN_INVALID|ACCOUNT_DISABLED)$/);
    const relogin = await stack.query(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, {
      i: { username: teacher.username, password: teacher.password },
    });
    expect(relogin.errors?.[0]?.extensions?.code).toBe('ACCOUNT_DISABLED');
  });

  it('refuses a revoked role on the very next request', async () => {
    const principal = await stack.createAccount(schoolId, 'qt.revoke', 'SYSTEM_ADMIN');
    const session = await stack.login(principal.username, principal.password);
    const list = `{ accounts(schoolId: "${schoolId}") { nodes { id } } }`;
    const before = await stack.query<{ accounts: { nodes: { id: string }[] } }>(
      list,
      {},
      session.accessToken,
    );
    expect(before.errors).toBeUndefined();
    expect(before.data?.accounts.nodes.map((n) => n.id)).toContain(principal.id);

    const adminSession = await stack.login(admin.username, admin.password);
    const revoked = await stack.query(
      `mutation($id: ID!) { revokeRole(roleAssignmentId: $id) { id role } }`,
      { id: principal.roleAssignmentId },
      adminSession.accessToken,
    );
    expect(revoked.errors).toBeUndefined();

    const after = await stack.query(list, {}, session.accessToken);
    expect(after.data).toEqual({ accounts: null });
    expect(after.errors).toEqual([
      expect.objectContaining({ path: ['accounts'], extensions: { code: 'FORBIDDEN' } }),
    ]);
  });

  it('returns a forbidden field as null with FORBIDDEN at its path while the allowed fields come', async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.fields', 'SUBJECT_TEACHER');
    const session = await stack.login(teacher.username, teacher.password);
    const result = await stack.query<Record<string, unknown>>(
      `query($id: ID!) {
        me { username lockedUntil }
        colleague: account(id: $id) { id displayName email phone }
        accounts { nodes { id } }
      }`,
      { id: admin.id },
      session.accessToken,
    );
    expect(result.data).toEqual({
      me: { username: teacher.username, lockedUntil: null },
      colleague: { id: admin.id, displayName: 'Người dùng auth.admin', email: null, phone: null },
      accounts: null,
    });
    const forbiddenPaths = (result.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]);
    expect(forbiddenPaths).toEqual(
      expect.arrayContaining([
        ['me.lockedUntil', 'FORBIDDEN'],
        ['colleague.email', 'FORBIDDEN'],
        ['colleague.phone', 'FORBIDDEN'],
        ['accounts', 'FORBIDDEN'],
      ]),
    );
    expect(result.errors).toHaveLength(4);
  });

  it("lets an administrator see a staff member's personal fields", async () => {
    const teacher = await stack.createAccount(schoolId, 'gv.personal', 'SUBJECT_TEACHER');
    const adminSession = await stack.login(admin.username, admin.password);
    const result = await stack.query(
      `query($id: ID!) { account(id: $id) { email phone roles { role } } }`,
      { id: teacher.id },
      adminSession.accessToken,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      account: {
        email: `${teacher.username}@example.edu.vn`,
        phone: '0912 345 678',
        roles: [{ role: 'SUBJECT_TEACHER' }],
      },
    });
  });

  it('makes a newly granted role effective on the next request', async () => {
    const staff = await stack.createAccount(schoolId, 'gv.grant', 'SUBJECT_TEACHER');
    const session = await stack.login(staff.username, staff.password);
    const list = `{ accounts { nodes { id } } }`;
    expect((await stack.query(list, {}, session.accessToken)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const adminSession = await stack.login(admin.username, admin.password);
    const granted = await stack.query(
      `mutation($i: GrantRoleInput!) { grantRole(input: $i) { role scope { schoolId } } }`,
      { i: { accountId: staff.id, role: 'SYSTEM_ADMIN', scope: { schoolId } } },
      adminSession.accessToken,
    );
    expect(granted.data).toEqual({ grantRole: { role: 'SYSTEM_ADMIN', scope: { schoolId } } });
    const after = await stack.query(list, {}, session.accessToken);
    expect(after.errors).toBeUndefined();
  });

  it('keeps administrators inside their own school', async () => {
    const other = await stack.createSchoolWithAdmin('other');
    const otherSession = await stack.login(other.admin.username, other.admin.password);
    const teacher = await stack.createAccount(schoolId, 'gv.cross', 'SUBJECT_TEACHER');
    const result = await stack.query(
      `mutation($id: ID!) { disableAccount(id: $id) { status } }`,
      { id: teacher.id },
      otherSession.accessToken,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const still = await stack.login(teacher.username, teacher.password);
    expect(still.accessToken).toBeTruthy();
  });

  it('rejects bad input with every field problem listed and changes nothing', async () => {
    const adminSession = await stack.login(admin.username, admin.password);
    const result = await stack.query(
      `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
      { i: { schoolId, username: 'x', displayName: 'A', password: 'ngan', email: 'khong-phai-email' } },
      adminSession.accessToken,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const fields = (result.errors?.[0]?.extensions?.fieldErrors as { field: string }[])
      .map((f) => f.field)
      .sort();
    expect(fields).toEqual(['displayName', 'email', 'password', 'username']);
    const list = await stack.query<{ accounts: { nodes: { id: string }[] } }>(
      `{ accounts { nodes { id } } }`,
      {},
      adminSession.accessToken,
    );
    expect(list.data?.accounts.nodes.length).toBeGreaterThan(0);
    expect(await stack.identity.deps.accounts.findByUsername('x')).toBeNull();
  });
});
