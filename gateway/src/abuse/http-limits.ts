import type { ApolloServer, BaseContext, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { ERROR_CATALOGUE } from '@hocbaso/errors';
import type { Logger } from '@hocbaso/service-kit';
import type express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { requestTimeout, runWithDeadline } from './request-deadline';

/** Answers with GraphQL errors before Apollo sees the request. */
export function sendErrors(
  res: express.Response,
  status: number,
  errors: GraphQLFormattedError[],
  headers: Record<string, string> = {},
): void {
  res.status(status).set(headers).json({ errors });
}

function tooLarge(detail: string, details: Record<string, unknown>): GraphQLFormattedError {
  return {
    message: `${ERROR_CATALOGUE.QUERY_TOO_COMPLEX.vi} ${detail}`,
    extensions: { code: 'QUERY_TOO_COMPLEX', details },
  };
}

/**
 * Checks what can be checked on the raw body, before any parsing of GraphQL: the number of
 * operations in a batch (BATCH_TOO_LARGE, 400) and each operation's text size (413).
 */
export function requestShapeLimits(limits: {
  maxOperations: number;
  maxQueryBytes: number;
}): express.RequestHandler {
  return (req, res, next) => {
    const body: unknown = req.body;
    if (Array.isArray(body) && body.length > limits.maxOperations) {
      sendErrors(res, 400, [
        {
          message: `${ERROR_CATALOGUE.BATCH_TOO_LARGE.vi} Tối đa ${limits.maxOperations} thao tác, yêu cầu có ${body.length}.`,
          extensions: {
            code: 'BATCH_TOO_LARGE',
            details: { limit: 'operations', max: limits.maxOperations, actual: body.length },
          },
        },
      ]);
      return;
    }
    for (const operation of Array.isArray(body) ? body : [body]) {
      const query = (operation as { query?: unknown } | undefined)?.query;
      if (typeof query === 'string' && Buffer.byteLength(query) > limits.maxQueryBytes) {
        sendErrors(res, 413, [
          tooLarge(`Nội dung truy vấn vượt quá ${limits.maxQueryBytes} byte.`, {
            limit: 'queryBytes',
            max: limits.maxQueryBytes,
            actual: Buffer.byteLength(query),
          }),
        ]);
        return;
      }
    }
    next();
  };
}

/**
 * Turns the body parser's refusals into GraphQL errors: a body above the limit (the variables
 * included) is 413 QUERY_TOO_COMPLEX, malformed JSON is 400 BAD_REQUEST.
 */
export function bodyErrors(maxRequestBytes: number): express.ErrorRequestHandler {
  return (error: { type?: string; status?: number }, _req, res, next) => {
    if (error.type === 'entity.too.large') {
      sendErrors(res, 413, [
        tooLarge(`Yêu cầu (kể cả biến) vượt quá ${maxRequestBytes} byte.`, {
          limit: 'requestBytes',
          max: maxRequestBytes,
        }),
      ]);
      return;
    }
    if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      sendErrors(res, error.status, [
        { message: ERROR_CATALOGUE.BAD_REQUEST.vi, extensions: { code: 'BAD_REQUEST' } },
      ]);
      return;
    }
    next(error);
  };
}

/**
 * Serves GraphQL over express like @as-integrations/express5, with a deadline: a request still
 * running after `timeoutMs` is answered 504 REQUEST_TIMEOUT and its subgraph fetches aborted.
 */
export function graphqlHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: express.Request) => Promise<TContext>,
  options: { timeoutMs: number; logger: Logger },
): express.RequestHandler {
  return async (req, res) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method.toUpperCase(),
      headers,
      search: new URL(req.originalUrl, 'http://gateway').search,
      body: req.body as unknown,
    };
    const outcome = await runWithDeadline(options.timeoutMs, () =>
      apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context(req) }),
    );
    if (outcome.timedOut) {
      options.logger.warn({ timeoutMs: options.timeoutMs }, 'request timed out');
      if (!res.headersSent) sendErrors(res, 504, [requestTimeout(options.timeoutMs)]);
      return;
    }
    const response = outcome.result;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.send(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
