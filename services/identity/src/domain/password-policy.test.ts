import {
  checkPasswordStrength,
  isWithinPasswordLength,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from './password-policy';

const WEAK = { field: 'password', code: 'WEAK_PASSWORD' };

describe('checkPasswordStrength', () => {
  it('accepts a password of at least 10 characters with letters and digits that does not contain the username', () => {
    expect(checkPasswordStrength('Hoa-sen-2026', 'gv.an')).toBeNull();
    expect(checkPasswordStrength('abcdefghi1', 'gv.an')).toBeNull();
  });

  it.each([
    ['too short', 'abcdefgh1'],
    ['empty', ''],
    ['no digit', 'mat-khau-dai-qua'],
    ['no letter', '1234567890-12'],
    ['only punctuation', '!!!!!!!!!!!!'],
  ])('refuses a password that is %s', (_why, password) => {
    expect(checkPasswordStrength(password, 'gv.an')).toMatchObject(WEAK);
  });

  it('counts the length in characters, not UTF-16 code units', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(10);
    // Nine characters, eleven UTF-16 code units: each of these letters is outside the BMP.
    const nineWithAstral = '𝒜𝒜bcdefg1';
    expect(nineWithAstral.length).toBe(11);
    expect(checkPasswordStrength(nineWithAstral, 'gv.an')).toMatchObject(WEAK);
    expect(checkPasswordStrength('𝒜𝒜bcdefgh1', 'gv.an')).toBeNull();
  });

  it('counts a Vietnamese letter with its diacritics as one character, whether composed or decomposed', () => {
    const nine = 'Mậtkhẩu12'; // M ậ t k h ẩ u 1 2
    const ten = 'Mậtkhẩu123';
    expect([...nine.normalize('NFC')]).toHaveLength(9);
    // Decomposed (as some keyboards and macOS send it), "ậ" is three code points.
    expect([...nine.normalize('NFD')].length).toBeGreaterThan(10);
    for (const form of ['NFC', 'NFD'] as const) {
      expect(checkPasswordStrength(nine.normalize(form), 'gv.an')).toMatchObject(WEAK);
      expect(checkPasswordStrength(ten.normalize(form), 'gv.an')).toBeNull();
    }
  });

  it('treats Vietnamese letters as letters', () => {
    expect(checkPasswordStrength('Đường-Phố-2026', 'gv.an')).toBeNull();
    expect(checkPasswordStrength('ĐƯỜNG-PHỐ-ĂÂÊÔƠ', 'gv.an')).toMatchObject(WEAK);
  });

  it('refuses a password that contains the username, in any case', () => {
    expect(checkPasswordStrength('gv.an-2026-xyz', 'gv.an')).toMatchObject(WEAK);
    expect(checkPasswordStrength('XYZ-GV.AN-2026', 'gv.an')).toMatchObject(WEAK);
    expect(checkPasswordStrength('xyz-gv.an-2026', 'GV.An')).toMatchObject(WEAK);
    // The same password is fine for someone else.
    expect(checkPasswordStrength('gv.an-2026-xyz', 'gv.binh')).toBeNull();
  });

  it('compares the password with the username in NFC', () => {
    const username = 'ngọc'; // composed
    expect(checkPasswordStrength(`${username}-2026-abc`.normalize('NFD'), username)).toMatchObject(WEAK);
  });

  it('reports the problem on the field it is told, with the WEAK_PASSWORD code and a message', () => {
    const problem = checkPasswordStrength('short1', 'gv.an', 'newPassword');
    expect(problem).toEqual({ field: 'newPassword', code: 'WEAK_PASSWORD', message: expect.any(String) });
    expect(problem?.message.length).toBeGreaterThan(0);
  });

  it('refuses a password longer than 128 characters, so that no submitted password is costly to hash', () => {
    expect(MAX_PASSWORD_LENGTH).toBe(128);
    const longest = `Mat-khau-9${'a'.repeat(118)}`;
    expect([...longest]).toHaveLength(128);
    expect(checkPasswordStrength(longest, 'gv.an')).toBeNull();
    expect(checkPasswordStrength(`${longest}b`, 'gv.an')).toMatchObject({
      field: 'password',
      code: 'VALIDATION_FAILED',
    });
    expect(isWithinPasswordLength('x'.repeat(100_000))).toBe(false);
  });
});
