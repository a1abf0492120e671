import { randomUUID } from 'node:crypto';
import {
  lockRequested,
  SIGNATURES_SOURCE,
  SYSTEM_ACTOR,
  type LockConfirmation,
  type LockScope,
} from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import { EventCollector } from '@hocbaso/testkit';
import type { ClassDocument } from '../src/model/class.model';
import type { StudentDocument } from '../src/model/student.model';
import {
  errorCodes,
  homeroomTeacherOf,
  SCHOOL_YEAR,
  staffOf,
  StudentsHarness,
  studentInput,
  type GraphQLResult,
} from './harness';

jest.setTimeout(120_000);

const LOCK_TOPIC = 'hocbaso.students.lock';
const UPDATE = `mutation($i: UpdateStudentPersonalDataInput!) { updateStudentPersonalData(input: $i) { id address } }`;
const CHANGE_CLASS = `mutation($i: ChangeStudentClassInput!) { changeStudentClass(input: $i) { id } }`;
const SET_STATUS = `mutation($i: SetStudentStatusInput!) { setStudentStatus(input: $i) { status } }`;
const TRANSFER_OUT = `mutation($i: TransferStudentOutInput!) { transferStudentOut(input: $i) { status } }`;
const ENROL_NEXT_YEAR = `mutation($i: EnrolStudentInNewSchoolYearInput!) { enrolStudentInNewSchoolYear(input: $i) { id } }`;

const code = (result: GraphQLResult) => errorCodes(result)?.[0] ?? 'OK';

