import type { Pass, SubjectYearResult } from '../src';

export const score = (average: number): SubjectYearResult => ({ kind: 'SCORE', average });
export const comment = (result: Pass): SubjectYearResult => ({ kind: 'COMMENT', result });
export const repeat = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value);

/** Runs `fn` and returns what it threw (fails the test when it throws nothing). */
export function thrown(fn: () => unknown): { code?: unknown; message?: unknown; details?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as { code?: unknown; message?: unknown; details?: unknown };
  }
  throw new Error('expected the call to throw');
}
