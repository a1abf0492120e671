import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '@hocbaso/errors';
import { issueAccessToken } from '../keys/access-token';
import type { AccountDocument } from '../model/account.model';
import type { IdentityDeps } from './deps';

export interface AuthSession {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  account: AccountDocument;
}

const DAY_MS = 86_400_000;

/** Refresh tokens are 256 random bits; only their SHA-256 is stored. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Opens a session (a new refresh-token family) for an account that has just proved who it is. */
export async function openSession(deps: IdentityDeps, account: AccountDocument): Promise<AuthSession> {
  const now = deps.now();
  const sessionId = randomUUID();
  const expiresAt = new Date(now.getTime() + deps.settings.REFRESH_TOKEN_TTL_DAYS * DAY_MS);
  const refreshToken = newRefreshToken();
  await deps.sessions.createSession(
    {
      _id: sessionId,
      accountId: account._id,
      createdAt: now,
      expiresAt,
      revokedAt: null,
      revokedReason: null,
    },
    {
      _id: hashRefreshToken(refreshToken),
      sessionId,
      accountId: account._id,
      createdAt: now,
      expiresAt,
      usedAt: null,
    },
  );
  return tokensFor(deps, account, sessionId, refreshToken, expiresAt);
}

/**
 * Rotates a refresh token. Each token works once; presenting a used one means it was copied, so
 * the whole family is revoked and both holders must log in again (OAuth 2.0 Security BCP 4.14).
 *
 * Except a retry: the answer carrying the successor can be lost (a gateway restarting, a phone
 * losing its signal), and the client has only the token it sent. Presented again within
 * REFRESH_RETRY_WINDOW_SECONDS while its successor is still unused, it gets a new successor and
 * the lost one stops working. A copy used that way is still caught: the holder of the lost
 * successor presents a used token with no successor of its own, and the family is revoked.
 */
export async function refreshSession(deps: IdentityDeps, presented: string): Promise<AuthSession> {
  const now = deps.now();
  const hash = hashRefreshToken(presented);
  const stored = await deps.sessions.findRefreshToken(hash);
  if (!stored || stored.expiresAt <= now) throw new AppError('REFRESH_TOKEN_INVALID');
  const session = await deps.sessions.findSession(stored.sessionId);
  if (!session || session.revokedAt) throw new AppError('REFRESH_TOKEN_INVALID');
  // The successor exists before the claim names it, so a retry can always find and retire it.
  const refreshToken = newRefreshToken();
  const successorId = hashRefreshToken(refreshToken);
  await deps.sessions.addRefreshToken({
    _id: successorId,
    sessionId: session._id,
    accountId: stored.accountId,
    createdAt: now,
    expiresAt: session.expiresAt,
    usedAt: null,
  });
  const claimed =
    (await deps.sessions.claimRefreshToken(hash, now, successorId)) ??
    (await deps.sessions.replaceUnusedSuccessor(
      hash,
      new Date(now.getTime() - deps.settings.REFRESH_RETRY_WINDOW_SECONDS * 1000),
      now,
      successorId,
    ));
  if (!claimed) {
    await deps.sessions.revokeSession(session._id, 'refresh-token-reuse', now);
    throw new AppError('REFRESH_TOKEN_INVALID');
  }
  const account = await deps.accounts.findById(stored.accountId);
  if (!account || account.status !== 'ACTIVE') {
    await deps.sessions.revokeSession(session._id, 'account-disabled', now);
    throw new AppError(account ? 'ACCOUNT_DISABLED' : 'REFRESH_TOKEN_INVALID');
  }
  return tokensFor(deps, account, session._id, refreshToken, session.expiresAt);
}

/** Ends the session the refresh token belongs to; unknown tokens are ignored (nothing to reveal). */
export async function logout(deps: IdentityDeps, presented: string): Promise<boolean> {
  const stored = await deps.sessions.findRefreshToken(hashRefreshToken(presented));
  if (stored) await deps.sessions.revokeSession(stored.sessionId, 'logout', deps.now());
  return true;
}

async function tokensFor(
  deps: IdentityDeps,
  account: AccountDocument,
  sessionId: string,
  refreshToken: string,
  refreshTokenExpiresAt: Date,
): Promise<AuthSession> {
  const access = await issueAccessToken(
    deps.keys,
    {
      issuer: deps.settings.TOKEN_ISSUER,
      audience: deps.settings.TOKEN_AUDIENCE,
      ttlSeconds: deps.settings.ACCESS_TOKEN_TTL_SECONDS,
    },
    { sub: account._id, sid: sessionId },
    deps.now(),
  );
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt,
    account,
  };
}
