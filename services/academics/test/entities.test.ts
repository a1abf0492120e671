import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Principal } from '@hocbaso/service-kit';
import { Kind, parse, type DefinitionNode } from 'graphql';
import { recordGradebook } from '../src/usecases/record-gradebook';
import { AcademicsHarness, SCHOOL_YEAR, schoolRole, teacherOf, type TestClass } from './harness';

jest.setTimeout(120_000);

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

interface EntityFixture {
  selection: string;
  representation(cls: TestClass): { __typename: string; id: string };
  /** What a reader of the school gets. */
  expected(cls: TestClass): Record<string, unknown>;
  /** What a caller outside the row scope gets: the entity, with its rows absent. */
  hidden(cls: TestClass): Record<string, unknown>;
}

/**
 * One fixture per @key type (both are the students subgraph's entities, extended here): the
 * reference always resolves to the id, and the fields apply the row rules.
 */
const FIXTURES: Record<string, EntityFixture> = {
  Student: {
    selection: `... on Student { id results(schoolYear: "${SCHOOL_YEAR}") { subject { code } term1 { average } } }`,
    representation: (cls) => ({ __typename: 'Student', id: cls.students[0]!.studentId }),
    expected: (cls) => ({
      __typename: 'Student',
      id: cls.students[0]!.studentId,
      results: [{ subject: { code: 'TOAN' }, term1: { average: 8 } }],
    }),
    hidden: (cls) => ({ __typename: 'Student', id: cls.students[0]!.studentId, results: [] }),
  },
  Class: {
    selection: `... on Class { id gradebook(subjectCode: "TOAN", schoolYear: "${SCHOOL_YEAR}", term: TERM_1) { subject { code } lines { studentId marks { average } } } }`,
    representation: (cls) => ({ __typename: 'Class', id: cls.classId }),
    expected: (cls) => ({
      __typename: 'Class',
      id: cls.classId,
      gradebook: {
        subject: { code: 'TOAN' },
        lines: [{ studentId: cls.students[0]!.studentId, marks: { average: 8 } }],
      },
    }),
    hidden: (cls) => ({ __typename: 'Class', id: cls.classId, gradebook: null }),
  },
};

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${Object.values(FIXTURES)
  .map((f) => f.selection)
  .join(' ')} } }`;

describe('_entities: every @key type resolves, within its row scope', () => {
  let harness: AcademicsHarness;
  let cls: TestClass;

  const entities = (
    principal: Principal | null,
    representations: Array<{ __typename: string; id: string }>,
  ) =>
    harness.as<{ _entities: Array<Record<string, unknown> | null> }>(principal, ENTITIES, {
      r: representations,
    });

  beforeAll(async () => {
    harness = await AcademicsHarness.start('academics_entities');
    cls = await harness.createClass(1);
    const result = await recordGradebook(
      harness.deps,
      { principal: teacherOf(cls, 'TOAN') },
      {
        classId: cls.classId,
        subjectCode: 'TOAN',
        schoolYear: SCHOOL_YEAR,
        term: 'TERM_1',
        rows: [{ studentId: cls.students[0]!.studentId, regular: [8, 8, 8, 8], midterm: 8, final: 8 }],
      },
    );
    expect(result.ok).toBe(true);
  });
  afterAll(() => harness?.close());

  it('has a fixture for every @key type of schema.graphql, and no other', () => {
    expect(KEY_TYPES).toEqual(['Class', 'Student']);
    expect(Object.keys(FIXTURES).sort()).toEqual(KEY_TYPES);
  });

  describe.each(KEY_TYPES)('%s', (type) => {
    const fixture = () => {
      const found = FIXTURES[type];
      if (!found) throw new Error(`no _entities fixture for @key type ${type}: add one to FIXTURES`);
      return found;
    };

    it('resolves with its fields for a reader of its school', async () => {
      const result = await entities(schoolRole('PRINCIPAL', cls.schoolId), [fixture().representation(cls)]);
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([fixture().expected(cls)]);
    });

    it('resolves with its rows absent for a reader of another school', async () => {
      const result = await entities(schoolRole('PRINCIPAL', 'another-school'), [
        fixture().representation(cls),
      ]);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([fixture().hidden(cls)]);
    });

    it('resolves with its rows absent for an anonymous caller', async () => {
      const result = await entities(null, [fixture().representation(cls)]);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([fixture().hidden(cls)]);
    });

    it('resolves an unknown id with nothing in it', async () => {
      const representation = { __typename: type, id: 'khong-ton-tai' };
      const result = await entities(schoolRole('INSPECTOR', null), [representation]);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([
        type === 'Student'
          ? { __typename: 'Student', id: 'khong-ton-tai', results: [] }
          : { __typename: 'Class', id: 'khong-ton-tai', gradebook: null },
      ]);
    });
  });

  it('answers a batch of representations in order', async () => {
    const result = await entities(schoolRole('INSPECTOR', null), [
      FIXTURES.Class!.representation(cls),
      FIXTURES.Student!.representation(cls),
    ]);
    expect(result.data?._entities).toEqual([FIXTURES.Class!.expected(cls), FIXTURES.Student!.expected(cls)]);
  });
});
