import { createHash } from 'node:crypto';
import http from 'node:http';
import { ERROR_CATALOGUE } from '@hocbaso/errors';
import { closedPort, testLogger } from '@hocbaso/testkit';
import { readManifest } from '../src/abuse/persisted-operations';
import { DEFAULT_MANIFEST_PATH } from '../src/abuse/operations-manifest';
import { gatewayConfigSchema, type GatewayConfig } from '../src/env';
import { createGatewayServer, type GatewayServer } from '../src/server';
import { TestStack } from './stack';

jest.setTimeout(60_000);

interface GraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}
interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
}
interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A raw POST: single operations, batches, extensions, any headers. */
async function post<T = GraphQLBody>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const codeOf = (answer: { body: GraphQLBody }) => answer.body.errors?.[0]?.extensions?.code;

/**
 * A stand-in for a subgraph, over real HTTP: counts the calls it gets, answers `reply` after
 * `delayMs`, and notices when the gateway drops a call before the answer.
 */
async function fakeSubgraph(reply: unknown, delayMs = 0) {
  const calls = { received: 0, dropped: 0 };
  const server = http.createServer((req, res) => {
    calls.received += 1;
    req.resume();
    const timer = setTimeout(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply)),
      delayMs,
    );
    res.on('close', () => {
      if (!res.writableFinished) {
        calls.dropped += 1;
        clearTimeout(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    calls,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('operation limits and error masking at the gateway', () => {
  let stack: TestStack;
  let token: string;
  let schoolId: string;
  let adminUsername: string;
  const extraGateways: GatewayServer[] = [];
  const fakes: Array<{ close(): Promise<void> }> = [];

  /** Another gateway in front of the same identity service, with its own configuration. */
  async function gatewayWith(overrides: Record<string, string>): Promise<string> {
    const config = gatewayConfigSchema.parse({
      INTERNAL_IDENTITY_SECRET: stack.secret,
      IDENTITY_BASE_URL: stack.identityUrl,
      SUBGRAPH_IDENTITY_URL: `${stack.identityUrl}/graphql`,
      GATEWAY_PORT: '0',
      GATEWAY_METRICS_PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...overrides,
    }) as GatewayConfig;
    const gateway = await createGatewayServer(config, testLogger('gateway'));
    extraGateways.push(gateway);
    return `http://127.0.0.1:${await gateway.listen()}/graphql`;
  }

  beforeAll(async () => {
    stack = await TestStack.start();
    const { admin, school } = await stack.createSchoolWithAdmin('limits');
    schoolId = school._id;
    adminUsername = admin.username;
    token = (await stack.login(admin.username, admin.password)).accessToken;
  });
  afterAll(async () => {
    for (const gateway of extraGateways) await gateway.close();
    for (const fake of fakes) await fake.close();
    await stack.stop();
  });

  describe('the shape of an operation (default limits)', () => {
    it('refuses an operation deeper than the limit, before anything is fetched', async () => {
      // Account → teachingAssignments → teacher → teachingAssignments → … (default limit 12)
      let selection = 'id';
      for (let i = 0; i < 7; i++) selection = `teachingAssignments { teacher { ${selection} } }`;
      const result = await stack.query(`{ me { ${selection} } }`, {}, token);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(result.errors?.[0]?.message).toContain(ERROR_CATALOGUE.QUERY_TOO_COMPLEX.vi);
      expect(result.errors?.[0]?.extensions?.details).toEqual({ limit: 'depth', max: 12, actual: 16 });
    });

    it('accepts the same shape within the limit', async () => {
      const result = await stack.query(`{ me { teachingAssignments { teacher { id } } } }`, {}, token);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ me: { teachingAssignments: [] } });
    });

    it('refuses too many aliases', async () => {
      const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: me { id }`).join(' ');
      const result = await stack.query(`{ ${aliases} }`, {}, token);
      expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(result.errors?.[0]?.extensions?.details).toEqual({ limit: 'aliases', max: 30, actual: 31 });
    });

    it('refuses too many root fields (breadth)', async () => {
      const fields = Array.from({ length: 16 }, (_, i) => `f${i}: me { id }`).join(' ');
      const result = await stack.query(`{ ${fields} }`, {}, token);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
        details: { limit: 'rootFields', max: 15, actual: 16 },
      });
      const fifteen = Array.from({ length: 15 }, (_, i) => `f${i}: me { id }`).join(' ');
      expect((await stack.query(`{ ${fifteen} }`, {}, token)).errors).toBeUndefined();
    });

    it('refuses a small document that fans out into too many fields', async () => {
      // Each fragment spreads the next twice: 2^11 = 2048 `id`s once expanded, in 700 bytes.
      const levels = Array.from(
        { length: 11 },
        (_, i) => `fragment F${i} on Account { ...F${i + 1} ...F${i + 1} }`,
      );
      const query = `{ me { ...F0 } } ${levels.join(' ')} fragment F11 on Account { id }`;
      const result = await stack.query(query, {}, token);
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
        details: { limit: 'selections', max: 2000 },
      });
    });

    it('refuses an operation whose estimated cost is too high: every class, every student, every result', async () => {
      const query = `query($y: String!) {
        classes(schoolYear: $y) { name students { fullName results(schoolYear: $y) { subject { code } year { average } } } }
      }`;
      const result = await stack.query(query, { y: '2025-2026' }, token);
      expect(result.status).toBe(400);
      expect(result.data ?? null).toBeNull();
      // 1 + 50 × (name 1 + students (1 + 50 × (fullName 1 + results (1 + 50 × (subject 2 + year 2)))))
      const actual = 1 + 50 * (1 + (1 + 50 * (1 + (1 + 50 * 4))));
      expect(result.errors?.[0]?.extensions).toEqual({
        code: 'QUERY_TOO_COSTLY',
        details: { limit: 'cost', max: 30_000, actual },
      });
      expect(result.errors?.[0]?.message).toContain(ERROR_CATALOGUE.QUERY_TOO_COSTLY.vi);
    });

    it('refuses an oversized operation text with 413', async () => {
      const padding = ' '.repeat(25_000);
      const result = await stack.query(`{ me { id }${padding}}`, {}, token);
      expect(result.status).toBe(413);
      expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    });

    it('refuses oversized variables with 413: the whole body is bounded', async () => {
      const answer = await post(
        stack.url,
        { query: 'query($blob: String) { me { id } }', variables: { blob: 'x'.repeat(2_100_000) } },
        bearer(token),
      );
      expect(answer.status).toBe(413);
      expect(answer.body.errors?.[0]?.extensions).toEqual({
        code: 'QUERY_TOO_COMPLEX',
        details: { limit: 'requestBytes', max: 2_000_000 },
      });
    });

    it('answers malformed JSON with BAD_REQUEST', async () => {
      const answer = await post(stack.url, '{"query": ', bearer(token));
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe('BAD_REQUEST');
    });

    it('keeps introspection closed unless it is switched on, and suggests field names in development', async () => {
      const result = await stack.query(`{ __schema { types { name } } }`, {}, token);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

      const typo = await stack.query(`{ mee { id } }`, {}, token);
      expect(typo.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(typo.errors?.[0]?.message).toContain('Did you mean "me"?');
    });

    it('echoes a valid request id to the subgraphs, so logs of one request can be joined', async () => {
      const result = await stack.query(
        `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
        {
          i: {
            schoolId,
            username: 'limits.reqid',
            displayName: 'Thử mã yêu cầu',
            password: 'Mat-khau-2026-xyz',
          },
        },
        token,
        { 'x-request-id': 'req-limits-000001' },
      );
      expect(result.errors).toBeUndefined();
      const id = (result.data as { createAccount: { id: string } }).createAccount.id;
      expect(await stack.identity.relay.flush(20_000)).toBe(true);
      const account = await stack.identity.deps.accounts.findById(id);
      expect(account?.username).toBe('limits.reqid');
    });
  });

  describe('batches', () => {
    it('runs a batch within the limit, each operation on its own limits', async () => {
      let deep = 'id';
      for (let i = 0; i < 7; i++) deep = `teachingAssignments { teacher { ${deep} } }`;
      const answer = await post<GraphQLBody[]>(
        stack.url,
        [{ query: '{ me { id } }' }, { query: `{ me { ${deep} } }` }, { query: '{ me { username } }' }],
        bearer(token),
      );
      expect(answer.body).toHaveLength(3);
      expect(answer.body[0]?.data).toEqual({ me: { id: expect.any(String) } });
      expect(answer.body[1]?.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(answer.body[2]?.data).toEqual({ me: { username: adminUsername } });
    });

    it('refuses a batch of more operations than allowed, running none of them', async () => {
      const usernames = Array.from({ length: 6 }, (_, i) => `limits.batch${i}`);
      const answer = await post(
        stack.url,
        usernames.map((username) => ({
          query: 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
          variables: { i: { schoolId, username, displayName: 'Lô quá lớn', password: 'Mat-khau-2026-xyz' } },
        })),
        bearer(token),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.extensions).toEqual({
        code: 'BATCH_TOO_LARGE',
        details: { limit: 'operations', max: 5, actual: 6 },
      });
      expect(answer.body.errors?.[0]?.message).toContain(ERROR_CATALOGUE.BATCH_TOO_LARGE.vi);
      for (const username of usernames) {
        expect(await stack.identity.deps.accounts.findByUsername(username)).toBeNull();
      }
    });
  });

  describe('automatic persisted queries (development)', () => {
    it('asks for an unknown hash’s text once, then runs it by hash alone', async () => {
      const query = '{ me { id username } }';
      const persistedQuery = { version: 1, sha256Hash: sha256(query) };
      const unknown = await post(stack.url, { extensions: { persistedQuery } }, bearer(token));
      expect(codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_FOUND');

      const registered = await post(stack.url, { query, extensions: { persistedQuery } }, bearer(token));
      expect(registered.body.errors).toBeUndefined();
      const byHash = await post(stack.url, { extensions: { persistedQuery } }, bearer(token));
      expect(byHash.body).toEqual({ data: { me: { id: expect.any(String), username: adminUsername } } });
    });
  });

  describe('rate limits', () => {
    let tightUrl: string;
    let students: Awaited<ReturnType<typeof fakeSubgraph>>;
    const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }';
    const login = (username: string, password: string, address: string) =>
      post(
        tightUrl,
        { query: LOGIN, variables: { i: { username, password } } },
        { 'x-forwarded-for': address },
      );

    beforeAll(async () => {
      students = await fakeSubgraph({ data: { student: null } });
      fakes.push(students);
      // Behind a trusted proxy (this test), each test speaks from addresses of its own.
      tightUrl = await gatewayWith({
        TRUSTED_PROXIES: '127.0.0.1',
        LOGIN_RATE_PER_ADDRESS_PER_MINUTE: '3',
        LOGIN_RATE_PER_USERNAME_PER_MINUTE: '2',
        PERSONAL_DATA_READS_PER_ACCOUNT_PER_MINUTE: '2',
        SUBGRAPH_STUDENTS_URL: students.url,
      });
    });

    it('limits logins per client address: 429, Retry-After, RATE_LIMITED, whatever the username', async () => {
      for (let i = 0; i < 3; i++) {
        expect(codeOf(await login(`limits.nobody${i}`, 'Sai-mat-khau-1', '10.1.0.1'))).toBe(
          'INVALID_CREDENTIALS',
        );
      }
      const refused = await login('limits.nobody3', 'Sai-mat-khau-1', '10.1.0.1');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.body.data ?? null).toBeNull();
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterSeconds: Number(refused.headers.get('retry-after')),
        details: { limit: 'login.address' },
      });
      expect(refused.body.errors?.[0]?.message).toContain(ERROR_CATALOGUE.RATE_LIMITED.vi);
      // Another address is not affected.
      expect(codeOf(await login('limits.nobody4', 'Sai-mat-khau-1', '10.1.0.2'))).toBe('INVALID_CREDENTIALS');
    });

    it('limits logins per username from any address, before identity locks the account', async () => {
      const account = await stack.createAccount(schoolId, 'limits.guess');
      expect(codeOf(await login(account.username, 'Sai-mat-khau-1', '10.2.0.1'))).toBe('INVALID_CREDENTIALS');
      expect(codeOf(await login(account.username.toUpperCase(), 'Sai-mat-khau-2', '10.2.0.2'))).toBe(
        'INVALID_CREDENTIALS',
      );
      // Identity would lock after 3 failures (LOGIN_MAX_FAILURES in TestStack): the gateway stops the 3rd.
      const third = await login(account.username, 'Sai-mat-khau-3', '10.2.0.3');
      expect(third.status).toBe(429);
      expect(third.body.errors?.[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        details: { limit: 'login.username' },
      });
      // The account is not locked: the right password works through a gateway of its own.
      await expect(stack.login(account.username, account.password)).resolves.toMatchObject({
        accessToken: expect.any(String),
      });
    });

    it('counts every operation of a batch', async () => {
      const answer = await post<GraphQLBody[]>(
        tightUrl,
        Array.from({ length: 4 }, (_, i) => ({
          query: LOGIN,
          variables: { i: { username: `limits.batchlogin${i}`, password: 'Sai-mat-khau-1' } },
        })),
        { 'x-forwarded-for': '10.3.0.1' },
      );
      expect(answer.status).toBe(429);
      const codes = answer.body.map((one) => one.errors?.[0]?.extensions?.code).sort();
      expect(codes).toEqual([
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'RATE_LIMITED',
      ]);
    });

    it('limits reads of students’ personal data per account, without calling the subgraph', async () => {
      const STUDENT = 'query($id: ID!) { student(id: $id) { id fullName } }';
      const read = (address: string) =>
        post(
          tightUrl,
          { query: STUDENT, variables: { id: 'student-1' } },
          { ...bearer(token), 'x-forwarded-for': address },
        );
      expect((await read('10.4.0.1')).body).toEqual({ data: { student: null } });
      expect((await read('10.4.0.2')).body).toEqual({ data: { student: null } });
      expect(students.calls.received).toBe(2);
      const refused = await read('10.4.0.3');
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        details: { limit: 'personalData.account' },
      });
      expect(students.calls.received).toBe(2);
      // Reads of no one's personal data go on.
      const me = await post(tightUrl, { query: '{ me { id } }' }, bearer(token));
      expect(me.body.errors).toBeUndefined();
    });
  });

  describe('the time limit, and X-Forwarded-For from an untrusted peer', () => {
    let slowUrl: string;
    let slowStudents: Awaited<ReturnType<typeof fakeSubgraph>>;

    beforeAll(async () => {
      slowStudents = await fakeSubgraph({ data: { student: null } }, 10_000);
      fakes.push(slowStudents);
      slowUrl = await gatewayWith({
        REQUEST_TIMEOUT_MS: '400',
        LOGIN_RATE_PER_ADDRESS_PER_MINUTE: '2',
        SUBGRAPH_STUDENTS_URL: slowStudents.url,
      });
    });

    it('answers REQUEST_TIMEOUT (504) when a subgraph is too slow, and drops the subgraph call', async () => {
      const started = Date.now();
      const answer = await post(
        slowUrl,
        { query: 'query($id: ID!) { student(id: $id) { id } }', variables: { id: 'student-1' } },
        bearer(token),
      );
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(answer.status).toBe(504);
      expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'REQUEST_TIMEOUT', timeoutMs: 400 });
      expect(answer.body.errors?.[0]?.message).toContain(ERROR_CATALOGUE.REQUEST_TIMEOUT.vi);
      const deadline = Date.now() + 3_000;
      while (slowStudents.calls.dropped === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      expect(slowStudents.calls).toEqual({ received: 1, dropped: 1 });
    });

    it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
      const attempt = (address: string) =>
        post(
          slowUrl,
          {
            query:
              'mutation { login(input: { username: "limits.spoof", password: "Sai-mat-khau-1" }) { accessToken } }',
          },
          { 'x-forwarded-for': address },
        );
      expect(codeOf(await attempt('10.5.0.1'))).toBe('INVALID_CREDENTIALS');
      expect(codeOf(await attempt('10.5.0.2'))).toBe('INVALID_CREDENTIALS');
      expect(codeOf(await attempt('10.5.0.3'))).toBe('RATE_LIMITED');
    });
  });

  describe('the production profile', () => {
    let allowListUrl: string;
    let offUrl: string;
    const manifest = readManifest(DEFAULT_MANIFEST_PATH);
    const listed = (name: string) => manifest.operations.find((operation) => operation.name === name)!;

    beforeAll(async () => {
      allowListUrl = await gatewayWith({ GATEWAY_PROFILE: 'production' });
      offUrl = await gatewayWith({ GATEWAY_PROFILE: 'production', PERSISTED_OPERATIONS: 'off' });
    });

    it('runs only the manifest’s operations: by hash, or by their exact text', async () => {
      const account = await stack.createAccount(schoolId, 'limits.listed');
      const byHash = await post<{ data?: { login: { accessToken: string } }; errors?: unknown }>(
        allowListUrl,
        {
          operationName: 'Login',
          variables: { input: { username: account.username, password: account.password } },
          extensions: { persistedQuery: { version: 1, sha256Hash: listed('Login').id } },
        },
      );
      expect(byHash.body.errors).toBeUndefined();
      const accessToken = byHash.body.data!.login.accessToken;

      const byText = await post(allowListUrl, { query: listed('Me').body }, bearer(accessToken));
      expect(byText.body.errors).toBeUndefined();
      expect(byText.body.data).toMatchObject({ me: { username: account.username } });
    });

    it('refuses any other operation, by text or by hash, and registers nothing', async () => {
      const query = '{ me { id } }';
      const persistedQuery = { version: 1, sha256Hash: sha256(query) };
      for (const body of [
        { query },
        { query: `${listed('Me').body} ` }, // not the exact listed text
        { extensions: { persistedQuery } },
        { query, extensions: { persistedQuery } }, // an APQ registration
        { extensions: { persistedQuery } },
      ]) {
        const answer = await post(allowListUrl, body, bearer(token));
        expect(answer.status).toBe(400);
        expect(answer.body.errors?.[0]).toEqual({
          message: ERROR_CATALOGUE.PERSISTED_QUERY_NOT_ALLOWED.vi,
          extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' },
        });
      }
    });

    it('applies the same allow-list to GET requests', async () => {
      const get = (params: Record<string, string>) =>
        fetch(`${allowListUrl}?${new URLSearchParams(params).toString()}`, {
          headers: { ...bearer(token), 'apollo-require-preflight': 'true' },
        }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as GraphQLBody,
        }));
      const listedMe = await get({
        extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: listed('Me').id } }),
      });
      expect(listedMe.body.errors).toBeUndefined();
      expect(listedMe.body.data).toMatchObject({ me: { username: adminUsername } });
      const other = await get({ query: '{ me { id } }' });
      expect(other.status).toBe(400);
      expect(codeOf(other)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    });

    it('keeps introspection off and suggests no field names', async () => {
      const introspection = await post(offUrl, { query: '{ __schema { types { name } } }' }, bearer(token));
      expect(codeOf(introspection)).toBe('GRAPHQL_VALIDATION_FAILED');

      const typo = await post(offUrl, { query: '{ mee { id } }' }, bearer(token));
      expect(codeOf(typo)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(typo.body.errors?.[0]?.message).toContain('"mee"');
      expect(typo.body.errors?.[0]?.message).not.toContain('Did you mean');
    });
  });

  describe('a subgraph that is down', () => {
    it('answers SERVICE_UNAVAILABLE (try again in a moment), not INTERNAL, and the rest of the query still comes', async () => {
      const url = await gatewayWith({
        SUBGRAPH_STUDENTS_URL: `http://127.0.0.1:${await closedPort()}/graphql`,
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `{ me { id } student(id: "hs-khong-co") { id } }` }),
      });
      const body = (await response.json()) as {
        data?: { me: { id: string } | null } | null;
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
      expect(body.data?.me?.id).toBeTruthy();
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(body.errors?.[0]?.message).toBe(ERROR_CATALOGUE.SERVICE_UNAVAILABLE.vi);
    });
  });
});
