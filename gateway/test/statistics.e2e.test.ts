import { eventually } from '@hocbaso/testkit';
import {
  COMPLETE_SUBJECTS,
  FullStack,
  openClassTaughtByItsHomeroomTeacher,
  recordYearOfMarks,
} from './full-stack';

jest.setTimeout(600_000);

const YEAR = '2025-2026';
const DISTRICT = { provinceCode: '79', districtCode: '760' };
const NEIGHBOUR = { provinceCode: '79', districtCode: '761' };

/** Every table the five contributing subgraphs add to `Statistics`. */
const TABLES = [
  'enrolment',
  'learningResults',
  'subjectScores',
  'subjectPasses',
  'conductResults',
  'absences',
  'outcomes',
  'titles',
  'recordApprovals',
  'subjectSigning',
  'syncProgress',
  'syncTimeliness',
] as const;

interface Table {
  title: string;
  columns: string[];
  rows: Array<{ label: string; values: Array<number | null> }>;
  suppressedCells: number;
  csv: string;
}
type Statistics = Record<(typeof TABLES)[number], Table> & { scope: string; code: string };
type Scope = 'SCHOOL' | 'DISTRICT' | 'PROVINCE';

const TABLE_FIELDS = 'title columns rows { label values } suppressedCells csv';
const ALL_TABLES = `query($s: StatisticsScope!, $c: ID!, $y: String!, $t: StatisticsTerm, $g: Int, $r: StatisticsRows) {
  statistics(scope: $s, code: $c, schoolYear: $y, term: $t, grade: $g) {
    scope code
    ${TABLES.map((t) => `${t}(rows: $r) { ${TABLE_FIELDS} }`).join('\n    ')}
  }
}`;

/** The value of a row in the column with that heading (the row label is column 0). */
function cell(table: Table, rowLabel: string, column: string): number | null {
  const row = table.rows.find((r) => r.label === rowLabel);
  const index = table.columns.indexOf(column);
  if (!row || index < 1) throw new Error(`no cell ${rowLabel} / ${column} in ${JSON.stringify(table)}`);
  return row.values[index - 1] ?? null;
}

/** What a suppressed table may show of a count the test knows: the count, or null when it is 1-4 or hidden to protect one. */
function expectShownOrHidden(shown: number | null, actual: number) {
  if (actual > 0 && actual < 5) expect(shown).toBeNull();
  else if (shown !== null) expect(shown).toBe(actual);
}

