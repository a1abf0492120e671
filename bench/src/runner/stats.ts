/** Latencies and throughput of one measured run, and the median over repeated runs. */

/**
 * The p-th percentile (0..100) of ascending values, nearest-rank: the smallest value such that at
 * least p% of the values are at or below it. Nearest-rank never invents a latency nobody saw.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** The median of the values (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** What one run of a load measured. */
export interface RunFigures {
  requests: number;
  failures: number;
  p50Ms: number;
  p95Ms: number;
  requestsPerSecond: number;
  /** The load generator's own CPU over the run, in cores (1 = one core busy the whole time). */
  loadGeneratorCores: number;
}

export function runFigures(input: {
  latenciesMs: readonly number[];
  failures: number;
  elapsedMs: number;
  loadGeneratorCpuMs: number;
}): RunFigures {
  const sorted = [...input.latenciesMs].sort((a, b) => a - b);
  const seconds = input.elapsedMs / 1000;
  return {
    requests: sorted.length,
    failures: input.failures,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    requestsPerSecond: seconds > 0 ? sorted.length / seconds : 0,
    loadGeneratorCores: input.elapsedMs > 0 ? input.loadGeneratorCpuMs / input.elapsedMs : 0,
  };
}

/** A figure over repeated runs: the median of each run's value; failures are summed, not averaged away. */
export interface MedianFigures extends RunFigures {
  runs: number;
}

export function medianOfRuns(runs: readonly RunFigures[]): MedianFigures {
  const of = (pick: (run: RunFigures) => number) => median(runs.map(pick));
  return {
    runs: runs.length,
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    p50Ms: of((run) => run.p50Ms),
    p95Ms: of((run) => run.p95Ms),
    requestsPerSecond: of((run) => run.requestsPerSecond),
    loadGeneratorCores: of((run) => run.loadGeneratorCores),
  };
}
