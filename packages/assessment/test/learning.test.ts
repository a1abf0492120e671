import { AssessmentError, explainLearningResult, learningResult, type SubjectYearResult } from '../src';
import { comment, repeat, score, thrown } from './helpers';

const threeCommentsPassed = repeat(3, comment('DAT'));
const scores = (...averages: number[]) => averages.map(score);

describe('learningResult: the table', () => {
  it.each<[string, SubjectYearResult[], string]>([
    ['TỐT: all ≥ 6.5, six ≥ 8.0', [...scores(8, 8, 8, 8, 8, 8, 6.5, 6.5), ...threeCommentsPassed], 'TOT'],
    [
      'TỐT with exactly six scored subjects',
      [...scores(10, 10, 10, 10, 10, 10), ...threeCommentsPassed],
      'TOT',
    ],
    ['KHÁ: one at 6.4 breaks TỐT', [...scores(8, 8, 8, 8, 8, 8, 6.4), ...threeCommentsPassed], 'KHA'],
    ['KHÁ: only five ≥ 8.0', [...scores(8, 8, 8, 8, 8, 7.9, 7.9, 7.9), ...threeCommentsPassed], 'KHA'],
    [
      'KHÁ: all ≥ 5.0, six ≥ 6.5',
      [...scores(6.5, 6.5, 6.5, 6.5, 6.5, 6.5, 5, 5), ...threeCommentsPassed],
      'KHA',
    ],
    [
      'ĐẠT: one 4.9 breaks KHÁ (one level only, no adjustment)',
      scores(6.5, 6.5, 6.5, 6.5, 6.5, 6.5, 4.9),
      'DAT',
    ],
    [
      'ĐẠT: six ≥ 5.0, none < 3.5, one comment CHƯA ĐẠT',
      [...scores(5, 5, 5, 5, 5, 5, 3.5, 3.5), comment('CHUA_DAT'), comment('DAT')],
      'DAT',
    ],
    ['CHƯA ĐẠT: only five ≥ 5.0', scores(5, 5, 5, 5, 5, 4.9, 4.9, 4.9), 'CHUA_DAT'],
    ['CHƯA ĐẠT: one below 3.5', scores(5, 5, 5, 5, 5, 5, 5, 3.4, 3.4), 'CHUA_DAT'],
    [
      'CHƯA ĐẠT: two comment subjects CHƯA ĐẠT',
      [...scores(...repeat(7, 8.5)), ...repeat(2, comment('CHUA_DAT'))],
      'CHUA_DAT',
    ],
    [
      'CHƯA ĐẠT: fewer than 6 scored subjects, however high',
      [...scores(10, 10, 10, 10, 10), ...threeCommentsPassed],
      'CHUA_DAT',
    ],
    ['CHƯA ĐẠT: comment subjects only', threeCommentsPassed, 'CHUA_DAT'],
  ])('%s', (_name, subjects, expected) => {
    expect(learningResult(subjects)).toBe(expected);
  });
});

describe('learningResult: the adjustment (Điều 9.3)', () => {
  it('worked example 1: seven at 8.5 and one at 4.0 → ĐẠT by the table, would be TỐT → KHÁ', () => {
    const subjects = [...scores(...repeat(7, 8.5), 4), ...threeCommentsPassed];
    expect(learningResult(subjects)).toBe('KHA');
    expect(explainLearningResult(subjects)).toEqual({
      level: 'KHA',
      tableLevel: 'DAT',
      wouldBe: 'TOT',
      failingSubject: 7,
    });
  });

  it('worked example 2: all scored subjects fit TỐT but one comment subject is CHƯA ĐẠT → KHÁ', () => {
    const subjects = [
      ...scores(8, 8, 8, 8, 8, 8, 6.5, 6.5),
      comment('DAT'),
      comment('CHUA_DAT'),
      comment('DAT'),
    ];
    expect(learningResult(subjects)).toBe('KHA');
    expect(explainLearningResult(subjects)).toEqual({
      level: 'KHA',
      tableLevel: 'DAT',
      wouldBe: 'TOT',
      failingSubject: 9,
    });
  });

  it('counts "at least 6 ≥ 8.0" among the other subjects: exactly six others at 8.5 is enough', () => {
    expect(learningResult(scores(8.5, 8.5, 8.5, 4, 8.5, 8.5, 8.5))).toBe('KHA');
  });

  it('does not adjust when the others have only five ≥ 8.0 (they would be KHÁ, one level above ĐẠT)', () => {
    expect(learningResult(scores(8.5, 8.5, 8.5, 8.5, 8.5, 7, 4))).toBe('DAT');
  });

  it('raises CHƯA ĐẠT to ĐẠT when one subject below 3.5 alone keeps the student from TỐT', () => {
    const subjects = scores(...repeat(7, 8.5), 3);
    expect(explainLearningResult(subjects)).toEqual({
      level: 'DAT',
      tableLevel: 'CHUA_DAT',
      wouldBe: 'TOT',
      failingSubject: 7,
    });
  });

  it('raises CHƯA ĐẠT to ĐẠT when one subject alone keeps the student from KHÁ', () => {
    const subjects = [score(2), ...scores(...repeat(8, 7)), ...threeCommentsPassed];
    expect(explainLearningResult(subjects)).toEqual({
      level: 'DAT',
      tableLevel: 'CHUA_DAT',
      wouldBe: 'KHA',
      failingSubject: 0,
    });
  });

  it.each<[string, SubjectYearResult[], string]>([
    ['two low scored subjects', scores(...repeat(7, 8.5), 4, 4.5), 'DAT'],
    [
      'a low scored subject and a comment subject CHƯA ĐẠT',
      [...scores(...repeat(7, 8.5), 4), comment('CHUA_DAT')],
      'DAT',
    ],
    [
      'a score below 3.5 and a comment subject CHƯA ĐẠT',
      [...scores(...repeat(7, 8.5), 3), comment('CHUA_DAT')],
      'CHUA_DAT',
    ],
    ['the others reach only five subjects ≥ 5.0', scores(8.5, 8.5, 8.5, 8.5, 8.5, 4), 'CHUA_DAT'],
  ])('does not adjust with %s', (_name, subjects, expected) => {
    const explanation = explainLearningResult(subjects);
    expect(explanation.level).toBe(expected);
    expect(explanation.tableLevel).toBe(expected);
    expect(explanation.wouldBe).toBeUndefined();
  });
});

describe('learningResult: invalid input', () => {
  it('rejects an empty list', () => {
    const error = thrown(() => learningResult([]));
    expect(error).toBeInstanceOf(AssessmentError);
    expect(error.code).toBe('VALIDATION_FAILED');
  });

  it.each([7.25, 10.5, -1, NaN])('rejects the average %p with INVALID_SCORE and its index', (bad) => {
    const error = thrown(() => learningResult(scores(8, 8, bad)));
    expect(error.code).toBe('INVALID_SCORE');
    expect(error.details).toMatchObject({ field: 'subjects', index: 2 });
  });

  it('rejects malformed entries', () => {
    const badComment = { kind: 'COMMENT', result: 'TOT' } as unknown as SubjectYearResult;
    expect(thrown(() => learningResult([score(8), badComment])).details).toMatchObject({ index: 1 });
    const badKind = { kind: 'ORAL', average: 8 } as unknown as SubjectYearResult;
    expect(thrown(() => learningResult([badKind])).code).toBe('VALIDATION_FAILED');
    expect(thrown(() => learningResult([null as unknown as SubjectYearResult])).code).toBe(
      'VALIDATION_FAILED',
    );
  });
});
