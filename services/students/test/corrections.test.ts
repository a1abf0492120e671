/**
 * Corrections of personal data applied on signatures' request (R8), through Kafka and the store,
 * on a student whose year page the approver's signature has locked.
 */
import { randomUUID } from 'node:crypto';
import {
  correctionApplyRequested,
  SIGNATURES_SOURCE,
  studentPersonalDataChanged,
  studentsCorrectionApplied,
  type CloudEvent,
  type CorrectionChange,
  type CorrectionOutcome,
  type EventData,
  type LockConfirmation,
} from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import { EventCollector, uniqueId } from '@hocbaso/testkit';
import type { ClassDocument } from '../src/model/class.model';
import type { StudentDocument } from '../src/model/student.model';
import { errorCodes, homeroomTeacherOf, SCHOOL_YEAR, StudentsHarness, studentInput } from './harness';

jest.setTimeout(120_000);

const UPDATE = `mutation($i: UpdateStudentPersonalDataInput!) { updateStudentPersonalData(input: $i) { id } }`;
const SIGNATURES_ACTOR = { accountId: 'admin-signatures', kind: 'user' as const };

type Request = EventData<typeof correctionApplyRequested>;
type PersonalDataChanged = EventData<typeof studentPersonalDataChanged>;

describe('corrections of personal data in the students service', () => {
  let harness: StudentsHarness;
  let collector: EventCollector;
  const schoolId = `school-${randomUUID()}`;
  let a1: ClassDocument;
  let teacher: Principal;
  let student: StudentDocument;
  const input = studentInput(11);

  const request = (changes: CorrectionChange[], overrides: Partial<Request> = {}) => {
    const data: Request = {
      correctionId: uniqueId('correction'),
      owner: 'students',
      schoolId,
      schoolYear: SCHOOL_YEAR,
      classId: a1._id,
      studentId: student._id,
      subjectCode: null,
      changes,
      reason: 'Khai sai sơ yếu lý lịch (biên bản ngày 10/6)',
      actor: SIGNATURES_ACTOR,
      ...overrides,
    };
    return {
      data,
      publish: () => harness.publish(correctionApplyRequested, data.studentId, data, SIGNATURES_SOURCE),
    };
  };
  const answer = async (correctionId: string) => {
    const [found] = await collector.waitFor(
      (e: CloudEvent) =>
        e.type === studentsCorrectionApplied.type &&
        (e.data as CorrectionOutcome).correctionId === correctionId,
    );
    return found!;
  };
  /** The record as stored, without the outbox (which the relay empties meanwhile). */
  const stored = async () =>
    JSON.stringify(
      await harness.db
        .collection('students')
        .findOne({ _id: student._id as never }, { projection: { _outbox: 0, _outboxPending: 0, _rev: 0 } }),
    );
  const update = (address: string) => harness.as(teacher, UPDATE, { i: { studentId: student._id, address } });

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_corrections');
    collector = await new EventCollector([
      studentsCorrectionApplied.topic,
      studentPersonalDataChanged.topic,
    ]).start();
    await harness.waitUntilLocksListening();
    a1 = await harness.createClass(schoolId, '11A1', randomUUID());
    teacher = homeroomTeacherOf(schoolId, a1._id);
    student = await harness.admit(a1, input);

    // The approver has signed the student's year: the personal data is locked.
    const lockId = randomUUID();
    await harness.requestLock(
      { unit: 'STUDENT_YEAR', schoolId, schoolYear: SCHOOL_YEAR, classId: a1._id, studentId: student._id },
      lockId,
    );
    await collector.waitFor(
      (e) =>
        e.type === 'vn.hocbaso.students.lock.confirmed' &&
        (e.data as LockConfirmation).lockId === lockId &&
        (e.data as LockConfirmation).outcome === 'APPLIED',
    );
    expect(errorCodes(await update('Số 1, phố Huế, Hà Nội'))).toEqual(['RECORD_LOCKED']);
  });
  afterAll(async () => {
    await collector?.stop();
    await harness?.close();
  });

  let applied: ReturnType<typeof request>;

  it('changes the personal data of a locked record, keeps the values before, and publishes both events without them', async () => {
    // The birth year stays the one the personal ID encodes; the name is entered untidily.
    const born = `${input.dateOfBirth.slice(0, 4)}-11-20`;
    applied = request([
      { field: 'personal.fullName', value: '  Nguyễn   Thị Thu  Hằng ' },
      { field: 'personal.address', value: 'Số 3, phố Huế, Hai Bà Trưng, Hà Nội' },
      { field: 'personal.dateOfBirth', value: born },
      { field: 'personal.policyCategory', value: 'Con thương binh' },
    ]);
    await applied.publish();
    const outcome = await answer(applied.data.correctionId);
    expect(outcome.key).toBe(student._id);
    expect(outcome.event.data).toEqual({
      correctionId: applied.data.correctionId,
      owner: 'students',
      outcome: 'APPLIED',
      changes: [
        { field: 'personal.fullName', before: null, after: null },
        { field: 'personal.address', before: null, after: null },
        { field: 'personal.dateOfBirth', before: null, after: null },
        { field: 'personal.policyCategory', before: null, after: null },
      ],
      refusal: null,
      appliedAt: expect.any(String),
    });
    const [changed] = await collector.waitFor(
      (e: CloudEvent) => e.type === studentPersonalDataChanged.type && e.partitionkey === student._id,
    );
    const data = changed!.event.data as PersonalDataChanged;
    expect([...data.changedFields].sort()).toEqual(['address', 'dateOfBirth', 'fullName', 'policyCategory']);
    expect(data).toMatchObject({
      studentId: student._id,
      fullName: 'Nguyễn Thị Thu Hằng',
      actor: SIGNATURES_ACTOR,
    });
    const record = (await harness.deps.students.findById(student._id))!;
    expect(record).toMatchObject({
      fullName: 'Nguyễn Thị Thu Hằng',
      address: 'Số 3, phố Huế, Hai Bà Trưng, Hà Nội',
      dateOfBirth: born,
      policyCategory: 'Con thương binh',
      placeOfBirth: input.placeOfBirth,
    });
    expect(record.corrections).toEqual([
      {
        correctionId: applied.data.correctionId,
        changes: [
          { field: 'personal.fullName', before: input.fullName, after: 'Nguyễn Thị Thu Hằng' },
          { field: 'personal.address', before: input.address, after: 'Số 3, phố Huế, Hai Bà Trưng, Hà Nội' },
          { field: 'personal.dateOfBirth', before: input.dateOfBirth, after: born },
          { field: 'personal.policyCategory', before: null, after: 'Con thương binh' },
        ],
        reason: applied.data.reason,
        appliedAt: expect.any(Date),
        appliedBy: SIGNATURES_ACTOR.accountId,
      },
    ]);
    // The record's own history has the change like any other, by the correction's actor.
    const history = record.personalDataHistory.at(-1)!;
    expect(history.changedBy).toBe(SIGNATURES_ACTOR.accountId);
    expect(Object.fromEntries(history.changes.map((c) => [c.field, [c.before, c.after]]))).toEqual({
      fullName: [input.fullName, 'Nguyễn Thị Thu Hằng'],
      dateOfBirth: [input.dateOfBirth, born],
      policyCategory: [null, 'Con thương binh'],
      address: [input.address, 'Số 3, phố Huế, Hai Bà Trưng, Hà Nội'],
    });

    // Still locked for the homeroom teacher.
    expect(errorCodes(await update('Số 9, phố Huế, Hà Nội'))).toEqual(['RECORD_LOCKED']);
  });

  it('changes nothing when the same correction is delivered again', async () => {
    await harness.settle();
    const before = await stored();
    await harness.handled(await applied.publish());
    await harness.settle();
    expect(await stored()).toBe(before);
    expect(
      await harness.published(studentsCorrectionApplied.type, { correctionId: applied.data.correctionId }),
    ).toHaveLength(1);
    expect(await harness.published(studentPersonalDataChanged.type, { studentId: student._id })).toHaveLength(
      1,
    );
  });

  it('applies and keeps a correction to the values already there, with no change event', async () => {
    const current = (await harness.deps.students.findById(student._id))!;
    const same = request([{ field: 'personal.placeOfBirth', value: ` ${current.placeOfBirth} ` }]);
    await same.publish();
    expect((await answer(same.data.correctionId)).event.data).toMatchObject({
      outcome: 'APPLIED',
      changes: [{ field: 'personal.placeOfBirth', before: null, after: null }],
    });
    await harness.settle();
    const record = (await harness.deps.students.findById(student._id))!;
    expect(record.corrections?.at(-1)).toMatchObject({
      correctionId: same.data.correctionId,
      changes: [
        { field: 'personal.placeOfBirth', before: current.placeOfBirth, after: current.placeOfBirth },
      ],
    });
    expect(record.personalDataHistory).toEqual(current.personalDataHistory);
    expect(await harness.published(studentPersonalDataChanged.type, { studentId: student._id })).toHaveLength(
      1,
    );
  });

  it('refuses an unknown field, a bad value, an unknown student or year, with a Vietnamese message, and changes nothing', async () => {
    const before = await stored();
    const bad = request([
      { field: 'personal.address', value: 'Số 5, phố Huế, Hà Nội' },
      { field: 'personal.personalId', value: '001309000001' },
      { field: 'term1.final', value: 9 },
    ]);
    await bad.publish();
    const refused = (await answer(bad.data.correctionId)).event.data as CorrectionOutcome;
    expect(refused).toMatchObject({
      outcome: 'REFUSED',
      changes: [],
      refusal: { code: 'VALIDATION_FAILED' },
    });
    expect(refused.refusal?.message).toMatch(/không hợp lệ; không có gì được sửa/);
    expect(refused.refusal?.details.map((d) => d.split(':')[0])).toEqual([
      'personal.personalId',
      'term1.final',
    ]);

    // Values judged by the personal-data rules: no real date; a birth year the personal ID
    // contradicts (it encodes the year and the gender); a name with digits; a gender that is none.
    const badValues: Array<[CorrectionChange, RegExp]> = [
      [{ field: 'personal.dateOfBirth', value: '2009-02-30' }, /ngày có thật/],
      [{ field: 'personal.dateOfBirth', value: '2010-03-15' }, /./],
      [{ field: 'personal.gender', value: 'MALE' }, /mã định danh cá nhân không khớp với giới tính/],
      [{ field: 'personal.fullName', value: 'Nguyễn Th1 Hà' }, /Họ và tên/],
      [{ field: 'personal.gender', value: 'OTHER' }, /Giới tính không hợp lệ/],
    ];
    for (const [change, detail] of badValues) {
      const one = request([change, { field: 'personal.ethnicity', value: 'Mường' }]);
      await one.publish();
      const outcome = (await answer(one.data.correctionId)).event.data as CorrectionOutcome;
      expect(outcome).toMatchObject({ outcome: 'REFUSED', refusal: { code: 'VALIDATION_FAILED' } });
      const details = outcome.refusal?.details ?? [];
      expect(details.length).toBeGreaterThan(0);
      // Every problem names the corrected field, not the valid one beside it.
      for (const d of details) expect(d.startsWith(`${change.field}: `)).toBe(true);
      expect(details.some((d) => detail.test(d))).toBe(true);
    }

    const stranger = request([{ field: 'personal.ethnicity', value: 'Mường' }], {
      studentId: uniqueId('student'),
    });
    await stranger.publish();
    const otherYear = request([{ field: 'personal.ethnicity', value: 'Mường' }], { schoolYear: '2023-2024' });
    await otherYear.publish();
    for (const notFound of [stranger, otherYear]) {
      const refusal = ((await answer(notFound.data.correctionId)).event.data as CorrectionOutcome).refusal;
      expect(refusal).toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringMatching(/Không tìm thấy học sinh/),
      });
    }
    await harness.settle();
    expect(await stored()).toBe(before);

    // Redelivered, a refusal is not answered twice either.
    await harness.handled(await bad.publish());
    await harness.settle();
    expect(
      await harness.published(studentsCorrectionApplied.type, { correctionId: bad.data.correctionId }),
    ).toHaveLength(1);
  });

  it('leaves other owners’ corrections alone', async () => {
    const before = await stored();
    const theirs = request([{ field: 'personal.ethnicity', value: 'Mường' }], { owner: 'conduct' });
    await harness.handled(await theirs.publish());
    await harness.settle();
    expect(
      await harness.published(studentsCorrectionApplied.type, { correctionId: theirs.data.correctionId }),
    ).toEqual([]);
    expect(
      await harness.db
        .collection('correction_refusals')
        .countDocuments({ _id: theirs.data.correctionId as never }),
    ).toBe(0);
    expect(await stored()).toBe(before);
  });
});
