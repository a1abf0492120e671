/**
 * Runs a healthcheck command (`node -e ...`, as the image and compose run it) against a local HTTP
 * server, to show that the probe passes on a healthy answer and fails otherwise.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProbeTarget {
  port: number;
  /** Paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A server on a free loopback port answering `status` on every path. */
export async function startProbeTarget(status: number): Promise<ProbeTarget> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.statusCode = status;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: one just freed. */
export async function unusedPort(): Promise<number> {
  const target = await startProbeTarget(200);
  await target.close();
  return target.port;
}

/** The exit code of `command` (an exec-form command: program then arguments). */
export function exitCodeOf(command: string[], environment: Record<string, string> = {}): Promise<number> {
  const [program, ...args] = command;
  if (!program) throw new Error('empty command');
  return new Promise((resolve) => {
    execFile(
      program === 'node' ? process.execPath : program,
      args,
      { env: { PATH: process.env.PATH ?? '', ...environment }, timeout: 10_000 },
      (error) => resolve(error ? (typeof error.code === 'number' ? error.code : -1) : 0),
    );
  });
}
