import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A free TCP port on 127.0.0.1 (bound once, then released for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface StartedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** What it was started with: `restart` starts it again the same way (same port, same env). */
  spec: ProcessSpec;
}

export interface ProcessSpec {
  name: string;
  /** Arguments to node (an entry file, with --require flags before it). */
  args: string[];
  env: Record<string, string>;
  /** Polled until it answers 2xx. */
  readyUrl?: string;
  /** `ok`: the URL answers 2xx (a readiness route); `answers`: it answers at all (no such route). */
  readyWhen?: 'ok' | 'answers';
  readyTimeoutMs?: number;
}

/**
 * The processes a run starts, each its own OS process (so its resident memory is its own), logs
 * in the run's folder. `stopAll` ends them, first with SIGTERM (their graceful path), then SIGKILL.
 */
export class ProcessGroup {
  private readonly started: StartedProcess[] = [];
  private readonly logs: WriteStream[] = [];

  constructor(
    private readonly cwd: string,
    private readonly logDir: string,
  ) {}

  get all(): readonly StartedProcess[] {
    return this.started;
  }

  async start(spec: ProcessSpec): Promise<StartedProcess> {
    const logFile = path.join(this.logDir, `${spec.name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    this.logs.push(log);
    const child = spawn(process.execPath, spec.args, {
      cwd: this.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    if (child.pid === undefined) throw new Error(`${spec.name} did not start`);
    const started = { name: spec.name, pid: child.pid, child, logFile, spec };
    this.started.push(started);
    if (spec.readyUrl) {
      await this.untilReady(started, spec.readyUrl, spec.readyWhen ?? 'ok', spec.readyTimeoutMs ?? 60_000);
    }
    return started;
  }

  /** Runs a process to its end (a seed script); rejects on a non-zero exit. */
  async run(spec: ProcessSpec, timeoutMs = 120_000): Promise<void> {
    const started = await this.start(spec);
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => started.child.kill('SIGKILL'), timeoutMs);
      started.child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    if (code !== 0) throw new Error(`${spec.name} exited with ${code}; see ${started.logFile}`);
  }

  private async untilReady(
    started: StartedProcess,
    url: string,
    when: 'ok' | 'answers',
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (started.child.exitCode !== null || started.child.signalCode !== null) {
        throw new Error(`${started.name} exited while starting; see ${started.logFile}`);
      }
      try {
        const answer = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        if (answer.ok || when === 'answers') return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw new Error(`${started.name} not ready within ${timeoutMs} ms; see ${started.logFile}`);
  }

  /** Stops one process (SIGTERM, then SIGKILL after `graceMs`). */
  async stop(started: StartedProcess, graceMs = 10_000): Promise<void> {
    const { child } = started;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    const index = this.started.indexOf(started);
    if (index >= 0) this.started.splice(index, 1);
  }

  /**
   * Sends `signal` (SIGKILL by default: a crash, no graceful path) and waits for the exit; the
   * process leaves the group. The fault-injection suite kills services this way.
   */
  async kill(started: StartedProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const { child } = started;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    }
    const index = this.started.indexOf(started);
    if (index >= 0) this.started.splice(index, 1);
  }

  /** Starts the process again as it was first started (killed first if it still runs). */
  async restart(started: StartedProcess, readyTimeoutMs?: number): Promise<StartedProcess> {
    await this.kill(started);
    return this.start({ ...started.spec, ...(readyTimeoutMs ? { readyTimeoutMs } : {}) });
  }

  /** Stops every process still running, all at once (each drains on its own). */
  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all([...this.started].map((started) => this.stop(started, graceMs)));
    for (const log of this.logs) log.end();
  }

  /** Last resort on exit: SIGKILL to whatever is left, synchronously. */
  killAllNow(): void {
    for (const { child } of this.started) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}
