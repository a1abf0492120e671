import jwt from 'jsonwebtoken';
import type { KeyStore } from './key-store';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessTokenClaims {
  /** The account id. */
  sub: string;
  /** The session (refresh-token family) id: the gateway checks it is still open. */
  sid: string;
}

/** Signs a short-lived ES256 access token with the current key; `kid` names the key in the JWKS. */
export async function issueAccessToken(
  keys: KeyStore,
  settings: AccessTokenSettings,
  claims: AccessTokenClaims,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const { kid, privateKey } = await keys.signingKey();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + settings.ttlSeconds;
  const token = jwt.sign({ sid: claims.sid, iat, nbf: iat, exp }, privateKey, {
    algorithm: 'ES256',
    keyid: kid,
    issuer: settings.issuer,
    audience: settings.audience,
    subject: claims.sub,
  });
  return { token, expiresAt: new Date(exp * 1000) };
}
