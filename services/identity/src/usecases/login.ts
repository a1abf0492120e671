import { AppError } from '@hocbaso/errors';
import { accountLockedOut } from '@hocbaso/events';
import { isLocked, registerFailedLogin } from '../domain/login-lockout';
import { isWithinPasswordLength } from '../domain/password-policy';
import { normalizeUsername } from '../domain/username';
import { actorOf, identityEvent, type Caller, type IdentityDeps } from './deps';
import { openSession, type AuthSession } from './sessions';

// Verified when the username is unknown, so that a wrong username takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;

export interface LoginInput {
  username: string;
  password: string;
}

export async function login(deps: IdentityDeps, caller: Caller, input: LoginInput): Promise<AuthSession> {
  const now = deps.now();
  const account = await deps.accounts.findByUsername(normalizeUsername(input.username));
  // No stored password is longer than the policy allows: an overlong one is wrong without hashing it.
  const hashable = isWithinPasswordLength(input.password);
  if (!account) {
    decoyHash ??= deps.hasher.hash('decoy-password-0');
    if (hashable) await deps.hasher.verify(await decoyHash, input.password);
    throw new AppError('INVALID_CREDENTIALS');
  }
  if (isLocked(account.lockedUntil, now)) {
    throw new AppError('ACCOUNT_LOCKED', { details: { lockedUntil: account.lockedUntil!.toISOString() } });
  }
  const passwordMatches = hashable && (await deps.hasher.verify(account.passwordHash, input.password));
  if (!passwordMatches) {
    const outcome = registerFailedLogin(account, now, {
      maxFailures: deps.settings.LOGIN_MAX_FAILURES,
      windowMs: deps.settings.LOGIN_FAILURE_WINDOW_MINUTES * 60_000,
      lockoutMs: deps.settings.LOGIN_LOCKOUT_MINUTES * 60_000,
    });
    if (outcome.lockedUntil) {
      await deps.accounts.update(
        account._id,
        { $set: { failedLogins: 0, lastFailedLoginAt: null, lockedUntil: outcome.lockedUntil } },
        [
          identityEvent(accountLockedOut, 'accounts', account._id, {
            accountId: account._id,
            lockedUntil: outcome.lockedUntil.toISOString(),
            failedAttempts: outcome.failedLogins,
            actor: actorOf(caller),
          }),
        ],
      );
      deps.changed();
      throw new AppError('ACCOUNT_LOCKED', { details: { lockedUntil: outcome.lockedUntil.toISOString() } });
    }
    await deps.accounts.recordFailedLogin(account._id, outcome.failedLogins, now);
    throw new AppError('INVALID_CREDENTIALS');
  }
  // Only someone who knows the password learns that the account is disabled.
  if (account.status !== 'ACTIVE') throw new AppError('ACCOUNT_DISABLED');
  if (account.failedLogins > 0) await deps.accounts.clearFailedLogins(account._id);
  return openSession(deps, account);
}
