import { demoSchoolYear } from '../../services/students/src/seed/demo-data';
import { SYSTEM_CALLER } from '../../services/identity/src/usecases/deps';
import { assignTeaching, grantRole } from '../../services/identity/src/usecases/manage-roles';
import { eventually } from '@hocbaso/testkit';
import { FullStack } from './full-stack';

jest.setTimeout(300_000);

const YEAR = '2025-2026';

describe('one record book through the gateway', () => {
  let stack: FullStack;
  let schoolId: string;
  let staffToken: string;
  let principalToken: string;
  const people = () => demoSchoolYear(schoolId, YEAR);

  beforeAll(async () => {
    stack = await FullStack.startAll();
    const { school } = await stack.createSchoolWithAdmin('book');
    schoolId = school._id;
    const staff = await stack.createAccount(schoolId, 'giaovu', 'ACADEMIC_STAFF');
    staffToken = (await stack.login(staff.username, staff.password)).accessToken;
    const principal = await stack.createAccount(schoolId, 'hieutruong', 'PRINCIPAL');
    principalToken = (await stack.login(principal.username, principal.password)).accessToken;
  });
  afterAll(() => stack?.stop());

  /** A class with its homeroom teacher and `size` admitted students, made through the gateway. */
  async function classWith(size: number, classIndex: number) {
    const homeroom = await stack.createAccount(schoolId, 'gvcn');
    const all = people();
    const demo = all[classIndex]!;
    // Demo classes have 40 students; a bigger class borrows from its sister class of the same grade.
    const candidates = [
      ...demo.students,
      ...(all[classIndex + 1]?.grade === demo.grade ? all[classIndex + 1]!.students : []),
    ];
    const created = await stack.query<{ createClass: { id: string } }>(
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      {
        i: { schoolId, schoolYear: YEAR, grade: demo.grade, name: demo.name, homeroomTeacherId: homeroom.id },
      },
      staffToken,
    );
    expect(created.errors).toBeUndefined();
    const classId = created.data!.createClass.id;
    await grantRole(stack.identity.deps, SYSTEM_CALLER, {
      accountId: homeroom.id,
      role: 'HOMEROOM_TEACHER',
      scope: { schoolId, classId },
    });
    const studentIds: string[] = [];
    for (const person of candidates.slice(0, size)) {
      const admitted = await stack.query<{ admitStudent: { id: string } }>(
        `mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id } }`,
        { i: { ...person, classId } },
        staffToken,
      );
      expect(admitted.errors).toBeUndefined();
      studentIds.push(admitted.data!.admitStudent.id);
    }
    // Conduct learns the roster from the students service's events.
    await eventually(
      async () => (await stack.conduct.deps.repository.roster(classId)).length === size,
      60_000,
    );
    const homeroomToken = (await stack.login(homeroom.username, homeroom.password)).accessToken;
    return { classId, studentIds, homeroom, homeroomToken, demo };
  }

  it("answers a student's record book in one query, each part from the subgraph that owns it, within each role's rights", async () => {
    const { classId, studentIds, homeroomToken, demo } = await classWith(3, 0);
    const [mine, other] = studentIds as [string, string];
    for (const [period, level] of [
      ['TERM_1', 'KHA'],
      ['TERM_2', 'TOT'],
    ] as const) {
      const recorded = await stack.query(
        `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 term2 } }`,
        { i: { studentId: mine, schoolYear: YEAR, period, level, comment: 'Ngoan, chăm học.' } },
        homeroomToken,
      );
      expect(recorded.errors).toBeUndefined();
    }
    const absent = await stack.query(
      `mutation($i: RecordAbsenceInput!) { recordAbsence(input: $i) { absences { total } } }`,
      {
        i: {
          studentId: mine,
          schoolYear: YEAR,
          date: '2025-10-06',
          session: 'MORNING',
          excused: true,
          reason: 'Ốm',
        },
      },
      homeroomToken,
    );
    expect(absent.errors).toBeUndefined();

    const parent = await stack.createAccount(schoolId, 'phuhuynh', 'PARENT', { studentId: mine });
    const parentToken = (await stack.login(parent.username, parent.password)).accessToken;
    const BOOK = `query($id: ID!, $y: String!) {
      student(id: $id) {
        fullName personalId dateOfBirth guardians { fullName phone }
        enrolments { schoolYear className kind enrolledOn }
        currentClass { name }
        conduct(schoolYear: $y) { term1 term2 year homeroomComment absences { total excused } outcome }
      }
    }`;
    const book = await stack.query<{ student: Record<string, unknown> }>(
      BOOK,
      { id: mine, y: YEAR },
      parentToken,
    );
    expect(book.errors).toBeUndefined();
    const person = demo.students[0]!;
    expect(book.data!.student).toEqual({
      fullName: person.fullName.normalize('NFC'),
      personalId: person.personalId,
      dateOfBirth: person.dateOfBirth,
      guardians: person.guardians.map((g) => ({ fullName: g.fullName, phone: g.phone ?? null })),
      enrolments: [
        { schoolYear: YEAR, className: demo.name, kind: 'ADMITTED', enrolledOn: person.admittedOn },
      ],
      currentClass: { name: demo.name },
      conduct: {
        term1: 'KHA',
        term2: 'TOT',
        year: 'TOT',
        homeroomComment: 'Ngoan, chăm học.',
        absences: { total: 1, excused: 1 },
        outcome: null,
      },
    });

    // The same parent asking for another child gets nothing.
    const notMine = await stack.query<{ student: unknown }>(BOOK, { id: other, y: YEAR }, parentToken);
    expect(notMine.data).toEqual({ student: null });

    // A subject teacher of the class sees the name but none of the personal data.
    const teacher = await stack.createAccount(schoolId, 'gvbm', 'SUBJECT_TEACHER');
    await assignTeaching(stack.identity.deps, SYSTEM_CALLER, {
      accountId: teacher.id,
      classId,
      subjectCode: 'TOAN',
      schoolYear: YEAR,
    });
    const teacherToken = (await stack.login(teacher.username, teacher.password)).accessToken;
    const seenByTeacher = await stack.query<{ student: Record<string, unknown> }>(
      `query($id: ID!) { student(id: $id) { fullName personalId address } }`,
      { id: mine },
      teacherToken,
    );
    expect(seenByTeacher.data).toEqual({
      student: { fullName: person.fullName.normalize('NFC'), personalId: null, address: null },
    });
    expect((seenByTeacher.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['student.personalId', 'FORBIDDEN'],
      ['student.address', 'FORBIDDEN'],
    ]);
  });

  it('reads a whole class (students, results, learning and conduct) with the same round trips per subgraph for 10 and for 45 students', async () => {
    const CLASS_QUERY = `query($id: ID!, $y: String!) {
      class(id: $id) {
        name
        students {
          id fullName dateOfBirth
          results(schoolYear: $y) { subject { code } year { average result } }
          learningResults(schoolYear: $y) { period level }
          conduct(schoolYear: $y) { term1 absences { total } outcome }
        }
      }
    }`;
    const measure = async (size: number, classIndex: number) => {
      const { classId } = await classWith(size, classIndex);
      const studentsCalls = stack.students.recordDatabaseCalls();
      const conductBefore = stack.conduct.roundTrips.count;
      const academicsBefore = stack.academics.deps.roundTrips.value;
      const result = await stack.query<{ class: { students: unknown[] } }>(
        CLASS_QUERY,
        { id: classId, y: YEAR },
        principalToken,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.class.students).toHaveLength(size);
      // The outbox relay polls and cleans up (compare-and-set on `_rev`) on its own schedule, e.g.
      // after the request's log of personal-data reads; only the request's own calls count.
      const requestCalls = studentsCalls
        .stop()
        .filter((call) => !/_outbox|_rev/.test(JSON.stringify(call.filter ?? {})));
      return {
        students: requestCalls.length,
        academics: stack.academics.deps.roundTrips.value - academicsBefore,
        conduct: stack.conduct.roundTrips.count - conductBefore,
      };
    };
    const ten = await measure(10, 1);
    const fortyFive = await measure(45, 2);
    expect(fortyFive).toEqual(ten);
    expect(ten.students).toBeLessThanOrEqual(3);
    expect(ten.conduct).toBeLessThanOrEqual(4);
    expect(ten.academics).toBeLessThanOrEqual(6);
  });
});
