import { Writable } from 'node:stream';
import { ERROR_CATALOGUE, fieldProblem, forbidden, validationFailed } from '@hocbaso/errors';
import type { GraphQLFormattedError } from 'graphql';
import { maskError } from './graphql-errors';
import { createLogger } from './logger';

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ service: 'test', destination }), lines };
}

/** What Apollo hands formatError for an error thrown in a resolver. */
function formattedFrom(
  error: { message: string; extensions?: Record<string, unknown> },
  stack = 'Error: x\n    at resolver (file.ts:1:1)',
) {
  return {
    message: error.message,
    path: ['student', 'grades'],
    locations: [{ line: 2, column: 3 }],
    extensions: { ...error.extensions, stacktrace: stack.split('\n') },
  } satisfies GraphQLFormattedError;
}

describe('maskError', () => {
  it('passes our coded errors through with their code and message, without the stack trace', () => {
    const { logger, lines } = capturingLogger();
    const error = forbidden();
    const masked = maskError(formattedFrom(error), error, logger, 'req-1');
    expect(masked).toEqual({
      message: ERROR_CATALOGUE.FORBIDDEN.vi,
      path: ['student', 'grades'],
      locations: [{ line: 2, column: 3 }],
      extensions: { code: 'FORBIDDEN' },
    });
    expect(lines).toHaveLength(0);
  });

  it('keeps the field errors of VALIDATION_FAILED', () => {
    const { logger, lines } = capturingLogger();
    const error = validationFailed([
      fieldProblem('password', 'WEAK_PASSWORD'),
      fieldProblem('username', 'CONFLICT', 'Đã có'),
    ]);
    const masked = maskError(formattedFrom(error), error, logger, 'req-2');
    expect(masked.message).toBe(ERROR_CATALOGUE.VALIDATION_FAILED.vi);
    expect(masked.extensions).toEqual({
      code: 'VALIDATION_FAILED',
      fieldErrors: [
        { field: 'password', code: 'WEAK_PASSWORD', message: ERROR_CATALOGUE.WEAK_PASSWORD.vi },
        { field: 'username', code: 'CONFLICT', message: 'Đã có' },
      ],
    });
    expect(masked.extensions).not.toHaveProperty('stacktrace');
    expect(lines).toHaveLength(0);
  });

  it("passes Apollo's operation errors (e.g. a query that does not validate)", () => {
    const { logger, lines } = capturingLogger();
    const formatted: GraphQLFormattedError = {
      message: 'Cannot query field "nope" on type "Query".',
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['GraphQLError: ...'] },
    };
    expect(maskError(formatted, new Error(formatted.message), logger)).toEqual({
      message: formatted.message,
      locations: formatted.locations,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(lines).toHaveLength(0);
  });

  it('masks an unknown error as INTERNAL in Vietnamese with the request id, and logs it once', () => {
    const { logger, lines } = capturingLogger();
    const original = new Error(
      'E11000 duplicate key error collection: identity.accounts index: username_1 dup key',
    );
    const formatted = formattedFrom(
      { message: original.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      original.stack,
    );
    const masked = maskError(formatted, original, logger, 'req-3');

    expect(masked).toEqual({
      message: ERROR_CATALOGUE.INTERNAL.vi,
      path: ['student', 'grades'],
      locations: [{ line: 2, column: 3 }],
      extensions: { code: 'INTERNAL', requestId: 'req-3' },
    });
    expect(JSON.stringify(masked)).not.toContain('E11000');

    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as {
      level: string;
      requestId: string;
      err: { message: string };
      path: unknown;
    };
    expect(record.level).toBe('error');
    expect(record.requestId).toBe('req-3');
    expect(record.err.message).toBe(original.message);
    expect(record.path).toEqual(['student', 'grades']);
  });

  it('passes an error a subgraph already masked without logging it again, keeping its request id', () => {
    const { logger, lines } = capturingLogger();
    const fromSubgraph: GraphQLFormattedError = {
      message: ERROR_CATALOGUE.INTERNAL.vi,
      path: ['me'],
      extensions: { code: 'INTERNAL', requestId: 'req-sub', serviceName: 'identity', stacktrace: ['x'] },
    };
    expect(maskError(fromSubgraph, new Error(fromSubgraph.message), logger)).toEqual({
      message: ERROR_CATALOGUE.INTERNAL.vi,
      path: ['me'],
      extensions: { code: 'INTERNAL', requestId: 'req-sub' },
    });
    expect(maskError(fromSubgraph, new Error(fromSubgraph.message), logger, 'req-gw').extensions).toEqual({
      code: 'INTERNAL',
      requestId: 'req-gw',
    });
    expect(lines).toHaveLength(0);
  });

  it('masks errors that claim a code we do not know, or the INTERNAL code itself', () => {
    const { logger, lines } = capturingLogger();
    const claimed = maskError(
      formattedFrom({ message: 'db down at 10.0.0.5', extensions: { code: 'ECONNREFUSED' } }),
      new Error('x'),
      logger,
    );
    expect(claimed.message).toBe(ERROR_CATALOGUE.INTERNAL.vi);
    expect(claimed.extensions).toEqual({ code: 'INTERNAL' });

    const internal = maskError(
      formattedFrom({ message: 'stack detail', extensions: { code: 'INTERNAL' } }),
      new Error('y'),
      logger,
    );
    expect(internal.message).toBe(ERROR_CATALOGUE.INTERNAL.vi);
    expect(internal.extensions).toEqual({ code: 'INTERNAL' });

    const noCode = maskError(
      { message: 'TypeError: cannot read x of undefined' },
      new TypeError('x'),
      logger,
    );
    expect(noCode.message).toBe(ERROR_CATALOGUE.INTERNAL.vi);
    expect(lines).toHaveLength(3);
  });
});
