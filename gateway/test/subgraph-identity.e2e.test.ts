import { randomBytes, randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { IDENTITY_HEADER, signForwardedIdentity, type Principal } from '@hocbaso/service-kit';
import { infra, postGraphQL } from '@hocbaso/testkit';
import { FullStack } from './full-stack';

jest.setTimeout(120_000);

/**
 * The subgraphs' row rules hold only if nobody can reach a subgraph as someone else: each one
 * answers only a call carrying the identity the gateway signed, fresh, with the shared secret
 * (ADR 0005). Called directly without it, every subgraph refuses with 401 UNAUTHENTICATED before
 * executing anything; and the federation entry points stay out of the gateway's API.
 */
describe('subgraphs refuse calls without the gateway’s signed identity', () => {
  let stack: FullStack;
  let client: MongoClient;
  const schoolId = randomUUID();
  // A caller that would be allowed everything, were its identity believed.
  const admin: Principal = {
    accountId: randomUUID(),
    username: 'quantri.gia',
    schoolId,
    roles: [
      { role: 'SYSTEM_ADMIN', scope: { schoolId: null } },
      { role: 'PRINCIPAL', scope: { schoolId } },
      { role: 'ACADEMIC_STAFF', scope: { schoolId } },
    ],
    teaching: [],
  };

  beforeAll(async () => {
    stack = await FullStack.startAll();
    client = await MongoClient.connect(infra().mongodbUri);
  });
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  /** Each subgraph, with a mutation that would write `marker` into its store if it ran. */
  const subgraphs = () =>
    [
      {
        name: 'identity',
        url: `${stack.identityUrl}/graphql`,
        database: stack.stores.databases.identity,
        mutation: `mutation($m: String!) { createSchool(input: { code: $m, name: $m }) { id } }`,
      },
      {
        name: 'students',
        url: stack.subgraphUrl('students'),
        database: stack.stores.databases.students,
        mutation: `mutation($m: String!) { createClass(input: { schoolId: "${schoolId}", schoolYear: "2025-2026", grade: 10, name: $m }) { id } }`,
      },
      {
        name: 'academics',
        url: stack.subgraphUrl('academics'),
        database: stack.stores.databases.academics,
        mutation: `mutation($m: String!) { recordExemption(input: { studentId: "${randomUUID()}", subjectCode: "GD_THE_CHAT", schoolYear: "2025-2026", period: TERM_1, reason: $m }) { id } }`,
      },
      {
        name: 'conduct',
        url: stack.subgraphUrl('conduct'),
        database: stack.stores.databases.conduct,
        mutation: `mutation($m: String!) { grantCommendation(input: { studentId: "${randomUUID()}", schoolYear: "2025-2026", title: $m }) { studentId } }`,
      },
      {
        name: 'signatures',
        url: stack.subgraphUrl('signatures'),
        database: stack.stores.databases.signatures,
        mutation: `mutation($m: String!) { fileCorrectionRequest(input: { classId: "${randomUUID()}", studentId: "${randomUUID()}", schoolYear: "2025-2026", changes: [{ field: "conduct.homeroomComment", value: $m }], reason: $m }) { id } }`,
      },
      {
        name: 'archive',
        url: stack.subgraphUrl('archive'),
        database: stack.stores.databases.archive,
        mutation: `mutation($m: String!) { importTransferPackage(input: { package: $m, classId: "${randomUUID()}", effectiveOn: "2026-09-07" }) { state } }`,
      },
    ] as const;

  /** Every document of a subgraph's store that mentions the marker. */
  async function mentions(database: string, marker: string): Promise<string[]> {
    const db = client.db(database);
    const found: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      for (const doc of await db.collection(name).find({}).toArray()) {
        if (JSON.stringify(doc).includes(marker)) found.push(`${name}:${String(doc._id)}`);
      }
    }
    return found;
  }

  const forged = () => ({
    'no identity': {} as Record<string, string>,
    'an identity signed with another secret': {
      [IDENTITY_HEADER]: signForwardedIdentity(
        { principal: admin, requestId: randomUUID() },
        randomBytes(32).toString('hex'),
      ),
    },
    'an expired identity': {
      [IDENTITY_HEADER]: signForwardedIdentity(
        { principal: admin, requestId: randomUUID() },
        stack.secret,
        -30,
      ),
    },
    'a garbled identity': { [IDENTITY_HEADER]: 'eyJhbGciOiJub25lIn0.e30.' },
  });

  it('answers a call signed by the gateway (the control)', async () => {
    for (const subgraph of subgraphs()) {
      const answer = await postGraphQL(
        subgraph.url,
        '{ __typename }',
        {},
        {
          [IDENTITY_HEADER]: signForwardedIdentity(
            { principal: admin, requestId: randomUUID() },
            stack.secret,
          ),
        },
      );
      expect({ subgraph: subgraph.name, status: answer.status, data: answer.data }).toEqual({
        subgraph: subgraph.name,
        status: 200,
        data: { __typename: 'Query' },
      });
    }
  });

  it('writes what a correctly signed mutation carries (so the refusals below are not vacuous)', async () => {
    for (const subgraph of subgraphs().filter((s) => s.name === 'identity' || s.name === 'students')) {
      const marker = `10G${randomBytes(5).toString('hex')}`;
      const answer = await postGraphQL(
        subgraph.url,
        subgraph.mutation,
        { m: marker },
        {
          [IDENTITY_HEADER]: signForwardedIdentity(
            { principal: admin, requestId: randomUUID() },
            stack.secret,
          ),
        },
      );
      expect({ subgraph: subgraph.name, errors: answer.errors ?? [] }).toEqual({
        subgraph: subgraph.name,
        errors: [],
      });
      expect(await mentions(subgraph.database, marker)).not.toEqual([]);
    }
  });

  it('refuses with 401 UNAUTHENTICATED, and writes nothing, without the gateway’s fresh signature', async () => {
    let refused = 0;
    for (const subgraph of subgraphs()) {
      for (const [how, headers] of Object.entries(forged())) {
        const marker = `10K${randomBytes(5).toString('hex')}`;
        const answer = await postGraphQL(subgraph.url, subgraph.mutation, { m: marker }, headers);
        expect({ subgraph: subgraph.name, how, status: answer.status, data: answer.data ?? null }).toEqual({
          subgraph: subgraph.name,
          how,
          status: 401,
          data: null,
        });
        expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
        // Nothing ran: the store holds no trace of what the call carried.
        expect({ subgraph: subgraph.name, how, written: await mentions(subgraph.database, marker) }).toEqual({
          subgraph: subgraph.name,
          how,
          written: [],
        });
        refused += 1;
      }
    }
    expect(refused).toBe(6 * 4);
  });

  it('keeps _entities and _service out of the gateway’s API', async () => {
    const entities = await stack.query(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Student { fullName personalId } } }`,
      { r: [{ __typename: 'Student', id: randomUUID() }] },
    );
    expect(entities.data ?? null).toBeNull();
    expect(entities.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const service = await stack.query(`{ _service { sdl } }`);
    expect(service.data ?? null).toBeNull();
    expect(service.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
