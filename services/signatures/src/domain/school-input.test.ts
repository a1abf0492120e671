import { accountIdProblems, gradeProblems, schoolYearProblems } from './school-input';

describe('school input checks', () => {
  it('accepts a school year of two consecutive years, and nothing else', () => {
    expect(schoolYearProblems('2025-2026')).toEqual([]);
    for (const wrong of [
      '2025-2027',
      '2026-2025',
      '2025',
      '',
      ' 2025-2026',
      '$where',
      '{"$gt":""}',
      '２０２５-２０２６',
    ]) {
      expect(schoolYearProblems(wrong)).toEqual([
        expect.objectContaining({ field: 'schoolYear', code: 'VALIDATION_FAILED' }),
      ]);
    }
  });

  it('accepts grades 10 to 12 (or none where none is allowed)', () => {
    expect([10, 11, 12, null].flatMap((g) => gradeProblems(g))).toEqual([]);
    for (const wrong of [9, 13, 0, -1, 2_147_483_647]) {
      expect(gradeProblems(wrong)).toEqual([
        expect.objectContaining({ field: 'grade', code: 'VALIDATION_FAILED' }),
      ]);
    }
  });

  it('refuses a blank or padded account id', () => {
    expect(accountIdProblems('3f0c8a52-7d1e-4b8e-9a51-0c5b1f7e2d11')).toEqual([]);
    for (const wrong of ['', '   ', ' 3f0c8a52 ']) {
      expect(accountIdProblems(wrong)).toEqual([
        expect.objectContaining({ field: 'accountId', code: 'VALIDATION_FAILED' }),
      ]);
    }
  });
});
