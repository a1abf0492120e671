import { median, medianOfRuns, percentile, runFigures, type RunFigures } from './stats';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('is the value at or below which p% of the values lie', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('never invents a value between two observed ones', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 95)).toBe(40);
    expect(percentile([7], 95)).toBe(7);
  });

  it('is NaN without values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('runFigures', () => {
  it('derives percentiles, throughput and the load generator CPU from one run', () => {
    const figures = runFigures({
      latenciesMs: [30, 10, 20, 40],
      failures: 1,
      elapsedMs: 2_000,
      loadGeneratorCpuMs: 500,
    });
    expect(figures).toEqual({
      requests: 4,
      failures: 1,
      p50Ms: 20,
      p95Ms: 40,
      requestsPerSecond: 2,
      loadGeneratorCores: 0.25,
    });
  });
});

describe('medianOfRuns', () => {
  const run = (p50Ms: number, requestsPerSecond: number, failures = 0): RunFigures => ({
    requests: 10,
    failures,
    p50Ms,
    p95Ms: p50Ms * 2,
    requestsPerSecond,
    loadGeneratorCores: 0.1,
  });

  it('takes each figure’s median over the runs and sums requests and failures', () => {
    const figures = medianOfRuns([run(12, 100), run(10, 300, 2), run(50, 200)]);
    expect(figures).toMatchObject({
      runs: 3,
      requests: 30,
      failures: 2,
      p50Ms: 12,
      p95Ms: 24,
      requestsPerSecond: 200,
    });
  });
});
