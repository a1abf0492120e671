import type { FetcherResponse } from '@apollo/utils.fetcher';
import { ERROR_CATALOGUE } from '@hocbaso/errors';
import { closedPort, testLogger } from '@hocbaso/testkit';
import { SubgraphDataSource, unavailableWhenUnreachable } from './subgraph-data-source';

const source = new SubgraphDataSource({ url: 'http://127.0.0.1:1/graphql' });

function answer(status: number, body: unknown): FetcherResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/html' : 'application/json';
  return new Response(text, { status, headers: { 'content-type': type } }) as unknown as FetcherResponse;
}

describe('SubgraphDataSource.errorFromResponse', () => {
  it("passes on a subgraph's refusal of a variable (HTTP 400, BAD_USER_INPUT) with its code and message", async () => {
    const message = 'Variable "$input" got invalid value "2025-02-30" at "input.effectiveOn".';
    const error = await source.errorFromResponse(
      answer(400, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] }),
    );
    expect(error.message).toBe(message);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('passes on one of our codes from a 4xx answer, e.g. UNAUTHENTICATED', async () => {
    const message = ERROR_CATALOGUE.UNAUTHENTICATED.vi;
    const error = await source.errorFromResponse(
      answer(401, { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }),
    );
    expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(error.message).toBe(message);
  });

  it('keeps the default (no code: masked by the gateway) for 5xx, INTERNAL, unknown codes and non-GraphQL bodies', async () => {
    const cases = [
      answer(500, { errors: [{ message: 'boom', extensions: { code: 'BAD_USER_INPUT' } }] }),
      answer(400, { errors: [{ message: 'masked', extensions: { code: 'INTERNAL' } }] }),
      answer(400, { errors: [{ message: 'odd', extensions: { code: 'SOMETHING_ELSE' } }] }),
      answer(413, '<html>PayloadTooLargeError</html>'),
    ];
    for (const response of cases) {
      const error = await source.errorFromResponse(response);
      expect(error.extensions.code).toBeUndefined();
      expect(error.message).toMatch(/^\d{3}: /);
    }
  });
});

describe('unavailableWhenUnreachable', () => {
  it('tells the user that a subgraph refusing connections is unavailable for now, and logs which', async () => {
    const logger = testLogger('gateway');
    const url = `http://127.0.0.1:${await closedPort()}/graphql`;
    const fetcher = unavailableWhenUnreachable(new SubgraphDataSource({ url }).fetcher, 'students', logger);
    await expect(
      fetcher(url, {
        method: 'POST',
        body: '{"query":"{ __typename }"}',
        headers: { 'content-type': 'application/json' },
      }),
    ).rejects.toMatchObject({
      message: ERROR_CATALOGUE.SERVICE_UNAVAILABLE.vi,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(
      logger.lines.some((line) => line.includes('"subgraph":"students"') && line.includes('ECONNREFUSED')),
    ).toBe(true);
  });

  it('passes any other failure on unchanged (the gateway masks it and logs it)', async () => {
    const failing = async () => {
      throw new Error('unexpected answer');
    };
    await expect(
      unavailableWhenUnreachable(failing, 'students', testLogger('gateway'))('http://x'),
    ).rejects.toThrow('unexpected answer');
  });
});
