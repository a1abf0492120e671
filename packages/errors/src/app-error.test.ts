import { AppError, ERROR_CATALOGUE, ERROR_CODES, fieldProblem, isErrorCode, validationFailed } from './index';

describe('error vocabulary', () => {
  it('gives every code a Vietnamese and an English message', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_CATALOGUE[code].vi.length).toBeGreaterThan(10);
      expect(ERROR_CATALOGUE[code].en.length).toBeGreaterThan(3);
      // Vietnamese text has diacritics; a plain-ASCII message means someone pasted English.
      expect(ERROR_CATALOGUE[code].vi).toMatch(
        /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i,
      );
    }
  });

  it('carries the code in the GraphQL extensions and Vietnamese text by default', () => {
    const error = new AppError('RECORD_LOCKED');
    expect(error.extensions.code).toBe('RECORD_LOCKED');
    expect(error.message).toBe(ERROR_CATALOGUE.RECORD_LOCKED.vi);
  });

  it('lists each field problem', () => {
    const error = validationFailed([fieldProblem('password', 'WEAK_PASSWORD')]);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.extensions.fieldErrors).toEqual([
      { field: 'password', code: 'WEAK_PASSWORD', message: ERROR_CATALOGUE.WEAK_PASSWORD.vi },
    ]);
  });

  it('recognises only catalogued codes', () => {
    expect(isErrorCode('FORBIDDEN')).toBe(true);
    expect(isErrorCode('NOPE')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});
