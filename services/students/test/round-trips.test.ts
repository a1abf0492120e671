import { randomUUID } from 'node:crypto';
import type { ClassDocument } from '../src/model/class.model';
import type { DatabaseCall } from '../src/server';
import { StudentsHarness, staffOf, subjectTeacherOf } from './harness';

jest.setTimeout(120_000);

/** A class-wide read touching every per-student field that could fan out into its own query. */
const CLASS_WITH_ROSTER = `query($id: ID!) {
  class(id: $id) {
    name homeroomTeacher { id } school { id }
    students {
      id fullName gender status personalId dateOfBirth guardians { fullName }
      school { id }
      currentClass { id name homeroomTeacher { id } }
      enrolments { className kind class { id name } }
      statusHistory { status }
    }
  }
}`;
const ROSTER = `query($id: ID!) { students(classId: $id) { id fullName currentClass { name } enrolments { class { name } } } }`;

describe('class-wide reads cost a constant number of database round trips', () => {
  let harness: StudentsHarness;
  const schoolId = `school-${randomUUID()}`;
  let small: ClassDocument;
  let large: ClassDocument;

  beforeAll(async () => {
    // The relay stays idle between polls, so only the request's own queries are recorded.
    harness = await StudentsHarness.start('students_round_trips', { OUTBOX_POLL_INTERVAL_MS: '600000' });
    small = await harness.createClass(schoolId, '10A1', randomUUID());
    large = await harness.createClass(schoolId, '10A2', randomUUID());
    for (let i = 0; i < 10; i++) await harness.admit(small);
    for (let i = 0; i < 45; i++) await harness.admit(large);
  });
  afterAll(() => harness?.close());

  async function measure(query: string, classId: string, principal = staffOf(schoolId)) {
    const recorder = harness.service.recordDatabaseCalls();
    const result = await harness.as<Record<string, unknown>>(principal, query, { id: classId });
    const calls = recorder.stop();
    return { result, calls };
  }

  /** The request's own calls: a poll of the outbox relay (a find on `_outboxPending`) is not one. */
  const requestCalls = (calls: DatabaseCall[]) =>
    calls.filter(
      (c) =>
        !(c.method === 'find' && c.filter && typeof c.filter === 'object' && '_outboxPending' in c.filter),
    );
  const describeCalls = (calls: DatabaseCall[]) =>
    requestCalls(calls).map((c) => `${c.collection}.${c.method}`);

  it('answers a class of 10 and a class of 45 with the same queries', async () => {
    const ten = await measure(CLASS_WITH_ROSTER, small._id);
    const fortyFive = await measure(CLASS_WITH_ROSTER, large._id);
    expect(ten.result.errors).toBeUndefined();
    expect(fortyFive.result.errors).toBeUndefined();
    expect((ten.result.data?.class as { students: unknown[] }).students).toHaveLength(10);
    expect((fortyFive.result.data?.class as { students: unknown[] }).students).toHaveLength(45);
    // One query for the class, one for its whole roster: the classes of every enrolment and the
    // current class come from the per-request loader, already loaded. The staff member read
    // personal fields: one access-log entry for the whole request (R11).
    expect(describeCalls(ten.calls)).toEqual([
      'classes.findOne',
      'students.find',
      'personal_data_reads.insertOne',
    ]);
    expect(describeCalls(fortyFive.calls)).toEqual(describeCalls(ten.calls));
  });

  it('the same for the students(classId) roster and for a subject teacher’s view', async () => {
    const ten = await measure(ROSTER, small._id);
    const fortyFive = await measure(ROSTER, large._id);
    expect((fortyFive.result.data?.students as unknown[]).length).toBe(45);
    expect(describeCalls(fortyFive.calls)).toEqual(describeCalls(ten.calls));
    expect(fortyFive.calls.length).toBeLessThanOrEqual(2);

    const teacherTen = await measure(CLASS_WITH_ROSTER, small._id, subjectTeacherOf(schoolId, small._id));
    const teacherFortyFive = await measure(
      CLASS_WITH_ROSTER,
      large._id,
      subjectTeacherOf(schoolId, large._id),
    );
    expect((teacherFortyFive.result.data?.class as { students: unknown[] }).students).toHaveLength(45);
    expect(describeCalls(teacherFortyFive.calls)).toEqual(describeCalls(teacherTen.calls));
  });

  it('counts for real: reading students one by one would cost one query each', async () => {
    const ids = ((await measure(ROSTER, large._id)).result.data?.students as Array<{ id: string }>).map(
      (s) => s.id,
    );
    const recorder = harness.service.recordDatabaseCalls();
    for (const id of ids.slice(0, 5)) {
      await harness.as(staffOf(schoolId), `query($id: ID!) { student(id: $id) { id } }`, { id });
    }
    expect(requestCalls(recorder.stop()).filter((c) => c.collection === 'students')).toHaveLength(5);
  });
});
