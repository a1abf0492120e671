/**
 * Corrections applied on signatures' request (R8), through Kafka and the store, on a conduct page
 * the approver's signature has locked.
 */
import { randomUUID } from 'node:crypto';
import {
  conductAssessed,
  conductCorrectionApplied,
  correctionApplyRequested,
  outcomeComputed,
  type CloudEvent,
  type CorrectionChange,
  type CorrectionOutcome,
  type EventData,
  type LockConfirmation,
} from '@hocbaso/events';
import { EventCollector, eventually } from '@hocbaso/testkit';
import { ConductHarness, SCHOOL_YEAR, SIGNATURES_ACTOR } from './harness';

jest.setTimeout(120_000);

const RECORD_CONDUCT = `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 term2 } }`;
const PAGE = `query($r: [_Any!]!, $y: String!) {
  _entities(representations: $r) { ... on Student { conduct(schoolYear: $y) {
    term1 term2 year outcome title homeroomComment
  } } }
}`;
const SCORED = [
  'NGU_VAN',
  'TOAN',
  'NGOAI_NGU_1',
  'LICH_SU',
  'GDQP_AN',
  'VAT_LI',
  'HOA_HOC',
  'TIN_HOC',
  'SINH_HOC',
];
const COMMENT_SUBJECTS = ['GD_THE_CHAT', 'HD_TRAI_NGHIEM_HUONG_NGHIEP', 'GD_DIA_PHUONG'];

