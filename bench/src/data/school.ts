/**
 * The benchmark's school, made through the API as its people would (identity's demo seed gives
 * the school and its staff): grade-10 classes of the sizes asked, every student with a full year
 * of marks in every subject (both terms' gradebooks) and conduct for both terms. Then it waits
 * until the read models of every class show all of it.
 */
import { demoSchoolYear } from '../../../services/students/src/seed/demo-data';
import { conductOf, gradebookRows } from '../../../scripts/demo/marks';
import type { Credential } from '../platform/stack';
import { Api, ApiError, inParallel, retrying, untilCaughtUp } from './api';

export const SCHOOL_YEAR = '2025-2026';

export interface BenchClass {
  id: string;
  name: string;
  size: number;
  studentIds: string[];
}

export interface BenchSchool {
  schoolId: string;
  classes: BenchClass[];
  subjects: string[];
  /** Who the benchmark queries as: the principal, who reads every record book of the school. */
  reader: Credential;
}

type Person = ReturnType<typeof demoSchoolYear>[number]['students'][number];

/** As many demo people as asked (the demo generator gives 240 per seed; further seeds give more). */
export function demoPeople(schoolId: string, count: number): Person[] {
  const people: Person[] = [];
  for (let seed = 0; people.length < count; seed++) {
    for (const demoClass of demoSchoolYear(seed === 0 ? schoolId : `${schoolId}#${seed}`, SCHOOL_YEAR)) {
      people.push(...demoClass.students);
    }
  }
  return people.slice(0, count);
}

/** An account of identity's demo seed, by username. */
export function seededAccount(credentials: readonly Credential[], username: string): Credential {
  const found = credentials.find((c) => c.username === username);
  if (!found) throw new Error(`identity's demo seed has no ${username}`);
  return found;
}

