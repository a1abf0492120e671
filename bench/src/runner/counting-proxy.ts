import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** A request a subgraph received through the proxy, with when it started and ended. */
export interface CapturedFetch {
  subgraph: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  startedAt: number;
  endedAt: number;
}

/**
 * A tiny HTTP proxy in front of one subgraph that counts the requests it receives (by path) and,
 * while capturing, keeps them. Used only by a separate counting gateway, so the proxy's hop never
 * sits in a measured latency.
 */
export class CountingProxy {
  readonly counts = new Map<string, number>();
  capturing = false;
  readonly captured: CapturedFetch[] = [];
  private readonly agent = new http.Agent({ keepAlive: true });
  private server: http.Server | undefined;
  url = '';

  constructor(
    readonly subgraph: string,
    private readonly target: URL,
  ) {}

  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => this.forward(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  total(pathPrefix = ''): number {
    let sum = 0;
    for (const [path, count] of this.counts) if (path.startsWith(pathPrefix)) sum += count;
    return sum;
  }

  reset(): void {
    this.counts.clear();
    this.captured.length = 0;
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const startedAt = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.counts.set(path, (this.counts.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: this.target.host };
      const outgoing = http.request(
        {
          agent: this.agent,
          hostname: this.target.hostname,
          port: this.target.port,
          path: req.url,
          method: req.method,
          headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => {
            if (!this.capturing) return;
            this.captured.push({
              subgraph: this.subgraph,
              path,
              headers: Object.fromEntries(
                Object.entries(req.headers).flatMap(([name, value]) =>
                  typeof value === 'string' ? [[name, value]] : [],
                ),
              ),
              body: body.toString('utf8'),
              startedAt,
              endedAt: performance.now(),
            });
          });
        },
      );
      outgoing.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      outgoing.end(body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * The order in which a gateway made one request's subgraph fetches, as stages: a fetch that
 * started before every fetch of the current stage had ended ran in parallel with them (it did
 * not wait for them); one that started after they all ended depended on them. Replaying the
 * stages in order, each in parallel, calls the subgraphs as the query plan did.
 */
export function fetchStages<T extends { startedAt: number; endedAt: number }>(fetches: readonly T[]): T[][] {
  const sorted = [...fetches].sort((a, b) => a.startedAt - b.startedAt);
  const stages: T[][] = [];
  let current: T[] = [];
  let currentFirstEnd = Number.POSITIVE_INFINITY;
  for (const fetch of sorted) {
    // Started after the current stage's first fetch had answered: it waited for that answer.
    if (current.length > 0 && fetch.startedAt >= currentFirstEnd) {
      stages.push(current);
      current = [];
      currentFirstEnd = Number.POSITIVE_INFINITY;
    }
    current.push(fetch);
    currentFirstEnd = Math.min(currentFirstEnd, fetch.endedAt);
  }
  if (current.length > 0) stages.push(current);
  return stages;
}
