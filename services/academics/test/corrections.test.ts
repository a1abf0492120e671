/**
 * Corrections applied on signatures' request (R8), through Kafka and the store, on a gradebook a
 * subject teacher's signature has locked.
 */
import {
  academicsCorrectionApplied,
  correctionApplyRequested,
  subjectResultRecorded,
  type CloudEvent,
  type CorrectionChange,
  type CorrectionOutcome,
  type EventData,
} from '@hocbaso/events';
import { EventCollector, uniqueId } from '@hocbaso/testkit';
import {
  AcademicsHarness,
  SCHOOL_YEAR,
  SIGNATURES_ACTOR,
  schoolRole,
  teacherOf,
  type TestClass,
} from './harness';

jest.setTimeout(120_000);

const RECORD = `mutation($input: RecordGradebookInput!) {
  recordGradebook(input: $input) { ok errors { column code } }
}`;
const RESULTS = `query($r: [_Any!]!, $year: String!) { _entities(representations: $r) { ... on Student {
  results(schoolYear: $year) { subject { code } corrections term1 { regular midterm final average } term2 { regular average } year { average } reassessment { score } }
} } }`;

type Recorded = EventData<typeof subjectResultRecorded>;

describe('corrections in academics', () => {
  let harness: AcademicsHarness;
  let collector: EventCollector;
  let cls: TestClass;
  const id = (position: number) => cls.students[position]!.studentId;

  const request = (
    changes: CorrectionChange[],
    overrides: Partial<EventData<typeof correctionApplyRequested>> = {},
  ) => {
    const correctionId = overrides.correctionId ?? uniqueId('correction');
    const data: EventData<typeof correctionApplyRequested> = {
      correctionId,
      owner: 'academics',
      schoolId: cls.schoolId,
      schoolYear: SCHOOL_YEAR,
      classId: cls.classId,
      studentId: id(0),
      subjectCode: 'TOAN',
      changes,
      reason: 'Nhập nhầm điểm cuối kì (biên bản ngày 10/6)',
      actor: SIGNATURES_ACTOR,
      ...overrides,
    };
    return {
      data,
      publish: () => harness.publishSignaturesEvent(correctionApplyRequested, data.studentId, data),
    };
  };
  const answer = async (correctionId: string) => {
    const [found] = await collector.waitFor(
      (e: CloudEvent) =>
        e.type === academicsCorrectionApplied.type &&
        (e.data as CorrectionOutcome).correctionId === correctionId,
    );
    return found!;
  };
  const gradebook = () =>
    harness.db.collection('gradebooks').findOne({ classId: cls.classId, subjectCode: 'TOAN' });
  /** The gradebook as stored, without the outbox (which the relay empties meanwhile). */
  const marksOf = async () =>
    JSON.stringify(
      await harness.db
        .collection('gradebooks')
        .findOne(
          { classId: cls.classId, subjectCode: 'TOAN' },
          { projection: { _outbox: 0, _outboxPending: 0, _rev: 0 } },
        ),
    );
  const record = (term: string, rows: Array<Record<string, unknown>>) =>
    harness.as<{ recordGradebook: { ok: boolean; errors: Array<{ column: string; code: string }> } }>(
      teacherOf(cls, 'TOAN'),
      RECORD,
      { input: { classId: cls.classId, subjectCode: 'TOAN', schoolYear: SCHOOL_YEAR, term, rows } },
    );

  beforeAll(async () => {
    collector = await new EventCollector([
      academicsCorrectionApplied.topic,
      subjectResultRecorded.topic,
    ]).start();
    harness = await AcademicsHarness.start('academics_corrections');
    cls = await harness.createClass(2);
    const term1 = await record('TERM_1', [
      { studentId: id(0), regular: [7, 8, 9, 6], midterm: 8, final: 7 },
      { studentId: id(1), regular: [3, 3, 3, 3], midterm: 3, final: 3 },
    ]);
    const term2 = await record('TERM_2', [
      { studentId: id(0), regular: [8, 8, 8, 8], midterm: 9, final: 10 },
      { studentId: id(1), regular: [3, 3, 3, 3], midterm: 3, final: 3 },
    ]);
    expect([term1.data?.recordGradebook.ok, term2.data?.recordGradebook.ok]).toEqual([true, true]);
    // The subject teacher has signed the year: the gradebook is locked.
    const lockId = uniqueId('lock');
    const lock = await harness.requestLock(
      {
        unit: 'SUBJECT',
        schoolId: cls.schoolId,
        schoolYear: SCHOOL_YEAR,
        period: 'YEAR',
        classId: cls.classId,
        subjectCode: 'TOAN',
      },
      lockId,
    );
    await harness.handled(lock);
    expect(await harness.db.collection('record_locks').findOne({ _id: lockId as never })).toMatchObject({
      state: 'APPLIED',
    });
    expect((await record('TERM_1', [{ studentId: id(0), final: 9 }])).data?.recordGradebook.errors).toEqual([
      { column: 'term', code: 'RECORD_LOCKED' },
    ]);
  });
  afterAll(async () => {
    await harness?.close();
    await collector?.stop();
  });

  let applied: ReturnType<typeof request>;

  it('changes the marks of a locked gradebook, keeps the earlier values, and publishes both events', async () => {
    applied = request([
      { field: 'term1.final', value: 9 },
      { field: 'term2.regular.0', value: 6 },
    ]);
    await applied.publish();
    const outcome = await answer(applied.data.correctionId);
    expect(outcome.key).toBe(id(0));
    expect(outcome.event.data).toEqual({
      correctionId: applied.data.correctionId,
      owner: 'academics',
      outcome: 'APPLIED',
      changes: [
        { field: 'term1.final', before: 7, after: 9 },
        { field: 'term2.regular.0', before: 8, after: 6 },
      ],
      refusal: null,
      appliedAt: expect.any(String),
    });

    // Term I (30 + 2×8 + 3×9) / 9 = 8.1; term II before 8.9, after (30 + 2×9 + 3×10) / 9 = 8.7;
    // the year after term I only (8.1 + 2×8.9) / 3 = 8.6, after both (8.1 + 2×8.7) / 3 = 8.5.
    const results = await collector.waitFor(
      (e: CloudEvent) =>
        e.type === subjectResultRecorded.type &&
        e.partitionkey === id(0) &&
        (e.data as Recorded).actor.accountId === SIGNATURES_ACTOR.accountId,
      2,
    );
    expect(results.map((r) => r.event.data)).toEqual([
      expect.objectContaining({
        change: 'MARKS',
        marks: {
          term: 'TERM_1',
          before: { regular: [7, 8, 9, 6], midterm: 8, final: 7 },
          after: { regular: [7, 8, 9, 6], midterm: 8, final: 9 },
        },
        term1: { average: 8.1, result: null },
        term2: { average: 8.9, result: null },
        year: { average: 8.6, result: null },
        actor: SIGNATURES_ACTOR,
      }),
      expect.objectContaining({
        change: 'MARKS',
        marks: {
          term: 'TERM_2',
          before: { regular: [8, 8, 8, 8], midterm: 9, final: 10 },
          after: { regular: [6, 8, 8, 8], midterm: 9, final: 10 },
        },
        term2: { average: 8.7, result: null },
        year: { average: 8.5, result: null },
      }),
    ]);

    const stored = await gradebook();
    expect(stored?.corrections).toEqual([
      {
        correctionId: applied.data.correctionId,
        studentId: id(0),
        changes: [
          { field: 'term1.final', before: 7, after: 9 },
          { field: 'term2.regular.0', before: 8, after: 6 },
        ],
        reason: applied.data.reason,
        appliedAt: expect.any(Date),
        appliedBy: SIGNATURES_ACTOR.accountId,
      },
    ]);
    const read = await harness.as<{ _entities: Array<{ results: Array<Record<string, unknown>> }> }>(
      schoolRole('PRINCIPAL', cls.schoolId),
      RESULTS,
      { r: [{ __typename: 'Student', id: id(0) }], year: SCHOOL_YEAR },
    );
    expect(read.data?._entities[0]?.results).toEqual([
      {
        subject: { code: 'TOAN' },
        corrections: 1,
        term1: { regular: [7, 8, 9, 6], midterm: 8, final: 9, average: 8.1 },
        term2: { regular: [6, 8, 8, 8], average: 8.7 },
        year: { average: 8.5 },
        reassessment: null,
      },
    ]);
    // Still locked for the teacher.
    expect((await record('TERM_1', [{ studentId: id(0), final: 7 }])).data?.recordGradebook.errors).toEqual([
      { column: 'term', code: 'RECORD_LOCKED' },
    ]);
  });

  it('changes nothing when the same correction is delivered again', async () => {
    const before = await marksOf();
    const again = await applied.publish();
    await harness.handled(again);
    await harness.settle();
    expect(await marksOf()).toBe(before);
    expect(
      await harness.published(academicsCorrectionApplied.type, { correctionId: applied.data.correctionId }),
    ).toHaveLength(1);
  });

  it('corrects the summer re-assessment with its own event', async () => {
    const summer = request([{ field: 'reassessment', value: 6 }], { studentId: id(1) });
    await summer.publish();
    expect((await answer(summer.data.correctionId)).event.data).toMatchObject({
      outcome: 'APPLIED',
      changes: [{ field: 'reassessment', before: null, after: 6 }],
    });
    const [event] = await collector.waitFor(
      (e: CloudEvent) => e.partitionkey === id(1) && (e.data as Recorded).change === 'REASSESSMENT',
    );
    expect(event?.event.data).toMatchObject({
      year: { average: 3 },
      reassessment: { average: 6, result: null },
    });
  });

  it('refuses a bad value, an unknown student or gradebook, with a Vietnamese message, and changes nothing', async () => {
    const before = await marksOf();
    const bad = request([
      { field: 'term1.midterm', value: 10.5 },
      { field: 'term1.comment', value: 'x' },
    ]);
    await bad.publish();
    const refused = (await answer(bad.data.correctionId)).event.data as CorrectionOutcome;
    expect(refused).toMatchObject({
      outcome: 'REFUSED',
      changes: [],
      refusal: { code: 'VALIDATION_FAILED' },
    });
    expect(refused.refusal?.message).toMatch(/không hợp lệ/);
    expect(refused.refusal?.details.map((d) => d.split(':')[0])).toEqual(['term1.comment']);

    const badValue = request([{ field: 'term1.midterm', value: 10.5 }]);
    await badValue.publish();
    expect((await answer(badValue.data.correctionId)).event.data).toMatchObject({
      outcome: 'REFUSED',
      refusal: { details: [expect.stringMatching(/^term1\.midterm: .*thang điểm từ 0 đến 10/)] },
    });

    const stranger = request([{ field: 'term1.final', value: 8 }], { studentId: uniqueId('student') });
    await stranger.publish();
    expect((await answer(stranger.data.correctionId)).event.data).toMatchObject({
      outcome: 'REFUSED',
      refusal: { code: 'NOT_FOUND' },
    });
    const noGradebook = request([{ field: 'term1.final', value: 8 }], { subjectCode: 'NGU_VAN' });
    await noGradebook.publish();
    expect((await answer(noGradebook.data.correctionId)).event.data).toMatchObject({
      outcome: 'REFUSED',
      refusal: { code: 'NOT_FOUND' },
    });
    expect(await marksOf()).toBe(before);

    // Redelivered, a refusal is not answered twice either.
    await harness.handled(await bad.publish());
    await harness.settle();
    expect(
      await harness.published(academicsCorrectionApplied.type, { correctionId: bad.data.correctionId }),
    ).toHaveLength(1);
  });

  it('leaves other owners’ corrections alone', async () => {
    const theirs = request([{ field: 'term1.final', value: 1 }], { owner: 'conduct' });
    await harness.handled(await theirs.publish());
    await harness.settle();
    expect(
      await harness.published(academicsCorrectionApplied.type, { correctionId: theirs.data.correctionId }),
    ).toEqual([]);
    expect(
      await harness.db
        .collection('correction_refusals')
        .countDocuments({ _id: theirs.data.correctionId as never }),
    ).toBe(0);
  });
});
