import { createPublicKey, randomBytes, type JsonWebKey } from 'node:crypto';
import { IDENTITY_HEADER } from '@hocbaso/service-kit';
import jwt from 'jsonwebtoken';
import type { PublicJwk } from '../src/keys/key-store';
import type { PrincipalResolution } from '../src/usecases/resolve-principal';
import { SYSTEM_CALLER } from '../src/usecases/deps';
import { login } from '../src/usecases/login';
import { setAccountStatus } from '../src/usecases/manage-accounts';
import { grantRole } from '../src/usecases/manage-roles';
import { logout } from '../src/usecases/sessions';
import { IdentityHarness, principalWith } from './harness';

jest.setTimeout(90_000);

const SCHOOL_QUERY = `query($id: ID!) { school(id: $id) { id name } }`;

describe('the identity subgraph answers only the gateway', () => {
  let harness: IdentityHarness;
  let schoolId: string;

  beforeAll(async () => {
    harness = await IdentityHarness.start('identity_guard');
    schoolId = (await harness.createSchool('guard'))._id;
  });
  afterAll(() => harness?.close());

  const post = (headers: Record<string, string>) => harness.graphql(SCHOOL_QUERY, { id: schoolId }, headers);

  it('answers a call that carries the identity signed with the shared secret', async () => {
    const result = await post(harness.identityHeader(principalWith('SYSTEM_ADMIN', schoolId)));
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ school: { id: schoolId, name: 'Trường THPT guard' } });
  });

  it('refuses a call without the forwarded identity with 401 UNAUTHENTICATED', async () => {
    const result = await post({});
    expect(result.status).toBe(401);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an identity signed with another secret', async () => {
    const forged = harness.identityHeader(
      principalWith('SYSTEM_ADMIN', null),
      randomBytes(32).toString('hex'),
    );
    const result = await post(forged);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an unsigned identity and garbage in the header', async () => {
    const unsigned = jwt.sign({ principal: principalWith('SYSTEM_ADMIN', null), rid: 'r' }, '', {
      algorithm: 'none',
      issuer: 'hocbaso-gateway',
      audience: 'hocbaso-subgraphs',
    });
    for (const value of [unsigned, 'not-a-token']) {
      const result = await post({ [IDENTITY_HEADER]: value });
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses an identity signed with the right secret but for another audience', async () => {
    const token = jwt.sign({ principal: principalWith('SYSTEM_ADMIN', null), rid: 'r' }, harness.secret, {
      algorithm: 'HS256',
      issuer: 'hocbaso-gateway',
      audience: 'someone-else',
      expiresIn: 60,
    });
    const result = await post({ [IDENTITY_HEADER]: token });
    expect(result.status).toBe(401);
  });

  it('answers /healthz and /readyz with 200', async () => {
    const health = await fetch(`${harness.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'identity' });
    const ready = await fetch(`${harness.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { mongodb: true } });
  });

  it('publishes an ES256 P-256 key with a kid at /.well-known/jwks.json, without its private part', async () => {
    const response = await fetch(`${harness.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: PublicJwk[] };
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toEqual({
        kty: 'EC',
        crv: 'P-256',
        alg: 'ES256',
        use: 'sig',
        kid: expect.any(String),
        x: expect.any(String),
        y: expect.any(String),
      });
      expect(key.kid.length).toBeGreaterThan(0);
      expect(createPublicKey({ key: key as unknown as JsonWebKey, format: 'jwk' }).asymmetricKeyType).toBe(
        'ec',
      );
    }
  });

  describe('/internal/principal', () => {
    let account: Awaited<ReturnType<IdentityHarness['createAccount']>>;
    let sessionId: string;
    let accessToken: string;
    let refreshToken: string;

    const lookUp = (query: Record<string, string>, headers: Record<string, string>) =>
      fetch(`${harness.url}/internal/principal?${new URLSearchParams(query).toString()}`, { headers });

    beforeAll(async () => {
      account = await harness.createAccount(schoolId, 'gv.principal', 'SUBJECT_TEACHER');
      await grantRole(harness.deps, SYSTEM_CALLER, {
        accountId: account.account._id,
        role: 'HOMEROOM_TEACHER',
        scope: { schoolId, classId: '11A2' },
      });
      await harness.settle();
      const session = await login(harness.deps, SYSTEM_CALLER, {
        username: account.username,
        password: account.password,
      });
      accessToken = session.accessToken;
      refreshToken = session.refreshToken;
      const claims = jwt.decode(accessToken) as { sid?: string; sub?: string } | null;
      expect(claims?.sub).toBe(account.account._id);
      sessionId = claims!.sid!;
      expect(sessionId).toEqual(expect.any(String));
    });

    it('refuses an unsigned call with 401', async () => {
      const response = await lookUp({ accountId: account.account._id, sessionId }, {});
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'UNAUTHENTICATED' });
    });

    it('refuses a call signed with another secret with 401', async () => {
      const response = await lookUp(
        { accountId: account.account._id, sessionId },
        harness.identityHeader(null, randomBytes(32).toString('hex')),
      );
      expect(response.status).toBe(401);
    });

    it('answers 400 without the account or the session', async () => {
      const response = await lookUp({ accountId: account.account._id }, harness.identityHeader(null));
      expect(response.status).toBe(400);
    });

    it('returns ACTIVE with the current roles for an open session', async () => {
      const response = await lookUp(
        { accountId: account.account._id, sessionId },
        harness.identityHeader(null),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as PrincipalResolution;
      expect(body).toEqual({
        status: 'ACTIVE',
        principal: {
          accountId: account.account._id,
          username: account.username,
          schoolId,
          roles: [
            { role: 'SUBJECT_TEACHER', scope: expect.objectContaining({ schoolId }) },
            { role: 'HOMEROOM_TEACHER', scope: expect.objectContaining({ schoolId, classId: '11A2' }) },
          ],
          teaching: [],
        },
      });
    });

    it('verifies the access token of that session with the published key', async () => {
      const { keys } = (await (await fetch(`${harness.url}/.well-known/jwks.json`)).json()) as {
        keys: PublicJwk[];
      };
      const kid = jwt.decode(accessToken, { complete: true })?.header.kid;
      const jwk = keys.find((k) => k.kid === kid);
      expect(jwk).toBeDefined();
      const claims = jwt.verify(
        accessToken,
        createPublicKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' }),
        {
          algorithms: ['ES256'],
          issuer: harness.config.TOKEN_ISSUER,
          audience: harness.config.TOKEN_AUDIENCE,
        },
      );
      expect(claims).toMatchObject({ sub: account.account._id, sid: sessionId });
    });

    it('answers UNKNOWN for an unknown account and SESSION_ENDED for a session that is not this account’s', async () => {
      const unknown = await lookUp({ accountId: 'khong-ton-tai', sessionId }, harness.identityHeader(null));
      expect(await unknown.json()).toEqual({ status: 'UNKNOWN' });
      const other = await harness.createAccount(schoolId, 'gv.other', 'SUBJECT_TEACHER');
      const stolen = await lookUp({ accountId: other.account._id, sessionId }, harness.identityHeader(null));
      expect(await stolen.json()).toEqual({ status: 'SESSION_ENDED' });
    });

    it('answers SESSION_ENDED after logout and DISABLED once the account is disabled', async () => {
      const second = await login(harness.deps, SYSTEM_CALLER, {
        username: account.username,
        password: account.password,
      });
      const secondSid = (jwt.decode(second.accessToken) as { sid: string }).sid;
      await logout(harness.deps, refreshToken);
      const afterLogout = await lookUp(
        { accountId: account.account._id, sessionId },
        harness.identityHeader(null),
      );
      expect(await afterLogout.json()).toEqual({ status: 'SESSION_ENDED' });
      const stillOpen = await lookUp(
        { accountId: account.account._id, sessionId: secondSid },
        harness.identityHeader(null),
      );
      expect(((await stillOpen.json()) as PrincipalResolution).status).toBe('ACTIVE');

      await setAccountStatus(harness.deps, SYSTEM_CALLER, {
        accountId: account.account._id,
        status: 'DISABLED',
      });
      const disabled = await lookUp(
        { accountId: account.account._id, sessionId: secondSid },
        harness.identityHeader(null),
      );
      expect(await disabled.json()).toEqual({ status: 'DISABLED' });
    });
  });
});
