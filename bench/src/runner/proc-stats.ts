import { readFileSync } from 'node:fs';

/** Resident memory (VmRSS) in MiB from the text of /proc/<pid>/status; NaN when absent. */
export function parseVmRssMiB(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/**
 * CPU time (user + system) in clock ticks from the text of /proc/<pid>/stat. The command name
 * (field 2) may hold spaces and parentheses, so fields are counted after its last ')'.
 */
export function parseCpuTicks(stat: string): number {
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
  return Number(after[11]) + Number(after[12]);
}

/** Linux's USER_HZ: 100 on every mainstream kernel (sysconf(_SC_CLK_TCK)). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time every core spent busy (user, nice, system, irq, softirq, steal), in clock ticks, from
 * the first line of /proc/stat.
 */
export function parseMachineBusyTicks(stat: string): number {
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

/** The name under which `cpu()` reports the whole machine's busy CPU. */
export const MACHINE = 'machine';
/** The part of the machine's CPU that no watched process used (other work on a shared machine). */
export const OTHERS = 'other processes';

export function residentMiB(pid: number): number {
  try {
    return parseVmRssMiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

export function cpuSeconds(pid: number): number {
  try {
    return parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export interface Watched {
  name: string;
  pid: number;
}

/**
 * Samples every watched process's resident memory while load runs (the maximum is what a
 * container limit would have to allow), and their CPU per phase (what was busy: the limit).
 */
export class ProcessWatcher {
  private readonly maxUnderLoad = new Map<string, { mib: number; phase: string }>();
  private timer: NodeJS.Timeout | undefined;
  /** What is being measured now, kept with each maximum (which load made a process grow). */
  phase = '';

  constructor(private readonly watched: () => readonly Watched[]) {}

  /** Resident memory of each process now. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.watched().map((w) => [w.name, residentMiB(w.pid)]));
  }

  /** Samples every `intervalMs` until `stopSampling`, keeping each process's maximum. */
  startSampling(intervalMs = 200): void {
    this.stopSampling();
    const sample = () => {
      for (const [name, mib] of Object.entries(this.snapshot())) {
        if (Number.isFinite(mib) && mib > (this.maxUnderLoad.get(name)?.mib ?? 0)) {
          this.maxUnderLoad.set(name, { mib, phase: this.phase });
        }
      }
    };
    sample();
    this.timer = setInterval(sample, intervalMs);
    this.timer.unref();
  }

  stopSampling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  maxima(): Record<string, number> {
    return Object.fromEntries([...this.maxUnderLoad].map(([name, { mib }]) => [name, mib]));
  }

  /** The phase during which each process reached its maximum. */
  maximaPhases(): Record<string, string> {
    return Object.fromEntries([...this.maxUnderLoad].map(([name, { phase }]) => [name, phase]));
  }

  /**
   * CPU seconds each process has used so far, and the whole machine's (`machine`); the difference
   * of two readings is a phase's CPU.
   */
  cpu(): Record<string, number> {
    let machine = Number.NaN;
    try {
      machine = parseMachineBusyTicks(readFileSync('/proc/stat', 'utf8')) / TICKS_PER_SECOND;
    } catch {
      // not Linux: no machine figure
    }
    return {
      ...Object.fromEntries(this.watched().map((w) => [w.name, cpuSeconds(w.pid)])),
      [MACHINE]: machine,
    };
  }
}

/**
 * Cores each process used between two `cpu()` readings `elapsedMs` apart, and, when the machine's
 * figure is there, the cores used by processes not watched (`other processes`).
 */
export function coresBetween(
  before: Record<string, number>,
  after: Record<string, number>,
  elapsedMs: number,
): Record<string, number> {
  const cores: Record<string, number> = Object.fromEntries(
    Object.keys(after).map((name) => [name, ((after[name] ?? 0) - (before[name] ?? 0)) / (elapsedMs / 1000)]),
  );
  if (Number.isFinite(cores[MACHINE])) {
    const watched = Object.entries(cores)
      .filter(([name, value]) => name !== MACHINE && Number.isFinite(value))
      .reduce((sum, [, value]) => sum + value, 0);
    cores[OTHERS] = Math.max(0, cores[MACHINE]! - watched);
  }
  return cores;
}
