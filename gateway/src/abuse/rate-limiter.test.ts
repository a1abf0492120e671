import { chargeAll, RateLimiter } from './rate-limiter';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter (token bucket)', () => {
  it('lets a minute’s allowance through at once, then refuses with the wait until the next token', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ name: 'login.address', perMinute: 6 }, clock.now);
    for (let i = 0; i < 6; i++) {
      expect(chargeAll([{ limit: limiter, key: '10.0.0.1', cost: 1 }])).toEqual({ allowed: true });
    }
    // 6 a minute is one token every 10 s.
    expect(chargeAll([{ limit: limiter, key: '10.0.0.1', cost: 1 }])).toEqual({
      allowed: false,
      limit: 'login.address',
      retryAfterSeconds: 10,
    });
    clock.advance(4_000);
    expect(chargeAll([{ limit: limiter, key: '10.0.0.1', cost: 1 }])).toMatchObject({
      allowed: false,
      retryAfterSeconds: 6,
    });
    clock.advance(6_000);
    expect(chargeAll([{ limit: limiter, key: '10.0.0.1', cost: 1 }])).toEqual({ allowed: true });
    expect(chargeAll([{ limit: limiter, key: '10.0.0.1', cost: 1 }]).allowed).toBe(false);
  });

  it('keeps one bucket per key', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ name: 'reads.account', perMinute: 1 }, clock.now);
    expect(chargeAll([{ limit: limiter, key: 'a', cost: 1 }]).allowed).toBe(true);
    expect(chargeAll([{ limit: limiter, key: 'a', cost: 1 }]).allowed).toBe(false);
    expect(chargeAll([{ limit: limiter, key: 'b', cost: 1 }]).allowed).toBe(true);
  });

  it('refills up to the allowance only, however long the caller waited', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ name: 'x', perMinute: 2 }, clock.now);
    clock.advance(60 * 60_000);
    expect(chargeAll([{ limit: limiter, key: 'k', cost: 2 }]).allowed).toBe(true);
    expect(chargeAll([{ limit: limiter, key: 'k', cost: 1 }]).allowed).toBe(false);
  });

  it('charges a cost of several tokens (aliased fields) at once, and never fits one above the allowance', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ name: 'x', perMinute: 3 }, clock.now);
    expect(chargeAll([{ limit: limiter, key: 'k', cost: 4 }])).toEqual({
      allowed: false,
      limit: 'x',
      retryAfterSeconds: 60,
    });
    expect(chargeAll([{ limit: limiter, key: 'k', cost: 3 }]).allowed).toBe(true);
  });

  it('takes nothing from any limit when one of them refuses', () => {
    const clock = manualClock();
    const byAddress = new RateLimiter({ name: 'login.address', perMinute: 5 }, clock.now);
    const byUsername = new RateLimiter({ name: 'login.username', perMinute: 1 }, clock.now);
    const attempt = () =>
      chargeAll([
        { limit: byAddress, key: '10.0.0.1', cost: 1 },
        { limit: byUsername, key: 'an', cost: 1 },
      ]);
    expect(attempt().allowed).toBe(true);
    expect(attempt()).toMatchObject({ allowed: false, limit: 'login.username' });
    expect(attempt().allowed).toBe(false);
    // The address spent one token, not three: four more from it still pass.
    for (let i = 0; i < 4; i++) {
      expect(chargeAll([{ limit: byAddress, key: '10.0.0.1', cost: 1 }]).allowed).toBe(true);
    }
    expect(chargeAll([{ limit: byAddress, key: '10.0.0.1', cost: 1 }]).allowed).toBe(false);
  });

  it('forgets buckets that refilled, so many one-off keys do not grow memory without bound', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ name: 'x', perMinute: 60 }, clock.now);
    for (let i = 0; i < 10_000; i++) chargeAll([{ limit: limiter, key: `k${i}`, cost: 1 }]);
    expect(limiter.size).toBe(10_000);
    clock.advance(1_000); // one token back: every bucket is full again
    chargeAll([{ limit: limiter, key: 'new', cost: 1 }]);
    expect(limiter.size).toBe(1);
  });
});
