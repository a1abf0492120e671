import { HeaderMap } from '@apollo/server';
import { ERROR_CATALOGUE } from '@hocbaso/errors';
import { GraphQLError } from 'graphql';
import type { AuthRequirements } from '../authz';
import type { OperationCheck } from '../operation-limits';
import { chargeAll, RateLimiter, type RateCharge, type RateDecision } from './rate-limiter';
import { PERSONAL_DATA_POLICY, rateLimitedUse, type RateLimitedUse } from './rate-limited-use';

export interface RateLimitSettings {
  loginPerAddress: number;
  loginPerUsername: number;
  personalReadsPerAccount: number;
  personalReadsPerAddress: number;
}

/** Who is asking, as far as the limits care. */
export interface Caller {
  /** The client address (the socket's, or X-Forwarded-For's from a trusted proxy). */
  address: string;
  accountId: string | null;
}

/** The gateway's rate limits (in memory, per instance: see RateLimiter). */
export class GatewayRateLimits {
  private readonly loginByAddress: RateLimiter;
  private readonly loginByUsername: RateLimiter;
  private readonly readsByAccount: RateLimiter;
  private readonly readsByAddress: RateLimiter;

  constructor(settings: RateLimitSettings, now: () => number = Date.now) {
    this.loginByAddress = new RateLimiter(
      { name: 'login.address', perMinute: settings.loginPerAddress },
      now,
    );
    this.loginByUsername = new RateLimiter(
      { name: 'login.username', perMinute: settings.loginPerUsername },
      now,
    );
    this.readsByAccount = new RateLimiter(
      { name: 'personalData.account', perMinute: settings.personalReadsPerAccount },
      now,
    );
    this.readsByAddress = new RateLimiter(
      { name: 'personalData.address', perMinute: settings.personalReadsPerAddress },
      now,
    );
  }

  /** Charges every limit the operation touches, all or nothing. */
  charge(use: RateLimitedUse, caller: Caller): RateDecision {
    const charges: RateCharge[] = [
      { limit: this.loginByAddress, key: caller.address, cost: use.sessionAttempts },
      { limit: this.readsByAddress, key: caller.address, cost: use.personalReads },
    ];
    const perUsername = new Map<string, number>();
    for (const username of use.usernames) {
      if (username) perUsername.set(username, (perUsername.get(username) ?? 0) + 1);
    }
    for (const [username, cost] of perUsername)
      charges.push({ limit: this.loginByUsername, key: username, cost });
    if (caller.accountId)
      charges.push({ limit: this.readsByAccount, key: caller.accountId, cost: use.personalReads });
    return chargeAll(charges);
  }
}

/** RATE_LIMITED, HTTP 429 with Retry-After: nothing of the operation ran. */
export function rateLimited(limit: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(
    `${ERROR_CATALOGUE.RATE_LIMITED.vi} Có thể thử lại sau ${retryAfterSeconds} giây.`,
    {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfterSeconds,
        details: { limit },
        http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
      },
    },
  );
}

/** Fields whose requirement includes the `student.personal` policy, as `Type.field`. */
export function personalDataFields(requirements: AuthRequirements): ReadonlySet<string> {
  const coordinates = new Set<string>();
  for (const [coordinate, requirement] of requirements.fields) {
    if (
      requirement.policies.some((alternatives) =>
        alternatives.some((all) => all.includes(PERSONAL_DATA_POLICY)),
      )
    )
      coordinates.add(coordinate);
  }
  return coordinates;
}

/** The rate limits as an operation check: `callerOf` reads the caller from the request's context. */
export function rateLimitCheck<TContext>(
  limits: GatewayRateLimits,
  personalFields: ReadonlySet<string>,
  callerOf: (context: TContext) => Caller,
): OperationCheck<TContext> {
  return ({ schema, operation, getFragment, variables, context }) => {
    const use = rateLimitedUse(schema, operation, getFragment, variables, (coordinate) =>
      personalFields.has(coordinate),
    );
    if (use.sessionAttempts === 0 && use.personalReads === 0) return undefined;
    const decision = limits.charge(use, callerOf(context));
    return decision.allowed ? undefined : rateLimited(decision.limit, decision.retryAfterSeconds);
  };
}
