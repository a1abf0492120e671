import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { isErrorCode } from '@hocbaso/errors';
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
