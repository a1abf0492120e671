import { formatNumber, formatTable } from './table';

describe('formatNumber', () => {
  it('prints integers as they are, others with the decimals asked, a dash for none', () => {
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(3.14159)).toBe('3.1');
    expect(formatNumber(3.14159, 2)).toBe('3.14');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatNumber(undefined)).toBe('–');
  });
});

describe('formatTable', () => {
  it('makes a Markdown table: numbers right-aligned, text left-aligned, columns as wide as their cells', () => {
    const table = formatTable(
      'Latency',
      ['query', 'p50'],
      [
        ['record book', 12.34],
        ['class', 5],
      ],
    );
    expect(table.split('\n')).toEqual([
      '### Latency',
      '',
      '| query       |  p50 |',
      '|-------------|-----:|',
      '| record book | 12.3 |',
      '| class       |    5 |',
    ]);
  });

  it('counts Vietnamese letters as one column each', () => {
    const table = formatTable('T', ['tên'], [['Hiệu trưởng']]);
    expect(table.split('\n')[2]).toBe('| tên         |');
  });
});
