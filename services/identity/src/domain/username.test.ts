import { checkUsername, normalizeDisplayName, normalizeUsername } from './username';

describe('normalizeUsername', () => {
  it('trims and lower-cases', () => {
    expect(normalizeUsername('  GV.An ')).toBe('gv.an');
    expect(normalizeUsername('\tHS.Binh-10A1\n')).toBe('hs.binh-10a1');
  });

  it('normalises to NFC, so a decomposed and a composed "Ngọc" are the same username', () => {
    const composed = 'Ng\u1ecdc'; // ọ as one code point
    const decomposed = 'Ngo\u0323c'; // o + combining dot below
    expect(composed).not.toBe(decomposed);
    expect(normalizeUsername(composed)).toBe(normalizeUsername(decomposed));
    expect(normalizeUsername(decomposed)).toBe('ng\u1ecdc');
    expect(normalizeUsername(decomposed).normalize('NFC')).toBe(normalizeUsername(decomposed));
  });

  it('is idempotent', () => {
    for (const raw of ['  GV.An ', 'Ngo\u0323c', 'ĐỨC.anh']) {
      expect(normalizeUsername(normalizeUsername(raw))).toBe(normalizeUsername(raw));
    }
  });
});

describe('checkUsername', () => {
  it.each(['gv.an', 'abc', 'a_b-c.1', '10a1.hs', 'a'.repeat(64)])('accepts %s', (username) => {
    expect(checkUsername(username)).toBeNull();
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(65)],
    ['starting with a dot', '.gv.an'],
    ['starting with a dash', '-gvan'],
    ['with diacritics', 'ngọc'],
    ['with a space', 'gv an'],
    ['with an upper-case letter (not normalised)', 'GV.an'],
    ['with an @', 'gv@an'],
    ['empty', ''],
  ])('refuses a username %s', (_why, username) => {
    expect(checkUsername(username)).toEqual({
      field: 'username',
      code: 'VALIDATION_FAILED',
      message: expect.any(String),
    });
  });
});

describe('normalizeDisplayName', () => {
  it('collapses runs of white space and trims', () => {
    expect(normalizeDisplayName('  Nguyễn   Văn\tAn \n')).toBe('Nguyễn Văn An');
  });

  it('stores names NFC-normalised', () => {
    const decomposed = 'Trần Thị Ngọc Ánh'.normalize('NFD');
    const normalised = normalizeDisplayName(decomposed);
    expect(normalised).toBe('Trần Thị Ngọc Ánh'.normalize('NFC'));
    expect(normalised.length).toBeLessThan(decomposed.length);
  });

  it('keeps the case of the name', () => {
    expect(normalizeDisplayName('Lê Thị HOA')).toBe('Lê Thị HOA');
  });
});
