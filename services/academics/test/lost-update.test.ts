/**
 * FerretDB v1 applies an update as read, modify, write back: without the WriteLock, concurrent
 * writes of one gradebook (teachers saving, the outbox relay cleaning up) would lose each other.
 */
import { recordGradebook } from '../src/usecases/record-gradebook';
import { AcademicsHarness, SCHOOL_YEAR, teacherOf, type TestClass } from './harness';

jest.setTimeout(120_000);

describe('concurrent writes of one gradebook while the outbox relay runs', () => {
  let harness: AcademicsHarness;
  let cls: TestClass;
  beforeAll(async () => {
    harness = await AcademicsHarness.start('academics_lost_update');
    cls = await harness.createClass(10);
  });
  afterAll(() => harness?.close());

  it('keeps every row and publishes every event', async () => {
    const teacher = teacherOf(cls, 'TOAN');
    const results = await Promise.all(
      cls.students.map((s, i) =>
        recordGradebook(
          harness.deps,
          { principal: teacher },
          {
            classId: cls.classId,
            subjectCode: 'TOAN',
            schoolYear: SCHOOL_YEAR,
            term: i % 2 === 0 ? 'TERM_1' : 'TERM_2',
            rows: [{ studentId: s.studentId, regular: [i % 11, 5, 5, 5], midterm: 5, final: 5 }],
          },
        ),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    await harness.settle();
    const stored = await harness.db.collection('gradebooks').findOne({ classId: cls.classId });
    const rows = (stored?.rows ?? []) as Array<{ studentId: string; term1: unknown; term2: unknown }>;
    expect(rows.map((r) => r.studentId).sort()).toEqual(cls.students.map((s) => s.studentId).sort());
    const logged = await harness.db
      .collection('event_log')
      .countDocuments({ key: { $in: cls.students.map((s) => s.studentId) } });
    expect(logged).toBe(cls.students.length);
  });
});
