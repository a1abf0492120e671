import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import type { SigningKeyDocument } from '../model/signing-key.model';
import type { SigningKeyRepository } from '../model/signing-key.repository';

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export interface KeyStoreOptions {
  repository: SigningKeyRepository;
  encryptionSecret: string;
  rotationMs: number;
  /** A retired key stays published this long: the longest an access token it signed can live. */
  retentionMs: number;
  now?: () => Date;
}

/**
 * Token-signing keys (ECDSA P-256, ES256). The newest key signs; older keys stay in the JWKS until
 * every token they signed has expired, so a rotation never logs anyone out.
 */
export class KeyStore {
  private cached: { kid: string; privateKey: KeyObject; loadedAt: number } | undefined;
  private readonly encryptionKey: Buffer;
  private readonly now: () => Date;

  constructor(private readonly options: KeyStoreOptions) {
    this.encryptionKey = Buffer.from(
      hkdfSync('sha256', options.encryptionSecret, 'hocbaso-identity', 'signing-key-encryption', 32),
    );
    this.now = options.now ?? (() => new Date());
  }

  /** At start-up: creates the first key, or rotates one older than the rotation period. */
  async ensureCurrentKey(): Promise<void> {
    const [newest] = await this.options.repository.listAll();
    if (!newest || this.now().getTime() - newest.createdAt.getTime() > this.options.rotationMs)
      await this.rotate();
  }

  async rotate(): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomUUID();
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const now = this.now();
    await this.options.repository.insert({
      _id: kid,
      algorithm: 'ES256',
      publicJwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! },
      encryptedPrivateKey: this.encrypt(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
      createdAt: now,
      retiredAt: null,
    });
    await this.options.repository.retireAllExcept(kid, now);
    this.cached = undefined;
    return kid;
  }

  /** The key that signs now; cached briefly so that signing costs no database read. */
  async signingKey(): Promise<{ kid: string; privateKey: KeyObject }> {
    if (this.cached && Date.now() - this.cached.loadedAt < 30_000) return this.cached;
    const [newest] = await this.options.repository.listAll();
    if (!newest) throw new Error('no signing key: ensureCurrentKey() was not called');
    this.cached = {
      kid: newest._id,
      privateKey: createPrivateKey(this.decrypt(newest.encryptedPrivateKey)),
      loadedAt: Date.now(),
    };
    return this.cached;
  }

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const now = this.now().getTime();
    const keys = (await this.options.repository.listAll()).filter(
      (key) => key.retiredAt === null || now - key.retiredAt.getTime() < this.options.retentionMs,
    );
    return { keys: keys.map((key) => toPublicJwk(key)) };
  }

  private encrypt(plain: string): SigningKeyDocument['encryptedPrivateKey'] {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return {
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  private decrypt(sealed: SigningKeyDocument['encryptedPrivateKey']): string {
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }
}

function toPublicJwk(key: SigningKeyDocument): PublicJwk {
  const jwk = key.publicJwk;
  return { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y!, kid: key._id, alg: 'ES256', use: 'sig' };
}
