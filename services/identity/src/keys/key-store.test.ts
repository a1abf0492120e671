import { createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { SigningKeyDocument, SigningKeyModel } from '../model/signing-key.model';
import { SigningKeyRepository } from '../model/signing-key.repository';
import { issueAccessToken } from './access-token';
import { KeyStore, type PublicJwk } from './key-store';

/** The repository's narrow interface, in memory (copies in and out, like a database). */
class InMemorySigningKeyRepository extends SigningKeyRepository {
  readonly documents: SigningKeyDocument[] = [];

  constructor() {
    super(undefined as unknown as SigningKeyModel);
  }

  override async listAll(): Promise<SigningKeyDocument[]> {
    return structuredClone(this.documents).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  override async insert(key: SigningKeyDocument): Promise<void> {
    if (this.documents.some((d) => d._id === key._id))
      throw Object.assign(new Error('duplicate key'), { code: 11000 });
    this.documents.push(structuredClone(key));
  }

  override async retireAllExcept(kid: string, at: Date): Promise<void> {
    for (const d of this.documents) if (d._id !== kid && d.retiredAt === null) d.retiredAt = new Date(at);
  }
}

const MINUTE = 60_000;
const ROTATION_MS = 30 * 24 * 60 * MINUTE;
const RETENTION_MS = 17 * MINUTE;
const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';

function setup(options: { secret?: string; repository?: InMemorySigningKeyRepository } = {}) {
  let now = new Date('2026-03-02T08:00:00.000Z');
  const repository = options.repository ?? new InMemorySigningKeyRepository();
  const store = new KeyStore({
    repository,
    encryptionSecret: options.secret ?? SECRET,
    rotationMs: ROTATION_MS,
    retentionMs: RETENTION_MS,
    now: () => now,
  });
  return {
    store,
    repository,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    now: () => now,
  };
}

const publicKeyOf = (jwk: PublicJwk) => createPublicKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' });
const kids = async (store: KeyStore) => (await store.jwks()).keys.map((k) => k.kid);

const signWith = (privateKey: KeyObject, data: Buffer) =>
  sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });

