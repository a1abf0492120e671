import { randomUUID } from 'node:crypto';
import {
  AcademicsHarness,
  homeroomTeacherOf,
  parentOf,
  principalWith,
  SCHOOL_YEAR,
  schoolRole,
  teacherOf,
  type TestClass,
} from './harness';
import type { Principal } from '@hocbaso/service-kit';
import { recordGradebook } from '../src/usecases/record-gradebook';

jest.setTimeout(120_000);

const STUDENT = `query($r: [_Any!]!, $year: String!) { _entities(representations: $r) { ... on Student {
  id
  results(schoolYear: $year) { subject { code } term1 { average result } }
  learningResults(schoolYear: $year) { period level complete subjectCount }
} } }`;

const GRADEBOOK = `query($classId: ID!, $subjectCode: String!, $schoolYear: String!, $term: Term!) {
  gradebook(classId: $classId, subjectCode: $subjectCode, schoolYear: $schoolYear, term: $term) {
    id editable lines { studentId }
  }
}`;

type StudentView = {
  id: string;
  results: Array<{ subject: { code: string } }>;
  learningResults: Array<{ period: string }>;
};

describe('who reads what (row rules; what one may not read looks absent)', () => {
  let harness: AcademicsHarness;
  let a: TestClass;
  let b: TestClass;
  let elsewhere: TestClass;

  const student = async (principal: Principal | null, studentId: string) => {
    const result = await harness.as<{ _entities: StudentView[] }>(principal, STUDENT, {
      r: [{ __typename: 'Student', id: studentId }],
      year: SCHOOL_YEAR,
    });
    expect(result.errors).toBeUndefined();
    const [view] = result.data!._entities;
    return {
      subjects: view!.results.map((r) => r.subject.code).sort(),
      learning: view!.learningResults.length,
    };
  };
  const gradebook = async (principal: Principal, cls: TestClass, subjectCode: string) => {
    const result = await harness.as<{ gradebook: { editable: boolean; lines: unknown[] } | null }>(
      principal,
      GRADEBOOK,
      {
        classId: cls.classId,
        subjectCode,
        schoolYear: SCHOOL_YEAR,
        term: 'TERM_1',
      },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.gradebook;
  };

  const write = async (cls: TestClass, subjectCode: string) => {
    const result = await recordGradebook(
      harness.deps,
      { principal: teacherOf(cls, subjectCode) },
      {
        classId: cls.classId,
        subjectCode,
        schoolYear: SCHOOL_YEAR,
        term: 'TERM_1',
        rows: cls.students.map((s) =>
          subjectCode === 'GD_THE_CHAT'
            ? {
                studentId: s.studentId,
                regularResults: ['DAT', 'DAT'],
                midtermResult: 'DAT',
                finalResult: 'DAT',
              }
            : { studentId: s.studentId, regular: [7, 7, 7, 7], midterm: 7, final: 7 },
        ),
      },
    );
    expect(result.errors).toEqual([]);
  };

  beforeAll(async () => {
    harness = await AcademicsHarness.start('academics_reads');
    a = await harness.createClass(2);
    b = await harness.createClass(2, { schoolId: a.schoolId });
    elsewhere = await harness.createClass(1);
    for (const cls of [a, b, elsewhere]) {
      await write(cls, 'TOAN');
      await write(cls, 'GD_THE_CHAT');
    }
    await harness.settle();
  });
  afterAll(() => harness?.close());

  const first = (cls: TestClass) => cls.students[0]!.studentId;
  const second = (cls: TestClass) => cls.students[1]!.studentId;

  it('a parent reads only their child, read-only', async () => {
    const parent = parentOf(a.schoolId, first(a));
    expect(await student(parent, first(a))).toEqual({ subjects: ['GD_THE_CHAT', 'TOAN'], learning: 3 });
    expect(await student(parent, second(a))).toEqual({ subjects: [], learning: 0 });
    expect(await student(parent, first(b))).toEqual({ subjects: [], learning: 0 });
    expect(await gradebook(parent, a, 'TOAN')).toBeNull();
    const write = await harness.as(
      parent,
      `mutation($input: RecordGradebookInput!) { recordGradebook(input: $input) { ok } }`,
      {
        input: { classId: a.classId, subjectCode: 'TOAN', schoolYear: SCHOOL_YEAR, term: 'TERM_1', rows: [] },
      },
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a student reads only themself', async () => {
    const self = principalWith([{ role: 'STUDENT', scope: { schoolId: a.schoolId, studentId: second(a) } }]);
    expect(await student(self, second(a))).toEqual({ subjects: ['GD_THE_CHAT', 'TOAN'], learning: 3 });
    expect(await student(self, first(a))).toEqual({ subjects: [], learning: 0 });
  });

  it('a subject teacher reads their own classes and subjects only, and no learning result', async () => {
    const teacher = teacherOf(a, 'TOAN');
    expect(await student(teacher, first(a))).toEqual({ subjects: ['TOAN'], learning: 0 });
    expect(await student(teacher, first(b))).toEqual({ subjects: [], learning: 0 });
    expect((await gradebook(teacher, a, 'TOAN'))?.editable).toBe(true);
    expect(await gradebook(teacher, a, 'GD_THE_CHAT')).toBeNull();
    expect(await gradebook(teacher, b, 'TOAN')).toBeNull();
  });

  it('the homeroom teacher reads every subject of their own class', async () => {
    const homeroom = homeroomTeacherOf(a);
    expect(await student(homeroom, first(a))).toEqual({ subjects: ['GD_THE_CHAT', 'TOAN'], learning: 3 });
    expect(await student(homeroom, first(b))).toEqual({ subjects: [], learning: 0 });
    const book = await gradebook(homeroom, a, 'GD_THE_CHAT');
    expect(book).toMatchObject({ editable: false });
    expect(book?.lines).toHaveLength(2);
    expect(await gradebook(homeroom, b, 'TOAN')).toBeNull();
    // Named homeroom teacher by the class (students service), holding the role for another class.
    const named = principalWith(
      [{ role: 'HOMEROOM_TEACHER', scope: { schoolId: a.schoolId, classId: 'another' } }],
      [],
      a.homeroomTeacherId,
    );
    expect(await gradebook(named, a, 'TOAN')).not.toBeNull();
  });

  it.each([['PRINCIPAL'], ['VICE_PRINCIPAL'], ['ACADEMIC_STAFF'], ['INSPECTOR']] as const)(
    '%s reads the whole school, not another school',
    async (role) => {
      const reader = schoolRole(role, a.schoolId);
      expect(await student(reader, first(a))).toEqual({ subjects: ['GD_THE_CHAT', 'TOAN'], learning: 3 });
      expect(await student(reader, first(b))).toEqual({ subjects: ['GD_THE_CHAT', 'TOAN'], learning: 3 });
      expect((await gradebook(reader, b, 'TOAN'))?.editable).toBe(false);
      expect(await student(reader, first(elsewhere))).toEqual({ subjects: [], learning: 0 });
      expect(await gradebook(reader, elsewhere, 'TOAN')).toBeNull();
    },
  );

  it('a platform-wide inspector reads every school; an analyst and an administrator read no personal results', async () => {
    expect(await student(schoolRole('INSPECTOR', null), first(elsewhere))).toEqual({
      subjects: ['GD_THE_CHAT', 'TOAN'],
      learning: 3,
    });
    for (const role of ['DEPARTMENT_ANALYST', 'SYSTEM_ADMIN'] as const) {
      expect(await student(schoolRole(role, a.schoolId), first(a))).toEqual({ subjects: [], learning: 0 });
      expect(await gradebook(schoolRole(role, a.schoolId), a, 'TOAN')).toBeNull();
    }
  });

  it('an anonymous caller sees nothing and an unknown student has no results', async () => {
    expect(await student(null, first(a))).toEqual({ subjects: [], learning: 0 });
    expect(await student(schoolRole('PRINCIPAL', a.schoolId), randomUUID())).toEqual({
      subjects: [],
      learning: 0,
    });
    const anonymous = await harness.as(null, GRADEBOOK, {
      classId: a.classId,
      subjectCode: 'TOAN',
      schoolYear: SCHOOL_YEAR,
      term: 'TERM_1',
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
