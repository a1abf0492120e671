import http from 'node:http';

/** One GraphQL request as the load generator sends it: body serialised once, headers fixed. */
export interface PreparedRequest {
  url: string;
  /** POST unless said (a GET has no body). */
  method?: 'GET' | 'POST';
  body: string;
  headers: Record<string, string>;
}

export interface Answer {
  status: number;
  body: string;
}

/**
 * A lean HTTP client for the load generator: node's http with keep-alive, no JSON parsing on the
 * hot path (fetch costs several times the CPU per request, and the load generator shares the
 * machine's two cores with what it measures).
 */
export class GraphQLClient {
  private readonly agent: http.Agent;

  constructor(maxSockets = 64) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  prepare(
    url: string,
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): PreparedRequest {
    return { url, body: JSON.stringify({ query, variables }), headers };
  }

  send(request: PreparedRequest): Promise<Answer> {
    const url = new URL(request.url);
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          agent: this.agent,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: request.method ?? 'POST',
          headers:
            request.method === 'GET'
              ? request.headers
              : {
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(request.body),
                  // Apollo Server's CSRF prevention wants a non-simple request; a real client sends this too.
                  'apollo-require-preflight': 'true',
                  ...request.headers,
                },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.method === 'GET' ? undefined : request.body);
    });
  }

  /** Parsed, for setup and checks (not the measured path). */
  async json<T>(
    request: PreparedRequest,
  ): Promise<{ status: number; data?: T; errors?: GraphQLErrorBody[] }> {
    const answer = await this.send(request);
    try {
      return {
        status: answer.status,
        ...(JSON.parse(answer.body) as { data?: T; errors?: GraphQLErrorBody[] }),
      };
    } catch {
      return { status: answer.status, errors: [{ message: answer.body.slice(0, 300) }] };
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string };
}

/**
 * Whether an answer failed: not 2xx, or a GraphQL `errors` member. A cheap test on the text: the
 * member is a top-level key of the JSON, and no field of these queries is named `errors`.
 */
export function failed(answer: Answer): boolean {
  return answer.status < 200 || answer.status >= 300 || answer.body.includes('"errors":');
}
