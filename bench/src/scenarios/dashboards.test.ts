import { dashboardProblem, dashboardQuery, STATISTICS_TABLES } from './dashboards';
import { marksInRow, runRows } from './bulk-entry';
import { planSchool, DATASETS } from '../data/province';

describe('the dashboard query', () => {
  it('asks every table once per row layout, aliased', () => {
    const query = dashboardQuery(['UNIT', 'GRADE']);
    for (const table of STATISTICS_TABLES) {
      expect(query).toContain(`${table}ByUnit: ${table}(rows: UNIT)`);
      expect(query).toContain(`${table}ByGrade: ${table}(rows: GRADE)`);
    }
    expect(dashboardQuery(['UNIT'])).not.toContain('GRADE)');
  });

  it('refuses an answer with errors, missing tables or tables without rows', () => {
    const table = { rows: [{ label: 'x', values: [1] }] };
    expect(dashboardProblem(JSON.stringify({ data: { statistics: { aByUnit: table } } }), 1)).toBeNull();
    expect(dashboardProblem(JSON.stringify({ errors: [{ message: 'no' }] }), 1)).toMatch(/^errors/);
    expect(dashboardProblem(JSON.stringify({ data: { statistics: { aByUnit: table } } }), 2)).toBe(
      '1 tables, expected 2',
    );
    expect(dashboardProblem(JSON.stringify({ data: { statistics: { aByUnit: { rows: [] } } } }), 1)).toBe(
      'tables without rows: aByUnit',
    );
  });
});

describe('the bulk entry marks', () => {
  const planned = planSchool(DATASETS.small, 'school-1', 0, { next: 0 }).classes[0]!;

  it('counts every regular assessment, the midterm and the final of a row', () => {
    // Toán: 105 periods a year, four regular assessments a term.
    expect(marksInRow(runRows('TOAN', planned, 1)[0]!)).toBe(6);
  });

  it('changes most rows from one run to the next, comment subjects too', () => {
    for (const code of ['TOAN', 'GD_THE_CHAT']) {
      const a = runRows(code, planned, 1);
      const b = runRows(code, planned, 2);
      const changed = a.filter((row, i) => JSON.stringify(row) !== JSON.stringify(b[i])).length;
      expect(changed).toBeGreaterThan(planned.students.length / 2);
    }
  });
});
