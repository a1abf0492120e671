/**
 * Several replicas of one subgraph behind one gateway, without a load balancer in front (a local
 * scaling run; in Kubernetes the Service balances and the gateway is given one URL).
 *
 * Calls take turns. A replica that refused a connection is passed over for `restMs`, and the call
 * goes to the next one: a refused connection carried nothing, so even a mutation is safe to send
 * again. Any other failure is the caller's answer (the replica may have acted on it).
 */
export class SubgraphReplicas {
  private next = 0;
  private readonly restingUntil: number[];

  constructor(
    readonly urls: readonly string[],
    private readonly restMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {
    if (urls.length === 0) throw new Error('a subgraph needs at least one URL');
    this.restingUntil = urls.map(() => 0);
  }

  /** The replicas in the order this call should try them: the next in turn first, resting ones last. */
  order(): string[] {
    const start = this.next;
    this.next = (this.next + 1) % this.urls.length;
    const turn = this.urls.map((_, i) => (start + i) % this.urls.length);
    const awake = turn.filter((i) => this.restingUntil[i]! <= this.now());
    const resting = turn.filter((i) => this.restingUntil[i]! > this.now());
    return [...awake, ...resting].map((i) => this.urls[i]!);
  }

  refused(url: string): void {
    const index = this.urls.indexOf(url);
    if (index >= 0) this.restingUntil[index] = this.now() + this.restMs;
  }
}

function connectionRefused(error: unknown): boolean {
  const coded = error as { code?: unknown; errno?: unknown; cause?: { code?: unknown } };
  return [coded.code, coded.errno, coded.cause?.code].includes('ECONNREFUSED');
}

/** A fetcher that sends each call to the replica in turn (the URL it is given is the first replica's). */
export function fetchFromReplicas<TInit, TResult>(
  fetcher: (url: string, init?: TInit) => Promise<TResult>,
  replicas: SubgraphReplicas,
): (url: string, init?: TInit) => Promise<TResult> {
  if (replicas.urls.length === 1) return fetcher;
  return async (_url, init) => {
    let lastError: unknown;
    for (const url of replicas.order()) {
      try {
        return await fetcher(url, init);
      } catch (error) {
        if (!connectionRefused(error)) throw error;
        replicas.refused(url);
        lastError = error;
      }
    }
    throw lastError;
  };
}
