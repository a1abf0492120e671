/**
 * The fault injectors. Each one breaks one thing while the bulk entry runs and puts it back the
 * way an operator's automation would (a supervisor restarting a crashed process with the same
 * configuration, the broker or the store started again); nothing else is touched, so whatever
 * else has to recover must recover by itself.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { REPO_ROOT, type PlatformStack } from '../../bench/src/platform/stack';
import type { StartedProcess } from '../../bench/src/runner/processes';
import { storeKind, type FaultName, type FaultOptions } from './env';
import type { Ledger } from './ledger';
import type { FaultRecord } from './reconcile';
import type { SessionRefresher } from './sessions';
import { publishAgain, readSince, type Offsets, type TopicMessage } from './topic';

export interface FaultContext {
  stack: PlatformStack;
  ledger: Ledger;
  kafka: Kafka;
  options: FaultOptions;
  topic: string;
  /** The topic's offsets when the run began. */
  from: Offsets;
  /** Whether a message is one of this run's events. */
  ours: (message: TopicMessage) => boolean;
  /** Clients refreshing their sessions (started only by the gateway restart). */
  sessions: SessionRefresher;
  log: (line: string) => void;
}

export interface Fault {
  name: FaultName;
  inject(context: FaultContext): Promise<FaultRecord>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (a little) until a write is in flight, so that a kill lands mid-request. */
async function untilInFlight(ledger: Ledger, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (ledger.inFlight === 0 && Date.now() < deadline) await sleep(10);
  return ledger.inFlight;
}

function runningProcess(stack: PlatformStack, name: string): StartedProcess {
  const found = [...stack.processes.all]
    .reverse()
    .find((p) => p.name === name && p.child.exitCode === null && p.child.signalCode === null);
  if (!found) throw new Error(`no running process named ${name}`);
  return found;
}

/** kill -9 of one process mid-request, down for `downMs`, then started again as before. */
function killProcess(name: FaultName, processName: string): Fault {
  return {
    name,
    async inject({ stack, ledger, options, log }) {
      const target = runningProcess(stack, processName);
      const inFlight = await untilInFlight(ledger);
      const startedAt = Date.now();
      await stack.processes.kill(target, 'SIGKILL');
      log(`${processName} (pid ${target.pid}) killed with SIGKILL, ${inFlight} writes in flight`);
      await sleep(options.downMs);
      // A slow store and a busy machine: a start may take a while, not forever.
      const again = await stack.processes.restart(target, 180_000);
      const endedAt = Date.now();
      log(`${processName} started again (pid ${again.pid}), ready after ${endedAt - startedAt} ms`);
      return {
        name,
        what: `kill -9 ${processName} mid-request, restarted after ${options.downMs} ms`,
        startedAt,
        endedAt,
        inFlight,
      };
    },
  };
}

/** A deploy/local script (they honour KAFKA_PORT, FERRETDB_PORT, HOCBASO_LOCAL_DIR from our environment). */
async function local(scriptName: string, action: string): Promise<void> {
  await promisify(execFile)('bash', [path.join(REPO_ROOT, 'deploy/local', scriptName), action], {
    timeout: 180_000,
  });
}

const kafkaOutage: Fault = {
  name: 'kafka-outage',
  async inject({ ledger, options, log }) {
    const inFlight = ledger.inFlight;
    const startedAt = Date.now();
    await local('kafka.sh', 'stop');
    log(`Kafka stopped (${Date.now() - startedAt} ms to stop); down for ${options.kafkaOutageMs} ms`);
    await sleep(options.kafkaOutageMs);
    await local('kafka.sh', 'start');
    const endedAt = Date.now();
    log(`Kafka started again after ${endedAt - startedAt} ms`);
    return {
      name: 'kafka-outage',
      what: `Kafka stopped for ${Math.round(options.kafkaOutageMs / 1000)} s, then started`,
      startedAt,
      endedAt,
      inFlight,
    };
  },
};

const storeRestart: Fault = {
  name: 'store-restart',
  async inject({ ledger, log }) {
    const kind = storeKind();
    if (kind !== 'ferretdb') {
      const now = Date.now();
      return {
        name: 'store-restart',
        what: '',
        startedAt: now,
        endedAt: now,
        skipped: `the store is ${kind === 'external' ? 'the given MONGODB_URI' : 'an in-memory mongod (a restart empties it)'}`,
      };
    }
    const inFlight = await untilInFlight(ledger);
    const startedAt = Date.now();
    await local('ferretdb.sh', 'stop');
    log(`FerretDB stopped (${Date.now() - startedAt} ms)`);
    await local('ferretdb.sh', 'start');
    const endedAt = Date.now();
    log(`FerretDB started again after ${endedAt - startedAt} ms`);
    return {
      name: 'store-restart',
      what: 'FerretDB stopped and started (deploy/local/ferretdb.sh)',
      startedAt,
      endedAt,
      inFlight,
    };
  },
};

/**
 * The run's newest events published again, `stormCopies` times each, newest first: a consumer that
 * applied a copy would go back to older marks, which the read-model check sees.
 */
const duplicateStorm: Fault = {
  name: 'duplicate-storm',
  async inject({ stack, kafka, topic, from, ours, options, log }) {
    const startedAt = Date.now();
    const all = (await readSince(kafka, topic, from, stack.group(`faults-storm-${startedAt}`))).filter(ours);
    // The newest events (per partition in publication order, which is what a student's order is).
    const messages = [...all].sort((a, b) => a.offset - b.offset).slice(-options.stormEvents);
    const copies = Array.from({ length: options.stormCopies }, () => [...messages].reverse()).flat();
    await publishAgain(kafka, topic, copies);
    const endedAt = Date.now();
    log(`duplicate storm: ${copies.length} copies of ${messages.length} events published again`);
    return {
      name: 'duplicate-storm',
      what: `${copies.length} copies of the run's newest ${messages.length} events, newest first`,
      startedAt,
      endedAt,
      stormCopies: copies.length,
    };
  },
};

/**
 * The gateway stopped (SIGTERM: it drains what is in flight) and started again while clients
 * refresh their sessions, one refresh in flight when it stops. Every client's last acknowledged
 * refresh token must still work afterwards: no session lost. With `SIGKILL` the refresh in flight
 * is cut off after identity may have rotated the token (see the README).
 */
function gatewayRestartWhileRefreshing(name: FaultName, signal: 'SIGTERM' | 'SIGKILL'): Fault {
  return {
    name,
    async inject({ stack, sessions, log }) {
      const gateway = runningProcess(stack, 'gateway');
      const before = sessions.refreshes.length;
      sessions.start();
      await sleep(2_000);
      const deadline = Date.now() + 10_000;
      while (sessions.inFlight === 0 && Date.now() < deadline) await sleep(5);
      const inFlight = sessions.inFlight;
      const startedAt = Date.now();
      await stack.processes.kill(gateway, signal);
      const again = await stack.processes.restart(gateway, 120_000);
      const endedAt = Date.now();
      log(
        `gateway stopped (${signal}) with ${inFlight} refreshes in flight, ready again (pid ${again.pid}) after ${endedAt - startedAt} ms`,
      );
      // Every client refreshes at least once through the new gateway, then the sessions are checked.
      const until = Date.now() + 60_000;
      while (sessions.acknowledgedSince(endedAt).size < sessions.clients && Date.now() < until)
        await sleep(200);
      await sessions.stop();
      const checks = await sessions.check();
      const lost = checks.filter((c) => !c.alive).map((c) => `${c.client}: ${c.reason}`);
      const refreshes = sessions.refreshes.slice(before);
      return {
        name,
        what: `gateway ${signal === 'SIGTERM' ? 'restarted (SIGTERM, drained)' : 'killed (-9) and restarted'} while ${sessions.clients} clients refreshed their sessions`,
        startedAt,
        endedAt,
        inFlight,
        sessions: {
          clients: sessions.clients,
          refreshes: refreshes.length,
          acknowledged: refreshes.filter((r) => r.outcome === 'acknowledged').length,
          failed: refreshes.filter((r) => r.outcome === 'failed').length,
          alive: checks.filter((c) => c.alive).length,
          failures: tally(refreshes.flatMap((r) => (r.failure ? [r.failure] : []))),
        },
        ...(lost.length ? { violation: `sessions lost: ${lost.join('; ')}` } : {}),
      };
    },
  };
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

export const FAULTS: Record<FaultName, Fault> = {
  'kill-identity': killProcess('kill-identity', 'identity'),
  'kill-students': killProcess('kill-students', 'students'),
  'kill-academics': killProcess('kill-academics', 'academics'),
  'kill-conduct': killProcess('kill-conduct', 'conduct'),
  'kill-signatures': killProcess('kill-signatures', 'signatures'),
  'kill-archive': killProcess('kill-archive', 'archive'),
  'kill-gateway': killProcess('kill-gateway', 'gateway'),
  'gateway-restart': gatewayRestartWhileRefreshing('gateway-restart', 'SIGTERM'),
  'kill-gateway-refresh': gatewayRestartWhileRefreshing('kill-gateway-refresh', 'SIGKILL'),
  'kafka-outage': kafkaOutage,
  'store-restart': storeRestart,
  'duplicate-storm': duplicateStorm,
};

/**
 * Injects a fault, then waits until the platform acknowledges writes again (every teacher at least
 * once), without touching anything: a platform that does not come back is a violation.
 */
export async function injectAndRecover(
  fault: Fault,
  context: FaultContext,
  recoveryTimeoutMs = 240_000,
): Promise<FaultRecord> {
  const record = await fault.inject(context);
  if (record.skipped) return record;
  const { ledger, options } = context;
  const deadline = Date.now() + recoveryTimeoutMs;
  while (ledger.acknowledgedSince(record.endedAt) < options.teachers && Date.now() < deadline)
    await sleep(200);
  const after = ledger.writes.filter(
    (w) => w.outcome === 'acknowledged' && (w.endedAt ?? 0) > record.endedAt,
  );
  if (after.length) record.recoveredAt = Math.min(...after.map((w) => w.endedAt!));
  if (ledger.acknowledgedSince(record.endedAt) < options.teachers)
    record.violation = `writes not acknowledged again within ${recoveryTimeoutMs / 1000} s`;
  return record;
}
