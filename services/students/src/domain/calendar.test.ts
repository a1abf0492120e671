import {
  ageOn,
  checkDateOfBirth,
  checkSchoolYear,
  isIsoDate,
  parseSchoolYear,
  vietnamToday,
} from './calendar';

describe('calendar', () => {
  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(isIsoDate('2010-02-28')).toBe(true);
    expect(isIsoDate('2008-02-29')).toBe(true);
    expect(isIsoDate('2010-02-29')).toBe(false);
    expect(isIsoDate('2010-13-01')).toBe(false);
    expect(isIsoDate('10/02/2010')).toBe(false);
    expect(isIsoDate('2010-02-28T00:00:00Z')).toBe(false);
  });

  it('reads "today" in Vietnam time', () => {
    expect(vietnamToday(new Date('2025-09-04T18:30:00Z'))).toBe('2025-09-05');
    expect(vietnamToday(new Date('2025-09-04T16:59:59Z'))).toBe('2025-09-04');
  });

  it('reads a school year of two consecutive years', () => {
    expect(parseSchoolYear('2025-2026')).toEqual({ startYear: 2025 });
    expect(parseSchoolYear('2025-2027')).toBeNull();
    expect(parseSchoolYear('25-26')).toBeNull();
    expect(checkSchoolYear('2025-2025')).toMatchObject({ field: 'schoolYear', code: 'VALIDATION_FAILED' });
  });

  it('counts age in whole years', () => {
    expect(ageOn('2010-09-05', '2025-09-04')).toBe(14);
    expect(ageOn('2010-09-05', '2025-09-05')).toBe(15);
  });

  describe('date of birth', () => {
    const today = '2025-09-05';
    it('refuses a date in the future', () => {
      expect(checkDateOfBirth('2025-09-06', { today })?.message).toContain('tương lai');
    });
    it('accepts the usual ages for the grade, a year early and a few years late', () => {
      for (const dob of ['2010-01-01', '2010-12-31', '2011-06-01', '2005-06-01']) {
        expect(checkDateOfBirth(dob, { today, grade: 10, schoolYear: '2025-2026' })).toBeNull();
      }
      expect(checkDateOfBirth('2008-03-15', { today, grade: 12, schoolYear: '2025-2026' })).toBeNull();
    });
    it('refuses ages implausible for the grade, saying which year was expected', () => {
      const young = checkDateOfBirth('2013-01-01', { today, grade: 10, schoolYear: '2025-2026' });
      expect(young).toMatchObject({ field: 'dateOfBirth', code: 'VALIDATION_FAILED' });
      expect(young?.message).toContain('2010');
      expect(checkDateOfBirth('2004-01-01', { today, grade: 10, schoolYear: '2025-2026' })).not.toBeNull();
      expect(checkDateOfBirth('2010-01-01', { today, grade: 12, schoolYear: '2025-2026' })).not.toBeNull();
    });
    it('without a grade, accepts 12 to 30 years old', () => {
      expect(checkDateOfBirth('2009-05-01', { today })).toBeNull();
      expect(checkDateOfBirth('2018-05-01', { today })).not.toBeNull();
      expect(checkDateOfBirth('1980-05-01', { today })).not.toBeNull();
    });
    it('refuses a date that does not exist', () => {
      expect(checkDateOfBirth('2010-02-30', { today })?.field).toBe('dateOfBirth');
    });
  });
});
