import { EventCollector, eventually } from '@hocbaso/testkit';
import { ConductHarness, SCHOOL_YEAR } from './harness';

jest.setTimeout(180_000);

const CONDUCT = `query($r: [_Any!]!, $y: String!) {
  _entities(representations: $r) { ... on Student { id conduct(schoolYear: $y) { term1 term2 year learningResult outcome title outcomeConfirmed absences { total excused unexcused } } } }
}`;

const SCORED = [
  'NGU_VAN',
  'TOAN',
  'NGOAI_NGU_1',
  'LICH_SU',
  'GDQP_AN',
  'VAT_LI',
  'HOA_HOC',
  'TIN_HOC',
  'SINH_HOC',
];
const COMMENT_SUBJECTS = ['GD_THE_CHAT', 'HD_TRAI_NGHIEM_HUONG_NGHIEP', 'GD_DIA_PHUONG'];

describe("conduct: the homeroom teacher's records and the year outcome", () => {
  let harness: ConductHarness;
  let collector: EventCollector;

  beforeAll(async () => {
    harness = await ConductHarness.start('conduct');
    collector = await new EventCollector(['hocbaso.conduct.record']).start();
  });
  afterAll(async () => {
    await collector?.stop();
    await harness?.close();
  });

  const conductOf = async (principal: Parameters<ConductHarness['query']>[0], studentId: string) => {
    const result = await harness.query<{ _entities: Array<{ conduct: Record<string, unknown> | null }> }>(
      principal,
      CONDUCT,
      {
        r: [{ __typename: 'Student', id: studentId }],
        y: SCHOOL_YEAR,
      },
    );
    expect(result.errors).toBeUndefined();
    return result.data!._entities[0]!.conduct;
  };

  it('computes the outcome from conduct and the results academics publishes, and recomputes when a result changes', async () => {
    const { classId, homeroomTeacherId, studentIds } = await harness.createClass(1);
    const studentId = studentIds[0]!;
    const teacher = harness.homeroomTeacher(homeroomTeacherId, classId);
    for (const [period, level] of [
      ['TERM_1', 'KHA'],
      ['TERM_2', 'TOT'],
    ] as const) {
      const recorded = await harness.query(
        teacher,
        `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 term2 year } }`,
        {
          i: { studentId, schoolYear: SCHOOL_YEAR, period, level, comment: 'Chăm ngoan, tích cực.' },
        },
      );
      expect(recorded.errors).toBeUndefined();
    }
    // Academics publishes the year results (compulsory subjects and four electives): six subjects at
    // 8.0+, all ≥ 6.5, comment subjects ĐẠT.
    for (const [index, subject] of SCORED.entries())
      await harness.subjectResult(studentId, classId, subject, { average: index < 6 ? 8.5 : 7.0 });
    for (const subject of COMMENT_SUBJECTS)
      await harness.subjectResult(studentId, classId, subject, { result: 'DAT' });

    const first = await eventually(async () => {
      const conduct = await conductOf(teacher, studentId);
      return conduct?.outcome ? conduct : null;
    }, 60_000);
    expect(first).toMatchObject({
      term1: 'KHA',
      term2: 'TOT',
      year: 'TOT',
      learningResult: 'TOT',
      outcome: 'PROMOTED',
      title: 'GOOD',
    });

    // A corrected mark: Toán drops to 3.0 and Lịch sử to 3.2 → learning CHƯA ĐẠT → summer re-assessment.
    await harness.subjectResult(studentId, classId, 'TOAN', { average: 3.0 });
    await harness.subjectResult(studentId, classId, 'LICH_SU', { average: 3.2 });
    const second = await eventually(async () => {
      const conduct = await conductOf(teacher, studentId);
      return conduct?.outcome === 'SUMMER_REASSESSMENT' ? conduct : null;
    }, 60_000);
    expect(second).toMatchObject({ learningResult: 'CHUA_DAT', title: null });

    // The summer results arrive: the outcome is computed again.
    await harness.subjectResult(studentId, classId, 'TOAN', { average: 3.0 }, { average: 6.0 });
    await harness.subjectResult(studentId, classId, 'LICH_SU', { average: 3.2 }, { average: 5.5 });
    await eventually(async () => (await conductOf(teacher, studentId))?.outcome === 'PROMOTED', 60_000);

    // Each move of the outcome was published with the student id as key.
    const published = await collector.waitFor(
      (e) => e.type === 'vn.hocbaso.conduct.outcome.computed' && e.partitionkey === studentId,
      3,
      30_000,
    );
    expect(published.every((e) => e.key === studentId)).toBe(true);
    const outcomes = published
      .map((e) => (e.event.data as { outcome: string | null }).outcome)
      .filter(Boolean);
    expect(outcomes).toEqual(expect.arrayContaining(['PROMOTED', 'SUMMER_REASSESSMENT']));

    const confirmed = await harness.query(
      teacher,
      `mutation($i: ConfirmYearOutcomeInput!) { confirmYearOutcome(input: $i) { outcome outcomeConfirmed } }`,
      {
        i: { studentId, schoolYear: SCHOOL_YEAR },
      },
    );
    expect(confirmed.data).toEqual({ confirmYearOutcome: { outcome: 'PROMOTED', outcomeConfirmed: true } });
  });

  it('counts absences per session and retains a student absent more than 45 sessions', async () => {
    const { classId, homeroomTeacherId, studentIds } = await harness.createClass(1);
    const studentId = studentIds[0]!;
    const teacher = harness.homeroomTeacher(homeroomTeacherId, classId);
    const absence = (date: string, session: string, excused: boolean) =>
      harness.query(
        teacher,
        `mutation($i: RecordAbsenceInput!) { recordAbsence(input: $i) { absences { total excused unexcused } } }`,
        {
          i: { studentId, schoolYear: SCHOOL_YEAR, date, session, excused, reason: 'Ốm' },
        },
      );
    expect((await absence('2025-10-01', 'MORNING', true)).data).toEqual({
      recordAbsence: { absences: { total: 1, excused: 1, unexcused: 0 } },
    });
    expect((await absence('2025-10-01', 'AFTERNOON', false)).data).toEqual({
      recordAbsence: { absences: { total: 2, excused: 1, unexcused: 1 } },
    });
    const twice = await absence('2025-10-01', 'MORNING', false);
    expect(twice.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const future = await absence('2999-01-01', 'MORNING', false);
    expect(future.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect((await conductOf(teacher, studentId))?.absences).toEqual({ total: 2, excused: 1, unexcused: 1 });
  });

  it("refuses writes by anyone but the class's homeroom teacher and hides the page from other families", async () => {
    const { classId, homeroomTeacherId, studentIds } = await harness.createClass(2);
    const [mine, other] = studentIds as [string, string];
    const otherClass = await harness.createClass(1);
    const strangerTeacher = harness.homeroomTeacher(otherClass.homeroomTeacherId, otherClass.classId);
    const refused = await harness.query(
      strangerTeacher,
      `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
      {
        i: { studentId: mine, schoolYear: SCHOOL_YEAR, period: 'TERM_1', level: 'TOT' },
      },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const teacher = harness.homeroomTeacher(homeroomTeacherId, classId);
    expect((await conductOf(teacher, mine))?.term1).toBeNull();

    const parent = harness.parentOf(mine);
    expect(await conductOf(parent, mine)).not.toBeNull();
    expect(await conductOf(parent, other)).toBeNull();

    const principal = harness.principalOfSchool();
    const commended = await harness.query(
      principal,
      `mutation($i: GrantCommendationInput!) { grantCommendation(input: $i) { schoolYear } }`,
      {
        i: { studentId: mine, schoolYear: SCHOOL_YEAR, title: 'Giải Nhất Olympic Toán cấp tỉnh' },
      },
    );
    expect(commended.errors).toBeUndefined();
    const byTeacher = await harness.query(
      teacher,
      `mutation($i: GrantCommendationInput!) { grantCommendation(input: $i) { schoolYear } }`,
      {
        i: { studentId: mine, schoolYear: SCHOOL_YEAR, title: 'Khen thưởng không hợp lệ' },
      },
    );
    expect(byTeacher.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('reads a whole class with the same number of database round trips for 10 and for 45 students', async () => {
    const principal = harness.principalOfSchool();
    const count = async (size: number) => {
      const { classId } = await harness.createClass(size);
      const before = harness.service.roundTrips.count;
      const result = await harness.query<{ _entities: Array<{ conductSheet: unknown[] }> }>(
        principal,
        `query($r: [_Any!]!, $y: String!) { _entities(representations: $r) { ... on Class { conductSheet(schoolYear: $y) { studentId outcome absences { total } } } } }`,
        { r: [{ __typename: 'Class', id: classId }], y: SCHOOL_YEAR },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!._entities[0]!.conductSheet).toHaveLength(size);
      return harness.service.roundTrips.count - before;
    };
    const ten = await count(10);
    const fortyFive = await count(45);
    expect(ten).toBe(fortyFive);
    expect(ten).toBeLessThanOrEqual(4);
  });

  it("logs a staff member's read of absence and discipline reasons (who, which student, which fields), not the family's", async () => {
    const { classId, homeroomTeacherId, studentIds } = await harness.createClass(1);
    const studentId = studentIds[0]!;
    const teacher = harness.homeroomTeacher(homeroomTeacherId, classId);
    const recorded = await harness.query(
      teacher,
      `mutation($i: RecordAbsenceInput!) { recordAbsence(input: $i) { absences { total } } }`,
      {
        i: {
          studentId,
          schoolYear: SCHOOL_YEAR,
          date: '2025-11-03',
          session: 'MORNING',
          excused: true,
          reason: 'Khám bệnh',
        },
      },
    );
    expect(recorded.errors).toBeUndefined();
    const entries = () =>
      harness.db.collection('personal_data_reads').find({ studentIds: studentId }).toArray();
    // Writing without selecting the reason reads nothing personal.
    expect(await entries()).toHaveLength(0);

    const READ = `query($r: [_Any!]!, $y: String!) {
      _entities(representations: $r) { ... on Student { conduct(schoolYear: $y) { absences { sessions { date reason } } } } }
    }`;
    const read = await harness.query<{
      _entities: Array<{ conduct: { absences: { sessions: Array<{ reason: string }> } } }>;
    }>(teacher, READ, { r: [{ __typename: 'Student', id: studentId }], y: SCHOOL_YEAR });
    expect(read.data!._entities[0]!.conduct.absences.sessions).toEqual([
      { date: '2025-11-03', reason: 'Khám bệnh' },
    ]);
    const logged = await entries();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      readerAccountId: homeroomTeacherId,
      studentIds: [studentId],
      fields: ['absences.reason'],
    });
    expect(JSON.stringify(logged[0])).not.toContain('Khám bệnh');

    // The student's parent reads their own child's record: not a staff read.
    const parent = harness.parentOf(studentId);
    const byParent = await harness.query(parent, READ, {
      r: [{ __typename: 'Student', id: studentId }],
      y: SCHOOL_YEAR,
    });
    expect(byParent.errors).toBeUndefined();
    expect(await entries()).toHaveLength(1);

    const published = await eventually(async () => {
      const events = await harness.db
        .collection('personal_data_reads')
        .find({ _id: logged[0]!._id, _outboxPending: false })
        .toArray();
      return events.length === 1 ? events : null;
    }, 30_000);
    expect(published).toHaveLength(1);
  });

  it('resolves every @key type through _entities', async () => {
    const { readFileSync } = await import('node:fs');
    const sdl = readFileSync(require.resolve('../src/schema.graphql'), 'utf8');
    const keyed = [...sdl.matchAll(/type (\w+) @key/g)].map((m) => m[1]).sort();
    expect(keyed).toEqual(['Class', 'Student']);
    const result = await harness.query(
      harness.principalOfSchool(),
      `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Student { id } ... on Class { id } } }`,
      {
        r: [
          { __typename: 'Student', id: 's-1' },
          { __typename: 'Class', id: 'c-1' },
        ],
      },
    );
    expect(result.data).toEqual({
      _entities: [
        { __typename: 'Student', id: 's-1' },
        { __typename: 'Class', id: 'c-1' },
      ],
    });
  });
});
