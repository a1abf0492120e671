import type { Principal } from '@hocbaso/service-kit';
import type { IdentityDeps } from './deps';

export type PrincipalResolution =
  { status: 'ACTIVE'; principal: Principal } | { status: 'DISABLED' | 'UNKNOWN' | 'SESSION_ENDED' };

/**
 * The gateway asks this on every request: is the account still active, is the session still
 * open, and which roles does it hold now. That is what makes a revocation effective on the very
 * next request rather than when the access token expires.
 */
export async function resolvePrincipal(
  deps: IdentityDeps,
  accountId: string,
  sessionId: string,
): Promise<PrincipalResolution> {
  const [account, session] = await Promise.all([
    deps.accounts.findById(accountId),
    deps.sessions.findSession(sessionId),
  ]);
  if (!account) return { status: 'UNKNOWN' };
  if (account.status !== 'ACTIVE') return { status: 'DISABLED' };
  if (!session || session.accountId !== accountId || session.revokedAt || session.expiresAt <= deps.now()) {
    return { status: 'SESSION_ENDED' };
  }
  return {
    status: 'ACTIVE',
    principal: {
      accountId: account._id,
      username: account.username,
      schoolId: account.schoolId,
      roles: account.roles.map((r) => ({ role: r.role, scope: r.scope })),
      teaching: account.teaching.map((t) => ({
        schoolId: t.schoolId,
        classId: t.classId,
        subjectCode: t.subjectCode,
        schoolYear: t.schoolYear,
      })),
    },
  };
}
