/**
 * The suite's school, made through the API as its people would (identity's demo seed gives the
 * school and its staff): grade-10 classes, their students, and the chosen subjects' teachers
 * assigned to every class. No marks yet: the bulk entry under faults writes them.
 */
import { admit, demoPeople, seededAccount } from '../../bench/src/data/school';
import { Api, inParallel, untilCaughtUp } from '../../bench/src/data/api';
import type { Credential } from '../../bench/src/platform/stack';
import { SCHOOL_YEAR, type EntryClass, type Teacher } from './entry';

export interface FaultSchool {
  schoolId: string;
  classes: EntryClass[];
  /** One teacher per subject entered. */
  teachers: Map<string, Teacher>;
}

export async function createFaultSchool(
  api: Api,
  credentials: Credential[],
  sizes: { classes: number; students: number; subjects: string[] },
  log: (line: string) => void,
): Promise<FaultSchool> {
  const byUsername = (name: string) => seededAccount(credentials, name);
  const admin = byUsername('admin.demo');
  const staff = byUsername('giaovu.demo');
  const reader = byUsername('hieutruong.demo');
  const teachers = new Map<string, Teacher>();
  for (const subjectCode of sizes.subjects) {
    const teacher = credentials.find((c) => c.subjectCode === subjectCode);
    if (!teacher) throw new Error(`identity's demo seed has no teacher of ${subjectCode}`);
    teachers.set(subjectCode, { username: teacher.username, password: teacher.password, subjectCode });
  }
  const homeroom = credentials.find((c) => c.subjectCode)!;
  const schoolId = admin.schoolId;
  const token = (c: Credential) => api.token(c.username, c.password);
  const people = demoPeople(schoolId, sizes.classes * sizes.students);

  const classes: EntryClass[] = [];
  for (let n = 1; n <= sizes.classes; n++) {
    const name = `10A${n}`;
    const { createClass } = await api.query<{ createClass: { id: string } }>(
      await token(staff),
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      { i: { schoolId, schoolYear: SCHOOL_YEAR, grade: 10, name, homeroomTeacherId: homeroom.accountId } },
    );
    const classId = createClass.id;
    await api.query(await token(admin), `mutation($i: GrantRoleInput!) { grantRole(input: $i) { id } }`, {
      i: { accountId: homeroom.accountId, role: 'HOMEROOM_TEACHER', scope: { schoolId, classId, grade: 10 } },
    });
    for (const subjectCode of sizes.subjects) {
      const teacher = credentials.find((c) => c.subjectCode === subjectCode)!;
      await api.query(
        await token(admin),
        `mutation($i: AssignTeachingInput!) { assignTeaching(input: $i) { id } }`,
        { i: { accountId: teacher.accountId, classId, subjectCode, schoolYear: SCHOOL_YEAR } },
      );
    }
    const staffToken = await token(staff);
    const studentIds = await inParallel(
      people.splice(0, sizes.students).map((person) => () => admit(api, staffToken, { ...person, classId })),
      4,
    );
    classes.push({ id: classId, name, studentIds });
    log(`class ${name}: ${studentIds.length} students admitted`);
  }

  // Conduct keeps the subject results the reconciliation compares: it should know the students
  // (from the enrolment events) before their results arrive.
  const readerToken = await token(reader);
  for (const schoolClass of classes) {
    await untilCaughtUp(`conduct's roster of ${schoolClass.name}`, async () => {
      const answer = await api.query<{ class: { students: Array<{ conduct: unknown }> } }>(
        readerToken,
        `query($c: ID!, $y: String!) { class(id: $c) { students { conduct(schoolYear: $y) { term1 } } } }`,
        { c: schoolClass.id, y: SCHOOL_YEAR },
      );
      return {
        done: answer.class.students.filter((s) => s.conduct !== null).length,
        total: schoolClass.studentIds.length,
      };
    });
  }
  return { schoolId, classes, teachers };
}
