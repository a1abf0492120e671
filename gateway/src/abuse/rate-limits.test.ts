import { readFileSync } from 'node:fs';
import {
  buildSchema,
  Kind,
  parse,
  validate,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { readAuthRequirements } from '../authz';
import { SUPERGRAPH_PATH } from '../compose/subgraphs';
import { rateLimitedUse } from './rate-limited-use';
import { GatewayRateLimits, personalDataFields, rateLimitCheck, type Caller } from './rate-limits';

const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');
const schema = buildSchema(supergraph);
const personal = personalDataFields(readAuthRequirements(supergraph));

function resolve(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = new Map(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  return { document, operation, getFragment: (name: string) => fragments.get(name), variables };
}

function use(query: string, variables: Record<string, unknown> = {}) {
  const { operation, getFragment } = resolve(query, variables);
  return rateLimitedUse(schema, operation, getFragment, variables, (coordinate) => personal.has(coordinate));
}

describe('what an operation spends against the rate limits', () => {
  it('finds the personal-data fields from the supergraph’s student.personal policy', () => {
    for (const coordinate of [
      'Student.personalId',
      'Student.dateOfBirth',
      'Student.address',
      'Student.guardians',
    ]) {
      expect(personal.has(coordinate)).toBe(true);
    }
    expect(personal.has('Student.fullName')).toBe(false);
    expect(personal.has('Account.email')).toBe(false); // account.personal: an account's own data
  });

  it('counts each login and refreshSession field, with the username as identity compares it', () => {
    expect(
      use('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', {
        // Decomposed "Á" (A + combining acute), upper case, padded: identity reads it as "gv.ánh".
        i: { username: '  GV.A\u0301nh ', password: 'x' },
      }),
    ).toEqual({ sessionAttempts: 1, usernames: ['gv.\u00e1nh'], personalReads: 0 });
    // Aliases do not hide attempts: three logins, two usernames (one twice), literal arguments.
    expect(
      use(`mutation {
        a: login(input: { username: "an", password: "1" }) { accessToken }
        b: login(input: { username: "AN", password: "2" }) { accessToken }
        c: login(input: { username: "binh", password: "3" }) { accessToken }
        d: refreshSession(refreshToken: "t") { accessToken }
      }`),
    ).toEqual({ sessionAttempts: 4, usernames: ['an', 'an', 'binh'], personalReads: 0 });
  });

  it('counts each personal-data root field, and any personal field selected deeper once', () => {
    expect(use('query($id: ID!) { student(id: $id) { fullName } }').personalReads).toBe(1);
    expect(
      use('{ a: student(id: "1") { fullName } b: student(id: "2") { fullName } c: class(id: "3") { name } }')
        .personalReads,
    ).toBe(3);
    // A root field inside an inline fragment on Query counts the same.
    expect(use('{ me { id } ... on Query { students(classId: "c") { fullName } } }').personalReads).toBe(1);
    expect(use('{ me { id displayName } }')).toEqual({ sessionAttempts: 0, usernames: [], personalReads: 0 });
  });

  it('sees a personal field reached through a named fragment', () => {
    const spent = use(`
      mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { ...Who } }
      fragment Who on Student { id dateOfBirth }`);
    expect(spent.personalReads).toBe(1);
    expect(use('mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id } }').personalReads).toBe(0);
  });
});

describe('GatewayRateLimits', () => {
  const caller = (address: string, accountId: string | null = null): Caller => ({ address, accountId });

  it('limits logins per address and per username, all or nothing', () => {
    const limits = new GatewayRateLimits(
      { loginPerAddress: 3, loginPerUsername: 2, personalReadsPerAccount: 10, personalReadsPerAddress: 10 },
      () => 0,
    );
    const login = (username: string) => ({ sessionAttempts: 1, usernames: [username], personalReads: 0 });
    expect(limits.charge(login('an'), caller('10.0.0.1')).allowed).toBe(true);
    expect(limits.charge(login('an'), caller('10.0.0.2')).allowed).toBe(true);
    // A third try at "an", from anywhere.
    expect(limits.charge(login('an'), caller('10.0.0.3'))).toMatchObject({
      allowed: false,
      limit: 'login.username',
    });
    // 10.0.0.1 has used one of its three.
    expect(limits.charge(login('binh'), caller('10.0.0.1')).allowed).toBe(true);
    expect(limits.charge(login('chi'), caller('10.0.0.1')).allowed).toBe(true);
    expect(limits.charge(login('dung'), caller('10.0.0.1'))).toMatchObject({
      allowed: false,
      limit: 'login.address',
    });
    // Two logins of one username in a single operation cost that username two.
    expect(
      limits.charge({ sessionAttempts: 2, usernames: ['em', 'em'], personalReads: 0 }, caller('10.0.0.9'))
        .allowed,
    ).toBe(true);
    expect(limits.charge(login('em'), caller('10.0.0.8'))).toMatchObject({
      allowed: false,
      limit: 'login.username',
    });
  });

  it('limits personal-data reads per account and per address; anonymous callers per address only', () => {
    const limits = new GatewayRateLimits(
      { loginPerAddress: 10, loginPerUsername: 10, personalReadsPerAccount: 2, personalReadsPerAddress: 3 },
      () => 0,
    );
    const read = { sessionAttempts: 0, usernames: [], personalReads: 1 };
    expect(limits.charge(read, caller('10.0.0.1', 'acc-1')).allowed).toBe(true);
    expect(limits.charge(read, caller('10.0.0.2', 'acc-1')).allowed).toBe(true);
    expect(limits.charge(read, caller('10.0.0.3', 'acc-1'))).toMatchObject({
      allowed: false,
      limit: 'personalData.account',
    });
    expect(limits.charge(read, caller('10.0.0.1', null)).allowed).toBe(true);
    expect(limits.charge(read, caller('10.0.0.1', null)).allowed).toBe(true);
    expect(limits.charge(read, caller('10.0.0.1', 'acc-2'))).toMatchObject({
      allowed: false,
      limit: 'personalData.address',
    });
  });

  it('as a check: RATE_LIMITED with HTTP 429 and Retry-After, and nothing charged for other operations', () => {
    const limits = new GatewayRateLimits(
      { loginPerAddress: 1, loginPerUsername: 5, personalReadsPerAccount: 5, personalReadsPerAddress: 5 },
      () => 0,
    );
    const check = rateLimitCheck<{ address: string }>(limits, personal, (context) => caller(context.address));
    const login = resolve('mutation { login(input: { username: "an", password: "1" }) { accessToken } }');
    const me = resolve('{ me { id } }');
    for (let i = 0; i < 3; i++) expect(check({ ...me, schema, context: { address: 'a' } })).toBeUndefined();
    expect(check({ ...login, schema, context: { address: 'a' } })).toBeUndefined();
    const error = check({ ...login, schema, context: { address: 'a' } });
    expect(error?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 60,
      details: { limit: 'login.address' },
      http: { status: 429 },
    });
    const headers = (error?.extensions.http as { headers: Map<string, string> }).headers;
    expect(headers.get('retry-after')).toBe('60');
  });
});
