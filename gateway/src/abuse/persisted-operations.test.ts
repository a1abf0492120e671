import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { DEFAULT_MANIFEST_PATH, formatManifest, manifestFromOperationFiles } from './operations-manifest';
import {
  allowListPersistedOperations,
  buildManifest,
  isAllowed,
  readManifest,
  type PersistedOperationsManifest,
} from './persisted-operations';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    me: Account
  }
  type Mutation {
    login(username: String!, password: String!): String
  }
  type Account {
    id: ID!
    displayName: String
  }
`);

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

describe('buildManifest', () => {
  it('lists each named operation with the fragments it uses, printed, under the sha256 of its text', () => {
    const manifest = buildManifest(
      [
        {
          path: 'a.graphql',
          text: 'query Me { me { ...Who } }\nmutation Login($u: String!, $p: String!) { login(username: $u, password: $p) }',
        },
        { path: 'b.graphql', text: 'fragment Who on Account { id displayName }' },
      ],
      schema,
    );
    const me = 'query Me {\n  me {\n    ...Who\n  }\n}\n\nfragment Who on Account {\n  id\n  displayName\n}';
    const login = 'mutation Login($u: String!, $p: String!) {\n  login(username: $u, password: $p)\n}';
    expect(manifest).toEqual({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: hash(login), name: 'Login', type: 'mutation', body: login },
        { id: hash(me), name: 'Me', type: 'query', body: me },
      ],
    });
  });

  it('refuses an invalid, unnamed or duplicated operation', () => {
    expect(() => buildManifest([{ path: 'x.graphql', text: 'query Bad { nope }' }], schema)).toThrow(/Bad/);
    expect(() => buildManifest([{ path: 'x.graphql', text: '{ me { id } }' }], schema)).toThrow(/name/);
    expect(() =>
      buildManifest(
        [
          { path: 'x.graphql', text: 'query Me { me { id } }' },
          { path: 'y.graphql', text: 'query Me { me { displayName } }' },
        ],
        schema,
      ),
    ).toThrow(/twice/);
    expect(() => buildManifest([{ path: 'x.graphql', text: 'query {' }], schema)).toThrow(/x\.graphql/);
  });
});

describe('the allow-list', () => {
  const body = 'query Me {\n  me {\n    id\n  }\n}';
  const listed = new Map([[hash(body), body]]);

  it('runs a listed operation by hash, by hash with its exact text, or by its exact text', () => {
    expect(isAllowed({ extensions: { persistedQuery: { sha256Hash: hash(body) } } }, listed)).toBe(true);
    expect(
      isAllowed({ query: body, extensions: { persistedQuery: { sha256Hash: hash(body) } } }, listed),
    ).toBe(true);
    expect(isAllowed({ query: body }, listed)).toBe(true);
  });

  it('refuses anything else, registration included', () => {
    const other = '{ me { id displayName } }';
    expect(isAllowed({ query: other }, listed)).toBe(false);
    expect(isAllowed({ query: `${body} ` }, listed)).toBe(false);
    expect(isAllowed({ extensions: { persistedQuery: { sha256Hash: hash(other) } } }, listed)).toBe(false);
    // A listed hash does not carry another text along.
    expect(
      isAllowed({ query: other, extensions: { persistedQuery: { sha256Hash: hash(body) } } }, listed),
    ).toBe(false);
    expect(
      isAllowed({ query: other, extensions: { persistedQuery: { sha256Hash: hash(other) } } }, listed),
    ).toBe(false);
    expect(isAllowed({ extensions: { persistedQuery: { sha256Hash: 42 } } }, listed)).toBe(false);
    expect(isAllowed({}, listed)).toBe(false);
  });

  it('serves listed texts to Apollo under its prefixed keys, and stores nothing', async () => {
    const manifest: PersistedOperationsManifest = {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: hash(body), name: 'Me', type: 'query', body }],
    };
    const { cache } = allowListPersistedOperations(manifest);
    expect(await cache.get(`apq:${hash(body)}`)).toBe(body);
    await cache.set(`apq:${hash('{ me { id } }')}`, '{ me { id } }');
    expect(await cache.get(`apq:${hash('{ me { id } }')}`)).toBeUndefined();
  });

  it('reads a manifest only when every id is the hash of its body', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
    const good = path.join(dir, 'good.json');
    const manifest = {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: hash(body), name: 'Me', type: 'query', body }],
    };
    writeFileSync(good, JSON.stringify(manifest));
    expect(readManifest(good).operations).toHaveLength(1);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        ...manifest,
        operations: [{ ...manifest.operations[0], body: '{ me { displayName } }' }],
      }),
    );
    expect(() => readManifest(bad)).toThrow(/wrong id/);
  });
});

describe('the committed manifest (npm run operations:manifest -- --check)', () => {
  it('is what gateway/operations/*.graphql make against the current supergraph', () => {
    expect(readFileSync(DEFAULT_MANIFEST_PATH, 'utf8')).toBe(formatManifest(manifestFromOperationFiles()));
  });

  it('holds what real clients send: signing in, the record book, a class, a gradebook, signing', () => {
    const names = readManifest(DEFAULT_MANIFEST_PATH).operations.map((operation) => operation.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'Login',
        'RefreshSession',
        'Me',
        'StudentRecordBook',
        'ClassRoster',
        'Gradebook',
        'RecordGradebook',
        'SignSubjectResults',
      ]),
    );
  });
});
