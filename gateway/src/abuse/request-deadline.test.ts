import { abortOnDeadline, currentDeadlineSignal, deadlinePassed, runWithDeadline } from './request-deadline';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runWithDeadline', () => {
  it('returns the result of work that finishes in time, and rethrows its failure', async () => {
    await expect(runWithDeadline(1_000, async () => 42)).resolves.toEqual({ timedOut: false, result: 42 });
    await expect(
      runWithDeadline(1_000, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it('answers timedOut at the deadline and aborts the signal the work sees', async () => {
    let seen: AbortSignal | undefined;
    let passedAfterwards = false;
    const started = Date.now();
    const outcome = await runWithDeadline(50, async () => {
      seen = currentDeadlineSignal();
      await sleep(300);
      passedAfterwards = deadlinePassed();
      return 'late';
    });
    expect(outcome).toEqual({ timedOut: true });
    expect(Date.now() - started).toBeLessThan(250);
    expect(seen?.aborted).toBe(true);
    await sleep(300);
    expect(passedAfterwards).toBe(true);
  });

  it('hands the signal to fetches made inside, and none outside', async () => {
    const calls: Array<{ signal?: unknown }> = [];
    const fetcher = abortOnDeadline(async (_url: string, init?: { signal?: unknown }) => {
      calls.push(init ?? {});
      return 'ok';
    });
    await runWithDeadline(1_000, () => fetcher('http://subgraph/graphql', {}));
    await fetcher('http://subgraph/graphql', {});
    expect(calls[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(calls[1]?.signal).toBeUndefined();
  });
});
