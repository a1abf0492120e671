import { checkPersonalId, formatPersonalId, normalizePersonalId, parsePersonalId } from './personal-id';

describe('personal identification number (mã định danh cá nhân)', () => {
  it('reads province, gender and year of birth', () => {
    expect(parsePersonalId('001209012345')).toEqual({ provinceCode: '001', gender: 'MALE', birthYear: 2009 });
    expect(parsePersonalId('079310123456')).toEqual({
      provinceCode: '079',
      gender: 'FEMALE',
      birthYear: 2010,
    });
    expect(parsePersonalId('048185000001')).toEqual({
      provinceCode: '048',
      gender: 'FEMALE',
      birthYear: 1985,
    });
  });

  it.each([
    ['11 digits', '00120901234'],
    ['13 digits', '0012090123456'],
    ['letters', '00120901234A'],
    ['an unknown province code', '003209012345'],
    ['empty', ''],
  ])('rejects %s', (_what, id) => {
    expect(parsePersonalId(id)).toBeNull();
    expect(checkPersonalId(id)).toMatchObject({ field: 'personalId', code: 'INVALID_PERSONAL_ID' });
  });

  it('accepts a well-formed number consistent with gender and birth year', () => {
    expect(checkPersonalId('001209012345', { gender: 'MALE', dateOfBirth: '2009-04-30' })).toBeNull();
    expect(checkPersonalId('001309012345', { gender: 'FEMALE', dateOfBirth: '2009-04-30' })).toBeNull();
  });

  it('refuses a number that contradicts the gender or the year of birth, in Vietnamese', () => {
    expect(checkPersonalId('001209012345', { gender: 'FEMALE' })?.message).toContain('giới tính');
    expect(checkPersonalId('001209012345', { gender: 'MALE', dateOfBirth: '2010-01-01' })?.message).toContain(
      'năm sinh',
    );
  });

  it('strips the spaces and dots people type between groups', () => {
    expect(normalizePersonalId(' 001 209.012345 ')).toBe('001209012345');
  });

  it('formats what it parses', () => {
    const id = formatPersonalId({ provinceCode: '092', gender: 'FEMALE', birthYear: 2008 }, 42);
    expect(id).toBe('092308000042');
    expect(parsePersonalId(id)).toEqual({ provinceCode: '092', gender: 'FEMALE', birthYear: 2008 });
  });
});
