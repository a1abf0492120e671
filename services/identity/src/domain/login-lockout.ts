export interface LockoutPolicy {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

export interface FailedLoginState {
  failedLogins: number;
  lastFailedLoginAt: Date | null;
}

export interface FailureOutcome {
  failedLogins: number;
  /** Set when this failure locks the account. */
  lockedUntil: Date | null;
}

/** Failures count within a sliding window; the N-th failure in the window locks the account. */
export function registerFailedLogin(
  state: FailedLoginState,
  now: Date,
  policy: LockoutPolicy,
): FailureOutcome {
  const withinWindow =
    state.lastFailedLoginAt !== null && now.getTime() - state.lastFailedLoginAt.getTime() <= policy.windowMs;
  const failedLogins = withinWindow ? state.failedLogins + 1 : 1;
  if (failedLogins >= policy.maxFailures) {
    return { failedLogins, lockedUntil: new Date(now.getTime() + policy.lockoutMs) };
  }
  return { failedLogins, lockedUntil: null };
}

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}
