import { DEMO_SUBJECTS, recordDemoSchoolYear } from '../src/seed/demo-data';
import { AcademicsHarness, SCHOOL_YEAR, schoolRole, type TestClass } from './harness';

jest.setTimeout(240_000);

const STUDENTS = `query($r: [_Any!]!, $year: String!) { _entities(representations: $r) { ... on Student {
  id
  results(schoolYear: $year) {
    subject { code name } classIds
    term1 { average result regular regularResults } term2 { average result } year { average result } final { average }
  }
  learningResults(schoolYear: $year) { period level reassessmentSubjects { code } }
} } }`;

const CLASS = `query($r: [_Any!]!, $year: String!) { _entities(representations: $r) { ... on Class {
  id
  gradebooks(schoolYear: $year, term: TERM_2) { subject { code } lines { stt fullName marks { average result } } }
} } }`;

/**
 * A class-wide read (all students of a class with all their results, or all the class's
 * gradebooks) costs a constant number of database round trips, whatever the class size.
 */
describe('database round trips of class-wide reads', () => {
  let harness: AcademicsHarness;
  let small: TestClass;
  let large: TestClass;

  const teachers = (cls: TestClass) =>
    Object.fromEntries(DEMO_SUBJECTS.map((s) => [s, `gv-${s}-${cls.classId}`]));

  beforeAll(async () => {
    harness = await AcademicsHarness.start('academics_round_trips');
    small = await harness.createClass(10);
    large = await harness.createClass(45, { schoolId: small.schoolId });
    await recordDemoSchoolYear(harness.deps, {
      schoolId: small.schoolId,
      schoolYear: SCHOOL_YEAR,
      classes: [small, large].map((cls) => ({
        classId: cls.classId,
        studentIds: cls.students.map((s) => s.studentId),
        teachers: teachers(cls),
      })),
    });
  });
  afterAll(() => harness?.close());

  const measure = async (query: string, representations: unknown[]) => {
    harness.deps.roundTrips.reset();
    const result = await harness.as<{ _entities: unknown[] }>(
      schoolRole('PRINCIPAL', small.schoolId),
      query,
      {
        r: representations,
        year: SCHOOL_YEAR,
      },
    );
    expect(result.errors).toBeUndefined();
    return {
      count: harness.deps.roundTrips.value,
      detail: harness.deps.roundTrips.snapshot(),
      data: result.data!,
    };
  };

  it('reads every student of a class with all results in the same number of round trips for 10 and 45', async () => {
    const reps = (cls: TestClass) => cls.students.map((s) => ({ __typename: 'Student', id: s.studentId }));
    const ten = await measure(STUDENTS, reps(small));
    const fortyFive = await measure(STUDENTS, reps(large));
    // Every student came back with every subject: the reads were not cut short.
    const students = fortyFive.data._entities as Array<{
      results: unknown[];
      learningResults: Array<{ level: string }>;
    }>;
    expect(students).toHaveLength(45);
    for (const student of students) {
      expect(student.results).toHaveLength(DEMO_SUBJECTS.length);
      expect(student.learningResults).toHaveLength(3);
    }
    expect(fortyFive.detail).toEqual(ten.detail);
    expect(fortyFive.count).toBe(ten.count);
    expect(ten.count).toBeGreaterThan(0);
    expect(ten.count).toBeLessThanOrEqual(3);
  });

  it('reads every gradebook of a class in the same number of round trips for 10 and 45', async () => {
    const ten = await measure(CLASS, [{ __typename: 'Class', id: small.classId }]);
    const fortyFive = await measure(CLASS, [{ __typename: 'Class', id: large.classId }]);
    const [cls] = fortyFive.data._entities as Array<{ gradebooks: Array<{ lines: unknown[] }> }>;
    expect(cls?.gradebooks).toHaveLength(DEMO_SUBJECTS.length);
    for (const book of cls!.gradebooks) expect(book.lines).toHaveLength(45);
    expect(fortyFive.detail).toEqual(ten.detail);
    expect(fortyFive.count).toBe(ten.count);
    expect(ten.count).toBeLessThanOrEqual(4);
  });

  it('gives the demo year every outcome: TỐT, KHÁ, ĐẠT and CHƯA ĐẠT with subjects to re-take', async () => {
    const { data } = await measure(
      STUDENTS,
      small.students.map((s) => ({ __typename: 'Student', id: s.studentId })),
    );
    const years = (
      data._entities as Array<{
        learningResults: Array<{
          period: string;
          level: string;
          reassessmentSubjects: Array<{ code: string }>;
        }>;
      }>
    ).map((s) => s.learningResults.find((l) => l.period === 'YEAR')!);
    expect(new Set(years.map((y) => y.level))).toEqual(new Set(['TOT', 'KHA', 'DAT', 'CHUA_DAT']));
    expect(
      years
        .filter((y) => y.level === 'CHUA_DAT')
        .map((y) => y.reassessmentSubjects.map((s) => s.code).sort()),
    ).toEqual([
      ['TOAN', 'VAT_LI'],
      ['GD_DIA_PHUONG', 'GD_THE_CHAT'],
    ]);
  });
});
