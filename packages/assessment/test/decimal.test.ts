import { AssessmentError, divideRoundHalfUp, isValidScore, roundHalfUpToTenth, scoreToTenths } from '../src';
import { thrown } from './helpers';

describe('roundHalfUpToTenth', () => {
  it.each([
    [7.25, 7.3],
    [8.249, 8.2],
    [4.95, 5],
    [8.25, 8.3],
    // 8.15 is 8.1499999… in binary: float rounding (Math.round(81.5 - ε)) would give 8.1.
    [8.15, 8.2],
    [1.05, 1.1],
    [0.05, 0.1],
    [0.04, 0],
    [9.95, 10],
    [10, 10],
    [0, 0],
    [6.449999, 6.4],
    [6.45, 6.5],
  ])('rounds %p to %p', (value, expected) => {
    expect(roundHalfUpToTenth(value)).toBe(expected);
  });

  it('reads decimal strings, exponents included', () => {
    expect(roundHalfUpToTenth('8.249')).toBe(8.2);
    expect(roundHalfUpToTenth('7.25')).toBe(7.3);
    expect(roundHalfUpToTenth('7.2499999999999999999999')).toBe(7.2);
    expect(roundHalfUpToTenth('5e-2')).toBe(0.1);
    expect(roundHalfUpToTenth('1.25E1')).toBe(12.5);
    expect(roundHalfUpToTenth('.35')).toBe(0.4);
    expect(roundHalfUpToTenth(1e-7)).toBe(0);
  });

  it('rounds negative values half away from zero', () => {
    expect(roundHalfUpToTenth(-7.25)).toBe(-7.3);
    expect(roundHalfUpToTenth(-7.24)).toBe(-7.2);
    expect(Object.is(roundHalfUpToTenth(-0.01), 0)).toBe(true);
  });

  it('returns one-decimal numbers without float artefacts', () => {
    // 7.3 is the double printed "7.3"; 7.300000000000001 would print differently.
    expect(String(roundHalfUpToTenth(7.25))).toBe('7.3');
    expect(String(roundHalfUpToTenth(0.15))).toBe('0.2');
  });

  it.each([NaN, Infinity, -Infinity, 'abc', '', '1.2.3', '1e9999'])('rejects %p', (value) => {
    const error = thrown(() => roundHalfUpToTenth(value));
    expect(error).toBeInstanceOf(AssessmentError);
    expect(error.code).toBe('VALIDATION_FAILED');
  });
});

describe('divideRoundHalfUp', () => {
  it('rounds integer quotients half up', () => {
    expect(divideRoundHalfUp(725, 100)).toBe(7);
    expect(divideRoundHalfUp(750, 100)).toBe(8);
    expect(divideRoundHalfUp(749, 100)).toBe(7);
    expect(divideRoundHalfUp(0, 7)).toBe(0);
    expect(divideRoundHalfUp(14, 7)).toBe(2);
    expect(divideRoundHalfUp(1, 3)).toBe(0);
    expect(divideRoundHalfUp(2, 3)).toBe(1);
  });

  it('refuses non-integers', () => {
    expect(() => divideRoundHalfUp(1.5, 2)).toThrow(RangeError);
    expect(() => divideRoundHalfUp(1, 0)).toThrow(RangeError);
    expect(() => divideRoundHalfUp(-1, 2)).toThrow(RangeError);
  });
});

describe('scores', () => {
  it.each([0, 0.1, 5, 7.5, 9.9, 10])('accepts %p', (value) => {
    expect(isValidScore(value)).toBe(true);
  });

  it.each([10.5, 10.1, -1, -0.1, 7.25, 0.01, 0.1 + 0.2, NaN, Infinity, -Infinity, '7', null, undefined])(
    'rejects %p with INVALID_SCORE',
    (value) => {
      expect(isValidScore(value)).toBe(false);
      const error = thrown(() => scoreToTenths(value));
      expect(error).toBeInstanceOf(AssessmentError);
      expect(error.code).toBe('INVALID_SCORE');
    },
  );

  it('converts to integer tenths', () => {
    expect(scoreToTenths(7.5)).toBe(75);
    expect(scoreToTenths(0.3)).toBe(3);
    expect(scoreToTenths(10)).toBe(100);
  });

  it('names the wrong value in a Vietnamese message and in the details', () => {
    const error = thrown(() => scoreToTenths(10.5, 'điểm cuối kì', 'final'));
    expect(error.message).toContain('10,5');
    expect(error.message).toContain('từ 0 đến 10');
    expect(error.details).toEqual({ field: 'final', value: 10.5 });
    const nan = thrown(() => scoreToTenths(NaN, 'điểm', 'regular', 1));
    expect(nan.message).toContain('thứ 2');
    expect(nan.details).toEqual({ field: 'regular', index: 1, value: 'NaN' });
  });
});
