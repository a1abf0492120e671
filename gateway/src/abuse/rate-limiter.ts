/**
 * Token buckets per key (an address, a username, an account): each holds up to `perMinute` tokens
 * and refills continuously at `perMinute` a minute, so a caller may burst a minute's allowance
 * and then goes at the steady rate.
 *
 * In memory, per gateway instance: with several instances each counts on its own, so the
 * effective limit is the configured one times the number of instances. A shared store (so that
 * all instances count together) belongs to the deployment work of issue 8.
 */
export interface RateLimit {
  /** Names the limit in errors and logs, e.g. `login.address`. */
  name: string;
  perMinute: number;
}

/** One charge against one limit: `cost` tokens from the bucket of `key`. */
export interface RateCharge {
  limit: RateLimiter;
  key: string;
  cost: number;
}

export type RateDecision = { allowed: true } | { allowed: false; limit: string; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MINUTE_MS = 60_000;
/** Above this many keys, buckets that refilled completely are dropped (they equal a fresh one). */
const SWEEP_ABOVE_KEYS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit.perMinute > 0)) throw new Error(`rate limit ${limit.name}: perMinute must be positive`);
    this.refillPerMs = limit.perMinute / MINUTE_MS;
  }

  /** Milliseconds until `cost` tokens are available for `key`; 0 when they are now. */
  waitFor(key: string, cost: number): number {
    if (cost > this.limit.perMinute) return Number.POSITIVE_INFINITY;
    const tokens = this.tokensOf(key, this.now());
    return tokens >= cost ? 0 : Math.ceil((cost - tokens) / this.refillPerMs);
  }

  /** Takes `cost` tokens; call only after `waitFor` said 0 (see `chargeAll`). */
  take(key: string, cost: number): void {
    const now = this.now();
    this.buckets.set(key, { tokens: this.tokensOf(key, now) - cost, updatedAt: now });
    if (this.buckets.size > SWEEP_ABOVE_KEYS) this.sweep(now);
  }

  get size(): number {
    return this.buckets.size;
  }

  private tokensOf(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.limit.perMinute;
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return Math.min(this.limit.perMinute, bucket.tokens + elapsed * this.refillPerMs);
  }

  private sweep(now: number): void {
    for (const key of this.buckets.keys()) {
      if (this.tokensOf(key, now) >= this.limit.perMinute) this.buckets.delete(key);
    }
  }
}

/**
 * All or nothing: the charges are taken only if every one of them fits, so a request refused by
 * one limit (say its username's) does not also use up another (its address's).
 */
export function chargeAll(charges: readonly RateCharge[]): RateDecision {
  let worst: { limit: string; waitMs: number } | undefined;
  for (const charge of charges) {
    if (charge.cost <= 0) continue;
    const waitMs = charge.limit.waitFor(charge.key, charge.cost);
    if (waitMs > 0 && (!worst || waitMs > worst.waitMs)) worst = { limit: charge.limit.limit.name, waitMs };
  }
  if (worst) {
    // A cost larger than a whole minute's allowance never fits: ask to wait the full minute.
    const waitMs = Number.isFinite(worst.waitMs) ? worst.waitMs : MINUTE_MS;
    return { allowed: false, limit: worst.limit, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
  for (const charge of charges) if (charge.cost > 0) charge.limit.take(charge.key, charge.cost);
  return { allowed: true };
}
