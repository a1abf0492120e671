import {
  AssessmentError,
  assessmentsPerTerm,
  regularAssessmentCount,
  termAverage,
  termAverageFor,
  yearAverage,
} from '../src';
import { thrown } from './helpers';

describe('regularAssessmentCount', () => {
  it.each([
    [1, 2],
    [35, 2],
    [36, 3],
    [52, 3],
    [70, 3],
    [71, 4],
    [105, 4],
    [140, 4],
  ])('a scored subject with %p periods a year has %p per term', (periods, expected) => {
    expect(regularAssessmentCount(periods, 'SCORE')).toBe(expected);
  });

  it.each([35, 70, 105])('a comment subject has 2 per term (%p periods)', (periods) => {
    expect(regularAssessmentCount(periods, 'COMMENT')).toBe(2);
  });

  it.each([0, -35, 35.5, NaN, Infinity])('rejects %p periods', (periods) => {
    const error = thrown(() => regularAssessmentCount(periods, 'SCORE'));
    expect(error).toBeInstanceOf(AssessmentError);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toMatchObject({ field: 'periodsPerYear' });
    expect(thrown(() => regularAssessmentCount(periods, 'COMMENT')).code).toBe('VALIDATION_FAILED');
  });

  it('rejects an unknown kind', () => {
    expect(thrown(() => regularAssessmentCount(70, 'ORAL' as 'SCORE')).code).toBe('VALIDATION_FAILED');
  });

  it('counts the mid-term and end-of-term assessments in assessmentsPerTerm', () => {
    expect(assessmentsPerTerm(70, 'COMMENT')).toBe(4);
    expect(assessmentsPerTerm(105, 'SCORE')).toBe(6);
    expect(assessmentsPerTerm(35, 'SCORE')).toBe(4);
  });
});

describe('termAverage', () => {
  it('weights regular ×1, mid-term ×2, end-of-term ×3', () => {
    // (7 + 8 + 9 + 2×8 + 3×7.5) / 8 = 62.5 / 8 = 7.8125 → 7.8
    expect(termAverage({ regular: [7, 8, 9], midterm: 8, final: 7.5 })).toBe(7.8);
    // (6 + 7 + 2×8 + 3×9) / 7 = 56 / 7 = 8.0
    expect(termAverage({ regular: [6, 7], midterm: 8, final: 9 })).toBe(8);
    // (8.5 + 9 + 7.5 + 8 + 2×8.5 + 3×9) / 9 = 77 / 9 = 8.555… → 8.6
    expect(termAverage({ regular: [8.5, 9, 7.5, 8], midterm: 8.5, final: 9 })).toBe(8.6);
    expect(termAverage({ regular: [10, 10, 10, 10], midterm: 10, final: 10 })).toBe(10);
    expect(termAverage({ regular: [0, 0], midterm: 0, final: 0 })).toBe(0);
  });

  it('rounds an exact 7.25 up to 7.3', () => {
    // (7 + 7 + 7.5 + 2×7 + 3×7.5) / 8 = 58 / 8 = 7.25
    expect(termAverage({ regular: [7, 7, 7.5], midterm: 7, final: 7.5 })).toBe(7.3);
  });

  it('rounds an exact 4.95 from one-decimal marks up to 5.0', () => {
    // (5.0 + 4.9 + 5.0 + 2×5.0 + 3×4.9) / 8 = 39.6 / 8 = 4.95
    expect(termAverage({ regular: [5, 4.9, 5], midterm: 5, final: 4.9 })).toBe(5);
    // (7.3 + 0.9 + 5.0 + 2×0.9 + 3×8.2) / 8 = 39.6 / 8 = 4.95; in binary floating point this sum is
    // 4.949999999999999, which naive rounding takes to 4.9.
    expect(termAverage({ regular: [7.3, 0.9, 5], midterm: 0.9, final: 8.2 })).toBe(5);
  });

  it('gets other exact halves right where floating point does not', () => {
    // (5.4 + 6.9 + 7 + 2×7.3 + 3×5.1) / 8 = 49.2 / 8 = 6.15 → 6.2 (float: 6.1499999999999995)
    expect(termAverage({ regular: [5.4, 6.9, 7], midterm: 7.3, final: 5.1 })).toBe(6.2);
    // (8 + 8 + 8 + 2×7.5 + 3×9) / 8 = 66 / 8 = 8.25 → 8.3
    expect(termAverage({ regular: [8, 8, 8], midterm: 7.5, final: 9 })).toBe(8.3);
    // (8 + 8 + 8 + 2×7.5 + 3×8.9) / 8 = 65.7 / 8 = 8.2125 → 8.2
    expect(termAverage({ regular: [8, 8, 8], midterm: 7.5, final: 8.9 })).toBe(8.2);
  });

  it.each([10.5, -1, 7.25, NaN, Infinity])('rejects the mark %p with INVALID_SCORE, naming it', (bad) => {
    const inRegular = thrown(() => termAverage({ regular: [7, bad, 8], midterm: 8, final: 8 }));
    expect(inRegular).toBeInstanceOf(AssessmentError);
    expect(inRegular.code).toBe('INVALID_SCORE');
    expect(inRegular.details).toMatchObject({ field: 'regular', index: 1 });
    expect(thrown(() => termAverage({ regular: [7, 8], midterm: bad, final: 8 })).details).toMatchObject({
      field: 'midterm',
    });
    expect(thrown(() => termAverage({ regular: [7, 8], midterm: 8, final: bad })).details).toMatchObject({
      field: 'final',
    });
  });

  it.each([[[]], [[8]], [[8, 8, 8, 8, 8]]])('rejects %p regular assessments', (regular) => {
    const error = thrown(() => termAverage({ regular, midterm: 8, final: 8 }));
    expect(error.code).toBe('INVALID_ASSESSMENT_COUNT');
    expect(error.details).toMatchObject({ actual: regular.length });
  });
});

