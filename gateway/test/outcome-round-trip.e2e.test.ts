import { eventually } from '@hocbaso/testkit';
import { SYSTEM_CALLER } from '../../services/identity/src/usecases/deps';
import { assignTeaching, grantRole } from '../../services/identity/src/usecases/manage-roles';
import { demoSchoolYear } from '../../services/students/src/seed/demo-data';
import { gradebookRows } from '../../scripts/demo/marks';
import { FullStack } from './full-stack';

jest.setTimeout(400_000);

const YEAR = '2025-2026';
/** The compulsory subjects and four electives: a complete record book. */
const SUBJECTS = [
  'NGU_VAN',
  'TOAN',
  'NGOAI_NGU_1',
  'LICH_SU',
  'GDQP_AN',
  'VAT_LI',
  'HOA_HOC',
  'TIN_HOC',
  'DIA_LI',
  'GD_THE_CHAT',
  'HD_TRAI_NGHIEM_HUONG_NGHIEP',
  'GD_DIA_PHUONG',
];

describe('marks, conduct and the year outcome across academics, Kafka and conduct', () => {
  let stack: FullStack;
  beforeAll(async () => {
    stack = await FullStack.startAll();
  });
  afterAll(() => stack?.stop());

  it('computes the outcome from the marks teachers enter, and recomputes it when a mark is corrected', async () => {
    const { school } = await stack.createSchoolWithAdmin('outcome');
    const schoolId = school._id;
    const staff = await stack.createAccount(schoolId, 'giaovu', 'ACADEMIC_STAFF');
    const staffToken = (await stack.login(staff.username, staff.password)).accessToken;
    const homeroom = await stack.createAccount(schoolId, 'gvcn', 'SUBJECT_TEACHER');
    const demo = demoSchoolYear(schoolId, YEAR)[0]!;
    const created = await stack.query<{ createClass: { id: string } }>(
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      {
        i: { schoolId, schoolYear: YEAR, grade: demo.grade, name: demo.name, homeroomTeacherId: homeroom.id },
      },
      staffToken,
    );
    const classId = created.data!.createClass.id;
    await grantRole(stack.identity.deps, SYSTEM_CALLER, {
      accountId: homeroom.id,
      role: 'HOMEROOM_TEACHER',
      scope: { schoolId, classId },
    });
    // The homeroom teacher also teaches every subject here, to keep the cast small.
    for (const subjectCode of SUBJECTS) {
      await assignTeaching(stack.identity.deps, SYSTEM_CALLER, {
        accountId: homeroom.id,
        classId,
        subjectCode,
        schoolYear: YEAR,
      });
    }
    const students: Array<{ id: string; index: number }> = [];
    for (const [index, person] of demo.students.slice(0, 3).entries()) {
      const admitted = await stack.query<{ admitStudent: { id: string } }>(
        `mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id } }`,
        { i: { ...person, classId } },
        staffToken,
      );
      // Positions 2.. are "good" students in the demo profiles.
      students.push({ id: admitted.data!.admitStudent.id, index: index + 2 });
    }
    const token = (await stack.login(homeroom.username, homeroom.password)).accessToken;
    const target = students[0]!.id;

    const record = (subjectCode: string, term: 1 | 2, rows: unknown[]) =>
      stack.query<{ recordGradebook: { ok: boolean; errors: unknown[] } }>(
        `mutation($i: RecordGradebookInput!) { recordGradebook(input: $i) { ok errors { studentId column message } } }`,
        { i: { classId, subjectCode, schoolYear: YEAR, term: `TERM_${term}`, rows } },
        token,
      );
    // Academics learns the roster from the students events: wait until it accepts the class.
    for (const subjectCode of SUBJECTS) {
      for (const term of [1, 2] as const) {
        const written = await eventually(async () => {
          const result = await record(subjectCode, term, gradebookRows(subjectCode, term, students));
          return result.data?.recordGradebook.ok ? result : null;
        }, 60_000);
        expect(written.errors).toBeUndefined();
      }
    }
    for (const term of ['TERM_1', 'TERM_2']) {
      await eventually(async () => {
        const result = await stack.query(
          `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
          { i: { studentId: target, schoolYear: YEAR, period: term, level: 'TOT' } },
          token,
        );
        return !result.errors;
      }, 60_000);
    }

    const BOOK = `query($id: ID!, $y: String!) {
      student(id: $id) {
        fullName
        results(schoolYear: $y) { subject { code } year { average result } }
        learningResults(schoolYear: $y) { period level }
        conduct(schoolYear: $y) { year learningResult outcome title }
      }
    }`;
    type Book = {
      student: {
        results: Array<{ subject: { code: string }; year: { average: number | null } }>;
        learningResults: Array<{ period: string; level: string | null }>;
        conduct: { learningResult: string | null; outcome: string | null; title: string | null };
      };
    };
    const first = await eventually(async () => {
      const book = await stack.query<Book>(BOOK, { id: target, y: YEAR }, token);
      return book.data?.student.conduct.outcome ? book : null;
    }, 90_000);
    expect(first.errors).toBeUndefined();
    const yearLevel = first.data!.student.learningResults.find((r) => r.period === 'YEAR')!.level;
    // Conduct's learning result (from academics' events) agrees with academics' own.
    expect(first.data!.student.conduct.learningResult).toBe(yearLevel);
    expect(first.data!.student.results.map((r) => r.subject.code).sort()).toEqual([...SUBJECTS].sort());
    expect(first.data!.student.conduct.outcome).toBe('PROMOTED');

    // Corrections: Toán and Hoá học drop far below 3.5 in term II → learning CHƯA ĐẠT → summer re-assessment.
    const low = (subjectCode: string) => ({
      studentId: target,
      regular: Array.from({ length: subjectCode === 'TOAN' ? 4 : 3 }, () => 1.0),
      midterm: 1.0,
      final: 1.0,
    });
    for (const subjectCode of ['TOAN', 'HOA_HOC']) {
      const corrected = await record(subjectCode, 2, [low(subjectCode)]);
      expect(corrected.data?.recordGradebook).toMatchObject({ ok: true, errors: [] });
    }
    const second = await eventually(async () => {
      const book = await stack.query<Book>(BOOK, { id: target, y: YEAR }, token);
      return book.data?.student.conduct.outcome === 'SUMMER_REASSESSMENT' ? book : null;
    }, 90_000);
    expect(second.data!.student.conduct).toMatchObject({ learningResult: 'CHUA_DAT', title: null });
  });
});
