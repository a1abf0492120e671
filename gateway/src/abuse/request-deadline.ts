import { AsyncLocalStorage } from 'node:async_hooks';
import { ERROR_CATALOGUE } from '@hocbaso/errors';
import type { GraphQLFormattedError } from 'graphql';

interface RequestScope {
  signal: AbortSignal;
}

/**
 * The deadline of the HTTP request being served, carried through the async calls it makes (so a
 * subgraph fetch deep inside the query plan can be aborted without threading it through Apollo).
 */
const scope = new AsyncLocalStorage<RequestScope>();

export type DeadlineOutcome<T> = { timedOut: false; result: T } | { timedOut: true };

/**
 * Runs `work` with a deadline: after `timeoutMs` the outcome is `timedOut` at once, and the
 * signal every subgraph fetch of this request listens to is aborted; whatever `work` produces
 * later is dropped.
 */
export async function runWithDeadline<T>(
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<DeadlineOutcome<T>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DeadlineOutcome<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`request timed out after ${timeoutMs} ms`));
      resolve({ timedOut: true });
    }, timeoutMs);
  });
  const settled = scope.run({ signal: controller.signal }, work).then(
    (result) => ({ timedOut: false as const, result }),
    (error: unknown) => ({ timedOut: false as const, error }),
  );
  try {
    const outcome = await Promise.race([settled, deadline]);
    if ('error' in outcome) throw outcome.error;
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/** The current request's abort signal, if it runs under a deadline. */
export function currentDeadlineSignal(): AbortSignal | undefined {
  return scope.getStore()?.signal;
}

/** Whether the current request already ran out of time (its late errors are not worth logging). */
export function deadlinePassed(): boolean {
  return scope.getStore()?.signal.aborted ?? false;
}

export function requestTimeout(timeoutMs: number): GraphQLFormattedError {
  return {
    message: `${ERROR_CATALOGUE.REQUEST_TIMEOUT.vi} Giới hạn thời gian: ${timeoutMs / 1000} giây.`,
    extensions: { code: 'REQUEST_TIMEOUT', timeoutMs },
  };
}

/** A subgraph fetcher whose requests are aborted when the request they serve times out. */
export function abortOnDeadline<TInit extends { signal?: unknown }, TResult>(
  fetcher: (url: string, init?: TInit) => Promise<TResult>,
): (url: string, init?: TInit) => Promise<TResult> {
  return (url, init) => {
    const signal = currentDeadlineSignal();
    return fetcher(url, signal ? ({ ...init, signal } as TInit) : init);
  };
}
