import { randomBytes, randomUUID } from 'node:crypto';
import type { StudentDocument } from '../src/model/student.model';
import type { Caller } from '../src/usecases/deps';
import { setStudentStatus } from '../src/usecases/set-student-status';
import { updateStudentPersonalData } from '../src/usecases/update-student-personal-data';
import { homeroomTeacherOf, staffOf, StudentsHarness } from './harness';

jest.setTimeout(90_000);

describe('the students subgraph as a service', () => {
  let harness: StudentsHarness;
  const schoolId = `school-${randomUUID()}`;

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_service');
  });
  afterAll(() => harness?.close());

  it('answers only calls carrying the gateway’s signed identity', async () => {
    const query = `query { classes(schoolYear: "2025-2026") { id } }`;
    const signed = await harness.graphql(query, {}, harness.identityHeader(staffOf(schoolId)));
    expect(signed.status).toBe(200);
    expect(signed.data).toEqual({ classes: [] });
    for (const headers of [{}, harness.identityHeader(staffOf(schoolId), randomBytes(32).toString('hex'))]) {
      const refused = await harness.graphql(query, {}, headers);
      expect(refused.status).toBe(401);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${harness.url}/healthz`)).json()).toMatchObject({
      status: 'ok',
      service: 'students',
    });
    const ready = await fetch(`${harness.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('keeps every change to one student made in quick succession while the relay runs', async () => {
    const schoolClass = await harness.createClass(schoolId, '10A1');
    const student = await harness.admit(schoolClass);
    const homeroom: Caller = { principal: homeroomTeacherOf(schoolId, schoolClass._id) };
    const staff: Caller = { principal: staffOf(schoolId) };
    await Promise.all([
      updateStudentPersonalData(harness.deps, homeroom, {
        studentId: student._id,
        address: 'Số 1, đường Lê Lợi, Hà Nội',
      }),
      updateStudentPersonalData(harness.deps, homeroom, { studentId: student._id, placeOfBirth: 'Đà Nẵng' }),
      updateStudentPersonalData(harness.deps, homeroom, { studentId: student._id, ethnicity: 'Tày' }),
      setStudentStatus(harness.deps, staff, {
        studentId: student._id,
        status: 'REPEATING',
        reason: 'Lưu ban',
        effectiveOn: '2026-05-30',
      }),
      updateStudentPersonalData(harness.deps, homeroom, {
        studentId: student._id,
        policyCategory: 'Hộ nghèo',
      }),
    ]);
    await harness.settle();
    const stored = await harness.db.collection<StudentDocument>('students').findOne({ _id: student._id });
    expect(stored).toMatchObject({
      address: 'Số 1, đường Lê Lợi, Hà Nội',
      placeOfBirth: 'Đà Nẵng',
      ethnicity: 'Tày',
      policyCategory: 'Hộ nghèo',
      status: 'REPEATING',
      _outbox: [],
    });
    expect(stored?.personalDataHistory).toHaveLength(4);
    expect(stored?.statusHistory).toHaveLength(2);
    // Admission + four personal-data changes + one status change, each in the audit trail once.
    expect(await harness.db.collection('event_log').countDocuments({ key: student._id })).toBe(6);
  });
});
