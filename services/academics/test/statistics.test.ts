import { randomUUID } from 'node:crypto';
import type { Principal } from '@hocbaso/service-kit';
import { eventually, uniqueId } from '@hocbaso/testkit';
import { subjectRules } from '../src/domain/subjects';
import { recordGradebook } from '../src/usecases/record-gradebook';
import {
  AcademicsHarness,
  principalWith,
  SCHOOL_YEAR,
  schoolRole,
  teacherOf,
  type TestClass,
} from './harness';

jest.setTimeout(300_000);

/**
 * A short timetable, enough for every learning level (the table needs 6 scored subjects): 6 scored
 * subjects and a comment subject, with their names in the record book.
 */
const SCORED: Record<string, string> = {
  NGU_VAN: 'Ngữ văn',
  TOAN: 'Toán',
  NGOAI_NGU_1: 'Ngoại ngữ 1',
  LICH_SU: 'Lịch sử',
  VAT_LI: 'Vật lí',
  HOA_HOC: 'Hoá học',
};
const COMMENTED: Record<string, string> = { GD_THE_CHAT: 'Giáo dục thể chất' };

const STATISTICS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Statistics {
  learningResults { title columns rows { label values } suppressedCells csv }
  subjectScores { columns rows { label values } }
  subjectPasses { columns rows { label values } }
} } }`;

type Table = {
  title?: string;
  columns: string[];
  rows: Array<{ label: string; values: Array<number | null> }>;
  suppressedCells?: number;
  csv?: string;
};
type StatisticsView = { learningResults: Table; subjectScores: Table; subjectPasses: Table };

/**
 * Checks a shown row against the counts the test's own data gives: a figure is either shown as
 * counted or suppressed, and every count of 1 to 4 students is suppressed (a zero counts nobody).
 */
function expectRow(values: Array<number | null>, counted: number[]) {
  expect(values.slice(0, counted.length)).toHaveLength(counted.length);
  counted.forEach((count, i) => {
    if (count > 0 && count < 5) expect(values[i]).toBeNull();
    else if (values[i] !== null) expect(values[i]).toBe(count);
  });
}

describe('academics statistics: learning results, subject averages and comment subjects per school, district, province', () => {
  let harness: AcademicsHarness;
  const province = `p-${randomUUID().slice(0, 8)}`;
  const district = `d-${randomUUID().slice(0, 8)}`;
  const schoolA = uniqueId('school-a');
  const schoolB = uniqueId('school-b');
  let classA: TestClass;

  const query = async (principal: Principal, scope: string, code: string) =>
    harness.as<{ _entities: StatisticsView[] }>(principal, STATISTICS, {
      r: [{ __typename: 'Statistics', scope, code, schoolYear: SCHOOL_YEAR, term: 'TERM_1', grade: null }],
    });
  const view = async (principal: Principal, scope: string, code: string) => {
    const result = await query(principal, scope, code);
    expect(result.errors).toBeUndefined();
    return result.data!._entities[0]!;
  };
  const analyst = (provinceCode: string, districtCode: string | null = null) =>
    principalWith([{ role: 'DEPARTMENT_ANALYST', scope: { schoolId: null, provinceCode, districtCode } }]);
  const principalOfA = () => schoolRole('PRINCIPAL', schoolA);
  const totalOf = (table: Table) => table.rows.find((r) => r.label === 'Tổng')?.values[5];

  /**
   * Term I of the whole timetable for a class, every assessment of a student at one mark (so that
   * each subject's term average is that mark) and every comment subject ĐẠT.
   */
  const recordTerm1 = async (cls: TestClass, markOf: (position: number) => number) => {
    const teacher = teacherOf(cls, ...Object.keys(SCORED), ...Object.keys(COMMENTED));
    for (const subjectCode of [...Object.keys(SCORED), ...Object.keys(COMMENTED)]) {
      const { regularCount, subject } = subjectRules(subjectCode)!;
      const result = await recordGradebook(
        harness.deps,
        { principal: teacher },
        {
          classId: cls.classId,
          subjectCode,
          schoolYear: SCHOOL_YEAR,
          term: 'TERM_1',
          rows: cls.students.map((s, position) =>
            subject.kind === 'SCORE'
              ? {
                  studentId: s.studentId,
                  regular: Array.from({ length: regularCount }, () => markOf(position)),
                  midterm: markOf(position),
                  final: markOf(position),
                }
              : {
                  studentId: s.studentId,
                  regularResults: Array.from({ length: regularCount }, () => 'DAT' as const),
                  midtermResult: 'DAT' as const,
                  finalResult: 'DAT' as const,
                },
          ),
        },
      );
      expect(result.errors).toEqual([]);
    }
  };

  beforeAll(async () => {
    harness = await AcademicsHarness.start('academics_statistics');
    await harness.publishEvents([harness.schoolCreatedEvent(schoolA, province, district)]);
    classA = await harness.createClass(13, { schoolId: schoolA, grade: 10 });
    // School A, 10th grade, 13 students: 6 at 9.0 everywhere (TỐT: all ≥ 6.5, 6 subjects ≥ 8.0),
    // 5 at 7.0 (KHÁ: all ≥ 5.0, 6 ≥ 6.5), 2 at 3.0 (CHƯA ĐẠT: below 3.5).
    await recordTerm1(classA, (position) => (position < 6 ? 9 : position < 11 ? 7 : 3));
    await harness.statisticsSettled();
  });
  afterAll(() => harness?.close());

  it('shows the school its own figures, with every count under 5 suppressed', async () => {
    const school = await eventually(async () => {
      const found = await view(principalOfA(), 'SCHOOL', schoolA);
      return totalOf(found.learningResults) === 13 ? found : null;
    }, 30_000);

    const learning = school.learningResults;
    expect(learning.title).toBe('Kết quả học tập');
    expect(learning.columns).toEqual([
      'Khối',
      'Tốt',
      'Khá',
      'Đạt',
      'Chưa đạt',
      'Chưa đủ kết quả',
      'Tổng số học sinh',
    ]);
    expect(learning.rows.map((r) => r.label)).toEqual(['Khối 10', 'Khối 11', 'Khối 12', 'Tổng']);
    const byLabel = Object.fromEntries(learning.rows.map((r) => [r.label, r.values]));
    expectRow(byLabel['Khối 10']!, [6, 5, 0, 2, 0, 13]);
    expectRow(byLabel['Khối 11']!, [0, 0, 0, 0, 0, 0]);
    expectRow(byLabel['Tổng']!, [6, 5, 0, 2, 0, 13]);
    // The two CHƯA ĐẠT students are a small cell; the school's total is shown.
    expect(byLabel['Tổng']![3]).toBeNull();
    expect(byLabel['Tổng']![5]).toBe(13);
    expect(learning.suppressedCells).toBeGreaterThan(0);
    expect(
      learning.csv!.startsWith('\uFEFFKhối,Tốt,Khá,Đạt,Chưa đạt,Chưa đủ kết quả,Tổng số học sinh\r\n'),
    ).toBe(true);
    expect(learning.csv).toContain('Tổng,');
    expect(learning.csv).toContain('*');

    // Per scored subject: 6 in band 9–10, 5 in 7–<8, 2 in 3–<4; mean (6 × 9 + 5 × 7 + 2 × 3) / 13 = 7.31.
    const scores = school.subjectScores;
    expect(scores.columns).toEqual([
      'Môn học',
      '0–<1',
      '1–<2',
      '2–<3',
      '3–<4',
      '4–<5',
      '5–<6',
      '6–<7',
      '7–<8',
      '8–<9',
      '9–10',
      'Số học sinh có điểm trung bình',
      'Điểm TB',
    ]);
    expect(scores.rows.map((r) => r.label).sort()).toEqual(Object.values(SCORED).sort());
    for (const row of scores.rows) {
      expectRow(row.values, [0, 0, 0, 2, 0, 0, 0, 5, 0, 6, 13]);
      expect(row.values[10]).toBe(13);
      expect(row.values[11]).toBe(Math.round((95 / 13) * 100) / 100);
    }

    // Comment subjects: all 13 ĐẠT, nobody CHƯA ĐẠT.
    const passes = school.subjectPasses;
    expect(passes.columns).toEqual(['Môn học', 'Đạt', 'Chưa đạt', 'Số học sinh được đánh giá']);
    expect(passes.rows.map((r) => r.label).sort()).toEqual(Object.values(COMMENTED).sort());
    for (const row of passes.rows) {
      expectRow(row.values, [13, 0, 13]);
      expect(row.values[2]).toBe(13);
    }
  });

  it('refuses a teacher, an analyst of another province, and a principal outside its school', async () => {
    const refused = async (principal: Principal, scope: string, code: string) => {
      const result = await query(principal, scope, code);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.data?._entities?.[0] ?? null).toBeNull();
    };
    await refused(teacherOf(classA, 'TOAN'), 'SCHOOL', schoolA);
    const stranger = analyst(`p-${randomUUID().slice(0, 8)}`);
    await refused(stranger, 'SCHOOL', schoolA);
    await refused(stranger, 'DISTRICT', district);
    await refused(stranger, 'PROVINCE', province);
    await refused(principalOfA(), 'DISTRICT', district);
    await refused(principalOfA(), 'SCHOOL', schoolB);
    // The district's analyst reaches its district and its schools, not the whole province.
    expect(totalOf((await view(analyst(province, district), 'DISTRICT', district)).learningResults)).toBe(13);
    await refused(analyst(province, district), 'PROVINCE', province);
  });

  it('adds a second school of the district to the district and province figures', async () => {
    await harness.publishEvents([harness.schoolCreatedEvent(schoolB, province, district)]);
    const classB = await harness.createClass(7, { schoolId: schoolB, grade: 10 });
    // School B: 7 students at 7.0 (KHÁ). The district: 6 TỐT, 5 + 7 KHÁ, 2 CHƯA ĐẠT, 20 students.
    await recordTerm1(classB, () => 7);
    await harness.statisticsSettled();
    const districtView = await eventually(async () => {
      const found = await view(analyst(province, district), 'DISTRICT', district);
      return totalOf(found.learningResults) === 20 ? found : null;
    }, 30_000);
    const byLabel = Object.fromEntries(districtView.learningResults.rows.map((r) => [r.label, r.values]));
    expectRow(byLabel['Tổng']!, [6, 12, 0, 2, 0, 20]);
    expectRow(byLabel['Khối 10']!, [6, 12, 0, 2, 0, 20]);

    const provinceView = await view(analyst(province), 'PROVINCE', province);
    expect(totalOf(provinceView.learningResults)).toBe(20);
    // Every scored subject: 6 at 9, 12 at 7, 2 at 3; mean (54 + 84 + 6) / 20 = 7.2.
    for (const row of provinceView.subjectScores.rows) {
      expectRow(row.values, [0, 0, 0, 2, 0, 0, 0, 12, 0, 6, 20]);
      expect(row.values[10]).toBe(20);
      expect(row.values[11]).toBe(7.2);
    }
    // The principal of school A still sees its own 13 students only.
    expect(totalOf((await view(principalOfA(), 'SCHOOL', schoolA)).learningResults)).toBe(13);
  });

  it('moves a student’s figures to the new class when the roster says they changed class', async () => {
    const classA2 = await harness.createClass(0, { schoolId: schoolA, grade: 10 });
    // The first student (9.0 everywhere: TỐT in term I) moves; their marks stay in class A's gradebooks.
    const mover = classA.students[0]!;
    await harness.moveStudent(mover.studentId, mover.fullName, classA, classA2, '2026-01-15');
    const groups = harness.db.collection<{ _id: string; totals: Record<string, number> }>(
      'statistics_groups',
    );
    const tot = 'learningResults~TERM_1~10~~TOT';
    await eventually(async () => {
      const [a, a2] = await Promise.all([
        groups.findOne({ _id: `${schoolA}|${SCHOOL_YEAR}|${classA.classId}` }),
        groups.findOne({ _id: `${schoolA}|${SCHOOL_YEAR}|${classA2.classId}` }),
      ]);
      return a?.totals[tot] === 5 && a2?.totals[tot] === 1;
    }, 60_000);
    // The school still counts 13 students.
    expect(totalOf((await view(principalOfA(), 'SCHOOL', schoolA)).learningResults)).toBe(13);
  });
});