describe('corrections in conduct', () => {
  let harness: ConductHarness;
  let collector: EventCollector;
  let classId: string;
  let studentId: string;
  let teacher: ReturnType<ConductHarness['homeroomTeacher']>;

  const request = (
    changes: CorrectionChange[],
    overrides: Partial<EventData<typeof correctionApplyRequested>> = {},
  ) => {
    const data: EventData<typeof correctionApplyRequested> = {
      correctionId: randomUUID(),
      owner: 'conduct',
      schoolId: harness.schoolId,
      schoolYear: SCHOOL_YEAR,
      classId,
      studentId,
      subjectCode: null,
      changes,
      reason: 'Nhập nhầm kết quả rèn luyện học kì II (biên bản ngày 10/6)',
      actor: SIGNATURES_ACTOR,
      ...overrides,
    };
    return {
      data,
      publish: () => harness.publishSignaturesEvent(correctionApplyRequested, data.studentId, data),
    };
  };
  const answer = (correctionId: string) =>
    harness.ownEvent(collector, conductCorrectionApplied.type, { correctionId });
  /** The page as stored, without the outbox (which the relay empties meanwhile). */
  const stored = async () =>
    JSON.stringify(
      await harness.db
        .collection('conduct_records')
        .findOne({ studentId }, { projection: { _outbox: 0, _outboxPending: 0, _rev: 0 } }),
    );
  const pageOf = async () => {
    const result = await harness.query<{ _entities: Array<{ conduct: Record<string, unknown> | null }> }>(
      harness.principalOfSchool(),
      PAGE,
      { r: [{ __typename: 'Student', id: studentId }], y: SCHOOL_YEAR },
    );
    expect(result.errors).toBeUndefined();
    return result.data!._entities[0]!.conduct!;
  };
  const record = (period: string, level: string, comment?: string) =>
    harness.query(teacher, RECORD_CONDUCT, {
      i: { studentId, schoolYear: SCHOOL_YEAR, period, level, ...(comment ? { comment } : {}) },
    });

  beforeAll(async () => {
    harness = await ConductHarness.start('conduct_corrections');
    collector = await new EventCollector([conductCorrectionApplied.topic, conductAssessed.topic]).start();
    await harness.waitUntilLocksListening();
    const cls = await harness.createClass(1);
    classId = cls.classId;
    studentId = cls.studentIds[0]!;
    teacher = harness.homeroomTeacher(cls.homeroomTeacherId, classId);
    expect((await record('TERM_1', 'KHA')).errors).toBeUndefined();
    expect((await record('TERM_2', 'TOT', 'Chăm ngoan.')).errors).toBeUndefined();
    // Six scored subjects at 8.5, the others at 7.0, comment subjects ĐẠT: learning TỐT; with
    // conduct KHÁ then TỐT the year conduct is TỐT: promoted, Học sinh Giỏi.
    for (const [index, subject] of SCORED.entries())
      await harness.subjectResult(studentId, classId, subject, { average: index < 6 ? 8.5 : 7.0 });
    for (const subject of COMMENT_SUBJECTS)
      await harness.subjectResult(studentId, classId, subject, { result: 'DAT' });
    await eventually(async () => (await pageOf()).title === 'GOOD', 60_000);

    // The approver has signed the student's year: the page is locked.
    const lockId = randomUUID();
    await harness.requestLock(
      { unit: 'STUDENT_YEAR', schoolId: harness.schoolId, schoolYear: SCHOOL_YEAR, classId, studentId },
      lockId,
    );
    const confirmed = await harness.ownEvent(collector, 'vn.hocbaso.conduct.lock.confirmed', { lockId });
    expect((confirmed.event.data as LockConfirmation).outcome).toBe('APPLIED');
    expect((await record('TERM_2', 'KHA')).errors?.[0]?.extensions?.code).toBe('RECORD_LOCKED');
  });
  afterAll(async () => {
    await collector?.stop();
    await harness?.close();
  });

  let applied: ReturnType<typeof request>;

  it('changes a locked page, recomputes the standing, keeps the earlier values, and publishes the events', async () => {
    applied = request([
      { field: 'conduct.term2', value: 'KHA' },
      { field: 'conduct.homeroomComment', value: 'Chăm ngoan, cần mạnh dạn hơn.' },
    ]);
    await applied.publish();
    const outcome = await answer(applied.data.correctionId);
    expect(outcome.key).toBe(studentId);
    expect(outcome.event.data).toEqual({
      correctionId: applied.data.correctionId,
      owner: 'conduct',
      outcome: 'APPLIED',
      changes: [
        { field: 'conduct.term2', before: 'TOT', after: 'KHA' },
        { field: 'conduct.homeroomComment', before: 'Chăm ngoan.', after: 'Chăm ngoan, cần mạnh dạn hơn.' },
      ],
      refusal: null,
      appliedAt: expect.any(String),
    });

    // Term I KHÁ, term II KHÁ: the year conduct is KHÁ (Điều 8); still promoted, but Học sinh Giỏi
    // needs conduct TỐT, so the title goes.
    const changes = await collector.waitFor(
      (e: CloudEvent) =>
        e.partitionkey === studentId &&
        (e.data as { actor?: { accountId: string | null } }).actor?.accountId === SIGNATURES_ACTOR.accountId,
      2,
    );
    expect(changes.map((c) => [c.event.type, c.event.data])).toEqual([
      [
        conductAssessed.type,
        {
          studentId,
          schoolId: harness.schoolId,
          schoolYear: SCHOOL_YEAR,
          period: 'TERM_2',
          before: 'TOT',
          after: 'KHA',
          actor: SIGNATURES_ACTOR,
        },
      ],
      [
        outcomeComputed.type,
        {
          studentId,
          schoolId: harness.schoolId,
          schoolYear: SCHOOL_YEAR,
          learning: 'TOT',
          conduct: 'KHA',
          absences: 0,
          outcome: 'PROMOTED',
          title: null,
          actor: SIGNATURES_ACTOR,
        },
      ],
    ]);

    const page = await harness.db.collection('conduct_records').findOne({ studentId });
    expect(page?.corrections).toEqual([
      {
        correctionId: applied.data.correctionId,
        changes: [
          { field: 'conduct.term2', before: 'TOT', after: 'KHA' },
          { field: 'conduct.homeroomComment', before: 'Chăm ngoan.', after: 'Chăm ngoan, cần mạnh dạn hơn.' },
        ],
        reason: applied.data.reason,
        appliedAt: expect.any(Date),
        appliedBy: SIGNATURES_ACTOR.accountId,
      },
    ]);
    expect(await pageOf()).toEqual({
      term1: 'KHA',
      term2: 'KHA',
      year: 'KHA',
      outcome: 'PROMOTED',
      title: null,
      homeroomComment: 'Chăm ngoan, cần mạnh dạn hơn.',
    });
    // Still locked for the homeroom teacher.
    expect((await record('TERM_2', 'TOT')).errors?.[0]?.extensions?.code).toBe('RECORD_LOCKED');
  });

  it('changes nothing when the same correction is delivered again', async () => {
    await harness.settle();
    const before = await stored();
    await harness.handled(await applied.publish());
    await harness.settle();
    expect(await stored()).toBe(before);
    expect(
      await harness.published(conductCorrectionApplied.type, { correctionId: applied.data.correctionId }),
    ).toHaveLength(1);
    expect(
      await harness.published(conductAssessed.type, {
        studentId,
        'actor.accountId': SIGNATURES_ACTOR.accountId,
      }),
    ).toHaveLength(1);
  });

  it('refuses a bad field or value, a summer rating not due, an unknown student, with a Vietnamese message, and changes nothing', async () => {
    await harness.settle();
    const before = await stored();
    const bad = request([
      { field: 'conduct.term1', value: 'GIOI' },
      { field: 'conduct.year', value: 'TOT' },
      { field: 'conduct.term2', value: 'TOT' },
    ]);
    await bad.publish();
    const refused = (await answer(bad.data.correctionId)).event.data as CorrectionOutcome;
    expect(refused).toMatchObject({
      owner: 'conduct',
      outcome: 'REFUSED',
      changes: [],
      refusal: { code: 'VALIDATION_FAILED' },
    });
    expect(refused.refusal?.message).toMatch(/không hợp lệ; không có gì được sửa/);
    expect(refused.refusal?.details.map((d) => d.split(':')[0])).toEqual(['conduct.term1', 'conduct.year']);

    // Promoted: no summer re-training to rate.
    const summer = request([{ field: 'conduct.summer', value: 'DAT' }]);
    await summer.publish();
    expect((await answer(summer.data.correctionId)).event.data).toMatchObject({
      outcome: 'REFUSED',
      refusal: { details: [expect.stringMatching(/^conduct\.summer: .*rèn luyện trong kì nghỉ hè/)] },
    });

    const stranger = request([{ field: 'conduct.term1', value: 'TOT' }], { studentId: randomUUID() });
    await stranger.publish();
    expect((await answer(stranger.data.correctionId)).event.data).toMatchObject({
      outcome: 'REFUSED',
      refusal: { code: 'NOT_FOUND', message: expect.stringMatching(/Không có kết quả rèn luyện/) },
    });
    await harness.settle();
    expect(await stored()).toBe(before);

    // Redelivered, a refusal is not answered twice either.
    await harness.handled(await bad.publish());
    await harness.settle();
    expect(
      await harness.published(conductCorrectionApplied.type, { correctionId: bad.data.correctionId }),
    ).toHaveLength(1);
  });

  it('leaves other owners’ corrections alone', async () => {
    await harness.settle();
    const before = await stored();
    const theirs = request([{ field: 'conduct.term1', value: 'TOT' }], { owner: 'academics' });
    await harness.handled(await theirs.publish());
    await harness.settle();
    expect(await stored()).toBe(before);
    expect(
      await harness.published(conductCorrectionApplied.type, { correctionId: theirs.data.correctionId }),
    ).toEqual([]);
    expect(
      await harness.db
        .collection('correction_refusals')
        .countDocuments({ _id: theirs.data.correctionId as never }),
    ).toBe(0);
  });
});
