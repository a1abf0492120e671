import { ERROR_CATALOGUE } from '@hocbaso/errors';
import { TestStack } from './stack';

jest.setTimeout(60_000);

describe('operation limits and error masking at the gateway', () => {
  let stack: TestStack;
  let token: string;
  let schoolId: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    const { admin, school } = await stack.createSchoolWithAdmin('limits');
    schoolId = school._id;
    token = (await stack.login(admin.username, admin.password)).accessToken;
  });
  afterAll(() => stack.stop());

  it('refuses an operation deeper than the limit, before anything is fetched', async () => {
    // Account → teachingAssignments → teacher → teachingAssignments → … (default limit 12)
    let selection = 'id';
    for (let i = 0; i < 7; i++) selection = `teachingAssignments { teacher { ${selection} } }`;
    const result = await stack.query(`{ me { ${selection} } }`, {}, token);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toContain(ERROR_CATALOGUE.QUERY_TOO_COMPLEX.vi);
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
  });

  it('refuses an oversized operation with 413', async () => {
    const padding = ' '.repeat(25_000);
    const result = await stack.query(`{ me { id }${padding}}`, {}, token);
    expect(result.status).toBe(413);
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('keeps introspection closed unless it is switched on', async () => {
    const result = await stack.query(`{ __schema { types { name } } }`, {}, token);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
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