describe('district dashboards through the gateway', () => {
  let stack: FullStack;
  const token = async (a: { username: string; password: string }) =>
    (await stack.login(a.username, a.password)).accessToken;
  const ask = (t: string, scope: Scope, code: string, extra: Record<string, unknown> = {}) =>
    stack.query<{ statistics: Statistics | null }>(ALL_TABLES, { s: scope, c: code, y: YEAR, ...extra }, t);

  let schoolA: string;
  let schoolB: string;
  let schoolC: string;
  let tokens: Record<
    'province' | 'district' | 'neighbour' | 'otherProvince' | 'principalA' | 'teacherA',
    string
  >;
  let studentsA: Array<{ id: string; index: number }>;
  const names: string[] = [];

  beforeAll(async () => {
    stack = await FullStack.startAll();
    // A (12 students, a full year of marks and conduct) and B (6, nothing yet) in district 760;
    // C (5) in 761; all in province 79.
    const open = async (prefix: string, place: typeof DISTRICT, size: number, subjects: string[]) => {
      const { school } = await stack.createSchoolWithAdmin(prefix, place);
      const staff = await stack.createAccount(school._id, `${prefix}.giaovu`, 'ACADEMIC_STAFF');
      const teacher = await stack.createAccount(school._id, `${prefix}.gvcn`, 'SUBJECT_TEACHER');
      const opened = await openClassTaughtByItsHomeroomTeacher(stack, {
        schoolId: school._id,
        schoolYear: YEAR,
        staffToken: await token(staff),
        teacherId: teacher.id,
        subjects,
        size,
      });
      return { schoolId: school._id, teacher, ...opened };
    };
    const a = await open('tkA', DISTRICT, 12, COMPLETE_SUBJECTS);
    const b = await open('tkB', DISTRICT, 6, []);
    const c = await open('tkC', NEIGHBOUR, 5, []);
    [schoolA, schoolB, schoolC] = [a.schoolId, b.schoolId, c.schoolId];
    studentsA = a.students;

    const teacherA = await token(a.teacher);
    await recordYearOfMarks(stack, teacherA, {
      classId: a.classId,
      schoolYear: YEAR,
      subjects: COMPLETE_SUBJECTS,
      students: a.students,
    });
    // Conduct: the first four students KHÁ for the year, the others TỐT.
    for (const [i, student] of a.students.entries())
      for (const period of ['TERM_1', 'TERM_2'])
        await eventually(async () => {
          const result = await stack.query(
            `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
            { i: { studentId: student.id, schoolYear: YEAR, period, level: i < 4 ? 'KHA' : 'TOT' } },
            teacherA,
          );
          return !result.errors;
        }, 60_000);

    const analyst = async (prefix: string, scope: { provinceCode: string; districtCode?: string }) =>
      token(await stack.createAccount(null, prefix, 'DEPARTMENT_ANALYST', scope));
    tokens = {
      province: await analyst('so.gddt79', { provinceCode: '79' }),
      district: await analyst('phong.gddt760', DISTRICT),
      neighbour: await analyst('phong.gddt761', NEIGHBOUR),
      otherProvince: await analyst('so.gddt01', { provinceCode: '01' }),
      principalA: await token(await stack.createAccount(schoolA, 'tkA.hieutruong', 'PRINCIPAL')),
      teacherA,
    };
    const principalA = tokens.principalA;
    for (const student of a.students) {
      const found = await stack.query<{ student: { fullName: string } }>(
        `query($id: ID!) { student(id: $id) { fullName } }`,
        { id: student.id },
        principalA,
      );
      names.push(found.data!.student.fullName);
    }
  });
  afterAll(() => stack?.stop());

  it('counts the district by school, from every service, as the schools entered it', async () => {
    // The figures follow the events: wait until school A's outcomes are all decided.
    const district = await eventually(async () => {
      const result = await ask(tokens.district, 'DISTRICT', DISTRICT.districtCode, { r: 'UNIT' });
      const s = result.data?.statistics;
      if (!s) return null;
      const enrolled = cell(s.enrolment, 'Tổng', s.enrolment.columns.at(-1)!);
      const undecided = s.outcomes.columns.find((c) => /chưa/i.test(c));
      const pendingA = undecided ? cell(s.outcomes, 'Trường THPT tkA', undecided) : 0;
      return enrolled === 18 && pendingA === 0 ? result : null;
    }, 180_000);
    expect(district.errors).toBeUndefined();
    const s = district.data!.statistics!;
    // Each table names the two schools of the district and its total, and no one else.
    for (const table of TABLES)
      expect(s[table].rows.map((r) => r.label.split(' · ')[0])).toEqual(
        expect.arrayContaining(['Trường THPT tkA', 'Trường THPT tkB', 'Tổng']),
      );
    const total = s.enrolment.columns.at(-1)!;
    expect(cell(s.enrolment, 'Trường THPT tkA', 'Đang học')).toBe(12);
    expect(cell(s.enrolment, 'Trường THPT tkB', 'Đang học')).toBe(6);
    expect(cell(s.enrolment, 'Tổng', total)).toBe(18);

    // The province: its two districts, 23 students.
    const province = await ask(tokens.province, 'PROVINCE', '79', { r: 'UNIT' });
    expect(province.errors).toBeUndefined();
    const enrolment = province.data!.statistics!.enrolment;
    expect(enrolment.rows.map((r) => r.label)).toEqual(['Quận/huyện 760', 'Quận/huyện 761', 'Tổng']);
    expect(cell(enrolment, 'Tổng', total)).toBe(23);
  });

  it("agrees with the students' own record books: learning results, a subject's average, outcomes", async () => {
    type Book = {
      student: {
        results: Array<{ subject: { code: string }; year: { average: number | null } }>;
        learningResults: Array<{ period: string; level: string | null }>;
        conduct: { outcome: string | null; year: string | null };
      };
    };
    const books: Book['student'][] = [];
    for (const student of studentsA) {
      const book = await stack.query<Book>(
        `query($id: ID!, $y: String!) { student(id: $id) {
          results(schoolYear: $y) { subject { code } year { average } }
          learningResults(schoolYear: $y) { period level }
          conduct(schoolYear: $y) { outcome year }
        } }`,
        { id: student.id, y: YEAR },
        tokens.principalA,
      );
      expect(book.errors).toBeUndefined();
      books.push(book.data!.student);
    }
    const school = await ask(tokens.principalA, 'SCHOOL', schoolA, { g: 10 });
    expect(school.errors).toBeUndefined();
    const s = school.data!.statistics!;

    const levels = { TOT: 'Tốt', KHA: 'Khá', DAT: 'Đạt', CHUA_DAT: 'Chưa đạt' } as const;
    for (const [level, label] of Object.entries(levels)) {
      const count = books.filter(
        (b) => b.learningResults.find((r) => r.period === 'YEAR')?.level === level,
      ).length;
      expectShownOrHidden(cell(s.learningResults, 'Khối 10', label), count);
      const conduct = books.filter((b) => b.conduct.year === level).length;
      expectShownOrHidden(cell(s.conductResults, 'Khối 10', label), conduct);
    }
    // Conduct as the test entered it: 4 KHÁ (hidden: fewer than 5), 8 TỐT (shown unless it gives KHÁ away).
    expect(cell(s.conductResults, 'Khối 10', 'Khá')).toBeNull();

    // Toán: 12 students with a year average; the mean of their averages as their books show them.
    const toan = books.map((b) => b.results.find((r) => r.subject.code === 'TOAN')!.year.average!);
    const scores = s.subjectScores;
    const toanRow = scores.rows.find((r) => r.label === 'Toán')!;
    expect(toanRow.values.at(-2)).toBe(12);
    expect(toanRow.values.at(-1)).toBeCloseTo(toan.reduce((x, y) => x + y, 0) / toan.length, 2);

    // The outcomes, as each book shows them (TT22's names for the columns).
    const outcomeLabels = {
      PROMOTED: 'Lên lớp',
      SUMMER_TRAINING: 'Rèn luyện trong hè',
      SUMMER_REASSESSMENT: 'Kiểm tra lại',
      RETAINED: 'Ở lại lớp',
      COMPLETED: 'Hoàn thành chương trình',
    } as const;
    for (const [outcome, label] of Object.entries(outcomeLabels))
      expectShownOrHidden(
        cell(s.outcomes, 'Khối 10', label),
        books.filter((b) => b.conduct.outcome === outcome).length,
      );
    expect(s.outcomes.rows[0]!.values.at(-1)).toBe(12);
    // Somewhere in school A's tables a figure is suppressed, so the checks above met both cases.
    expect(TABLES.some((t) => s[t].suppressedCells > 0)).toBe(true);
  });

  it('hides the same cells whichever way they are asked for, and never names a student', async () => {
    const bySchool = (await ask(tokens.district, 'DISTRICT', DISTRICT.districtCode, { r: 'UNIT' })).data!
      .statistics!;
    const own = (await ask(tokens.principalA, 'SCHOOL', schoolA)).data!.statistics!;
    let hiddenSeen = 0;
    for (const table of TABLES) {
      // School A's row in the district's table, and the "all grades" rows of its own table: the
      // same figures, hidden in the same places (one decision per province).
      const inDistrict = bySchool[table].rows.filter((r) => r.label.startsWith('Trường THPT tkA'));
      const inSchool = own[table].rows.filter((r) => r.label === 'Tổng' || !/^Khối/.test(r.label));
      expect(inDistrict.map((r) => r.values)).toEqual(inSchool.map((r) => r.values));
      hiddenSeen += inSchool.flatMap((r) => r.values).filter((v) => v === null).length;
    }
    // The comparison met suppressed cells, not only figures.
    expect(hiddenSeen).toBeGreaterThan(0);
    const everything = JSON.stringify({ bySchool, own });
    for (const name of names) expect(everything).not.toContain(name);
    for (const student of studentsA) expect(everything).not.toContain(student.id);
  });

  it('exports every table as CSV, with * where a figure is suppressed', async () => {
    const s = (await ask(tokens.principalA, 'SCHOOL', schoolA)).data!.statistics!;
    for (const name of TABLES) {
      const table = s[name];
      const lines = table.csv
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines).toHaveLength(table.rows.length + 1);
      table.rows.forEach((row, i) => {
        const fields = lines[i + 1]!.split(',');
        expect(fields.slice(-row.values.length)).toEqual(
          row.values.map((v) => (v === null ? '*' : String(v))),
        );
      });
      expect(lines.slice(1).join().split('*').length - 1).toBe(table.suppressedCells);
    }
  });

  it('lets an analyst see its district or province only, and a principal its own school only', async () => {
    const refused = async (t: string, scope: Scope, code: string) => {
      const result = await ask(t, scope, code);
      expect(result.data?.statistics ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    };
    const allowed = async (t: string, scope: Scope, code: string) => {
      const result = await ask(t, scope, code);
      expect(result.errors).toBeUndefined();
      expect(result.data!.statistics!.code).toBe(code);
    };
    await allowed(tokens.neighbour, 'DISTRICT', NEIGHBOUR.districtCode);
    await allowed(tokens.neighbour, 'SCHOOL', schoolC);
    await refused(tokens.neighbour, 'DISTRICT', DISTRICT.districtCode);
    await refused(tokens.neighbour, 'SCHOOL', schoolA);
    await refused(tokens.district, 'PROVINCE', '79');
    await allowed(tokens.province, 'SCHOOL', schoolB);
    await refused(tokens.otherProvince, 'PROVINCE', '79');
    await refused(tokens.otherProvince, 'SCHOOL', schoolA);
    await allowed(tokens.principalA, 'SCHOOL', schoolA);
    await refused(tokens.principalA, 'SCHOOL', schoolB);
    await refused(tokens.principalA, 'DISTRICT', DISTRICT.districtCode);
    await refused(tokens.teacherA, 'SCHOOL', schoolA);
  });
});
