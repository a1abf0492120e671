import type { CloudEvent } from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import { EventCollector } from '@hocbaso/testkit';
import { DEMO_SUBJECTS, recordDemoSchoolYear } from '../src/seed/demo-data';
import {
  AcademicsHarness,
  homeroomTeacherOf,
  principalWith,
  SCHOOL_YEAR,
  schoolRole,
  teacherOf,
  type TestClass,
} from './harness';

jest.setTimeout(180_000);

const REASSESS = `mutation($input: RecordSummerReassessmentInput!) {
  recordSummerReassessment(input: $input) { subject { code } year { average result } reassessment { score result } final { average result } }
}`;
const EXEMPT = `mutation($input: RecordExemptionInput!) {
  recordExemption(input: $input) { subject { code } exemption { part period reason } term1 { regularResults } }
}`;
const CANCEL = `mutation($input: CancelExemptionInput!) { cancelExemption(input: $input) { exemption { period } } }`;
const LEARNING = `query($r: [_Any!]!, $year: String!) { _entities(representations: $r) { ... on Student {
  learningResults(schoolYear: $year) { period level levelBeforeReassessment reassessmentSubjects { code } }
} } }`;

describe('summer re-assessment and exemptions', () => {
  let harness: AcademicsHarness;
  let collector: EventCollector;
  let cls: TestClass;
  let other: TestClass;
  /** The demo's profiles by position: 0 GOOD, 3 REASSESSMENT_SCORES, 9 REASSESSMENT_COMMENTS. */
  const student = (position: number) => cls.students[position]!.studentId;
  const teacher = (subjectCode: string): Principal => ({
    ...teacherOf(cls, subjectCode),
    accountId: `gv-${subjectCode}`,
  });

  const reassess = (principal: Principal, input: Record<string, unknown>) =>
    harness.as<{ recordSummerReassessment: Record<string, unknown> | null }>(principal, REASSESS, { input });
  const exempt = (principal: Principal, input: Record<string, unknown>) =>
    harness.as<{ recordExemption: Record<string, unknown> | null }>(principal, EXEMPT, { input });
  const yearOf = async (studentId: string) => {
    const result = await harness.as<{
      _entities: Array<{ learningResults: Array<{ period: string; level: string | null }> }>;
    }>(schoolRole('PRINCIPAL', cls.schoolId), LEARNING, {
      r: [{ __typename: 'Student', id: studentId }],
      year: SCHOOL_YEAR,
    });
    return result.data!._entities[0]!.learningResults.find((l) => l.period === 'YEAR');
  };

  beforeAll(async () => {
    collector = await new EventCollector(['hocbaso.academics.subject-result']).start();
    harness = await AcademicsHarness.start('academics_summer');
    cls = await harness.createClass(10);
    other = await harness.createClass(1, { schoolId: cls.schoolId });
    await recordDemoSchoolYear(harness.deps, {
      schoolId: cls.schoolId,
      schoolYear: SCHOOL_YEAR,
      classes: [
        {
          classId: cls.classId,
          studentIds: cls.students.map((s) => s.studentId),
          teachers: Object.fromEntries(DEMO_SUBJECTS.map((s) => [s, `gv-${s}`])),
        },
      ],
    });
  });
  afterAll(async () => {
    await harness?.close();
    await collector?.stop();
  });

  it('tells which subjects a student must re-take', async () => {
    expect(await yearOf(student(3))).toEqual({
      period: 'YEAR',
      level: 'CHUA_DAT',
      levelBeforeReassessment: 'CHUA_DAT',
      reassessmentSubjects: [{ code: 'TOAN' }, { code: 'VAT_LI' }],
    });
    expect(await yearOf(student(0))).toMatchObject({ level: 'TOT', reassessmentSubjects: [] });
  });

  it('refuses a re-assessment by anyone but the subject’s teacher, for a subject not due, or with a bad score', async () => {
    const wrongTeacher = await reassess(teacher('NGU_VAN'), {
      studentId: student(3),
      subjectCode: 'TOAN',
      schoolYear: SCHOOL_YEAR,
      score: 6,
    });
    expect(wrongTeacher.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const notDue = await reassess(teacher('NGU_VAN'), {
      studentId: student(3),
      subjectCode: 'NGU_VAN',
      schoolYear: SCHOOL_YEAR,
      score: 9,
    });
    expect(notDue.errors?.[0]?.extensions?.code).toBe('NOT_DUE_FOR_REASSESSMENT');
    const passing = await reassess(teacher('TOAN'), {
      studentId: student(0),
      subjectCode: 'TOAN',
      schoolYear: SCHOOL_YEAR,
      score: 9,
    });
    expect(passing.errors?.[0]?.extensions?.code).toBe('NOT_DUE_FOR_REASSESSMENT');
    const badScore = await reassess(teacher('TOAN'), {
      studentId: student(3),
      subjectCode: 'TOAN',
      schoolYear: SCHOOL_YEAR,
      score: 6.25,
    });
    expect(badScore.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      fieldErrors: [expect.objectContaining({ field: 'score', code: 'INVALID_SCORE' })],
    });
    expect((await yearOf(student(3)))?.level).toBe('CHUA_DAT');
  });

  it('replaces the year result with the re-assessment, recomputes the learning result and publishes one event', async () => {
    const result = await reassess(teacher('TOAN'), {
      studentId: student(3),
      subjectCode: 'TOAN',
      schoolYear: SCHOOL_YEAR,
      score: 6,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.recordSummerReassessment).toEqual({
      subject: { code: 'TOAN' },
      year: { average: 2.9, result: null },
      reassessment: { score: 6, result: null },
      final: { average: 6, result: null },
    });
    // Toán 6.0 now; Vật lí 4.4 is the only subject below 5.0 and none is below 3.5: ĐẠT.
    expect(await yearOf(student(3))).toEqual({
      period: 'YEAR',
      level: 'DAT',
      levelBeforeReassessment: 'CHUA_DAT',
      reassessmentSubjects: [{ code: 'TOAN' }, { code: 'VAT_LI' }],
    });
    const [event] = await collector.waitFor(
      (e: CloudEvent) =>
        e.partitionkey === student(3) && (e.data as { change?: string }).change === 'REASSESSMENT',
    );
    expect(event?.key).toBe(student(3));
    expect(event?.event.data).toMatchObject({
      subjectCode: 'TOAN',
      year: { average: 2.9 },
      reassessment: { average: 6, result: null },
    });

    const comment = await reassess(teacher('GD_DIA_PHUONG'), {
      studentId: student(9),
      subjectCode: 'GD_DIA_PHUONG',
      schoolYear: SCHOOL_YEAR,
      result: 'DAT',
    });
    expect(comment.data?.recordSummerReassessment).toMatchObject({
      year: { result: 'CHUA_DAT' },
      final: { result: 'DAT' },
    });
  });

  it('records an exemption by the homeroom teacher or academic staff; assessments stay the same', async () => {
    const reason = 'Giấy xác nhận của bệnh viện: không vận động mạnh';
    const byHomeroom = await exempt(homeroomTeacherOf(cls), {
      studentId: student(1),
      subjectCode: 'GD_THE_CHAT',
      schoolYear: SCHOOL_YEAR,
      period: 'YEAR',
      reason,
    });
    expect(byHomeroom.errors).toBeUndefined();
    expect(byHomeroom.data?.recordExemption).toEqual({
      subject: { code: 'GD_THE_CHAT' },
      exemption: { part: 'PRACTICAL', period: 'YEAR', reason },
      term1: { regularResults: ['DAT', 'DAT'] },
    });
    const byStaff = await exempt(schoolRole('ACADEMIC_STAFF', cls.schoolId), {
      studentId: student(2),
      subjectCode: 'GDQP_AN',
      schoolYear: SCHOOL_YEAR,
      period: 'TERM_1',
      reason: 'Khuyết tật vận động',
    });
    expect(byStaff.data?.recordExemption).toMatchObject({ exemption: { period: 'TERM_1' } });
    const [event] = await collector.waitFor(
      (e: CloudEvent) =>
        e.partitionkey === student(1) && (e.data as { change?: string }).change === 'EXEMPTION',
    );
    expect(event?.event.data).toMatchObject({ subjectCode: 'GD_THE_CHAT', exemption: { period: 'YEAR' } });
    // The reason (health data) stays in this service.
    expect(JSON.stringify(event?.event)).not.toContain('bệnh viện');

    // The exempted student is still assessed with the same number of assessments.
    const rows = await harness.as<{ recordGradebook: { errors: Array<{ column: string; code: string }> } }>(
      teacher('GD_THE_CHAT'),
      `mutation($input: RecordGradebookInput!) { recordGradebook(input: $input) { errors { column code } } }`,
      {
        input: {
          classId: cls.classId,
          subjectCode: 'GD_THE_CHAT',
          schoolYear: SCHOOL_YEAR,
          term: 'TERM_1',
          rows: [
            { studentId: student(1), regularResults: ['DAT'], midtermResult: 'DAT', finalResult: 'DAT' },
          ],
        },
      },
    );
    expect(rows.data?.recordGradebook.errors).toEqual([
      { column: 'regularResults', code: 'INVALID_ASSESSMENT_COUNT' },
    ]);

    const cancelled = await harness.as<{ cancelExemption: { exemption: unknown } }>(
      homeroomTeacherOf(cls),
      CANCEL,
      {
        input: { studentId: student(1), subjectCode: 'GD_THE_CHAT', schoolYear: SCHOOL_YEAR },
      },
    );
    expect(cancelled.data?.cancelExemption).toEqual({ exemption: null });
  });

  it('refuses an exemption from anyone else, or for another subject', async () => {
    const input = {
      studentId: student(1),
      subjectCode: 'GD_THE_CHAT',
      schoolYear: SCHOOL_YEAR,
      period: 'YEAR',
      reason: 'Ốm',
    };
    for (const caller of [
      teacher('GD_THE_CHAT'),
      homeroomTeacherOf(other),
      principalWith([{ role: 'ACADEMIC_STAFF', scope: { schoolId: 'another-school' } }]),
      schoolRole('PRINCIPAL', cls.schoolId),
    ]) {
      expect((await exempt(caller, input)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const toan = await exempt(homeroomTeacherOf(cls), { ...input, subjectCode: 'TOAN' });
    expect(toan.errors?.[0]?.extensions?.code).toBe('EXEMPTION_NOT_ALLOWED');
    const noReason = await exempt(homeroomTeacherOf(cls), { ...input, reason: '  ' });
    expect(noReason.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });
});
