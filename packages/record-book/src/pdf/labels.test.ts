import { calendarDate, markLabel, outcomeLabel, scoreLabel, vietnamDate, vietnamDateTime } from './labels';

describe('how the printed record book writes values', () => {
  it('writes scores with one decimal and a comma', () => {
    expect(scoreLabel(8.1)).toBe('8,1');
    expect(scoreLabel(9)).toBe('9,0');
    expect(scoreLabel(10)).toBe('10,0');
    expect(scoreLabel(0)).toBe('0,0');
  });

  it('writes a scored period by its average and a comment period as Đ or CĐ', () => {
    expect(markLabel({ average: 6.5, result: null })).toBe('6,5');
    expect(markLabel({ average: null, result: 'DAT' })).toBe('Đ');
    expect(markLabel({ average: null, result: 'CHUA_DAT' })).toBe('CĐ');
    expect(markLabel({ average: null, result: null })).toBe('');
    expect(markLabel(null)).toBe('');
  });

  it('writes instants in Vietnam time (UTC+7), across midnight and the new year', () => {
    expect(vietnamDateTime('2026-05-28T03:15:00.000Z')).toBe('28/05/2026 10:15');
    expect(vietnamDateTime('2026-07-10T17:30:00Z')).toBe('11/07/2026 00:30');
    expect(vietnamDateTime(new Date('2026-12-31T17:05:00Z'))).toBe('01/01/2027 00:05');
    expect(vietnamDate('2026-12-31T16:59:00Z')).toBe('31/12/2026');
    expect(calendarDate('2008-03-14')).toBe('14/03/2008');
  });

  it('names every outcome of Điều 12-14, and an undecided one', () => {
    expect(
      ['PROMOTED', 'COMPLETED', 'SUMMER_TRAINING', 'SUMMER_REASSESSMENT', 'RETAINED'].map(outcomeLabel),
    ).toEqual([
      'Được lên lớp',
      'Hoàn thành chương trình THPT',
      'Rèn luyện trong hè',
      'Kiểm tra lại',
      'Ở lại lớp',
    ]);
    expect(outcomeLabel(null)).toBe('Chưa xét');
  });
});
