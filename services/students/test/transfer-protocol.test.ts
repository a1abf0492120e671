/**
 * The students service's side of the archive's transfers (issue 5, R1, R6): `transferImported`,
 * published as the archive publishes it once the receiving school imported a verified package,
 * moves the same student record into the receiving school's class, through the real Kafka and
 * store; the answer is `studentTransferApplied`, given again (the same) for a redelivered transfer.
 */
import { randomUUID } from 'node:crypto';
import {
  ARCHIVE_SOURCE,
  studentEnrolled,
  studentLeftClass,
  studentStatusChanged,
  studentTransferApplied,
  transferImported,
  type CloudEvent,
  type EventData,
} from '@hocbaso/events';
import { actorOf } from '@hocbaso/service-kit';
import { eventually, EventCollector, uniqueId } from '@hocbaso/testkit';
import type { ClassDocument } from '../src/model/class.model';
import type { StudentDocument } from '../src/model/student.model';
import { appliedAt, authorOf, receivingClassProblems } from '../src/usecases/apply-transfer';
import { READ_STUDENT, SET_STATUS, TRANSFER_OUT, UPDATE_PERSONAL } from './fragments';
import { errorCodes, homeroomTeacherOf, SCHOOL_YEAR, staffOf, StudentsHarness } from './harness';

jest.setTimeout(60_000);

type TransferImport = EventData<typeof transferImported>;
type TransferAnswer = EventData<typeof studentTransferApplied>;

/** The receiving school's user who imported the package, as the archive names them. */
const RECEIVING_ACTOR = { accountId: `giao-vu-b-${randomUUID()}`, kind: 'user' as const, requestId: 'req-1' };

describe('who an imported transfer names, and when it counts as applied (pure)', () => {
  it('names the importing user exactly as the archive did, granting nothing', () => {
    const caller = authorOf(RECEIVING_ACTOR);
    expect(actorOf(caller)).toEqual(RECEIVING_ACTOR);
    expect(caller.principal?.roles).toEqual([]);
    expect(actorOf(authorOf({ accountId: null, kind: 'system' }))).toEqual({
      accountId: null,
      kind: 'system',
    });
  });

  it('needs a class of the receiving school, and a date of its school year', () => {
    const request = { toSchoolId: 'school-b', effectiveOn: '2025-11-03' };
    expect(receivingClassProblems(null, request).map((p) => [p.field, p.code])).toEqual([
      ['classId', 'NOT_FOUND'],
    ]);
    expect(
      receivingClassProblems({ schoolId: 'school-c', schoolYear: SCHOOL_YEAR }, request).map((p) => p.field),
    ).toEqual(['classId']);
    expect(receivingClassProblems({ schoolId: 'school-b', schoolYear: SCHOOL_YEAR }, request)).toEqual([]);
    expect(
      receivingClassProblems(
        { schoolId: 'school-b', schoolYear: SCHOOL_YEAR },
        { ...request, effectiveOn: '2026-09-01' },
      ).map((p) => p.field),
    ).toEqual(['effectiveOn']);
  });

  it('counts a transfer applied by the enrolment it made, or by the student already in that class', () => {
    const madeAt = new Date('2025-11-03T08:00:00Z');
    const enrolment = (schoolId: string, classId: string, transferId?: string) => ({
      schoolId,
      classId,
      className: '10A1',
      schoolYear: SCHOOL_YEAR,
      grade: 10 as const,
      kind: 'TRANSFERRED_IN' as const,
      enrolledOn: '2025-11-03',
      leftOn: null,
      recordedAt: madeAt,
      recordedBy: null,
      ...(transferId ? { transferId } : {}),
    });
    const request = { transferId: 't-1', toSchoolId: 'school-b', classId: 'b-10a1' } as TransferImport;
    const student = (over: Partial<StudentDocument>) =>
      ({ updatedAt: new Date(), ...over }) as StudentDocument;
    // Moved on since (another class of the school): still applied, by its enrolment.
    expect(
      appliedAt(
        student({
          schoolId: 'school-b',
          classId: 'b-10a2',
          enrolments: [{ ...enrolment('school-b', 'b-10a1', 't-1'), leftOn: '2025-12-01' }],
        }),
        request,
      ),
    ).toEqual(madeAt);
    // Received interactively into that very class.
    expect(
      appliedAt(
        student({ schoolId: 'school-b', classId: 'b-10a1', enrolments: [enrolment('school-b', 'b-10a1')] }),
        request,
      ),
    ).toEqual(madeAt);
    expect(
      appliedAt(
        student({ schoolId: 'school-a', classId: 'a-10a1', enrolments: [enrolment('school-a', 'a-10a1')] }),
        request,
      ),
    ).toBeNull();
  });
});

