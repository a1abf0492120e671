import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Principal } from '@hocbaso/service-kit';
import { Kind, parse, type DefinitionNode } from 'graphql';
import { SYSTEM_CALLER } from '../src/usecases/deps';
import { assignTeaching } from '../src/usecases/manage-roles';
import { IdentityHarness, principalWith } from './harness';

jest.setTimeout(90_000);

/** Every entity the subgraph declares: the object and interface types that carry `@key`. */
function keyTypesOf(sdl: string): string[] {
  const keyed = (d: DefinitionNode) =>
    (d.kind === Kind.OBJECT_TYPE_DEFINITION ||
      d.kind === Kind.OBJECT_TYPE_EXTENSION ||
      d.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      d.kind === Kind.INTERFACE_TYPE_EXTENSION) &&
    !!d.directives?.some((directive) => directive.name.value === 'key');
  return [
    ...new Set(
      parse(sdl)
        .definitions.filter(keyed)
        .map((d) => (d as { name: { value: string } }).name.value),
    ),
  ].sort();
}

const KEY_TYPES = keyTypesOf(readFileSync(path.join(__dirname, '../src/schema.graphql'), 'utf8'));

interface Created {
  representation: Record<string, unknown> & { __typename: string };
  /** What `_entities` answers for it, with the fields of `selection`. */
  expected: Record<string, unknown>;
}

interface EntityFixture {
  /** The inline fragment asked for this type. */
  selection: string;
  /** Creates one entity belonging to `schoolId` (the authorised principal's school). */
  create(harness: IdentityHarness, schoolId: string): Promise<Created>;
}

/**
 * One fixture per @key type. A new entity in schema.graphql without a fixture here fails the
 * "every entity has a fixture" test below: add one, with its row rule, when you add the type.
 */
const FIXTURES: Record<string, EntityFixture> = {
  Account: {
    selection: '... on Account { id username displayName status }',
    async create(harness, schoolId) {
      const { account } = await harness.createAccount(schoolId, 'gv.entity', 'SUBJECT_TEACHER');
      return {
        representation: { __typename: 'Account', id: account._id },
        expected: {
          __typename: 'Account',
          id: account._id,
          username: account.username,
          displayName: account.displayName,
          status: 'ACTIVE',
        },
      };
    },
  },
  School: {
    selection: '... on School { id code name }',
    async create(harness) {
      const school = await harness.createSchool('entity');
      return {
        representation: { __typename: 'School', id: school._id },
        expected: { __typename: 'School', id: school._id, code: school.code, name: school.name },
      };
    },
  },
  TeachingAssignment: {
    selection: '... on TeachingAssignment { id schoolId classId subjectCode schoolYear teacher { id } }',
    async create(harness, schoolId) {
      const { account } = await harness.createAccount(schoolId, 'gv.teach', 'SUBJECT_TEACHER');
      const assignment = await assignTeaching(harness.deps, SYSTEM_CALLER, {
        accountId: account._id,
        classId: '10A1',
        subjectCode: 'TOAN',
        schoolYear: '2025-2026',
      });
      await harness.settle();
      return {
        representation: { __typename: 'TeachingAssignment', id: assignment._id },
        expected: {
          __typename: 'TeachingAssignment',
          id: assignment._id,
          schoolId,
          classId: '10A1',
          subjectCode: 'TOAN',
          schoolYear: '2025-2026',
          teacher: { id: account._id },
        },
      };
    },
  },
};

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${Object.values(FIXTURES)
  .map((f) => f.selection)
  .join(' ')} } }`;

describe('_entities: every @key type resolves, within its row scope', () => {
  let harness: IdentityHarness;
  let schoolA: string;
  let schoolB: string;
  let adminOfA: Principal;
  let adminOfB: Principal;
  const created = new Map<string, Created>();

  const entities = (principal: Principal | null, representations: Created['representation'][]) =>
    harness.as<{ _entities: Array<Record<string, unknown> | null> }>(principal, ENTITIES, {
      r: representations,
    });

  beforeAll(async () => {
    harness = await IdentityHarness.start('identity_entities');
    schoolA = (await harness.createSchool('entities-a'))._id;
    schoolB = (await harness.createSchool('entities-b'))._id;
    adminOfA = principalWith('SYSTEM_ADMIN', schoolA);
    adminOfB = principalWith('SYSTEM_ADMIN', schoolB);
    for (const [type, fixture] of Object.entries(FIXTURES)) {
      // A School fixture creates its own school: the authorised principal is then that school's.
      created.set(type, await fixture.create(harness, schoolA));
    }
  });
  afterAll(() => harness?.close());

  it('has a fixture for every @key type of schema.graphql, and no other', () => {
    expect(KEY_TYPES).toEqual(expect.arrayContaining(['Account']));
    expect(Object.keys(FIXTURES).sort()).toEqual(KEY_TYPES);
  });

  /** The school the entity belongs to: a school entity is its own. */
  const schoolOf = (type: string) =>
    type === 'School' ? String(created.get('School')!.representation.id) : schoolA;
  const otherSchoolThan = (type: string) => (schoolOf(type) === schoolB ? schoolA : schoolB);

  describe.each(KEY_TYPES)('%s', (type) => {
    const fixtureFor = () => {
      const made = created.get(type);
      if (!FIXTURES[type] || !made)
        throw new Error(`no _entities fixture for @key type ${type}: add one to FIXTURES`);
      return made;
    };

    it('resolves for an administrator of its school', async () => {
      const { representation, expected } = fixtureFor();
      const result = await entities(principalWith('SYSTEM_ADMIN', schoolOf(type)), [representation]);
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([expected]);
    });

    it('resolves to null for an administrator of another school', async () => {
      const { representation } = fixtureFor();
      const result = await entities(principalWith('SYSTEM_ADMIN', otherSchoolThan(type)), [representation]);
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([null]);
    });

    it('resolves to null for a teacher of another school', async () => {
      const { representation } = fixtureFor();
      const result = await entities(principalWith('SUBJECT_TEACHER', otherSchoolThan(type)), [
        representation,
      ]);
      expect(result.data?._entities).toEqual([null]);
    });

    it('resolves to null for an anonymous caller', async () => {
      const { representation } = fixtureFor();
      const result = await entities(null, [representation]);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([null]);
    });

    it('resolves an unknown id to null', async () => {
      fixtureFor();
      const result = await entities(principalWith('SYSTEM_ADMIN', null), [
        { __typename: type, id: 'khong-ton-tai' },
      ]);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([null]);
    });

    it('resolves for a platform administrator', async () => {
      const { representation, expected } = fixtureFor();
      const result = await entities(principalWith('SYSTEM_ADMIN', null), [representation]);
      expect(result.data?._entities).toEqual([expected]);
    });
  });

  it('answers a batch of representations in order, each by its own row rule', async () => {
    const account = created.get('Account')!;
    const assignment = created.get('TeachingAssignment')!;
    const { account: inB } = await harness.createAccount(schoolB, 'gv.b', 'SUBJECT_TEACHER');
    const result = await entities(adminOfA, [
      account.representation,
      { __typename: 'Account', id: inB._id },
      assignment.representation,
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([account.expected, null, assignment.expected]);
    const fromB = await entities(adminOfB, [account.representation, { __typename: 'Account', id: inB._id }]);
    expect(fromB.data?._entities).toEqual([null, expect.objectContaining({ id: inB._id })]);
  });
});
