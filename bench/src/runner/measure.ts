import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { runLoad, type LoadRun } from './load';
import { coresBetween, MACHINE, type ProcessWatcher } from './proc-stats';
import { medianOfRuns, type MedianFigures } from './stats';

export interface RepeatOptions {
  runs: number;
  durationMs: number;
  warmupMs: number;
  /** Each run takes at least this many requests (a slow query still gets a few samples). */
  minRequests: number;
}

/** One thing to measure: a way to send a request (throws or resolves false on a failure). */
export interface Variant {
  name: string;
  send: () => Promise<boolean>;
  /** Called before each run (a fresh access token, say). */
  beforeRun?: () => Promise<void>;
}

export interface Measured extends MedianFigures {
  perRun: LoadRun[];
  /** Cores each watched process used over the measured runs (not the warm-up). */
  cores: Record<string, number>;
  firstFailure?: string;
}

/**
 * Measures each variant `runs` times at one concurrency, interleaved (variant A run 1, B run 1,
 * A run 2, …) so a drift of the machine touches every variant alike; each after a warm-up that is
 * not counted. The figures are medians over the runs; memory is sampled throughout.
 */
export async function measureInterleaved(
  variants: readonly Variant[],
  concurrency: number,
  options: RepeatOptions,
  watcher: ProcessWatcher,
): Promise<Record<string, Measured>> {
  const runs = new Map<string, LoadRun[]>(variants.map((v) => [v.name, []]));
  const cpu = new Map<string, { spent: Record<string, number>; ms: number }>();
  watcher.startSampling();
  try {
    for (const variant of variants) {
      await variant.beforeRun?.();
      watcher.phase = `${variant.name} at ${concurrency}`;
      await runLoad({ concurrency, durationMs: options.warmupMs, send: variant.send });
    }
    for (let run = 0; run < options.runs; run++) {
      for (const variant of variants) {
        await variant.beforeRun?.();
        watcher.phase = `${variant.name} at ${concurrency}`;
        const before = watcher.cpu();
        const started = performance.now();
        const figures = await runLoad({
          concurrency,
          durationMs: options.durationMs,
          minRequests: options.minRequests,
          send: variant.send,
        });
        const elapsed = performance.now() - started;
        runs.get(variant.name)!.push(figures);
        const after = watcher.cpu();
        const entry = cpu.get(variant.name) ?? { spent: {}, ms: 0 };
        for (const [name, seconds] of Object.entries(after)) {
          entry.spent[name] = (entry.spent[name] ?? 0) + (seconds - (before[name] ?? seconds));
        }
        entry.ms += elapsed;
        cpu.set(variant.name, entry);
      }
    }
  } finally {
    watcher.stopSampling();
  }
  return Object.fromEntries(
    variants.map((variant) => {
      const perRun = runs.get(variant.name)!;
      const spent = cpu.get(variant.name);
      const firstFailure = perRun.find((r) => r.firstFailure)?.firstFailure;
      return [
        variant.name,
        {
          ...medianOfRuns(perRun),
          perRun,
          cores: spent ? coresBetween({}, spent.spent, spent.ms) : {},
          ...(firstFailure ? { firstFailure } : {}),
        },
      ];
    }),
  );
}

/**
 * The busiest processes of a measurement, for a note on what limits it, after how busy the whole
 * machine was: "machine 1.93/2; ferretdb 0.93, gateway 0.41".
 */
export function busiest(cores: Record<string, number>, count = 3, machineCores = os.cpus().length): string {
  const top = Object.entries(cores)
    .filter(([name, value]) => name !== MACHINE && Number.isFinite(value))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, value]) => `${name} ${value.toFixed(2)}`)
    .join(', ');
  const machine = cores[MACHINE];
  return machine !== undefined && Number.isFinite(machine)
    ? `machine ${machine.toFixed(2)}/${machineCores}; ${top}`
    : top;
}
