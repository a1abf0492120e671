import { isLocked, registerFailedLogin, type FailedLoginState, type LockoutPolicy } from './login-lockout';

const MINUTE = 60_000;
const policy: LockoutPolicy = { maxFailures: 3, windowMs: 15 * MINUTE, lockoutMs: 30 * MINUTE };
const t0 = new Date('2026-03-02T08:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

/** Applies failures at the given offsets (ms after t0) as the login use case does. */
function failAt(offsets: number[], p: LockoutPolicy = policy) {
  let state: FailedLoginState = { failedLogins: 0, lastFailedLoginAt: null };
  return offsets.map((offset) => {
    const outcome = registerFailedLogin(state, at(offset), p);
    // Locking resets the counter (login.ts), otherwise the failure is recorded.
    state = outcome.lockedUntil
      ? { failedLogins: 0, lastFailedLoginAt: null }
      : { failedLogins: outcome.failedLogins, lastFailedLoginAt: at(offset) };
    return outcome;
  });
}

describe('registerFailedLogin', () => {
  it('counts the first failure as 1 and does not lock', () => {
    expect(registerFailedLogin({ failedLogins: 0, lastFailedLoginAt: null }, t0, policy)).toEqual({
      failedLogins: 1,
      lockedUntil: null,
    });
  });

  it('accumulates failures inside the window and locks on the N-th for lockoutMs', () => {
    const outcomes = failAt([0, 1 * MINUTE, 2 * MINUTE]);
    expect(outcomes.map((o) => o.failedLogins)).toEqual([1, 2, 3]);
    expect(outcomes[0]?.lockedUntil).toBeNull();
    expect(outcomes[1]?.lockedUntil).toBeNull();
    expect(outcomes[2]?.lockedUntil).toEqual(at(2 * MINUTE + policy.lockoutMs));
  });

  it.each([
    [3, [1, 2, 3]],
    [5, [1, 2, 3, 4, 5]],
  ])('with maxFailures %i locks exactly on that failure', (maxFailures, expectedCounts) => {
    const p = { ...policy, maxFailures };
    const outcomes = failAt(
      expectedCounts.map((i) => i * 1000),
      p,
    );
    expect(outcomes.map((o) => o.failedLogins)).toEqual(expectedCounts);
    expect(outcomes.map((o) => o.lockedUntil !== null)).toEqual(expectedCounts.map((n) => n === maxFailures));
  });

  it('measures the window from the previous failure (sliding), so slow steady failures still lock', () => {
    // Each failure 14 minutes after the previous one: every pair is inside the 15-minute window.
    const outcomes = failAt([0, 14 * MINUTE, 28 * MINUTE]);
    expect(outcomes.map((o) => o.failedLogins)).toEqual([1, 2, 3]);
    expect(outcomes[2]?.lockedUntil).toEqual(at(28 * MINUTE + policy.lockoutMs));
  });

  it('restarts the count at 1 for a failure after the window', () => {
    const state = { failedLogins: 2, lastFailedLoginAt: t0 };
    expect(registerFailedLogin(state, at(policy.windowMs + 1), policy)).toEqual({
      failedLogins: 1,
      lockedUntil: null,
    });
    expect(failAt([0, 1000, 1000 + policy.windowMs + 1]).map((o) => o.failedLogins)).toEqual([1, 2, 1]);
  });

  it('still counts a failure exactly at the end of the window', () => {
    const state = { failedLogins: 2, lastFailedLoginAt: t0 };
    expect(registerFailedLogin(state, at(policy.windowMs), policy)).toEqual({
      failedLogins: 3,
      lockedUntil: at(policy.windowMs + policy.lockoutMs),
    });
  });

  it('never locks when failures are spread wider than the window', () => {
    const outcomes = failAt(Array.from({ length: 10 }, (_, i) => i * (policy.windowMs + 1)));
    expect(outcomes.every((o) => o.failedLogins === 1 && o.lockedUntil === null)).toBe(true);
  });

  it('does not modify the state it is given', () => {
    const state = { failedLogins: 1, lastFailedLoginAt: t0 };
    registerFailedLogin(state, at(1000), policy);
    expect(state).toEqual({ failedLogins: 1, lastFailedLoginAt: t0 });
  });
});

describe('isLocked', () => {
  const until = at(30 * MINUTE);

  it.each([
    ['never locked', null, t0, false],
    ['well before the end of the lock', until, t0, true],
    ['one millisecond before the end', until, at(30 * MINUTE - 1), true],
    ['exactly at the end', until, until, false],
    ['after the end', until, at(30 * MINUTE + 1), false],
  ])('%s', (_case, lockedUntil, now, expected) => {
    expect(isLocked(lockedUntil, now)).toBe(expected);
  });

  it('is locked right after the locking failure and until lockoutMs later', () => {
    const locking = registerFailedLogin({ failedLogins: 2, lastFailedLoginAt: t0 }, at(1000), policy);
    expect(isLocked(locking.lockedUntil, at(1000))).toBe(true);
    expect(isLocked(locking.lockedUntil, at(1000 + policy.lockoutMs - 1))).toBe(true);
    expect(isLocked(locking.lockedUntil, at(1000 + policy.lockoutMs))).toBe(false);
  });
});
