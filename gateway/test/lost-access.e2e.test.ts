import { randomUUID } from 'node:crypto';
import { eventually } from '@hocbaso/testkit';
import { SYSTEM_CALLER } from '../../services/identity/src/usecases/deps';
import { assignTeaching, grantRole } from '../../services/identity/src/usecases/manage-roles';
import { demoSchoolYear } from '../../services/students/src/seed/demo-data';
import { FullStack, recordYearOfMarks, type ClassStudent } from './full-stack';

jest.setTimeout(240_000);

const YEAR = '2025-2026';
const STUDENT = `query($id: ID!, $y: String!) {
  student(id: $id) { id results(schoolYear: $y) { studentId } conduct(schoolYear: $y) { term1 } }
}`;
const ROSTER = `query($classId: ID!) {
  students(classId: $classId) { id }
  class(id: $classId) { students { id } }
}`;

interface Seen {
  student: boolean;
  results: number;
  conduct: boolean;
  inRoster: boolean;
}

interface Staff {
  id: string;
  username: string;
  password: string;
  roleAssignmentId?: string;
}

describe('those who lost the right reach nothing more', () => {
  let stack: FullStack;
  const token = async (a: { username: string; password: string }) =>
    (await stack.login(a.username, a.password)).accessToken;

  /** What `accessToken` reaches of a student: the record, their results, their conduct, the class roster. */
  async function seen(accessToken: string, studentId: string, classId: string): Promise<Seen> {
    const one = await stack.query<{
      student: { results: unknown[]; conduct: { term1: string | null } | null } | null;
    }>(STUDENT, { id: studentId, y: YEAR }, accessToken);
    const roster = await stack.query<{
      students: Array<{ id: string }> | null;
      class: { students: Array<{ id: string }> } | null;
    }>(ROSTER, { classId }, accessToken);
    return {
      student: !!one.data?.student,
      results: one.data?.student?.results.length ?? 0,
      conduct: !!one.data?.student?.conduct?.term1,
      inRoster:
        !!roster.data?.students?.some((s) => s.id === studentId) ||
        !!roster.data?.class?.students.some((s) => s.id === studentId),
    };
  }
  const NOTHING: Seen = { student: false, results: 0, conduct: false, inRoster: false };

  /** A school with its staff, and a grade-10 class with a homeroom teacher and a mathematics teacher. */
  async function schoolWithClass(prefix: string, size: number) {
    const { school, admin } = await stack.createSchoolWithAdmin(prefix);
    const schoolId = school._id;
    const staff = await stack.createAccount(schoolId, `${prefix}.giaovu`, 'ACADEMIC_STAFF');
    const homeroom: Staff = await stack.createAccount(schoolId, `${prefix}.gvcn`);
    const maths: Staff = await stack.createAccount(schoolId, `${prefix}.gvtoan`, 'SUBJECT_TEACHER');
    const staffToken = await token(staff);
    const demo = demoSchoolYear(schoolId, YEAR).find((c) => c.grade === 10)!;
    const created = await stack.query<{ createClass: { id: string } }>(
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      { i: { schoolId, schoolYear: YEAR, grade: 10, name: demo.name, homeroomTeacherId: homeroom.id } },
      staffToken,
    );
    expect(created.errors).toBeUndefined();
    const classId = created.data!.createClass.id;
    homeroom.roleAssignmentId = (
      await grantRole(stack.identity.deps, SYSTEM_CALLER, {
        accountId: homeroom.id,
        role: 'HOMEROOM_TEACHER',
        scope: { schoolId, classId },
      })
    )._id;
    await assignTeaching(stack.identity.deps, SYSTEM_CALLER, {
      accountId: maths.id,
      classId,
      subjectCode: 'TOAN',
      schoolYear: YEAR,
    });
    const students: Array<ClassStudent & { personalId: string; dateOfBirth: string }> = [];
    for (const [index, person] of demo.students.slice(0, size).entries()) {
      const admitted = await stack.query<{ admitStudent: { id: string } }>(
        `mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id } }`,
        { i: { ...person, classId } },
        staffToken,
      );
      expect(admitted.errors).toBeUndefined();
      students.push({
        id: admitted.data!.admitStudent.id,
        index: index + 2,
        personalId: person.personalId,
        dateOfBirth: person.dateOfBirth,
      });
    }
    return { schoolId, admin, staffToken, classId, homeroom, maths, students };
  }

  let a: Awaited<ReturnType<typeof schoolWithClass>>;
  let homeroomToken: string;
  let mathsToken: string;

  beforeAll(async () => {
    stack = await FullStack.startAll();
    a = await schoolWithClass('roi', 3);
    [homeroomToken, mathsToken] = await Promise.all([token(a.homeroom), token(a.maths)]);
    await recordYearOfMarks(stack, mathsToken, {
      classId: a.classId,
      schoolYear: YEAR,
      subjects: ['TOAN'],
      students: a.students,
    });
    for (const student of a.students) {
      // Conduct learns the roster from the students service's events: retried until it knows the class.
      await eventually(async () => {
        const recorded = await stack.query(
          `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
          { i: { studentId: student.id, schoolYear: YEAR, period: 'TERM_1', level: 'TOT' } },
          homeroomToken,
        );
        return recorded.errors ? null : recorded;
      }, 60_000);
    }
  });
  afterAll(() => stack?.stop());

  it('a transferred student is out of reach of the former school’s teachers, and within reach of the new school and the family', async () => {
    const [moving, staying] = a.students as [(typeof a.students)[0], (typeof a.students)[0]];
    const parent = await stack.createAccount(a.schoolId, 'roi.phuhuynh', 'PARENT', { studentId: moving.id });
    const parentToken = await token(parent);
    // Before: the homeroom teacher reaches everything, the mathematics teacher the record and marks.
    expect(await seen(homeroomToken, moving.id, a.classId)).toEqual({
      student: true,
      results: 1,
      conduct: true,
      inRoster: true,
    });
    expect(await seen(mathsToken, moving.id, a.classId)).toMatchObject({
      student: true,
      results: 1,
      inRoster: true,
    });

    // The former school records the transfer out, the new school the transfer in (the same record).
    const transferredOut = await stack.query(
      `mutation($i: TransferStudentOutInput!) { transferStudentOut(input: $i) { status } }`,
      {
        i: {
          studentId: moving.id,
          effectiveOn: '2025-11-03',
          reason: 'Chuyển theo gia đình',
          destination: 'THPT Đến',
        },
      },
      a.staffToken,
    );
    expect(transferredOut.errors).toBeUndefined();
    const b = await schoolWithClass(`den${randomUUID().slice(0, 4)}`, 0);
    const transferredIn = await stack.query<{ transferStudentIn: { id: string; status: string } }>(
      `mutation($i: TransferStudentInInput!) { transferStudentIn(input: $i) { id status } }`,
      {
        i: {
          personalId: moving.personalId,
          dateOfBirth: moving.dateOfBirth,
          classId: b.classId,
          effectiveOn: '2025-11-04',
          reason: 'Từ THPT Rời',
        },
      },
      b.staffToken,
    );
    expect(transferredIn.errors).toBeUndefined();
    expect(transferredIn.data!.transferStudentIn).toEqual({ id: moving.id, status: 'STUDYING' });

    // The former school's teachers: nothing of that student, on the very next request.
    expect(await seen(homeroomToken, moving.id, a.classId)).toEqual(NOTHING);
    expect(await seen(mathsToken, moving.id, a.classId)).toEqual(NOTHING);
    // ...while they still reach the classmates who stayed.
    expect(await seen(homeroomToken, staying.id, a.classId)).toEqual({
      student: true,
      results: 1,
      conduct: true,
      inRoster: true,
    });

    // The new school (once its services learned the move from the events) and the family reach it all.
    const bHomeroomToken = await token(b.homeroom);
    for (const [who, accessToken, classId] of [
      ['new school staff', b.staffToken, b.classId],
      ['new homeroom teacher', bHomeroomToken, b.classId],
    ] as const) {
      const reached = await eventually(async () => {
        const view = await seen(accessToken, moving.id, classId);
        return view.results === 1 && view.conduct ? view : null;
      }, 60_000).catch(() => seen(accessToken, moving.id, classId));
      expect({ who, ...reached }).toEqual({ who, student: true, results: 1, conduct: true, inRoster: true });
    }
    expect(await seen(parentToken, moving.id, b.classId)).toMatchObject({
      student: true,
      results: 1,
      conduct: true,
    });
  });

  it('a departed homeroom teacher (role revoked) and a disabled teacher reach nothing on the next request', async () => {
    const [, staying] = a.students as [(typeof a.students)[0], (typeof a.students)[0]];
    const adminToken = await token(a.admin);
    expect(await seen(homeroomToken, staying.id, a.classId)).toEqual({
      student: true,
      results: 1,
      conduct: true,
      inRoster: true,
    });
    expect(await seen(mathsToken, staying.id, a.classId)).toMatchObject({ student: true, results: 1 });

    const gradebook = `query($c: ID!) { gradebook(classId: $c, subjectCode: "TOAN", schoolYear: "${YEAR}", term: TERM_1) { lines { studentId } } }`;
    for (const accessToken of [homeroomToken, mathsToken]) {
      const read = await stack.query<{ gradebook: { lines: Array<{ studentId: string }> } | null }>(
        gradebook,
        { c: a.classId },
        accessToken,
      );
      expect(read.data?.gradebook?.lines.map((l) => l.studentId)).toContain(staying.id);
    }

    const revoked = await stack.query(
      `mutation($id: ID!) { revokeRole(roleAssignmentId: $id) { id } }`,
      { id: a.homeroom.roleAssignmentId },
      adminToken,
    );
    expect(revoked.errors).toBeUndefined();
    const disabled = await stack.query(
      `mutation($id: ID!) { disableAccount(id: $id, reason: "Nghỉ việc") { status } }`,
      { id: a.maths.id },
      adminToken,
    );
    expect(disabled.errors).toBeUndefined();

    // The same access tokens, still unexpired: identity is asked on every request (ADR 0005).
    expect(await seen(homeroomToken, staying.id, a.classId)).toEqual(NOTHING);
    expect(await seen(mathsToken, staying.id, a.classId)).toEqual(NOTHING);
    for (const accessToken of [homeroomToken, mathsToken]) {
      const read = await stack.query<{ gradebook: unknown }>(gradebook, { c: a.classId }, accessToken);
      expect(read.data?.gradebook ?? null).toBeNull();
      expect(read.errors?.length).toBeGreaterThan(0);
    }
  });
});
