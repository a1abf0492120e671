import { getEventListeners } from 'node:events';
import { backoffDelay, sleep } from './retry';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 5_000 };

  it('stays between half the ceiling and the ceiling, the ceiling doubling per attempt', () => {
    const ceilings = [100, 200, 400, 800, 1_600, 3_200];
    ceilings.forEach((ceiling, attempt) => {
      expect(backoffDelay(attempt, options, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(attempt, options, () => 0.5)).toBe((ceiling * 3) / 4);
      // random() is in [0, 1): the closest it gets to 1 must still not exceed the ceiling.
      expect(backoffDelay(attempt, options, () => 0.999_999)).toBe(ceiling);
    });
  });

  it('caps the ceiling at maxMs, even for huge attempt numbers', () => {
    for (const attempt of [6, 7, 10, 50, 2_000]) {
      expect(backoffDelay(attempt, options, () => 0)).toBe(2_500);
      expect(backoffDelay(attempt, options, () => 0.999_999)).toBe(5_000);
    }
  });

  it('uses the given factor', () => {
    expect(backoffDelay(2, { initialMs: 100, maxMs: 10_000, factor: 3 }, () => 0)).toBe(450);
    expect(backoffDelay(2, { initialMs: 100, maxMs: 10_000, factor: 3 }, () => 0.999_999)).toBe(900);
  });

  it('with Math.random, always lands within the bounds', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(5_000, 100 * 2 ** attempt);
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe('sleep', () => {
  it('waits about the given time', async () => {
    const started = Date.now();
    await sleep(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('returns early when the signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await sleep(10_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(1_000);

    const again = Date.now();
    await sleep(10_000, controller.signal);
    expect(Date.now() - again).toBeLessThan(50);
  });

  it('leaves no listener behind on a long-lived signal once the delay has passed', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 15; i++) await sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
