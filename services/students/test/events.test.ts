import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@hocbaso/events';
import { EventCollector, type CollectedEvent } from '@hocbaso/testkit';
import type { ClassDocument } from '../src/model/class.model';
import type { StudentDocument } from '../src/model/student.model';
import { admitStudent } from '../src/usecases/admit-student';
import { changeStudentClass } from '../src/usecases/change-student-class';
import type { Caller } from '../src/usecases/deps';
import { createClass, setClassHomeroomTeacher } from '../src/usecases/manage-classes';
import { setStudentStatus } from '../src/usecases/set-student-status';
import { transferStudentIn, transferStudentOut } from '../src/usecases/transfer-student';
import { updateStudentPersonalData } from '../src/usecases/update-student-personal-data';
import { homeroomTeacherOf, staffOf, StudentsHarness, studentInput } from './harness';

jest.setTimeout(120_000);

const STUDENT_TOPIC = 'hocbaso.students.student';
const CLASS_TOPIC = 'hocbaso.students.class';

/** What an event may say about a student: ids, class facts, dates, statuses, the actor; the name only. */
const ALLOWED_DATA_KEYS = new Set([
  'studentId',
  'fullName',
  'schoolId',
  'classId',
  'schoolYear',
  'grade',
  'kind',
  'effectiveOn',
  'changedFields',
  'before',
  'after',
  'reason',
  'actor',
]);

