/** The GraphQL API as the data setup uses it: through the gateway, as the school's people would. */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly codes: string[],
  ) {
    super(message);
  }
}

export class Api {
  private readonly tokens = new Map<string, { token: string; at: number }>();

  constructor(readonly url: string) {}

  async query<T>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: T;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    if (body.errors?.length || !body.data) {
      const errors = body.errors ?? [];
      throw new ApiError(
        errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ') || `HTTP ${response.status}`,
        errors.map((e) => e.extensions?.code ?? ''),
      );
    }
    return body.data;
  }

  /** An access token for the account, logged in again after 10 minutes (tokens live 15 at most). */
  async token(username: string, password: string): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached && Date.now() - cached.at < 10 * 60_000) return cached.token;
    const { login } = await this.query<{ login: { accessToken: string } }>(
      null,
      `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`,
      { i: { username, password } },
    );
    this.tokens.set(username, { token: login.accessToken, at: Date.now() });
    return login.accessToken;
  }
}

/** Retries while other services catch up from events, up to `timeoutMs`; the last error otherwise. */
export async function retrying<T>(work: () => Promise<T>, timeoutMs = 120_000, pauseMs = 300): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/**
 * Polls `progress` until it reports everything done. Read models catch up at the pace of the
 * store: waiting goes on while the count moves, and gives up after `stallMs` without progress.
 */
export async function untilCaughtUp(
  what: string,
  progress: () => Promise<{ done: number; total: number }>,
  stallMs = 90_000,
  pauseMs = 1_000,
): Promise<void> {
  let best = -1;
  let since = Date.now();
  for (;;) {
    const { done, total } = await progress();
    if (done >= total) return;
    if (done > best) {
      best = done;
      since = Date.now();
    } else if (Date.now() - since > stallMs) {
      throw new Error(`${what}: ${done} of ${total}, no progress for ${Math.round(stallMs / 1000)} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** Runs the tasks with at most `limit` at a time; rejects with the first failure. */
export async function inParallel<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
