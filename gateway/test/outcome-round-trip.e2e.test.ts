import { eventually } from '@hocbaso/testkit';
import {
  COMPLETE_SUBJECTS,
  FullStack,
  openClassTaughtByItsHomeroomTeacher,
  recordGradebook,
  recordYearOfMarks,
} from './full-stack';

jest.setTimeout(400_000);

const YEAR = '2025-2026';
const SUBJECTS = COMPLETE_SUBJECTS;

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
    const { classId, students } = await openClassTaughtByItsHomeroomTeacher(stack, {
      schoolId,
      schoolYear: YEAR,
      staffToken,
      teacherId: homeroom.id,
      subjects: SUBJECTS,
      size: 3,
    });
    const token = (await stack.login(homeroom.username, homeroom.password)).accessToken;
    const target = students[0]!.id;

    const record = (subjectCode: string, term: 1 | 2, rows: unknown[]) =>
      recordGradebook(stack, token, { classId, subjectCode, schoolYear: YEAR, term }, rows);
    await recordYearOfMarks(stack, token, { classId, schoolYear: YEAR, subjects: SUBJECTS, students });
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