describe('students events on Kafka', () => {
  let harness: StudentsHarness;
  let collector: EventCollector;
  const schoolA = `school-a-${randomUUID()}`;
  const schoolB = `school-b-${randomUUID()}`;
  const requestId = randomUUID();
  const staffA: Caller = { principal: staffOf(schoolA), requestId };
  const staffB: Caller = { principal: staffOf(schoolB), requestId };
  const actorA = { accountId: staffA.principal!.accountId, kind: 'user', requestId };
  const teacherId = randomUUID();
  let a1: ClassDocument;
  let a2: ClassDocument;
  let b1: ClassDocument;
  let student: StudentDocument;
  let studentEvents: CollectedEvent[];
  let classEvents: CollectedEvent[];

  const ofStudent = (e: CloudEvent) => e.subject === `students/${student._id}`;
  const ofClasses = (e: CloudEvent) => [a1._id, a2._id].some((id) => e.subject === `classes/${id}`);

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_events');
    collector = await new EventCollector([STUDENT_TOPIC, CLASS_TOPIC]).start();

    // One change at a time, each committed and published before the next (see harness.settle).
    a1 = await createClass(harness.deps, staffA, {
      schoolId: schoolA,
      schoolYear: '2025-2026',
      grade: 10,
      name: '10A1',
    });
    a2 = await createClass(harness.deps, staffA, {
      schoolId: schoolA,
      schoolYear: '2025-2026',
      grade: 10,
      name: '10A2',
    });
    b1 = await createClass(harness.deps, staffB, {
      schoolId: schoolB,
      schoolYear: '2025-2026',
      grade: 10,
      name: '10A1',
    });
    await harness.settle();
    await setClassHomeroomTeacher(harness.deps, staffA, { classId: a2._id, homeroomTeacherId: teacherId });
    await harness.settle();
    // The same teacher again changes nothing and publishes nothing.
    await setClassHomeroomTeacher(harness.deps, staffA, { classId: a2._id, homeroomTeacherId: teacherId });

    student = await admitStudent(harness.deps, staffA, { ...studentInput(10), classId: a1._id });
    await harness.settle();
    // A second record for the same personal ID is refused: no event.
    await expect(
      admitStudent(harness.deps, staffA, {
        ...studentInput(10),
        personalId: student.personalId,
        classId: a2._id,
      }),
    ).rejects.toMatchObject({ code: 'DUPLICATE_PERSONAL_ID' });
    await changeStudentClass(harness.deps, staffA, {
      studentId: student._id,
      classId: a2._id,
      effectiveOn: '2025-10-01',
    });
    await harness.settle();
    const homeroom: Caller = { principal: homeroomTeacherOf(schoolA, a2._id), requestId };
    await updateStudentPersonalData(harness.deps, homeroom, {
      studentId: student._id,
      fullName: 'Nguyễn Thị Thu Hằng',
      address: 'Số 99, đường Trần Phú, phường Hòa Bình, Hà Nội',
    });
    await harness.settle();
    // The same values again: no change, no event.
    await updateStudentPersonalData(harness.deps, homeroom, {
      studentId: student._id,
      address: 'Số 99, đường Trần Phú, phường Hòa Bình, Hà Nội',
    });
    await setStudentStatus(harness.deps, staffA, {
      studentId: student._id,
      status: 'REPEATING',
      reason: 'Lưu ban',
      effectiveOn: '2026-05-31',
    });
    await harness.settle();
    await setStudentStatus(harness.deps, staffA, {
      studentId: student._id,
      status: 'REPEATING',
      reason: 'Lần hai',
      effectiveOn: '2026-05-31',
    });
    await transferStudentOut(harness.deps, staffA, {
      studentId: student._id,
      effectiveOn: '2026-06-10',
      reason: 'Chuyển nơi ở',
    });
    await harness.settle();
    await transferStudentIn(harness.deps, staffB, {
      personalId: student.personalId,
      dateOfBirth: student.dateOfBirth,
      classId: b1._id,
      effectiveOn: '2026-06-15',
    });
    await harness.settle();

    await collector.waitFor(ofStudent, 9, 60_000);
    await collector.waitFor(ofClasses, 3, 60_000);
    // Anything extra (a duplicate, an event for a no-op or a refusal) would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    studentEvents = collector.matching(ofStudent);
    classEvents = collector.matching(ofClasses);
  });
  afterAll(async () => {
    await collector?.stop();
    await harness?.close();
  });

  it('publishes exactly the events of each change, once each, in order', () => {
    expect(
      studentEvents.map((e) => [
        e.event.type.replace('vn.hocbaso.students.student.', ''),
        (e.event.data as { kind?: string }).kind ?? null,
      ]),
    ).toEqual([
      ['enrolled', 'ADMITTED'], // admitStudent
      ['left-class', 'CLASS_CHANGE'], // changeStudentClass: leaves 10A1…
      ['enrolled', 'CLASS_CHANGE'], // …and joins 10A2
      ['personal-data-changed', null], // updateStudentPersonalData
      ['status-changed', null], // setStudentStatus → REPEATING
      ['left-class', 'TRANSFERRED_OUT'], // transferStudentOut: leaves 10A2…
      ['status-changed', null], // …and becomes TRANSFERRED
      ['enrolled', 'TRANSFERRED_IN'], // transferStudentIn (school B)…
      ['status-changed', null], // …studying again
    ]);
    expect(new Set(studentEvents.map((e) => e.event.id)).size).toBe(studentEvents.length);
    // One student, one partition: the offsets give the order.
    expect(new Set(studentEvents.map((e) => e.partition)).size).toBe(1);
    const offsets = studentEvents.map((e) => BigInt(e.offset));
    expect([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(offsets);
  });

  it('keys every student event by the student id, in a CloudEvents 1.0 envelope', () => {
    for (const { event, key, topic, headers } of studentEvents) {
      expect(event).toMatchObject({
        specversion: '1.0',
        source: 'hocbaso/students',
        subject: `students/${student._id}`,
        datacontenttype: 'application/json',
        schemaversion: 1,
        partitionkey: student._id,
      });
      expect(key).toBe(student._id);
      expect(topic).toBe(STUDENT_TOPIC);
      expect(headers).toMatchObject({ ce_id: event.id, ce_type: event.type });
      expect((event.data as { studentId: string }).studentId).toBe(student._id);
    }
  });

  it('carries no personal data besides the full name', () => {
    const secrets = [
      student.personalId,
      student.dateOfBirth,
      student.address,
      'Số 99, đường Trần Phú',
      student.placeOfBirth,
      ...student.guardians.flatMap((g) => [g.fullName, g.phone ?? '']),
    ].filter(Boolean);
    for (const { event } of studentEvents) {
      const data = event.data as Record<string, unknown>;
      for (const key of Object.keys(data)) expect(ALLOWED_DATA_KEYS).toContain(key);
      const text = JSON.stringify(event);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it('says what changed, who changed it, and the name where rosters need it', () => {
    const data = studentEvents.map((e) => e.event.data as Record<string, unknown>);
    expect(data[0]).toEqual({
      studentId: student._id,
      fullName: student.fullName,
      schoolId: schoolA,
      classId: a1._id,
      schoolYear: '2025-2026',
      grade: 10,
      kind: 'ADMITTED',
      effectiveOn: '2025-08-15',
      actor: actorA,
    });
    expect(data[1]).toEqual({
      studentId: student._id,
      schoolId: schoolA,
      classId: a1._id,
      schoolYear: '2025-2026',
      effectiveOn: '2025-10-01',
      kind: 'CLASS_CHANGE',
      actor: actorA,
    });
    expect(data[2]).toMatchObject({ classId: a2._id, fullName: student.fullName, kind: 'CLASS_CHANGE' });
    expect(data[3]).toEqual({
      studentId: student._id,
      changedFields: ['fullName', 'address'],
      fullName: 'Nguyễn Thị Thu Hằng',
      actor: expect.objectContaining({ kind: 'user', requestId }),
    });
    expect(data[4]).toEqual({
      studentId: student._id,
      schoolId: schoolA,
      before: 'STUDYING',
      after: 'REPEATING',
      reason: 'Lưu ban',
      effectiveOn: '2026-05-31',
      actor: actorA,
    });
    expect(data[6]).toMatchObject({ before: 'REPEATING', after: 'TRANSFERRED', schoolId: schoolA });
    // Enrolled at school B under the new name.
    expect(data[7]).toMatchObject({ schoolId: schoolB, classId: b1._id, fullName: 'Nguyễn Thị Thu Hằng' });
    expect(data[8]).toMatchObject({ before: 'TRANSFERRED', after: 'STUDYING', schoolId: schoolB });
  });

  it('publishes class events keyed by the class id', () => {
    // Order is promised per key (one class), not across classes: their outboxes publish independently.
    const typesOf = (classId: string) =>
      classEvents.filter((e) => e.key === classId).map((e) => e.event.type);
    expect(classEvents).toHaveLength(3);
    expect(typesOf(a1._id)).toEqual(['vn.hocbaso.students.class.created']);
    expect(typesOf(a2._id)).toEqual([
      'vn.hocbaso.students.class.created',
      'vn.hocbaso.students.class.homeroom-teacher-changed',
    ]);
    for (const { event, key, topic } of classEvents) {
      expect(topic).toBe(CLASS_TOPIC);
      expect(event.partitionkey).toBe(key);
    }
    expect(classEvents.find((e) => e.key === a1._id)?.event.data).toEqual({
      classId: a1._id,
      schoolId: schoolA,
      schoolYear: '2025-2026',
      grade: 10,
      name: '10A1',
      homeroomTeacherId: null,
      actor: actorA,
    });
    const homeroomChanged = classEvents.find(
      (e) => e.event.type === 'vn.hocbaso.students.class.homeroom-teacher-changed',
    );
    expect(homeroomChanged?.event.data).toEqual({
      classId: a2._id,
      before: { homeroomTeacherId: null },
      after: { homeroomTeacherId: teacherId },
      actor: actorA,
    });
  });

  it('keeps every published event in the audit trail (event_log)', async () => {
    const logged = await harness.db.collection('event_log').countDocuments({ key: student._id });
    expect(logged).toBe(studentEvents.length);
  });
});
