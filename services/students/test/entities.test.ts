import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Principal } from '@hocbaso/service-kit';
import { Kind, parse, type ConstDirectiveNode, type DefinitionNode } from 'graphql';
import { adminOf, staffOf, StudentsHarness, subjectTeacherOf } from './harness';

jest.setTimeout(90_000);

/** `@key(..., resolvable: false)`: a reference to another subgraph's entity, not one resolved here. */
const isResolvableKey = (directive: ConstDirectiveNode) =>
  directive.name.value === 'key' &&
  !directive.arguments?.some(
    (a) => a.name.value === 'resolvable' && a.value.kind === Kind.BOOLEAN && a.value.value === false,
  );

/** Every entity this subgraph resolves: the object and interface types that carry a resolvable `@key`. */
function keyTypesOf(sdl: string): string[] {
  const keyed = (d: DefinitionNode) =>
    (d.kind === Kind.OBJECT_TYPE_DEFINITION ||
      d.kind === Kind.OBJECT_TYPE_EXTENSION ||
      d.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      d.kind === Kind.INTERFACE_TYPE_EXTENSION) &&
    !!d.directives?.some(isResolvableKey);
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
  /** Creates one entity of `schoolId`. */
  create(harness: StudentsHarness, schoolId: string): Promise<Created>;
}

/**
 * One fixture per resolvable @key type. A new entity in schema.graphql without a fixture here
 * fails the "every entity has a fixture" test below: add one, with its row rule, when you add it.
 */
const FIXTURES: Record<string, EntityFixture> = {
  Student: {
    selection: '... on Student { id fullName status personalId currentClass { id name } }',
    async create(harness, schoolId) {
      const schoolClass = await harness.createClass(schoolId, '10A1');
      const student = await harness.admit(schoolClass);
      return {
        representation: { __typename: 'Student', id: student._id },
        expected: {
          __typename: 'Student',
          id: student._id,
          fullName: student.fullName,
          status: 'STUDYING',
          personalId: student.personalId,
          currentClass: { id: schoolClass._id, name: '10A1' },
        },
      };
    },
  },
  Class: {
    selection: '... on Class { id name grade schoolYear school { id } homeroomTeacher { id } }',
    async create(harness, schoolId) {
      const teacher = randomUUID();
      const schoolClass = await harness.createClass(schoolId, '11A3', teacher);
      return {
        representation: { __typename: 'Class', id: schoolClass._id },
        expected: {
          __typename: 'Class',
          id: schoolClass._id,
          name: '11A3',
          grade: 11,
          schoolYear: '2025-2026',
          school: { id: schoolId },
          homeroomTeacher: { id: teacher },
        },
      };
    },
  },
};

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${Object.values(FIXTURES)
  .map((f) => f.selection)
  .join(' ')} } }`;

describe('_entities: every @key type resolves, within its row scope', () => {
  let harness: StudentsHarness;
  const schoolA = `school-a-${randomUUID()}`;
  const schoolB = `school-b-${randomUUID()}`;
  const created = new Map<string, Created>();

  const entities = (principal: Principal | null, representations: Created['representation'][]) =>
    harness.as<{ _entities: Array<Record<string, unknown> | null> }>(principal, ENTITIES, {
      r: representations,
    });

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_entities');
    for (const [type, fixture] of Object.entries(FIXTURES))
      created.set(type, await fixture.create(harness, schoolA));
  });
  afterAll(() => harness?.close());

  it('has a fixture for every resolvable @key type of schema.graphql, and no other', () => {
    expect(KEY_TYPES).toEqual(expect.arrayContaining(['Student', 'Class']));
    expect(Object.keys(FIXTURES).sort()).toEqual(KEY_TYPES);
  });

  describe.each(KEY_TYPES)('%s', (type) => {
    const fixtureFor = () => {
      const made = created.get(type);
      if (!FIXTURES[type] || !made)
        throw new Error(`no _entities fixture for @key type ${type}: add one to FIXTURES`);
      return made;
    };

    it('resolves for academic staff of its school', async () => {
      const { representation, expected } = fixtureFor();
      const result = await entities(staffOf(schoolA), [representation]);
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([expected]);
    });

    it('resolves to null for staff of another school', async () => {
      const result = await entities(staffOf(schoolB), [fixtureFor().representation]);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([null]);
    });

    it('resolves to null for a teacher of another school', async () => {
      const result = await entities(subjectTeacherOf(schoolB, 'some-class'), [fixtureFor().representation]);
      expect(result.data?._entities).toEqual([null]);
    });

    it('resolves to null for an anonymous caller', async () => {
      const result = await entities(null, [fixtureFor().representation]);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([null]);
    });

    it('resolves an unknown id to null', async () => {
      fixtureFor();
      const result = await entities(adminOf(null), [{ __typename: type, id: 'khong-ton-tai' }]);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([null]);
    });

    it('resolves for a platform administrator', async () => {
      const { representation, expected } = fixtureFor();
      const result = await entities(adminOf(null), [representation]);
      expect(result.data?._entities).toEqual([expected]);
    });
  });

  it('answers a batch of representations in order, each by its own row rule', async () => {
    const student = created.get('Student')!;
    const schoolClass = created.get('Class')!;
    const otherClass = await harness.createClass(schoolB, '12A1');
    const inB = await harness.admit(otherClass);
    const batch = [
      student.representation,
      { __typename: 'Student', id: inB._id },
      schoolClass.representation,
      { __typename: 'Class', id: otherClass._id },
    ];
    const fromA = await entities(staffOf(schoolA), batch);
    expect(fromA.errors).toBeUndefined();
    expect(fromA.data?._entities).toEqual([student.expected, null, schoolClass.expected, null]);
    const fromB = await entities(staffOf(schoolB), batch);
    expect(fromB.data?._entities).toEqual([
      null,
      expect.objectContaining({ id: inB._id }),
      null,
      expect.objectContaining({ id: otherClass._id }),
    ]);
  });

  it('shows a subject teacher of the class the student’s name, and personal fields as FORBIDDEN', async () => {
    const student = created.get('Student')!;
    const classId = (student.expected.currentClass as { id: string }).id;
    const result = await entities(subjectTeacherOf(schoolA, classId), [student.representation]);
    expect(result.data?._entities).toEqual([{ ...student.expected, personalId: null }]);
    expect(result.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
      ['FORBIDDEN', ['_entities', 0, 'personalId']],
    ]);
  });
});
