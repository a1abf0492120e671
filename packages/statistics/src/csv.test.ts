import { tableCsv } from './csv';

describe('tableCsv', () => {
  it('writes a header, one line per row, and * for a suppressed figure', () => {
    const csv = tableCsv({
      title: 'Kết quả rèn luyện',
      columns: ['Khối', 'Tốt', 'Khá'],
      rows: [
        { label: 'Khối 10', values: [30, null] },
        { label: 'Tổng', values: [55, 12] },
      ],
      suppressedCells: 1,
    });
    expect(csv).toBe('\uFEFFKhối,Tốt,Khá\r\nKhối 10,30,*\r\nTổng,55,12\r\n');
  });

  it('quotes commas and quotes, and never lets a label act as a formula', () => {
    const csv = tableCsv({
      title: 't',
      columns: ['Trường', 'Số'],
      rows: [
        { label: 'THPT "Lê Lợi", Quận 1', values: [7] },
        { label: '=HYPERLINK("x")', values: [6] },
      ],
      suppressedCells: 0,
    });
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe('"THPT ""Lê Lợi"", Quận 1",7');
    expect(lines[2]).toBe(`"'=HYPERLINK(""x"")",6`);
  });
});
