import type { CloudEvent } from '@hocbaso/events';
import { EventCollector } from '@hocbaso/testkit';
import { recordGradebook } from '../src/usecases/record-gradebook';
import { AcademicsHarness, homeroomTeacherOf, SCHOOL_YEAR, teacherOf, type TestClass } from './harness';

jest.setTimeout(120_000);

const RESULTS = `query($r: [_Any!]!, $year: String!) { _entities(representations: $r) { ... on Student {
  results(schoolYear: $year) {
    subject { code } classIds
    term1 { regular midterm final average } term2 { regular midterm final average } year { average }
  }
} } }`;
const GRADEBOOK = `query($classId: ID!, $term: Term!) {
  gradebook(classId: $classId, subjectCode: "TOAN", schoolYear: "${SCHOOL_YEAR}", term: $term) {
    lines { studentId fullName inClass marks { regular average } }
  }
}`;

/**
 * The roster comes from the students service's events on Kafka; a student who changes class
 * mid-year has rows in two gradebooks, merged into one result (each cell from the latest class
 * that has it).
 */
describe('a student who changes class during the year', () => {
  let harness: AcademicsHarness;
  let collector: EventCollector;
  let a: TestClass;
  let b: TestClass;
  let mover: TestClass['students'][0];

  beforeAll(async () => {
    collector = await new EventCollector(['hocbaso.academics.subject-result']).start();
    harness = await AcademicsHarness.start('academics_class_change');
    a = await harness.createClass(2);
    b = await harness.createClass(1, { schoolId: a.schoolId });
    mover = a.students[0]!;
    const first = await recordGradebook(
      harness.deps,
      { principal: teacherOf(a, 'TOAN') },
      {
        classId: a.classId,
        subjectCode: 'TOAN',
        schoolYear: SCHOOL_YEAR,
        term: 'TERM_1',
        rows: [{ studentId: mover.studentId, regular: [7, 7, 7, 7], midterm: 7, final: 7 }],
      },
    );
    expect(first.ok).toBe(true);
    const partial = await recordGradebook(
      harness.deps,
      { principal: teacherOf(a, 'TOAN') },
      {
        classId: a.classId,
        subjectCode: 'TOAN',
        schoolYear: SCHOOL_YEAR,
        term: 'TERM_2',
        rows: [{ studentId: mover.studentId, regular: [8, 8, null, null] }],
      },
    );
    expect(partial.ok).toBe(true);
    await harness.moveStudent(mover.studentId, mover.fullName, a, b, '2026-01-15');
  });
  afterAll(async () => {
    await harness?.close();
    await collector?.stop();
  });

  it('lets the new class’s teacher complete term II, and merges both gradebooks into one result', async () => {
    const recorded = await recordGradebook(
      harness.deps,
      { principal: teacherOf(b, 'TOAN') },
      {
        classId: b.classId,
        subjectCode: 'TOAN',
        schoolYear: SCHOOL_YEAR,
        term: 'TERM_2',
        rows: [{ studentId: mover.studentId, regular: [null, null, 9, 9], midterm: 9, final: 9 }],
      },
    );
    expect(recorded.errors).toEqual([]);
    const read = await harness.as<{ _entities: Array<{ results: unknown[] }> }>(
      homeroomTeacherOf(b),
      RESULTS,
      {
        r: [{ __typename: 'Student', id: mover.studentId }],
        year: SCHOOL_YEAR,
      },
    );
    expect(read.data?._entities[0]?.results).toEqual([
      {
        subject: { code: 'TOAN' },
        classIds: [a.classId, b.classId],
        term1: { regular: [7, 7, 7, 7], midterm: 7, final: 7, average: 7 },
        // (8 + 8 + 9 + 9 + 18 + 27) / 9 = 79 / 9 = 8.777… → 8.8
        term2: { regular: [8, 8, 9, 9], midterm: 9, final: 9, average: 8.8 },
        // (7 + 2 × 8.8) / 3 = 8.2
        year: { average: 8.2 },
      },
    ]);
    // The event of the new class's write carries the merged result, keyed by the student.
    const [event] = await collector.waitFor(
      (e: CloudEvent) =>
        e.partitionkey === mover.studentId && (e.data as { classId?: string }).classId === b.classId,
    );
    expect(event?.event.data).toMatchObject({
      term1: { average: 7 },
      term2: { average: 8.8 },
      year: { average: 8.2 },
    });
    // The first class's teacher still reads the result of their subject (their marks are in it).
    const old = await harness.as<{ _entities: Array<{ results: Array<{ classIds: string[] }> }> }>(
      teacherOf(a, 'TOAN'),
      RESULTS,
      { r: [{ __typename: 'Student', id: mover.studentId }], year: SCHOOL_YEAR },
    );
    expect(old.data?._entities[0]?.results.map((r) => r.classIds)).toEqual([[a.classId, b.classId]]);
  });

  it('keeps the student in the old gradebook as having left, and lists them in the new one', async () => {
    const oldBook = await harness.as<{
      gradebook: { lines: Array<{ studentId: string; inClass: boolean }> };
    }>(teacherOf(a, 'TOAN'), GRADEBOOK, { classId: a.classId, term: 'TERM_2' });
    expect(oldBook.data?.gradebook.lines.map((l) => [l.studentId, l.inClass]).sort()).toEqual(
      [
        [a.students[1]!.studentId, true],
        [mover.studentId, false],
      ].sort(),
    );
    const newBook = await harness.as<{
      gradebook: { lines: Array<{ studentId: string; inClass: boolean; marks: { regular: unknown[] } }> };
    }>(teacherOf(b, 'TOAN'), GRADEBOOK, { classId: b.classId, term: 'TERM_2' });
    const line = newBook.data?.gradebook.lines.find((l) => l.studentId === mover.studentId);
    expect(line).toMatchObject({ inClass: true, marks: { regular: [null, null, 9, 9] } });
  });

  it('follows a change of name from the students events', async () => {
    await harness.renameStudent(mover.studentId, 'Trần Thị Đổi Tên');
    const book = await harness.as<{ gradebook: { lines: Array<{ studentId: string; fullName: string }> } }>(
      teacherOf(b, 'TOAN'),
      GRADEBOOK,
      { classId: b.classId, term: 'TERM_1' },
    );
    expect(book.data?.gradebook.lines.find((l) => l.studentId === mover.studentId)?.fullName).toBe(
      'Trần Thị Đổi Tên',
    );
  });
});