describe('KeyStore', () => {
  it('refuses to sign before any key exists', async () => {
    const { store } = setup();
    await expect(store.signingKey()).rejects.toThrow('no signing key');
    expect(await store.jwks()).toEqual({ keys: [] });
  });

  it('creates the first key at start-up and publishes it as an ES256 P-256 JWK', async () => {
    const { store, repository } = setup();
    await store.ensureCurrentKey();
    expect(repository.documents).toHaveLength(1);
    const { keys } = await store.jwks();
    expect(keys).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: repository.documents[0]!._id,
        alg: 'ES256',
        use: 'sig',
      },
    ]);
    // Only public material is published.
    expect(Object.keys(keys[0]!)).not.toContain('d');
  });

  it('keeps the current key at start-up while it is younger than the rotation period, and rotates an older one', async () => {
    const { store, repository, advance } = setup();
    await store.ensureCurrentKey();
    const first = repository.documents[0]!._id;
    advance(ROTATION_MS);
    await store.ensureCurrentKey();
    expect(repository.documents.map((d) => d._id)).toEqual([first]);
    advance(1);
    await store.ensureCurrentKey();
    expect(repository.documents).toHaveLength(2);
    expect((await store.signingKey()).kid).not.toBe(first);
  });

  it('makes the new key the signer after rotate()', async () => {
    const { store, advance } = setup();
    await store.ensureCurrentKey();
    const before = await store.signingKey();
    advance(MINUTE);
    const rotated = await store.rotate();
    const after = await store.signingKey();
    expect(rotated).not.toBe(before.kid);
    expect(after.kid).toBe(rotated);

    const data = Buffer.from('học bạ số');
    const signature = signWith(after.privateKey, data);
    const jwks = (await store.jwks()).keys;
    const newJwk = jwks.find((k) => k.kid === rotated)!;
    const oldJwk = jwks.find((k) => k.kid === before.kid)!;
    expect(verify('sha256', data, { key: publicKeyOf(newJwk), dsaEncoding: 'ieee-p1363' }, signature)).toBe(
      true,
    );
    expect(verify('sha256', data, { key: publicKeyOf(oldJwk), dsaEncoding: 'ieee-p1363' }, signature)).toBe(
      false,
    );
  });

  it('keeps a retired key in the JWKS for retentionMs after its retirement, then drops it', async () => {
    const { store, advance } = setup();
    await store.ensureCurrentKey();
    const old = (await store.signingKey()).kid;
    advance(5 * MINUTE);
    const current = await store.rotate(); // `old` retires now
    expect(await kids(store)).toEqual([current, old]);
    advance(RETENTION_MS - 1);
    expect(await kids(store)).toEqual([current, old]);
    advance(1);
    expect(await kids(store)).toEqual([current]);
  });

  it('measures retention from retirement, not creation: an old key retired just now is still published', async () => {
    const { store, advance } = setup();
    await store.ensureCurrentKey();
    const old = (await store.signingKey()).kid;
    advance(10 * RETENTION_MS);
    await store.rotate();
    expect(await kids(store)).toContain(old);
  });

  it('keeps every key retired within the retention period after several rotations', async () => {
    const { store, advance } = setup();
    await store.ensureCurrentKey();
    const k1 = (await store.signingKey()).kid;
    advance(10 * MINUTE);
    const k2 = await store.rotate(); // k1 retired at t+10
    advance(10 * MINUTE);
    const k3 = await store.rotate(); // k2 retired at t+20
    expect(await kids(store)).toEqual([k3, k2, k1]);
    advance(8 * MINUTE); // t+28: k1 retired 18 minutes ago (> 17), k2 8 minutes ago
    expect(await kids(store)).toEqual([k3, k2]);
  });

  it('stores the private key encrypted, and round-trips it: a token it signs verifies with the published key', async () => {
    const { store, repository, now } = setup();
    await store.ensureCurrentKey();
    const sealed = repository.documents[0]!.encryptedPrivateKey;
    expect(JSON.stringify(repository.documents[0])).not.toContain('PRIVATE KEY');
    expect(Buffer.from(sealed.data, 'base64').toString('latin1')).not.toContain('PRIVATE KEY');

    const settings = { issuer: 'hocbaso-identity', audience: 'hocbaso-gateway', ttlSeconds: 900 };
    const { token } = await issueAccessToken(store, settings, { sub: 'account-1', sid: 'session-1' }, now());
    const header = jwt.decode(token, { complete: true })?.header;
    expect(header).toMatchObject({ alg: 'ES256', kid: repository.documents[0]!._id });
    const jwk = (await store.jwks()).keys.find((k) => k.kid === header?.kid)!;
    const claims = jwt.verify(token, publicKeyOf(jwk), {
      algorithms: ['ES256'],
      issuer: settings.issuer,
      audience: settings.audience,
      clockTimestamp: Math.floor(now().getTime() / 1000),
    });
    expect(claims).toMatchObject({ sub: 'account-1', sid: 'session-1' });
  });

  it('loads the same private key in another KeyStore with the same secret (another instance, or after a restart)', async () => {
    const first = setup();
    await first.store.ensureCurrentKey();
    const second = setup({ repository: first.repository });
    const { kid, privateKey } = await second.store.signingKey();
    const data = Buffer.from('kiểm tra');
    const jwk = (await first.store.jwks()).keys.find((k) => k.kid === kid)!;
    expect(
      verify(
        'sha256',
        data,
        { key: publicKeyOf(jwk), dsaEncoding: 'ieee-p1363' },
        signWith(privateKey, data),
      ),
    ).toBe(true);
  });

  it('cannot decrypt the keys with a different encryption secret', async () => {
    const first = setup();
    await first.store.ensureCurrentKey();
    const intruder = setup({
      repository: first.repository,
      secret: 'another-secret-of-at-least-thirty-two-chars',
    });
    await expect(intruder.store.signingKey()).rejects.toThrow();
    // The public half is not secret.
    expect(await kids(intruder.store)).toEqual(await kids(first.store));
  });

  it('refuses a tampered ciphertext', async () => {
    const { store, repository } = setup();
    await store.ensureCurrentKey();
    const sealed = repository.documents[0]!.encryptedPrivateKey;
    const bytes = Buffer.from(sealed.data, 'base64');
    bytes[10] = bytes[10]! ^ 0xff;
    sealed.data = bytes.toString('base64');
    const reader = setup({ repository });
    await expect(reader.store.signingKey()).rejects.toThrow();
  });
});
