import { award, type Level, type SubjectYearResult } from '../src';
import { comment, repeat, score, thrown } from './helpers';

const nineAtNine = [...repeat(6, score(9)), score(8.9), score(7), comment('DAT')];

describe('award', () => {
  it('EXCELLENT: conduct and learning TỐT, six scored subjects ≥ 9.0', () => {
    expect(award({ learning: 'TOT', conduct: 'TOT', subjects: nineAtNine })).toBe('EXCELLENT');
  });

  it('GOOD: conduct and learning TỐT with only five ≥ 9.0', () => {
    const fiveAtNine = [...repeat(5, score(9)), score(8.9), score(8.9), score(8), comment('DAT')];
    expect(award({ learning: 'TOT', conduct: 'TOT', subjects: fiveAtNine })).toBe('GOOD');
  });

  it('does not count comment subjects towards the six', () => {
    const subjects = [...repeat(5, score(10)), ...repeat(3, comment('DAT')), score(8)];
    expect(award({ learning: 'TOT', conduct: 'TOT', subjects })).toBe('GOOD');
  });

  it.each<[Level, Level]>([
    ['KHA', 'TOT'],
    ['TOT', 'KHA'],
    ['DAT', 'TOT'],
    ['TOT', 'CHUA_DAT'],
    ['KHA', 'KHA'],
  ])('nothing with learning %s and conduct %s', (learning, conduct) => {
    expect(award({ learning, conduct, subjects: nineAtNine })).toBeNull();
  });

  it('rejects invalid input', () => {
    expect(
      thrown(() => award({ learning: 'GIOI' as Level, conduct: 'TOT', subjects: nineAtNine })).code,
    ).toBe('VALIDATION_FAILED');
    expect(thrown(() => award({ learning: 'TOT', conduct: 'TOT', subjects: [] })).code).toBe(
      'VALIDATION_FAILED',
    );
    const bad: SubjectYearResult[] = [score(9.05)];
    expect(thrown(() => award({ learning: 'TOT', conduct: 'TOT', subjects: bad })).code).toBe(
      'INVALID_SCORE',
    );
  });
});