export async function createBenchSchool(
  api: Api,
  credentials: Credential[],
  sizes: readonly number[],
  log: (line: string) => void,
): Promise<BenchSchool> {
  const byUsername = (name: string) => seededAccount(credentials, name);
  const admin = byUsername('admin.demo');
  const staff = byUsername('giaovu.demo');
  const reader = byUsername('hieutruong.demo');
  const teachers = credentials.filter((c) => c.subjectCode);
  const homeroom = teachers[0]!;
  const schoolId = admin.schoolId;
  const token = (c: Credential) => api.token(c.username, c.password);

  // One more person per canary class (see below).
  const people = demoPeople(schoolId, sizes.reduce((sum, size) => sum + size, 0) + CANARY_ATTEMPTS);
  const openClass = async (name: string, size: number): Promise<BenchClass> => {
    const { createClass } = await api.query<{ createClass: { id: string } }>(
      await token(staff),
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      { i: { schoolId, schoolYear: SCHOOL_YEAR, grade: 10, name, homeroomTeacherId: homeroom.accountId } },
    );
    const classId = createClass.id;
    await api.query(await token(admin), `mutation($i: GrantRoleInput!) { grantRole(input: $i) { id } }`, {
      i: { accountId: homeroom.accountId, role: 'HOMEROOM_TEACHER', scope: { schoolId, classId, grade: 10 } },
    });
    for (const teacher of teachers) {
      await api.query(
        await token(admin),
        `mutation($i: AssignTeachingInput!) { assignTeaching(input: $i) { id } }`,
        {
          i: {
            accountId: teacher.accountId,
            classId,
            subjectCode: teacher.subjectCode,
            schoolYear: SCHOOL_YEAR,
          },
        },
      );
    }
    const mine = people.splice(0, size);
    const staffToken = await token(staff);
    const studentIds = await inParallel(
      mine.map((person) => () => admit(api, staffToken, { ...person, classId })),
      4,
    );
    return { id: classId, name, size, studentIds };
  };

  // Conduct (and the others) read the roster from events, from the latest offset when they joined:
  // a class whose enrolments conduct sees shows that it reads; until then a new one is tried.
  for (let attempt = 1; ; attempt++) {
    const canary = await openClass(`10Z${attempt}`, 1);
    const seen = await untilCaughtUp(
      'canary',
      async () => conductKnows(api, await token(reader), canary),
      15_000,
      500,
    ).then(
      () => true,
      () => false,
    );
    if (seen) break;
    if (attempt >= CANARY_ATTEMPTS) throw new Error('the conduct service does not read the enrolment events');
    log(`conduct has not seen class 10Z${attempt} yet: another one`);
  }

  const classes: BenchClass[] = [];
  for (const [n, size] of sizes.entries()) {
    const schoolClass = await openClass(`10A${n + 1}`, size);
    classes.push(schoolClass);
    log(`class ${schoolClass.name}: ${size} students admitted`);
  }

  // Conduct first: its consumer then has only the enrolments to read before it knows every
  // student (the gradebooks' results, which it also reads, would queue behind them).
  for (const schoolClass of classes) {
    await untilCaughtUp(`conduct's roster of ${schoolClass.name}`, async () =>
      conductKnows(api, await token(reader), schoolClass),
    );
  }
  const homeroomToken = await token(homeroom);
  const conduct = classes.flatMap((schoolClass) =>
    schoolClass.studentIds.flatMap((studentId, index) =>
      ([1, 2] as const).map(
        (term) => () =>
          retrying(() =>
            api.query(
              homeroomToken,
              `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
              {
                i: {
                  studentId,
                  schoolYear: SCHOOL_YEAR,
                  period: `TERM_${term}`,
                  level: conductOf(index, term),
                },
              },
            ),
          ),
      ),
    ),
  );
  await inParallel(conduct, 8);
  log(`${conduct.length} conduct marks recorded`);

  // Academics learns each roster from the students service's events: retried until it has.
  const gradebooks = teachers.flatMap((teacher) =>
    classes.flatMap((schoolClass) =>
      ([1, 2] as const).map((term) => async () => {
        const teacherToken = await token(teacher);
        const students = schoolClass.studentIds.map((id, index) => ({ id, index }));
        await retrying(async () => {
          const { recordGradebook } = await api.query<{
            recordGradebook: { ok: boolean; errors: Array<{ code: string; message: string }> };
          }>(
            teacherToken,
            `mutation($i: RecordGradebookInput!) { recordGradebook(input: $i) { ok errors { code message } } }`,
            {
              i: {
                classId: schoolClass.id,
                subjectCode: teacher.subjectCode,
                schoolYear: SCHOOL_YEAR,
                term: `TERM_${term}`,
                rows: gradebookRows(teacher.subjectCode!, term, students),
              },
            },
          );
          if (!recordGradebook.ok) throw new Error(recordGradebook.errors.map((e) => e.message).join('; '));
        }, 300_000);
      }),
    ),
  );
  await inParallel(gradebooks, 4);
  log(`${gradebooks.length} gradebooks recorded`);

  const subjects = teachers.map((t) => t.subjectCode!);
  await untilReadModelsCaughtUp(api, await token(reader), classes, subjects.length);
  log('read models caught up');
  return { schoolId, classes, subjects, reader };
}

const CANARY_ATTEMPTS = 4;

/** How many students of the class conduct knows (their conduct page exists, maybe empty). */
async function conductKnows(
  api: Api,
  token: string,
  schoolClass: BenchClass,
): Promise<{ done: number; total: number }> {
  const answer = await api.query<{ class: { students: Array<{ conduct: unknown }> } }>(
    token,
    `query($c: ID!, $y: String!) { class(id: $c) { students { conduct(schoolYear: $y) { term1 } } } }`,
    { c: schoolClass.id, y: SCHOOL_YEAR },
  );
  return { done: answer.class.students.filter((s) => s.conduct !== null).length, total: schoolClass.size };
}

/** Admits one student; a personal ID another demo seed already drew is drawn again. */
export async function admit(api: Api, token: string, input: Person & { classId: string }): Promise<string> {
  for (let attempt = 0, personalId = input.personalId; ; attempt++) {
    try {
      const { admitStudent } = await api.query<{ admitStudent: { id: string } }>(
        token,
        `mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id } }`,
        { i: { ...input, personalId } },
      );
      return admitStudent.id;
    } catch (error) {
      if (!(error instanceof ApiError && error.codes.includes('DUPLICATE_PERSONAL_ID')) || attempt >= 5)
        throw error;
      personalId = `${personalId.slice(0, 6)}${String((Number(personalId.slice(6)) + 7919 * (attempt + 1)) % 1_000_000).padStart(6, '0')}`;
    }
  }
}

interface ClassRecordsAnswer {
  class: {
    students: Array<{
      results: Array<{ year: { average: number | null; result: string | null } | null }>;
      conduct: { term1: string | null } | null;
    }>;
  };
}

/** Every student of every class with a year result in every subject and its conduct, read through the gateway. */
async function untilReadModelsCaughtUp(
  api: Api,
  token: string,
  classes: BenchClass[],
  subjects: number,
): Promise<void> {
  for (const schoolClass of classes) {
    await untilCaughtUp(`the records of ${schoolClass.name}`, async () => {
      const answer = await api.query<ClassRecordsAnswer>(
        token,
        `query($c: ID!, $y: String!) { class(id: $c) { students { results(schoolYear: $y) { year { average result } } conduct(schoolYear: $y) { term1 } } } }`,
        { c: schoolClass.id, y: SCHOOL_YEAR },
      );
      const complete = answer.class.students.filter(
        (s) =>
          s.results.length === subjects &&
          s.results.every((r) => r.year !== null && (r.year.average !== null || r.year.result !== null)) &&
          s.conduct?.term1 !== null &&
          s.conduct?.term1 !== undefined,
      ).length;
      return { done: complete, total: schoolClass.size };
    });
  }
}
