import { randomUUID } from 'node:crypto';
import type { Principal } from '@hocbaso/service-kit';
import { EventCollector } from '@hocbaso/testkit';
import type { ClassDocument } from '../src/model/class.model';
import type { StudentDocument } from '../src/model/student.model';
import {
  homeroomTeacherOf,
  parentOf,
  principalWith,
  StudentsHarness,
  studentInput,
  subjectTeacherOf,
} from './harness';

jest.setTimeout(120_000);

const ACCESS_TOPIC = 'hocbaso.students.access';
const READ_TYPE = 'vn.hocbaso.students.personal-data.read';

interface ReadData {
  readerAccountId: string;
  studentIds: string[];
  fields: string[];
  actor: { accountId: string | null; kind: string };
}

describe('staff reads of personal data are logged (R11)', () => {
  let harness: StudentsHarness;
  let collector: EventCollector;
  const schoolId = `school-${randomUUID()}`;
  let schoolClass: ClassDocument;
  let first: StudentDocument;
  let second: StudentDocument;
  const input = studentInput(10);

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_reads');
    collector = await new EventCollector([ACCESS_TOPIC]).start();
    schoolClass = await harness.createClass(schoolId, '10A1', randomUUID());
    first = await harness.admit(schoolClass, input);
    second = await harness.admit(schoolClass);
  });
  afterAll(async () => {
    await collector?.stop();
    await harness?.close();
  });

  /** The entries stored for a reader: committed before the answer left, so complete once it has. */
  const entriesOf = (reader: Principal) =>
    harness.db.collection('personal_data_reads').find({ readerAccountId: reader.accountId }).toArray();

  it('a homeroom teacher reading a student’s personal fields: one event naming the student and the fields, no values', async () => {
    const teacher = homeroomTeacherOf(schoolId, schoolClass._id);
    const plain = await harness.as(
      teacher,
      `query($id: ID!) { student(id: $id) { id fullName gender status } }`,
      {
        id: first._id,
      },
    );
    expect(plain.errors).toBeUndefined();
    expect(await entriesOf(teacher)).toEqual([]);

    const personal = await harness.as<{ student: Record<string, unknown> }>(
      teacher,
      `query($id: ID!) { student(id: $id) { id fullName dateOfBirth address guardians { fullName phone } } }`,
      { id: first._id },
    );
    expect(personal.errors).toBeUndefined();
    expect(personal.data?.student.address).toBe(input.address);

    const [published] = await collector.waitFor(
      (e) => e.type === READ_TYPE && (e.data as ReadData).readerAccountId === teacher.accountId,
    );
    expect(published!.key).toBe(teacher.accountId);
    expect(published!.event.data).toEqual({
      readerAccountId: teacher.accountId,
      studentIds: [first._id],
      fields: ['address', 'dateOfBirth', 'guardians'],
      actor: expect.objectContaining({ accountId: teacher.accountId, kind: 'user' }),
    });
    const text = JSON.stringify(published!.event);
    for (const value of [input.address, input.dateOfBirth, input.guardians[0]!.phone, input.personalId])
      expect(text).not.toContain(value);
    // One entry for the one request that read personal data; the plain read made none.
    expect(await entriesOf(teacher)).toHaveLength(1);
  });

  it('a whole class read by the principal is one entry listing every student', async () => {
    const principal = principalWith([['PRINCIPAL', { schoolId }]]);
    const result = await harness.as(
      principal,
      `query($id: ID!) { class(id: $id) { students { id personalId ethnicity } } }`,
      { id: schoolClass._id },
    );
    expect(result.errors).toBeUndefined();
    const entries = await entriesOf(principal);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      studentIds: [first._id, second._id].sort(),
      fields: ['ethnicity', 'personalId'],
    });
  });

  it('nothing is logged for the student’s parent, nor for a subject teacher who is refused the fields', async () => {
    const parent = parentOf(schoolId, first._id);
    const own = await harness.as(parent, `query($id: ID!) { student(id: $id) { id dateOfBirth address } }`, {
      id: first._id,
    });
    expect(own.errors).toBeUndefined();
    expect(await entriesOf(parent)).toEqual([]);

    const teacher = subjectTeacherOf(schoolId, schoolClass._id);
    const refused = await harness.as(teacher, `query($id: ID!) { student(id: $id) { id dateOfBirth } }`, {
      id: first._id,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await entriesOf(teacher)).toEqual([]);
  });
});
