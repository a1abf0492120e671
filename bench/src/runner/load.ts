import { performance } from 'node:perf_hooks';
import { runFigures, type RunFigures } from './stats';

export interface LoadOptions {
  /** Clients, each sending its next request when the previous one is answered (closed loop). */
  concurrency: number;
  durationMs: number;
  /** At least this many requests, even if the duration has passed (a slow query still gets a sample). */
  minRequests?: number;
  /** One request; resolves true when it succeeded. */
  send: () => Promise<boolean>;
}

export interface LoadRun extends RunFigures {
  /** The first failure's text, to print. */
  firstFailure?: string;
}

/**
 * Runs `concurrency` clients for `durationMs`, timing every request. The load generator's own CPU
 * is measured over the run, so a figure limited by the generator rather than the system shows it.
 */
export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const minRequests = options.minRequests ?? 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.durationMs;
  let sent = 0;
  const client = async () => {
    while (performance.now() < deadline || sent < minRequests) {
      sent++;
      const begin = performance.now();
      let ok: boolean;
      try {
        ok = await options.send();
      } catch (error) {
        ok = false;
        firstFailure ??= (error as Error).message;
      }
      latencies.push(performance.now() - begin);
      if (!ok) {
        failures++;
        firstFailure ??= 'failed answer';
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ...runFigures({
      latenciesMs: latencies,
      failures,
      elapsedMs,
      loadGeneratorCpuMs: (cpu.user + cpu.system) / 1000,
    }),
    ...(firstFailure ? { firstFailure } : {}),
  };
}
