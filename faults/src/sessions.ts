/**
 * Clients keeping their sessions alive through the gateway (`refreshSession`, rotating refresh
 * tokens: each works once). The ledger holds each refresh attempted and the token it gave when
 * acknowledged; a client only ever holds the last token acknowledged to it, and after a failed
 * refresh tries again with that one, as an app would.
 */

const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { refreshToken } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { refreshToken } }`;

export interface SessionRefresh {
  seq: number;
  client: number;
  startedAt: number;
  endedAt?: number;
  outcome: 'pending' | 'acknowledged' | 'failed';
  failure?: string;
}

export interface SessionCheck {
  client: string;
  alive: boolean;
  reason?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SessionRefresher {
  readonly refreshes: SessionRefresh[] = [];
  /** Each client's last acknowledged refresh token. */
  private readonly tokens: string[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly gatewayUrl: string,
    private readonly accounts: ReadonlyArray<{ username: string; password: string }>,
    private readonly pauseMs: number,
    private readonly timeoutMs = 30_000,
  ) {}

  get inFlight(): number {
    return this.refreshes.filter((r) => r.outcome === 'pending').length;
  }

  get clients(): number {
    return this.accounts.length;
  }

  acknowledgedSince(at: number): Set<number> {
    return new Set(
      this.refreshes
        .filter((r) => r.outcome === 'acknowledged' && (r.endedAt ?? 0) > at)
        .map((r) => r.client),
    );
  }

  /** One session per client. */
  async open(): Promise<void> {
    for (const account of this.accounts) {
      const body = await this.call(LOGIN, { i: { username: account.username, password: account.password } });
      const token = (body.data as { login?: { refreshToken: string } } | undefined)?.login?.refreshToken;
      if (!token) throw new Error(`login of ${account.username} failed: ${JSON.stringify(body.errors)}`);
      this.tokens.push(token);
    }
  }

  start(): void {
    this.running = true;
    this.loops = this.accounts.map((_, client) => this.work(client));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Whether each client's last acknowledged token still refreshes its session (after the fault). */
  async check(): Promise<SessionCheck[]> {
    const checks: SessionCheck[] = [];
    for (const [client, account] of this.accounts.entries()) {
      const outcome = await this.refresh(client);
      checks.push({
        client: account.username,
        alive: outcome === true,
        ...(outcome === true ? {} : { reason: outcome }),
      });
    }
    return checks;
  }

  private async work(client: number): Promise<void> {
    while (this.running) {
      await this.refresh(client);
      await sleep(this.pauseMs);
    }
  }

  /** One refresh with the client's token; true, or why not. */
  private async refresh(client: number): Promise<true | string> {
    const attempt: SessionRefresh = {
      seq: this.refreshes.length,
      client,
      startedAt: Date.now(),
      outcome: 'pending',
    };
    this.refreshes.push(attempt);
    let reason: string;
    try {
      const body = await this.call(REFRESH, { t: this.tokens[client]! });
      const token = (body.data as { refreshSession?: { refreshToken: string } } | undefined)?.refreshSession
        ?.refreshToken;
      if (token && !body.errors?.length) {
        this.tokens[client] = token;
        attempt.outcome = 'acknowledged';
        attempt.endedAt = Date.now();
        return true;
      }
      reason = `HTTP ${body.status} ${(body.errors ?? []).map((e) => e.extensions?.code ?? e.message).join(',')}`;
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      reason = e.cause?.code ?? e.name;
    }
    attempt.outcome = 'failed';
    attempt.failure = reason;
    attempt.endedAt = Date.now();
    return reason;
  }

  private async call(
    query: string,
    variables: Record<string, unknown>,
  ): Promise<{
    status: number;
    data?: unknown;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  }> {
    const response = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    try {
      return { status: response.status, ...(JSON.parse(text) as object) };
    } catch {
      return { status: response.status, errors: [{ message: text.slice(0, 80) }] };
    }
  }
}
