import { countsOf, type Counts, type Figure } from './cells';
import { buildCube, tableFor } from './cube';
import type { SchoolPlace } from './directory';
import type { StatisticsKey } from './key';
import type { StatisticsTableDefinition } from './table-definition';

const CONDUCT: StatisticsTableDefinition = {
  name: 'conduct',
  title: 'Kết quả rèn luyện',
  columns: [
    { key: 'TOT', label: 'Tốt' },
    { key: 'KHA', label: 'Khá' },
    { key: 'DAT', label: 'Đạt' },
    { key: 'CHUA_DAT', label: 'Chưa đạt' },
  ],
  totalLabel: 'Tổng số',
};

const SCORES: StatisticsTableDefinition = {
  name: 'scores',
  title: 'Điểm trung bình môn',
  items: { heading: 'Môn học', label: (code) => ({ TOAN: 'Toán', VAN: 'Ngữ văn' })[code] ?? code },
  columns: [
    { key: 'low', label: 'Dưới 5' },
    { key: 'high', label: 'Từ 5' },
  ],
  totalLabel: 'Số học sinh',
  averages: [{ label: 'Điểm TB', sumColumn: 'sum' }],
};

const school = (id: string, district: string, province = '79'): SchoolPlace => ({
  schoolId: id,
  code: id.toUpperCase(),
  name: `Trường ${id.toUpperCase()}`,
  provinceCode: province,
  districtCode: district,
});

/** A school's totals: students per (grade, level), for term YEAR. */
function conductTotals(byGrade: Record<number, [number, number, number, number]>): Counts {
  const figures: Figure[] = [];
  for (const [grade, counts] of Object.entries(byGrade))
    CONDUCT.columns.forEach((column, i) =>
      figures.push({
        table: 'conduct',
        term: 'YEAR',
        grade: Number(grade),
        column: column.key,
        value: counts[i]!,
      }),
    );
  return countsOf(figures);
}

const key = (scope: StatisticsKey['scope'], code: string, grade: number | null = null): StatisticsKey => ({
  scope,
  code,
  schoolYear: '2025-2026',
  term: 'YEAR',
  grade,
});

describe('a province cube', () => {
  const schools = [school('a', '760'), school('b', '760'), school('c', '761')];
  const totals = new Map([
    ['a', conductTotals({ 10: [30, 12, 8, 6], 11: [25, 10, 9, 7] })],
    ['b', conductTotals({ 10: [40, 15, 3, 6], 11: [20, 11, 8, 5] })],
    ['c', conductTotals({ 10: [50, 20, 10, 9] })],
  ]);
  const cube = buildCube(CONDUCT, 'YEAR', { schools, totals });

  it('adds up schools into districts and the province, grades into all grades', () => {
    const province = tableFor(cube, key('PROVINCE', '79', 10), 'GRADE');
    // Grade 10 in the province: a + b + c, worked out by hand.
    expect(province.rows).toEqual([{ label: 'Khối 10', values: [120, 47, 21, 21, 209] }]);
    const district = tableFor(cube, key('DISTRICT', '760'), 'GRADE');
    expect(district.rows.map((r) => r.label)).toEqual(['Khối 10', 'Khối 11', 'Khối 12', 'Tổng']);
    expect(district.rows[3]!.values).toEqual([115, 48, 28, 24, 215]);
  });

  it('hides a small cell of one school, and keeps it hidden from every other view', () => {
    const b = tableFor(cube, key('SCHOOL', 'b', 10), 'GRADE');
    // b has 3 students at ĐẠT in grade 10: hidden, and so is another cell of the row.
    expect(b.rows[0]!.values[2]).toBeNull();
    expect(b.rows[0]!.values.filter((v) => v === null).length).toBeGreaterThanOrEqual(2);
    // The district by school: the same cell hidden, and the other school's ĐẠT as well, or the
    // district's grade-10 ĐẠT minus school a's would give b's.
    const bySchool = tableFor(cube, key('DISTRICT', '760', 10), 'UNIT');
    expect(bySchool.rows.map((r) => r.label)).toEqual(['Trường A', 'Trường B', 'Tổng']);
    const datColumn = bySchool.rows.map((r) => r.values[2]);
    expect(datColumn.filter((v) => v === null).length).toBeGreaterThanOrEqual(2);
  });

  it('shows grade 12, which nobody is in, as zeros, not as missing rows', () => {
    const a = tableFor(cube, key('SCHOOL', 'a', 12), 'GRADE');
    expect(a.rows).toEqual([{ label: 'Khối 12', values: [0, 0, 0, 0, 0] }]);
    expect(a.suppressedCells).toBe(0);
  });

  it('gives a table no rows for a term it has no figures for (outcomes: the year only)', () => {
    const yearOnly = buildCube({ ...CONDUCT, terms: ['YEAR'] }, 'TERM_1', { schools, totals });
    const table = tableFor(yearOnly, { ...key('SCHOOL', 'a'), term: 'TERM_1' }, 'GRADE');
    expect(table.rows).toEqual([]);
    expect(table.columns).toHaveLength(6);
  });

  it('lists the districts of a province, and the schools of a district, by name', () => {
    expect(tableFor(cube, key('PROVINCE', '79'), 'UNIT').rows.map((r) => r.label)).toEqual([
      'Quận/huyện 760',
      'Quận/huyện 761',
      'Tổng',
    ]);
  });
});

describe('a table with items and averages', () => {
  const figures = (grade: number, subject: string, marks: number[]): Figure[] =>
    marks.flatMap((m) => [
      { table: 'scores', term: 'YEAR', grade, item: subject, column: m < 5 ? 'low' : 'high', value: 1 },
      { table: 'scores', term: 'YEAR', grade, item: subject, column: 'sum', value: m },
    ]);
  const marks = [6, 7, 8, 9, 7.5, 4, 3, 2, 4.5, 1, 8.5];
  const cube = buildCube(SCORES, 'YEAR', {
    schools: [{ schoolId: 'x', code: 'X', name: 'Trường X', provinceCode: null, districtCode: null }],
    totals: new Map([['x', countsOf([...figures(10, 'TOAN', marks), ...figures(10, 'VAN', [7, 8])])]]),
  });

  it('gives each subject a row with its students, histogram and average', () => {
    const table = tableFor(cube, key('SCHOOL', 'x', 10), 'GRADE');
    expect(table.columns).toEqual(['Môn học', 'Dưới 5', 'Từ 5', 'Số học sinh', 'Điểm TB']);
    const mean = Math.round((marks.reduce((a, b) => a + b, 0) / marks.length) * 100) / 100;
    // Ngữ văn has two students: every figure hidden (its zero too: "none of the two is under
    // 5" is about each of them), the average too.
    expect(table.rows).toEqual([
      { label: 'Ngữ văn', values: [null, null, null, null] },
      { label: 'Toán', values: [5, 6, 11, mean] },
    ]);
  });
});
