import { createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Logger } from '@hocbaso/service-kit';

export interface VerifiedAccessToken {
  accountId: string;
  sessionId: string;
}

export interface AccessTokenVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  logger: Logger;
  fetch?: typeof fetch;
}

const MIN_REFRESH_INTERVAL_MS = 200;
const UNKNOWN_KID_MEMORY_MS = 60_000;

/** Why a token was refused, for logs only: the client always sees UNAUTHENTICATED. */
export class TokenRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

/**
 * Verifies identity's access tokens against its JWKS with jsonwebtoken. The algorithm is pinned to
 * ES256 and keys are EC public keys, so `alg: none` and HS/RS confusion cannot pass; issuer,
 * audience, expiry and not-before are checked; an unknown `kid` triggers one JWKS refresh (key
 * rotation) at most every 200 ms, and a kid found missing is remembered for a minute, so a flood
 * of forged kids cannot hammer identity.
 */
export class AccessTokenVerifier {
  private keys = new Map<string, KeyObject>();
  private readonly unknownKids = new Map<string, number>();
  private lastRefresh = 0;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: AccessTokenVerifierOptions) {}

  async verify(token: string): Promise<VerifiedAccessToken> {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new TokenRejected('malformed token');
    if (decoded.header.alg !== 'ES256')
      throw new TokenRejected(`algorithm ${decoded.header.alg} not accepted`);
    const kid = decoded.header.kid;
    if (!kid) throw new TokenRejected('token has no kid');
    const key = await this.keyFor(kid);
    if (!key) throw new TokenRejected('unknown kid');
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, key, {
        algorithms: ['ES256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds,
        complete: false,
      }) as jwt.JwtPayload;
    } catch (error) {
      throw new TokenRejected((error as Error).message);
    }
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
      throw new TokenRejected('missing sub or sid');
    if (typeof payload.exp !== 'number') throw new TokenRejected('token has no expiry');
    return { accountId: payload.sub, sessionId: payload.sid };
  }

  private async keyFor(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    // A kid already looked up and not found is refused without asking identity again for a while.
    const missedAt = this.unknownKids.get(kid);
    if (missedAt !== undefined && Date.now() - missedAt < UNKNOWN_KID_MEMORY_MS) return undefined;
    // Unknown kids (a key rotation, or forgeries) refresh the JWKS at most every 200 ms, coalesced.
    const wait = this.lastRefresh + MIN_REFRESH_INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await this.refresh();
    const key = this.keys.get(kid);
    if (!key) {
      if (this.unknownKids.size > 10_000) this.unknownKids.clear();
      this.unknownKids.set(kid, Date.now());
    }
    return key;
  }

  /** Loads the JWKS; also called at start-up so that the first request does not pay for it. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const response = await (this.options.fetch ?? fetch)(this.options.jwksUrl, {
          signal: AbortSignal.timeout(3_000),
        });
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
        const body = (await response.json()) as { keys?: Array<Record<string, string>> };
        const keys = new Map<string, KeyObject>();
        for (const jwk of body.keys ?? []) {
          if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.kid) continue;
          keys.set(
            jwk.kid,
            createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' }),
          );
        }
        this.keys = keys;
        this.lastRefresh = Date.now();
      } catch (error) {
        this.options.logger.warn({ err: (error as Error).message }, 'could not load the JWKS');
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
