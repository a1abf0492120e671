import { AssessmentError, commentTermResult, commentYearResult, type Pass } from '../src';
import { thrown } from './helpers';

describe('commentTermResult', () => {
  it('is ĐẠT when every required assessment is present and ĐẠT', () => {
    expect(commentTermResult(['DAT', 'DAT', 'DAT', 'DAT'], 4)).toBe('DAT');
    expect(commentTermResult(['DAT'], 1)).toBe('DAT');
  });

  it('is CHƯA ĐẠT when any assessment is CHƯA ĐẠT', () => {
    expect(commentTermResult(['DAT', 'CHUA_DAT', 'DAT', 'DAT'], 4)).toBe('CHUA_DAT');
    expect(commentTermResult(['DAT', 'DAT', 'DAT', 'CHUA_DAT'], 4)).toBe('CHUA_DAT');
  });

  it('counts a missing assessment (never made up) as CHƯA ĐẠT', () => {
    expect(commentTermResult(['DAT', 'DAT', 'DAT'], 4)).toBe('CHUA_DAT');
    expect(commentTermResult([], 4)).toBe('CHUA_DAT');
  });

  it('rejects more assessments than required', () => {
    const error = thrown(() => commentTermResult(['DAT', 'DAT', 'DAT', 'DAT', 'DAT'], 4));
    expect(error).toBeInstanceOf(AssessmentError);
    expect(error.code).toBe('INVALID_ASSESSMENT_COUNT');
    expect(error.details).toMatchObject({ expected: 4, actual: 5 });
  });

  it.each([0, -1, 2.5, NaN])('rejects required = %p', (required) => {
    expect(thrown(() => commentTermResult([], required)).code).toBe('INVALID_ASSESSMENT_COUNT');
  });

  it('rejects an entry that is not ĐẠT / CHƯA ĐẠT', () => {
    const error = thrown(() => commentTermResult(['DAT', 'TOT' as Pass], 4));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toMatchObject({ index: 1, value: 'TOT' });
  });
});

describe('commentYearResult', () => {
  it('is the term II result', () => {
    expect(commentYearResult('CHUA_DAT', 'DAT')).toBe('DAT');
    expect(commentYearResult('DAT', 'CHUA_DAT')).toBe('CHUA_DAT');
    expect(commentYearResult('DAT', 'DAT')).toBe('DAT');
  });
});
