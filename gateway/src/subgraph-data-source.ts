import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { ERROR_CATALOGUE, isErrorCode } from '@hocbaso/errors';
import type { Logger } from '@hocbaso/service-kit';
import { GraphQLError } from 'graphql';

/** GraphQL's own codes for an operation a subgraph refuses before any resolver runs. */
const OPERATION_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);

interface SubgraphErrorBody {
  errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }>;
}

/**
 * A subgraph that refuses an operation with HTTP 4xx and a GraphQL body (a variable its own
 * scalar refuses, e.g. a `Date` of "2025-02-30": BAD_USER_INPUT) is answered to the client with
 * the subgraph's code and message. @apollo/gateway's default turns any non-2xx answer into an
 * error without a code, which the gateway masks as INTERNAL: a user's typo reported as our fault.
 */
export class SubgraphDataSource<TContext extends BaseContext> extends RemoteGraphQLDataSource<TContext> {
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    if (response.status < 400 || response.status >= 500) return error;
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body as
      SubgraphErrorBody | undefined;
    const first =
      typeof body === 'object' && body !== null && Array.isArray(body.errors) ? body.errors[0] : undefined;
    const code = first?.extensions?.code;
    const relayed =
      typeof code === 'string' && (OPERATION_CODES.has(code) || (isErrorCode(code) && code !== 'INTERNAL'));
    if (!relayed || typeof first?.message !== 'string') return error;
    return new GraphQLError(first.message, { extensions: { code } });
  }
}

/** Codes of a call that did not get through to the subgraph (refused, reset, unresolvable). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function unreachableCode(error: unknown): string | undefined {
  const coded = error as { code?: unknown; errno?: unknown; cause?: { code?: unknown } };
  return [coded.code, coded.errno, coded.cause?.code].find(
    (code): code is string => typeof code === 'string' && UNREACHABLE.has(code),
  );
}

/**
 * A subgraph that cannot be reached (restarting, its pod moved) is a temporary outage, and the
 * user is told so (SERVICE_UNAVAILABLE: try again in a moment), not that we failed (INTERNAL).
 * The operator's log names the subgraph and the cause.
 */
export function unavailableWhenUnreachable<TInit, TResult>(
  fetcher: (url: string, init?: TInit) => Promise<TResult>,
  subgraph: string,
  logger: Logger,
): (url: string, init?: TInit) => Promise<TResult> {
  return async (url, init) => {
    try {
      return await fetcher(url, init);
    } catch (error) {
      const code = unreachableCode(error);
      if (!code) throw error;
      logger.warn({ subgraph, code }, 'subgraph unreachable');
      throw new GraphQLError(ERROR_CATALOGUE.SERVICE_UNAVAILABLE.vi, {
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
    }
  };
}
