import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADER, signForwardedIdentity, type Principal } from '@hocbaso/service-kit';

export type PrincipalLookup =
  { status: 'ACTIVE'; principal: Principal } | { status: 'DISABLED' | 'UNKNOWN' | 'SESSION_ENDED' };

/**
 * Asks identity, on every request, who the token's account is now: its status, its session and
 * its current roles. A disabled account, an ended session or a revoked role is refused on the
 * very next request instead of when the access token expires (ADR 0005).
 */
export class PrincipalClient {
  constructor(
    private readonly identityBaseUrl: string,
    private readonly secret: string,
  ) {}

  async lookup(accountId: string, sessionId: string, requestId: string): Promise<PrincipalLookup> {
    const url = new URL('/internal/principal', this.identityBaseUrl);
    url.searchParams.set('accountId', accountId);
    url.searchParams.set('sessionId', sessionId);
    const response = await fetch(url, {
      headers: {
        [IDENTITY_HEADER]: signForwardedIdentity(
          { principal: null, requestId: requestId || randomUUID() },
          this.secret,
          30,
        ),
      },
      signal: AbortSignal.timeout(3_000),
    });
    if (!response.ok) throw new Error(`principal look-up answered ${response.status}`);
    return (await response.json()) as PrincipalLookup;
  }
}