describe('transfers imported by the archive, in the students service', () => {
  let harness: StudentsHarness;
  let collector: EventCollector;
  const schoolA = `school-a-${randomUUID()}`;
  const schoolB = `school-b-${randomUUID()}`;
  const schoolC = `school-c-${randomUUID()}`;
  const staffA = staffOf(schoolA);
  const staffB = staffOf(schoolB);
  let a10A1: ClassDocument;
  let b10A1: ClassDocument;
  let b11A1: ClassDocument;
  let c10A1: ClassDocument;

  const importOf = (student: StudentDocument, overrides: Partial<TransferImport> = {}): TransferImport => ({
    transferId: uniqueId('transfer'),
    studentId: student._id,
    fromSchoolId: schoolA,
    toSchoolId: schoolB,
    classId: b10A1._id,
    effectiveOn: '2025-11-03',
    packageHash: 'a'.repeat(64),
    actor: RECEIVING_ACTOR,
    ...overrides,
  });
  /** Published as the archive publishes it: keyed by the student. */
  const publish = (data: TransferImport) =>
    harness.publish(transferImported, data.studentId, data, ARCHIVE_SOURCE);
  /**
   * This service's answers to a transfer, as they reached Kafka, oldest first: only the answers this
   * service's relay logged are its own (other students services on the same broker read the topic too).
   */
  const answers = async (transferId: string, count = 1) => {
    const ours = await eventually(async () => {
      const logged = await harness.db
        .collection<{ _id: string }>('event_log')
        .find({ type: studentTransferApplied.type, 'data.transferId': transferId })
        .toArray();
      return logged.length >= count ? new Set(logged.map((e) => e._id)) : null;
    }, 30_000);
    const onKafka = await collector.waitFor((e: CloudEvent) => ours.has(e.id), ours.size);
    return onKafka.map((c) => ({ key: c.key, data: c.event.data as TransferAnswer }));
  };
  const studentEvents = (type: string, studentId: string) =>
    collector.matching((e) => e.type === type && (e.data as { studentId: string }).studentId === studentId);
  /** The record as stored, without the outbox (which the relay empties meanwhile). */
  const stored = async (id: string) =>
    JSON.stringify(
      await harness.db
        .collection('students')
        .findOne({ _id: id as never }, { projection: { _outbox: 0, _outboxPending: 0, _rev: 0 } }),
    );
  const record = async (id: string) => (await harness.deps.students.findById(id))!;

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_transfers');
    collector = await new EventCollector([studentTransferApplied.topic, studentEnrolled.topic]).start();
    await harness.waitUntilLocksListening();
    a10A1 = await harness.createClass(schoolA, '10A1', randomUUID());
    b10A1 = await harness.createClass(schoolB, '10A1', randomUUID());
    b11A1 = await harness.createClass(schoolB, '11A1');
    c10A1 = await harness.createClass(schoolC, '10A1');
  });
  afterAll(async () => {
    await collector?.stop();
    await harness?.close();
  });

  describe('a student of school A imported by school B', () => {
    let student: StudentDocument;
    let transfer: TransferImport;
    let first: TransferAnswer;
    const teacherA = () => homeroomTeacherOf(schoolA, a10A1._id);
    const teacherB = () => homeroomTeacherOf(schoolB, b10A1._id);
    const updateAddress = (principal: ReturnType<typeof teacherA>, address: string) =>
      harness.as(principal, UPDATE_PERSONAL, { input: { studentId: student._id, address } });

    beforeAll(async () => {
      student = await harness.admit(a10A1);
      // School A manages the record until the transfer: its homeroom teacher may write.
      expect((await updateAddress(teacherA(), 'Số 7, phố Huế, Hà Nội')).errors).toBeUndefined();
      await harness.settle();
      transfer = importOf(student);
      await publish(transfer);
      const [answer] = await answers(transfer.transferId);
      first = answer!.data;
      expect(answer!.key).toBe(student._id);
    });

    it('moves the same record into the class of school B and answers APPLIED', async () => {
      expect(first).toEqual({
        transferId: transfer.transferId,
        studentId: student._id,
        outcome: 'APPLIED',
        refusal: null,
        appliedAt: expect.any(String),
      });
      const moved = await record(student._id);
      expect(moved).toMatchObject({ schoolId: schoolB, classId: b10A1._id, status: 'STUDYING' });
      expect(moved.enrolments).toEqual([
        expect.objectContaining({
          schoolId: schoolA,
          classId: a10A1._id,
          kind: 'ADMITTED',
          leftOn: '2025-11-03',
        }),
        {
          schoolId: schoolB,
          classId: b10A1._id,
          className: '10A1',
          schoolYear: SCHOOL_YEAR,
          grade: 10,
          kind: 'TRANSFERRED_IN',
          enrolledOn: '2025-11-03',
          leftOn: null,
          recordedAt: new Date(first.appliedAt),
          recordedBy: RECEIVING_ACTOR.accountId,
          transferId: transfer.transferId,
        },
      ]);
      // One record per student (R1): moved, never copied.
      expect(await harness.db.collection('students').countDocuments({ personalId: student.personalId })).toBe(
        1,
      );
      // Already STUDYING: no status change.
      expect(moved.statusHistory).toHaveLength(1);
    });

    it('publishes the student leaving A (TRANSFERRED_OUT) then joining B (TRANSFERRED_IN), by the importing user', async () => {
      const [left] = await collector.waitFor(
        (e) =>
          e.type === studentLeftClass.type && (e.data as { studentId: string }).studentId === student._id,
      );
      const [joined] = await collector.waitFor(
        (e) =>
          e.type === studentEnrolled.type &&
          (e.data as EventData<typeof studentEnrolled>).studentId === student._id &&
          (e.data as EventData<typeof studentEnrolled>).kind === 'TRANSFERRED_IN',
      );
      expect(left!.event.data).toEqual({
        studentId: student._id,
        schoolId: schoolA,
        classId: a10A1._id,
        schoolYear: SCHOOL_YEAR,
        effectiveOn: '2025-11-03',
        kind: 'TRANSFERRED_OUT',
        actor: RECEIVING_ACTOR,
      });
      expect(joined!.event.data).toMatchObject({
        studentId: student._id,
        schoolId: schoolB,
        classId: b10A1._id,
        schoolYear: SCHOOL_YEAR,
        grade: 10,
        kind: 'TRANSFERRED_IN',
        effectiveOn: '2025-11-03',
        actor: RECEIVING_ACTOR,
      });
      // The student's events keep their order (one key, one partition).
      expect(left!.partition).toBe(joined!.partition);
      expect(BigInt(left!.offset)).toBeLessThan(BigInt(joined!.offset));
      expect(studentEvents(studentStatusChanged.type, student._id)).toEqual([]);
    });

    it('takes management away from school A: its staff can no longer write, school B reads and writes', async () => {
      expect(errorCodes(await updateAddress(teacherA(), 'Số 8, phố Huế, Hà Nội'))).toEqual(['NOT_FOUND']);
      const out = await harness.as(staffA, TRANSFER_OUT, {
        input: { studentId: student._id, effectiveOn: '2025-12-01', reason: 'Theo gia đình' },
      });
      expect(errorCodes(out)).toEqual(['NOT_FOUND']);
      expect((await harness.as(staffA, READ_STUDENT, { id: student._id })).data).toEqual({ student: null });

      const read = await harness.as<{ student: { id: string; school: { id: string } } }>(
        staffB,
        READ_STUDENT,
        {
          id: student._id,
        },
      );
      expect(read.data?.student).toMatchObject({ id: student._id, school: { id: schoolB } });
      expect((await updateAddress(teacherB(), 'Số 9, phố Huế, Hà Nội')).errors).toBeUndefined();
      expect((await record(student._id)).address).toBe('Số 9, phố Huế, Hà Nội');
      await harness.settle();
    });

    it('answers a redelivered transfer APPLIED again, the same, changing nothing', async () => {
      await harness.settle();
      const before = await stored(student._id);
      const again = await publish(transfer);
      await harness.handled(again);
      const both = await answers(transfer.transferId, 2);
      expect(both.map((a) => a.data)).toEqual([first, first]);
      await harness.settle();
      expect(await stored(student._id)).toBe(before);
      expect(await harness.published(studentEnrolled.type, { studentId: student._id })).toHaveLength(2);
      expect(await harness.published(studentLeftClass.type, { studentId: student._id })).toHaveLength(1);
    });
  });

  it('receives a student school A recorded as transferred out: no second leaving, STUDYING again', async () => {
    const student = await harness.admit(a10A1);
    const out = await harness.as(staffA, TRANSFER_OUT, {
      input: { studentId: student._id, effectiveOn: '2025-12-01', reason: 'Theo gia đình' },
    });
    expect(out.errors).toBeUndefined();
    await harness.settle();
    const transfer = importOf(student, { effectiveOn: '2025-12-08' });
    await publish(transfer);
    expect((await answers(transfer.transferId))[0]?.data.outcome).toBe('APPLIED');
    const moved = await record(student._id);
    expect(moved).toMatchObject({ schoolId: schoolB, classId: b10A1._id, status: 'STUDYING' });
    expect(moved.enrolments.map((e) => [e.schoolId, e.kind, e.enrolledOn, e.leftOn])).toEqual([
      [schoolA, 'ADMITTED', '2025-08-15', '2025-12-01'],
      [schoolB, 'TRANSFERRED_IN', '2025-12-08', null],
    ]);
    expect(moved.statusHistory.map((s) => [s.status, s.previousStatus, s.reason, s.effectiveOn])).toEqual([
      ['STUDYING', null, expect.any(String), '2025-08-15'],
      ['TRANSFERRED', 'STUDYING', 'Theo gia đình', '2025-12-01'],
      ['STUDYING', 'TRANSFERRED', 'Chuyển đến', '2025-12-08'],
    ]);
    await harness.settle();
    const left = await harness.published<{ actor: unknown }>(studentLeftClass.type, {
      studentId: student._id,
    });
    expect(left).toHaveLength(1);
    const statuses = await harness.published<{ after: string; actor: unknown }>(studentStatusChanged.type, {
      studentId: student._id,
    });
    expect(statuses.map((s) => [s.after, s.actor])).toEqual([
      ['TRANSFERRED', expect.objectContaining({ accountId: staffA.accountId })],
      ['STUDYING', RECEIVING_ACTOR],
    ]);
  });

  describe('refusals', () => {
    /** Publishes a transfer that must be refused; checks the record did not change. */
    const refused = async (student: StudentDocument | null, transfer: TransferImport) => {
      const before = student ? await stored(student._id) : null;
      await publish(transfer);
      const [answer] = await answers(transfer.transferId);
      expect(answer!.key).toBe(transfer.studentId);
      expect(answer!.data).toMatchObject({ transferId: transfer.transferId, outcome: 'REFUSED' });
      if (student) expect(await stored(student._id)).toBe(before);
      return answer!.data.refusal!;
    };

    it('refuses a class of another school, and answers a redelivery the same way', async () => {
      const student = await harness.admit(a10A1);
      const transfer = importOf(student, { classId: c10A1._id });
      const refusal = await refused(student, transfer);
      expect(refusal.code).toBe('VALIDATION_FAILED');
      expect(refusal.details).toEqual([expect.stringMatching(/^classId: .*trường tiếp nhận/)]);

      await harness.handled(await publish(transfer));
      const both = await answers(transfer.transferId, 2);
      expect(both[1]!.data).toEqual(both[0]!.data);
      expect((await record(student._id)).schoolId).toBe(schoolA);
    });

    it('does not answer for a student it does not know (another deployment on the same broker)', async () => {
      const unknown = { _id: `student-${randomUUID()}` } as StudentDocument;
      const transfer = importOf(unknown);
      await harness.handled(await publish(transfer));
      await harness.settle();
      expect(
        await harness.db.collection('transfer_refusals').findOne({ _id: transfer.transferId as never }),
      ).toBeNull();
      const logged = await harness.db
        .collection('event_log')
        .find({ type: 'vn.hocbaso.students.transfer.applied', 'data.transferId': transfer.transferId })
        .toArray();
      expect(logged).toEqual([]);
    });

    it('refuses an unknown class, a class of another grade the same year, another sending school, a graduated student', async () => {
      const student = await harness.admit(a10A1);
      const unknownClass = await refused(student, importOf(student, { classId: randomUUID() }));
      expect(unknownClass).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [expect.stringMatching(/^classId: /)],
      });

      const otherGrade = await refused(student, importOf(student, { classId: b11A1._id }));
      expect(otherGrade.code).toBe('VALIDATION_FAILED');
      expect(otherGrade.details).toEqual([expect.stringMatching(/^classId: .*khối 10/)]);

      // The package must come from the school that manages the record.
      const elsewhere = await refused(student, importOf(student, { fromSchoolId: schoolC }));
      expect(elsewhere).toMatchObject({ code: 'CONFLICT', details: [] });

      const graduate = await harness.admit(a10A1);
      const done = await harness.as(staffA, SET_STATUS, {
        input: {
          studentId: graduate._id,
          status: 'GRADUATED',
          reason: 'Tốt nghiệp',
          effectiveOn: '2026-06-01',
        },
      });
      expect(done.errors).toBeUndefined();
      await harness.settle();
      const graduated = await refused(graduate, importOf(graduate));
      expect(graduated).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/tốt nghiệp/) });
    });
  });
});
