import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Infrastructure } from './stack';

const SCRIPT = 'deploy/local/infra.sh';

/** `export NAME=value` lines (infra.sh env) as a record. */
export function parseExports(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  }
  return values;
}

/** `[kafka] running (pid 123) …` lines (infra.sh status) as name → pid. */
export function parseStatusPids(text: string): Record<string, number> {
  return Object.fromEntries(
    [...text.matchAll(/\[([\w-]+)\] running \(pid (\d+)\)/g)].map((m) => [m[1]!, Number(m[2])]),
  );
}

/**
 * Kafka and the store, as scripts/test.sh gets them: started if not running (then stopped at the
 * end, unless KEEP_INFRA is set), addresses from `infra.sh env`.
 */
export function ensureInfrastructure(
  repoRoot: string,
  log: (line: string) => void,
): {
  infra: Infrastructure;
  /** The broker's and the store's processes, by name (their CPU and memory are watched too). */
  pids: Record<string, number>;
  stop: () => void;
} {
  const script = path.join(repoRoot, SCRIPT);
  const running = spawnSync('bash', [script, 'status'], { cwd: repoRoot, stdio: 'ignore' }).status === 0;
  // The store to stop is the one chosen before the addresses were read (as scripts/test.sh).
  const userMongoUri = process.env.MONGODB_URI;
  if (!running) {
    log('starting Kafka and the store (deploy/local/infra.sh start)');
    execFileSync('bash', [script, 'start'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const env = parseExports(execFileSync('bash', [script, 'env'], { cwd: repoRoot, encoding: 'utf8' }));
  const infra = {
    mongodbUri: env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/',
    kafkaBrokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  };
  const status = spawnSync('bash', [script, 'status'], { cwd: repoRoot, encoding: 'utf8' });
  return {
    infra,
    pids: parseStatusPids(`${status.stdout}${status.stderr}`),
    stop: () => {
      if (running || process.env.KEEP_INFRA) return;
      const env = { ...process.env };
      if (userMongoUri === undefined) delete env.MONGODB_URI;
      spawnSync('bash', [script, 'stop'], { cwd: repoRoot, stdio: 'inherit', env });
    },
  };
}
