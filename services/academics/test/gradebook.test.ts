import type { CloudEvent } from '@hocbaso/events';
import { EventCollector, type CollectedEvent } from '@hocbaso/testkit';
import { AcademicsHarness, SCHOOL_YEAR, schoolRole, teacherOf, type TestClass } from './harness';

jest.setTimeout(120_000);

const TOPIC = 'hocbaso.academics.subject-result';

const RECORD = `mutation($input: RecordGradebookInput!) {
  recordGradebook(input: $input) {
    ok
    changedStudents
    errors { row studentId column cell code message }
    gradebook {
      id className editable
      subject { code regularAssessmentsPerTerm }
      lines { stt studentId fullName inClass marks { regular midterm final average complete regularResults midtermResult finalResult result comment { progress strengths limitations } } }
    }
  }
}`;

const GRADEBOOK = `query($classId: ID!, $subjectCode: String!, $schoolYear: String!, $term: Term!) {
  gradebook(classId: $classId, subjectCode: $subjectCode, schoolYear: $schoolYear, term: $term) {
    id lines { studentId fullName marks { regular midterm final average complete } }
  }
}`;

const RESULTS = `query($r: [_Any!]!, $year: String!) { _entities(representations: $r) { ... on Student {
  id
  results(schoolYear: $year) {
    id subject { code } kind classIds
    term1 { average regular } term2 { average } year { average result } final { average result }
  }
} } }`;

interface Payload {
  ok: boolean;
  changedStudents: string[];
  errors: Array<{
    row: number;
    studentId: string | null;
    column: string;
    cell: string | null;
    code: string;
    message: string;
  }>;
  gradebook: {
    id: string;
    editable: boolean;
    lines: Array<{ studentId: string; fullName: string; marks: Record<string, unknown> }>;
  } | null;
}

