/**
 * Resident memory (VmRSS from /proc/<pid>/status) of each service and of the gateways: idle (after
 * the data is loaded, before any load) and the maximum sampled during every load phase.
 */
import { atMost, type TargetCheck } from '../runner/targets';
import { formatNumber, formatTable, type Cell } from '../runner/table';
import { SERVICES } from '../platform/stack';
import type { BenchContext, ScenarioResult } from './context';

const LIMIT_MIB = 200;

export function reportMemory(context: BenchContext, idle: Record<string, number>): ScenarioResult {
  const underLoad = context.watcher.maxima();
  const phases = context.watcher.maximaPhases();
  // A process that had ended by then (identity's seed) has no figure: not listed.
  const names = [...new Set([...Object.keys(idle), ...Object.keys(underLoad)])].filter(
    (name) => Number.isFinite(idle[name] ?? Number.NaN) || Number.isFinite(underLoad[name] ?? Number.NaN),
  );
  const rows: Cell[][] = names.map((name) => [name, idle[name], underLoad[name], phases[name]]);
  const bounded = [...SERVICES, 'gateway'];
  const targets: TargetCheck[] = bounded.map((name) => {
    const verdict = atMost(underLoad[name] ?? Number.NaN, LIMIT_MIB);
    return {
      id: `memory-${name}`,
      target: `${name}: resident memory under load < ${LIMIT_MIB} MB`,
      measured: `${formatNumber(underLoad[name])} MiB`,
      verdict,
      ...(verdict === 'MISSED'
        ? { note: `idle ${formatNumber(idle[name])} MiB; the maximum during ${phases[name] ?? '?'} clients` }
        : {}),
    };
  });
  return {
    name: 'memory',
    tables: [
      formatTable(
        'Resident memory (MiB, VmRSS)',
        ['process', 'idle', 'max under load', 'max reached during'],
        rows,
      ),
    ],
    targets,
    figures: { idleMiB: idle, maxUnderLoadMiB: underLoad, maxReachedDuring: phases },
    failures: [],
  };
}