describe('the students service confirms, enforces and releases signatures’ year locks', () => {
  let harness: StudentsHarness;
  let collector: EventCollector;
  const schoolId = `school-${randomUUID()}`;
  const staff = staffOf(schoolId);
  let a1: ClassDocument;
  let a2: ClassDocument;
  let teacher: Principal;

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_locks');
    collector = await new EventCollector([LOCK_TOPIC]).start();
    await harness.waitUntilLocksListening();
    a1 = await harness.createClass(schoolId, '11A1', randomUUID());
    a2 = await harness.createClass(schoolId, '11A2', randomUUID());
    teacher = homeroomTeacherOf(schoolId, a1._id);
  });
  afterAll(async () => {
    await collector?.stop();
    await harness?.close();
  });

  const confirmations = (lockId: string) =>
    collector
      .matching((e) => e.type === 'vn.hocbaso.students.lock.confirmed' && e.partitionkey === lockId)
      .map((e) => e.event.data as LockConfirmation);
  const confirmation = async (lockId: string, outcome: LockConfirmation['outcome']) => {
    await collector.waitFor(
      (e) =>
        e.type === 'vn.hocbaso.students.lock.confirmed' &&
        (e.data as LockConfirmation).lockId === lockId &&
        (e.data as LockConfirmation).outcome === outcome,
    );
    return confirmations(lockId).find((c) => c.outcome === outcome)!;
  };
  const yearOf = (student: StudentDocument, schoolClass: ClassDocument): LockScope => ({
    unit: 'STUDENT_YEAR',
    schoolId: schoolClass.schoolId,
    schoolYear: schoolClass.schoolYear,
    classId: schoolClass._id,
    studentId: student._id,
  });
  const stored = (id: string) => harness.deps.students.findById(id);
  const update = (principal: Principal, studentId: string, address: string) =>
    harness.as(principal, UPDATE, { i: { studentId, address } });

  it('locks a student’s year with its personal page and class; refuses their personal data and class change; not status changes', async () => {
    const input = { ...studentInput(11), fullName: 'Phạm Minh Châu', placeOfBirth: 'Huế', ethnicity: 'Tày' };
    const student = await harness.admit(a1, input);
    const classmate = await harness.admit(a1);

    const scope = yearOf(student, a1);
    const lockId = randomUUID();
    await harness.requestLock(scope, lockId);
    const applied = await confirmation(lockId, 'APPLIED');
    expect(applied).toMatchObject({ owner: 'students', refusal: null });
    expect(applied.content).toEqual({
      schoolYear: SCHOOL_YEAR,
      studentId: student._id,
      classId: a1._id,
      className: '11A1',
      grade: 11,
      personal: {
        personalId: input.personalId,
        fullName: 'Phạm Minh Châu',
        dateOfBirth: input.dateOfBirth,
        gender: input.gender,
        placeOfBirth: 'Huế',
        ethnicity: 'Tày',
        policyCategory: null,
        address: input.address,
        // Father, then mother, as entered.
        guardians: input.guardians.map((g) => ({ ...g })),
      },
    });

    // Refused, and nothing changed.
    const before = await stored(student._id);
    expect(code(await update(teacher, student._id, 'Số 1, phố Huế, Hà Nội'))).toBe('RECORD_LOCKED');
    expect(
      code(
        await harness.as(staff, CHANGE_CLASS, {
          i: { studentId: student._id, classId: a2._id, effectiveOn: '2025-10-01' },
        }),
      ),
    ).toBe('RECORD_LOCKED');
    const after = await stored(student._id);
    expect({ ...after, _outbox: [], _outboxPending: false, _rev: 0 }).toEqual({
      ...before,
      _outbox: [],
      _outboxPending: false,
      _rev: 0,
    });

    // Status changes are not the signed page; the classmate is another unit.
    for (const status of ['REPEATING', 'STUDYING'])
      expect(
        code(
          await harness.as(staff, SET_STATUS, {
            i: {
              studentId: student._id,
              status,
              reason: 'Theo quyết định của nhà trường',
              effectiveOn: '2025-10-02',
            },
          }),
        ),
      ).toBe('OK');
    expect(code(await update(teacher, classmate._id, 'Số 3, phố Huế, Hà Nội'))).toBe('OK');
    expect(
      code(
        await harness.as(staff, CHANGE_CLASS, {
          i: { studentId: classmate._id, classId: a2._id, effectiveOn: '2025-10-01' },
        }),
      ),
    ).toBe('OK');

    // A redelivered request (same lock id) locks nothing twice; the release after it on the same
    // key shows it was handled.
    await harness.requestLock(scope, lockId);
    await harness.releaseLock(scope, lockId);
    await confirmation(lockId, 'RELEASED');
    expect(confirmations(lockId).map((c) => c.outcome)).toEqual(['APPLIED', 'RELEASED']);

    expect(code(await update(teacher, student._id, 'Số 1, phố Huế, Hà Nội'))).toBe('OK');
    expect((await stored(student._id))?.address).toBe('Số 1, phố Huế, Hà Nội');
  });

  it('a lock of an earlier year still covers the personal data, not this year’s class; unknown years are refused; other units are not students’', async () => {
    const tenth = await harness.createClass(schoolId, '10A9', randomUUID(), '2024-2025');
    const eleventh = await harness.createClass(schoolId, '11A8', randomUUID());
    const other = await harness.createClass(schoolId, '11A9', randomUUID());
    const student = await harness.admit(tenth, studentInput(10, '2024-2025'));
    expect(
      code(
        await harness.as(staff, ENROL_NEXT_YEAR, {
          i: { studentId: student._id, classId: eleventh._id, effectiveOn: '2025-09-05' },
        }),
      ),
    ).toBe('OK');

    const pastYear = yearOf(student, tenth);
    const lockId = randomUUID();
    await harness.requestLock(pastYear, lockId);
    expect((await confirmation(lockId, 'APPLIED')).content).toMatchObject({
      schoolYear: '2024-2025',
      classId: tenth._id,
      className: '10A9',
      grade: 10,
    });
    expect(code(await update(homeroomTeacherOf(schoolId, eleventh._id), student._id, 'Số 5, Huế'))).toBe(
      'RECORD_LOCKED',
    );
    expect(
      code(
        await harness.as(staff, CHANGE_CLASS, {
          i: { studentId: student._id, classId: other._id, effectiveOn: '2025-10-01' },
        }),
      ),
    ).toBe('OK');
    expect(
      code(
        await harness.as(staff, TRANSFER_OUT, {
          i: { studentId: student._id, effectiveOn: '2025-11-01', reason: 'Chuyển theo gia đình' },
        }),
      ),
    ).toBe('OK');

    // A window names academics and conduct only: ignored here. The refused request after it on the
    // same key shows it was read.
    const key = randomUUID();
    const windowLock = randomUUID();
    const unknownYear = randomUUID();
    await harness.publish(
      lockRequested,
      key,
      {
        lockId: windowLock,
        scope: { unit: 'WINDOW', schoolId, schoolYear: SCHOOL_YEAR, period: 'YEAR', grade: null },
        owners: ['academics', 'conduct'],
        reason: 'WINDOW',
        actor: SYSTEM_ACTOR,
      },
      SIGNATURES_SOURCE,
    );
    await harness.publish(
      lockRequested,
      key,
      {
        lockId: unknownYear,
        scope: { ...pastYear, schoolYear: '2023-2024' },
        owners: ['academics', 'conduct', 'students'],
        reason: 'SIGNATURE',
        actor: SYSTEM_ACTOR,
      },
      SIGNATURES_SOURCE,
    );
    expect((await confirmation(unknownYear, 'REFUSED')).refusal).toMatchObject({ code: 'NOT_FOUND' });
    expect(confirmations(windowLock)).toEqual([]);
    expect(await harness.db.collection('record_locks').findOne({ _id: windowLock as never })).toBeNull();
  });

  it('a write racing the lock is either in the confirmed content or refused, never acknowledged and missing', async () => {
    const student = await harness.admit(a1);
    const lockId = randomUUID();
    const locked = async () =>
      (await harness.deps.locks.inForce(schoolId, SCHOOL_YEAR)).some(
        (s) => s.unit === 'STUDENT_YEAR' && s.studentId === student._id,
      );
    // A new address every 25 ms; the lock is requested after the fifth, and writes go on until a
    // few have started after the lock was recorded.
    const writes: Array<{ address: string; result: Promise<GraphQLResult> }> = [];
    let afterLock = 0;
    for (let i = 1; i <= 60; i++) {
      const address = `Số ${i}, đường Trần Phú, Hà Nội`;
      writes.push({ address, result: update(teacher, student._id, address) });
      if (i === 5) await harness.requestLock(yearOf(student, a1), lockId);
      if (i > 5 && (afterLock > 0 || (await locked())) && ++afterLock >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const outcomes = await Promise.all(
      writes.map(async (w) => ({ address: w.address, code: code(await w.result) })),
    );
    const content = (await confirmation(lockId, 'APPLIED')).content as { personal: { address: string } };
    expect(outcomes.every((o) => o.code === 'OK' || o.code === 'RECORD_LOCKED')).toBe(true);
    const acknowledged = outcomes.filter((o) => o.code === 'OK').map((o) => o.address);
    const refused = outcomes.filter((o) => o.code === 'RECORD_LOCKED').map((o) => o.address);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);

    // Every acknowledged address was applied before the lock and none after: the record's own
    // history holds exactly the acknowledged changes, and the last of them is the confirmed content.
    const record = (await stored(student._id))!;
    const applied = record.personalDataHistory.flatMap((h) =>
      h.changes.filter((c) => c.field === 'address').map((c) => c.after as string),
    );
    expect([...applied].sort()).toEqual([...acknowledged].sort());
    expect(content.personal.address).toBe(applied.at(-1));
    expect(record.address).toBe(content.personal.address);
  });
});