describe('recording a class gradebook', () => {
  let harness: AcademicsHarness;
  let collector: EventCollector;
  let cls: TestClass;
  let other: TestClass;
  const ids = () => cls.students.map((s) => s.studentId);

  const record = (principal: ReturnType<typeof teacherOf>, input: Record<string, unknown>) =>
    harness.as<{ recordGradebook: Payload }>(principal, RECORD, { input });
  const stored = async () =>
    JSON.stringify(
      await harness.db
        .collection('gradebooks')
        .find({}, { projection: { _outbox: 0, _outboxPending: 0, _rev: 0 } })
        .sort({ _id: 1 })
        .toArray(),
    );

  beforeAll(async () => {
    collector = await new EventCollector([TOPIC]).start();
    harness = await AcademicsHarness.start('academics_gradebook');
    cls = await harness.createClass(4);
    other = await harness.createClass(2, { schoolId: cls.schoolId });
  });
  afterAll(async () => {
    await harness?.close();
    await collector?.stop();
  });

  it('lets the assigned teacher record a term and computes the averages (TT22 Điều 9)', async () => {
    const teacher = teacherOf(cls, 'VAT_LI');
    const [a, b, c] = ids() as [string, string, string];
    const result = await record(teacher, {
      classId: cls.classId,
      subjectCode: 'VAT_LI',
      schoolYear: SCHOOL_YEAR,
      term: 'TERM_1',
      rows: [
        // (7 + 8 + 9 + 2 × 8 + 3 × 7.5) / 8 = 62.5 / 8 = 7.8125 → 7.8
        { studentId: a, regular: [7, 8, 9], midterm: 8, final: 7.5, comment: { progress: 'Tiến bộ rõ' } },
        // (6 + 6.5 + 7 + 2 × 5 + 3 × 6.5) / 8 = 49 / 8 = 6.125 → 6.1
        { studentId: b, regular: [6, 6.5, 7], midterm: 5, final: 6.5 },
        // Not complete yet: no average.
        { studentId: c, regular: [6, null, null] },
      ],
    });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.recordGradebook;
    expect(payload.errors).toEqual([]);
    expect(payload.ok).toBe(true);
    expect([...payload.changedStudents].sort()).toEqual([a, b, c].sort());
    expect(payload.gradebook?.editable).toBe(true);
    const byId = new Map(payload.gradebook!.lines.map((l) => [l.studentId, l]));
    expect(byId.get(a)?.marks).toMatchObject({
      regular: [7, 8, 9],
      midterm: 8,
      final: 7.5,
      average: 7.8,
      complete: true,
    });
    expect(byId.get(a)?.marks.comment).toEqual({
      progress: 'Tiến bộ rõ',
      strengths: null,
      limitations: null,
    });
    expect(byId.get(b)?.marks).toMatchObject({ average: 6.1, complete: true });
    expect(byId.get(c)?.marks).toMatchObject({
      regular: [6, null, null],
      midterm: null,
      average: null,
      complete: false,
    });
    // Every student of the class is listed, with the roster's names.
    expect(payload.gradebook!.lines).toHaveLength(4);
    expect(byId.get(a)?.fullName).toBe(cls.students[0]?.fullName);

    // Term II, then the year average from the rounded term averages: (7.8 + 2 × 8.3) / 3 = 8.1333 → 8.1.
    const term2 = await record(teacher, {
      classId: cls.classId,
      subjectCode: 'VAT_LI',
      schoolYear: SCHOOL_YEAR,
      term: 'TERM_2',
      rows: [{ studentId: a, regular: [8, 8.5, 8.5], midterm: 8, final: 8.5 }],
    });
    // (8 + 8.5 + 8.5 + 16 + 25.5) / 8 = 66.5 / 8 = 8.3125 → 8.3
    expect(term2.data?.recordGradebook.ok).toBe(true);
    const read = await harness.as<{ _entities: Array<{ results: Array<Record<string, unknown>> }> }>(
      schoolRole('PRINCIPAL', cls.schoolId),
      RESULTS,
      { r: [{ __typename: 'Student', id: a }], year: SCHOOL_YEAR },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?._entities[0]?.results).toEqual([
      {
        id: `${a}/${SCHOOL_YEAR}/VAT_LI`,
        subject: { code: 'VAT_LI' },
        kind: 'SCORE',
        classIds: [cls.classId],
        term1: { average: 7.8, regular: [7, 8, 9] },
        term2: { average: 8.3 },
        year: { average: 8.1, result: null },
        final: { average: 8.1, result: null },
      },
    ]);
  });

  it('refuses bad input as a whole and lists every bad cell', async () => {
    const teacher = teacherOf(cls, 'VAT_LI');
    const [a, b, c, d] = ids() as [string, string, string, string];
    const before = await stored();
    // Events are stamped when committed: anything of this class stamped from now on would be a leak.
    const startedAt = new Date().toISOString();
    const result = await record(teacher, {
      classId: cls.classId,
      subjectCode: 'VAT_LI',
      schoolYear: SCHOOL_YEAR,
      term: 'TERM_1',
      rows: [
        { studentId: a, regular: [10.5, 8, 9], midterm: 7.25, final: 8 },
        { studentId: b, regular: [7, 8], midterm: 8, final: 8 },
        { studentId: other.students[0]!.studentId, regular: [7, 8, 9], midterm: 8, final: 8 },
        { studentId: 'khong-co-hoc-sinh-nay', regular: [7, 8, 9], midterm: -1, final: 8 },
        { studentId: c, regularResults: ['DAT', 'DAT', 'DAT'], midterm: 8, final: 8 },
        { studentId: d, regular: [7, 8, 9], midterm: 8, final: 8 },
        { studentId: d, regular: [7, 8, 9], midterm: 8, final: 8 },
      ],
    });
    const payload = result.data!.recordGradebook;
    expect(payload.ok).toBe(false);
    expect(payload.gradebook).toBeNull();
    expect(payload.changedStudents).toEqual([]);
    expect(
      payload.errors.map(({ row, studentId, column, code }) => ({ row, studentId, column, code })),
    ).toEqual([
      { row: 0, studentId: a, column: 'regular[0]', code: 'INVALID_SCORE' },
      { row: 0, studentId: a, column: 'midterm', code: 'INVALID_SCORE' },
      { row: 1, studentId: b, column: 'regular', code: 'INVALID_ASSESSMENT_COUNT' },
      { row: 2, studentId: other.students[0]!.studentId, column: 'studentId', code: 'STUDENT_NOT_IN_CLASS' },
      { row: 3, studentId: 'khong-co-hoc-sinh-nay', column: 'studentId', code: 'STUDENT_NOT_IN_CLASS' },
      { row: 3, studentId: 'khong-co-hoc-sinh-nay', column: 'midterm', code: 'INVALID_SCORE' },
      { row: 4, studentId: c, column: 'regularResults', code: 'ASSESSMENT_KIND_MISMATCH' },
      { row: 6, studentId: d, column: 'studentId', code: 'DUPLICATE_STUDENT_ROW' },
    ]);
    // Messages are Vietnamese and name the value at fault.
    expect(payload.errors[0]?.message).toContain('10,5');
    expect(payload.errors[1]?.message).toContain('7,25');
    expect(payload.errors[2]?.message).toContain('đúng 3');
    // Nothing changed, nothing published.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await stored()).toBe(before);
    expect(
      collector.matching(
        (e) => e.time >= startedAt && (e.data as { classId?: string }).classId === cls.classId,
      ),
    ).toEqual([]);
  });

  it('refuses a teacher not assigned to that class and subject, and changes nothing', async () => {
    const [a] = ids() as [string];
    const before = await stored();
    const input = {
      classId: cls.classId,
      subjectCode: 'VAT_LI',
      schoolYear: SCHOOL_YEAR,
      term: 'TERM_1',
      rows: [{ studentId: a, regular: [1, 1, 1], midterm: 1, final: 1 }],
    };
    const callers = [
      teacherOf(cls, 'TOAN'), // the same class, another subject
      teacherOf(other, 'VAT_LI'), // the same subject, another class
      {
        ...teacherOf(cls, 'VAT_LI'),
        teaching: [{ ...teacherOf(cls, 'VAT_LI').teaching[0]!, schoolYear: '2024-2025' }],
      },
      schoolRole('PRINCIPAL', cls.schoolId), // reads, never writes
      schoolRole('ACADEMIC_STAFF', cls.schoolId),
    ];
    for (const caller of callers) {
      const result = await record(caller, input);
      expect(result.data?.recordGradebook ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await stored()).toBe(before);
  });

  it('takes ĐẠT / CHƯA ĐẠT for a comment subject, and refuses marks there', async () => {
    const teacher = teacherOf(cls, 'GD_THE_CHAT');
    const [a, b] = ids() as [string, string];
    const result = await record(teacher, {
      classId: cls.classId,
      subjectCode: 'GD_THE_CHAT',
      schoolYear: SCHOOL_YEAR,
      term: 'TERM_1',
      rows: [
        { studentId: a, regularResults: ['DAT', 'DAT'], midtermResult: 'DAT', finalResult: 'DAT' },
        { studentId: b, regularResults: ['DAT', 'CHUA_DAT'], midtermResult: 'DAT', finalResult: 'DAT' },
      ],
    });
    const payload = result.data!.recordGradebook;
    expect(payload.ok).toBe(true);
    const byId = new Map(payload.gradebook!.lines.map((l) => [l.studentId, l.marks]));
    expect(byId.get(a)).toMatchObject({
      regular: [],
      regularResults: ['DAT', 'DAT'],
      result: 'DAT',
      average: null,
    });
    expect(byId.get(b)).toMatchObject({ result: 'CHUA_DAT', complete: true });

    const refused = await record(teacher, {
      classId: cls.classId,
      subjectCode: 'GD_THE_CHAT',
      schoolYear: SCHOOL_YEAR,
      term: 'TERM_1',
      rows: [{ studentId: a, regular: [7, 8], midterm: 8, regularResults: ['DAT', 'DAT', 'DAT'] }],
    });
    expect(refused.data?.recordGradebook.errors.map((e) => [e.column, e.code])).toEqual([
      ['regular', 'ASSESSMENT_KIND_MISMATCH'],
      ['midterm', 'ASSESSMENT_KIND_MISMATCH'],
      ['regularResults', 'INVALID_ASSESSMENT_COUNT'],
    ]);
  });

  it('publishes exactly one subjectResultRecorded per changed student, keyed by the student, in the same write', async () => {
    const teacher = teacherOf(cls, 'TOAN');
    const [a, b, c] = ids() as [string, string, string];
    const input = (rows: unknown[]) => ({
      classId: cls.classId,
      subjectCode: 'TOAN',
      schoolYear: SCHOOL_YEAR,
      term: 'TERM_1',
      rows,
    });
    const first = await record(
      teacher,
      input([
        { studentId: a, regular: [9, 9, 9, 9], midterm: 9, final: 9 },
        { studentId: b, regular: [5, 5, 5, 5], midterm: 5, final: 5 },
      ]),
    );
    expect(first.data?.recordGradebook.ok).toBe(true);
    const isToan = (studentId: string) => (e: CloudEvent) =>
      e.partitionkey === studentId && (e.data as { subjectCode?: string }).subjectCode === 'TOAN';
    await collector.waitFor(isToan(a));
    await collector.waitFor(isToan(b));

    // The same marks again change nothing: no event. Then only b changes: one event, for b.
    const same = await record(
      teacher,
      input([
        { studentId: a, regular: [9, 9, 9, 9], midterm: 9, final: 9 },
        { studentId: b, regular: [5, 5, 5, 5], midterm: 5, final: 5 },
      ]),
    );
    expect(same.data?.recordGradebook.changedStudents).toEqual([]);
    const second = await record(
      teacher,
      input([
        { studentId: a, regular: [9, 9, 9, 9], midterm: 9, final: 9 },
        { studentId: b, regular: [5, 5, 5, 5], midterm: 5, final: 6 },
      ]),
    );
    expect(second.data?.recordGradebook.changedStudents).toEqual([b]);
    await collector.waitFor(isToan(b), 2);
    await harness.settle();
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const forA = collector.matching(isToan(a));
    const forB = collector.matching(isToan(b));
    expect(forA).toHaveLength(1);
    expect(forB).toHaveLength(2);
    expect(collector.matching(isToan(c))).toHaveLength(0);
    for (const { key, topic, event } of [...forA, ...forB] as CollectedEvent[]) {
      expect(topic).toBe(TOPIC);
      expect(key).toBe(event.partitionkey);
    }
    const [last] = forB.slice(-1) as [CollectedEvent];
    expect(last.event).toMatchObject({
      type: 'vn.hocbaso.academics.subject-result.recorded',
      source: 'hocbaso/academics',
      partitionkey: b,
      data: {
        studentId: b,
        schoolId: cls.schoolId,
        classId: cls.classId,
        schoolYear: SCHOOL_YEAR,
        subjectCode: 'TOAN',
        kind: 'SCORE',
        // (20 + 10 + 18) / 9 = 5.333 → 5.3
        term1: { average: 5.3, result: null },
        term2: { average: null, result: null },
        year: { average: null, result: null },
        reassessment: null,
        change: 'MARKS',
        marks: {
          term: 'TERM_1',
          before: { regular: [5, 5, 5, 5], midterm: 5, final: 5 },
          after: { regular: [5, 5, 5, 5], midterm: 5, final: 6 },
        },
        actor: { accountId: teacher.accountId, kind: 'user' },
      },
    });
    // Each event is also in the service's audit trail, once.
    const logged = await harness.db
      .collection('event_log')
      .countDocuments({ key: { $in: [a, b] }, 'data.subjectCode': 'TOAN' });
    expect(logged).toBe(3);
  });

  it('reads the gradebook back for its teacher; another class’s teacher sees nothing', async () => {
    const vars = { classId: cls.classId, subjectCode: 'VAT_LI', schoolYear: SCHOOL_YEAR, term: 'TERM_1' };
    const own = await harness.as<{
      gradebook: { lines: Array<{ studentId: string; marks: { average: number | null } }> } | null;
    }>(teacherOf(cls, 'VAT_LI'), GRADEBOOK, vars);
    expect(own.data?.gradebook?.lines.find((l) => l.studentId === ids()[0])?.marks.average).toBe(7.8);
    const stranger = await harness.as<{ gradebook: unknown }>(teacherOf(other, 'VAT_LI'), GRADEBOOK, vars);
    expect(stranger.errors).toBeUndefined();
    expect(stranger.data?.gradebook).toBeNull();
  });
});
