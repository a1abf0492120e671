/**
 * The consumers' own counts of handled and skipped (duplicate) events, from their Prometheus
 * `/metrics`. The stack gives each process a free metrics port (0), so the port is found among the
 * process's listening sockets (`ss`); the counts start again at each start of the process.
 */
import { execFileSync } from 'node:child_process';
import type { ConsumerCount } from './reconcile';

/** TCP ports a process listens on (empty when `ss` is not there). */
export function listeningPorts(pid: number): number[] {
  try {
    const out = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((line) => line.includes(`pid=${pid},`))
      .map((line) => Number(/:(\d+)$/.exec(line.split(/\s+/)[3] ?? '')?.[1]))
      .filter((port) => Number.isInteger(port) && port > 0);
  } catch {
    return [];
  }
}

/** `events_consumed_total` lines of the topic, by group. */
export function parseConsumed(
  text: string,
  topic: string,
): Map<string, { handled: number; duplicates: number }> {
  const groups = new Map<string, { handled: number; duplicates: number }>();
  for (const match of text.matchAll(/^events_consumed_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels.topic !== topic || !labels.group) continue;
    const counts = groups.get(labels.group) ?? { handled: 0, duplicates: 0 };
    if (labels.result === 'handled') counts.handled += Number(match[2]);
    if (labels.result === 'duplicate') counts.duplicates += Number(match[2]);
    groups.set(labels.group, counts);
  }
  return groups;
}

/** The consumer counts of one service process, or null when its metrics cannot be read. */
export async function consumerCounts(
  service: string,
  pid: number,
  topic: string,
): Promise<ConsumerCount[] | null> {
  for (const port of listeningPorts(pid)) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) continue;
      const text = await response.text();
      if (!text.includes('events_consumed_total')) continue;
      return [...parseConsumed(text, topic)].map(([group, counts]) => ({ service, group, ...counts }));
    } catch {
      // not the metrics port
    }
  }
  return null;
}