describe('termAverageFor', () => {
  it('accepts the count the periods require', () => {
    expect(termAverageFor({ regular: [6, 7], midterm: 8, final: 9 }, 35)).toBe(8);
    expect(termAverageFor({ regular: [7, 8, 9], midterm: 8, final: 7.5 }, 70)).toBe(7.8);
    expect(termAverageFor({ regular: [8.5, 9, 7.5, 8], midterm: 8.5, final: 9 }, 105)).toBe(8.6);
  });

  it.each([
    [35, [7, 8, 9]],
    [52, [7, 8]],
    [70, [7, 8, 9, 10]],
    [71, [7, 8, 9]],
  ])('with %p periods rejects %p', (periods, regular) => {
    const error = thrown(() => termAverageFor({ regular, midterm: 8, final: 8 }, periods));
    expect(error.code).toBe('INVALID_ASSESSMENT_COUNT');
    expect(error.details).toMatchObject({
      field: 'regular',
      actual: regular.length,
      periodsPerYear: periods,
    });
    expect(String(error.message)).toContain(`${periods} tiết`);
  });

  it('rejects invalid periods', () => {
    expect(thrown(() => termAverageFor({ regular: [7, 8], midterm: 8, final: 8 }, 0)).code).toBe(
      'VALIDATION_FAILED',
    );
  });
});

describe('yearAverage', () => {
  it('weights term II twice', () => {
    // (6.8 + 2×7.1) / 3 = 21 / 3 = 7.0
    expect(yearAverage(6.8, 7.1)).toBe(7);
    // (7.3 + 2×8.0) / 3 = 23.3 / 3 = 7.766… → 7.8
    expect(yearAverage(7.3, 8)).toBe(7.8);
    // (6.0 + 2×6.1) / 3 = 18.2 / 3 = 6.066… → 6.1
    expect(yearAverage(6, 6.1)).toBe(6.1);
    // (6.1 + 2×6.0) / 3 = 18.1 / 3 = 6.033… → 6.0
    expect(yearAverage(6.1, 6)).toBe(6);
    // (9 + 2×4) / 3 = 17 / 3 = 5.666… → 5.7
    expect(yearAverage(9, 4)).toBe(5.7);
    expect(yearAverage(10, 10)).toBe(10);
    expect(yearAverage(0, 0)).toBe(0);
  });

  it('takes the rounded term averages and refuses unrounded ones', () => {
    // Term I is exactly 7.25 (see above) and is recorded as 7.3; term II is 5.0.
    const term1 = termAverage({ regular: [7, 7, 7.5], midterm: 7, final: 7.5 });
    expect(term1).toBe(7.3);
    // (7.3 + 2×5.0) / 3 = 17.3 / 3 = 5.766… → 5.8
    expect(yearAverage(term1, 5)).toBe(5.8);
    expect(thrown(() => yearAverage(7.25, 5)).code).toBe('INVALID_SCORE');
  });

  it.each([10.5, -1, 7.25, NaN])('rejects %p', (bad) => {
    expect(thrown(() => yearAverage(bad, 7)).details).toMatchObject({ field: 'term1' });
    expect(thrown(() => yearAverage(7, bad)).details).toMatchObject({ field: 'term2' });
  });
});
