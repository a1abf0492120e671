import { CONDUCT_YEAR_TABLE, conductYearResult, LEVELS, type Level } from '../src';
import { thrown } from './helpers';

// Written out from the rules' table, one line per (term I, term II) pair, independently of the code.
const EXPECTED = `
  term1     term2     year
  TOT       TOT       TOT
  KHA       TOT       TOT
  DAT       TOT       KHA
  CHUA_DAT  TOT       KHA
  TOT       KHA       KHA
  KHA       KHA       KHA
  DAT       KHA       KHA
  CHUA_DAT  KHA       DAT
  TOT       DAT       KHA
  KHA       DAT       DAT
  DAT       DAT       DAT
  CHUA_DAT  DAT       DAT
  TOT       CHUA_DAT  CHUA_DAT
  KHA       CHUA_DAT  CHUA_DAT
  DAT       CHUA_DAT  CHUA_DAT
  CHUA_DAT  CHUA_DAT  CHUA_DAT
`
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.trim().split(/\s+/) as [Level, Level, Level]);

describe('conductYearResult', () => {
  it('the expected table has all 16 combinations, once each', () => {
    expect(EXPECTED).toHaveLength(16);
    expect(new Set(EXPECTED.map(([term1, term2]) => `${term1}/${term2}`)).size).toBe(16);
  });

  it.each(EXPECTED)('term I %s, term II %s → %s', (term1, term2, year) => {
    expect(conductYearResult(term1, term2)).toBe(year);
  });

  it('the table in the code has exactly the 16 combinations', () => {
    expect(Object.keys(CONDUCT_YEAR_TABLE).sort()).toEqual([...LEVELS].sort());
    for (const level of LEVELS) {
      expect(Object.keys(CONDUCT_YEAR_TABLE[level]).sort()).toEqual([...LEVELS].sort());
    }
  });

  it('rejects a value that is not a level', () => {
    expect(thrown(() => conductYearResult('GIOI' as Level, 'TOT')).details).toMatchObject({ field: 'term1' });
    expect(thrown(() => conductYearResult('TOT', undefined as unknown as Level)).details).toMatchObject({
      field: 'term2',
    });
  });
});
