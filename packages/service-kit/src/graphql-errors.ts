import { ERROR_CATALOGUE, isErrorCode } from '@hocbaso/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger';

/** Apollo's own codes for problems with the operation itself: safe to show as they are. */
const OPERATION_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Errors with one of our codes reach the client as they are; anything else is logged once, with
 * the request id, and masked as INTERNAL so that no stack, query or database detail leaks.
 */
export function maskError(
  formatted: GraphQLFormattedError,
  original: unknown,
  logger: Logger,
  requestId?: string,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if ((isErrorCode(code) && code !== 'INTERNAL') || (typeof code === 'string' && OPERATION_CODES.has(code))) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  // Already masked by the subgraph that raised it (and logged there): pass on without logging twice.
  if (code === 'INTERNAL' && formatted.message === ERROR_CATALOGUE.INTERNAL.vi) {
    // Keep the request id the message asks the user to quote (the same id end to end).
    const passedId = requestId ?? formatted.extensions?.requestId;
    return {
      message: formatted.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code, ...(typeof passedId === 'string' ? { requestId: passedId } : {}) },
    };
  }
  logger.error({ err: original, path: formatted.path, requestId }, 'unexpected error');
  return {
    message: ERROR_CATALOGUE.INTERNAL.vi,
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL', ...(requestId ? { requestId } : {}) },
  };
}
