import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TestStack } from './stack';

jest.setTimeout(90_000);

const ME = '{ me { id } }';

/** base64url JSON, for hand-made tokens that no library would produce. */
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens the gateway must refuse', () => {
  let stack: TestStack;
  let account: { id: string; username: string; password: string };
  let sessionId: string;
  let realToken: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    const { admin } = await stack.createSchoolWithAdmin('tokens');
    account = admin;
    realToken = (await stack.login(account.username, account.password)).accessToken;
    sessionId = (jwt.decode(realToken) as { sid: string }).sid;
  });
  afterAll(() => stack.stop());

  /** Signs claims with identity's real current key: only the claim under test is wrong. */
  async function signWithRealKey(claims: Record<string, unknown>, options: jwt.SignOptions = {}) {
    const { kid, privateKey } = await stack.identity.deps.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    return jwt.sign({ sub: account.id, sid: sessionId, iat: now, exp: now + 600, ...claims }, privateKey, {
      algorithm: 'ES256',
      keyid: kid,
      issuer: stack.identityConfig.TOKEN_ISSUER,
      audience: stack.identityConfig.TOKEN_AUDIENCE,
      ...options,
    });
  }

  async function expectRefused(token: string) {
    const result = await stack.query(ME, {}, token);
    expect(result.status).toBe(401);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }

  it('accepts the real token (the control for every case below)', async () => {
    const result = await stack.query<{ me: { id: string } }>(ME, {}, realToken);
    expect(result.data?.me.id).toBe(account.id);
  });

  it('refuses alg: none', async () => {
    const [header, payload] = realToken.split('.');
    const decodedHeader = JSON.parse(Buffer.from(header!, 'base64url').toString());
    await expectRefused(`${part({ ...decodedHeader, alg: 'none' })}.${payload}.`);
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const jwks = (await (await fetch(`${stack.identityUrl}/.well-known/jwks.json`)).json()) as {
      keys: Array<Record<string, string>>;
    };
    const jwk = jwks.keys[0]!;
    const publicPem = createPublicKey({ key: jwk, format: 'jwk' })
      .export({ format: 'pem', type: 'spki' })
      .toString();
    const now = Math.floor(Date.now() / 1000);
    const forged = jwt.sign({ sub: account.id, sid: sessionId, iat: now, exp: now + 600 }, publicPem, {
      algorithm: 'HS256',
      keyid: jwk.kid,
      issuer: stack.identityConfig.TOKEN_ISSUER,
      audience: stack.identityConfig.TOKEN_AUDIENCE,
    });
    await expectRefused(forged);
  });

  it('refuses an RS256 token from a key it does not know, under a known kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { kid } = await stack.identity.deps.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const forged = jwt.sign({ sub: account.id, sid: sessionId, iat: now, exp: now + 600 }, privateKey, {
      algorithm: 'RS256',
      keyid: kid,
      issuer: stack.identityConfig.TOKEN_ISSUER,
      audience: stack.identityConfig.TOKEN_AUDIENCE,
    });
    await expectRefused(forged);
  });

  it('refuses an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectRefused(await signWithRealKey({ iat: past - 900, exp: past }));
  });

  it('refuses a token that is not valid yet', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    await expectRefused(await signWithRealKey({ nbf: future }));
  });

  it('refuses a wrong issuer and a wrong audience', async () => {
    await expectRefused(await signWithRealKey({}, { issuer: 'https://attacker.example' }));
    await expectRefused(await signWithRealKey({}, { audience: 'another-service' }));
  });

  it('refuses an unknown kid (a key identity never published)', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Math.floor(Date.now() / 1000);
    const forged = jwt.sign({ sub: account.id, sid: sessionId, iat: now, exp: now + 600 }, privateKey, {
      algorithm: 'ES256',
      keyid: randomUUID(),
      issuer: stack.identityConfig.TOKEN_ISSUER,
      audience: stack.identityConfig.TOKEN_AUDIENCE,
    });
    await expectRefused(forged);
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = realToken.split('.');
    const other = await stack.createAccount(null, 'victim');
    await expectRefused(
      `${header}.${part({ ...(jwt.decode(realToken) as object), sub: other.id })}.${signature}`,
    );
  });

  it('refuses garbage and a non-Bearer scheme', async () => {
    await expectRefused('not-a-token');
    const result = await stack.query(ME, {}, undefined, {
      authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps verifying tokens of the previous key after a rotation, and signs new ones with the new key', async () => {
    const before = await stack.login(account.username, account.password);
    const oldKid = jwt.decode(before.accessToken, { complete: true })!.header.kid;
    const rotated = await stack.query<{ rotateSigningKey: { kid: string } }>(
      `mutation { rotateSigningKey { kid } }`,
      {},
      before.accessToken,
    );
    // A school's system admin is not a platform admin: rotation is refused...
    expect(rotated.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // ...so rotate as the platform would.
    const newKid = await stack.identity.deps.keys.rotate();
    expect(newKid).not.toBe(oldKid);
    const jwks = (await (await fetch(`${stack.identityUrl}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kid: string }>;
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect((await stack.query(ME, {}, before.accessToken)).errors).toBeUndefined();
    const after = await stack.login(account.username, account.password);
    expect(jwt.decode(after.accessToken, { complete: true })!.header.kid).toBe(newKid);
    expect((await stack.query(ME, {}, after.accessToken)).errors).toBeUndefined();
  });

  it('issues access tokens that live at most 15 minutes with iss, aud and kid set', async () => {
    const session = await stack.login(account.username, account.password);
    const decoded = jwt.decode(session.accessToken, { complete: true })!;
    const payload = decoded.payload as jwt.JwtPayload;
    expect(decoded.header.alg).toBe('ES256');
    expect(decoded.header.kid).toEqual(expect.any(String));
    expect(payload.iss).toBe(stack.identityConfig.TOKEN_ISSUER);
    expect(payload.aud).toBe(stack.identityConfig.TOKEN_AUDIENCE);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(15 * 60);
  });
});
