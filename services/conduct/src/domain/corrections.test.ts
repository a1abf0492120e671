import type { ComputedStanding } from '../model/conduct-record.model';
import { planConductCorrection, summerRetrainingOpen } from './corrections';

const standing = (outcome: string | null): ComputedStanding => ({
  learning: 'DAT',
  conduct: 'CHUA_DAT',
  absences: 0,
  outcome,
  title: null,
  computedAt: new Date('2026-05-30T00:00:00Z'),
});

const page = {
  conductTerm1: 'DAT' as const,
  conductTerm2: 'KHA' as const,
  summerConduct: null,
  homeroomComment: 'Chăm ngoan.',
  standing: standing('PROMOTED'),
};

describe('planConductCorrection', () => {
  it('sets the named fields only, with every value before and after, in the order asked', () => {
    const plan = planConductCorrection(page, [
      { field: 'conduct.term2', value: 'TOT' },
      { field: 'conduct.homeroomComment', value: '  Chăm ngoan, tích cực.  ' },
      { field: 'conduct.term1', value: null },
    ]);
    expect(plan).toEqual({
      ok: true,
      set: { conductTerm2: 'TOT', homeroomComment: 'Chăm ngoan, tích cực.', conductTerm1: null },
      changes: [
        { field: 'conduct.term2', before: 'KHA', after: 'TOT' },
        { field: 'conduct.homeroomComment', before: 'Chăm ngoan.', after: 'Chăm ngoan, tích cực.' },
        { field: 'conduct.term1', before: 'DAT', after: null },
      ],
      // A cleared rating is no assessment; the comment is none either.
      assessed: [{ period: 'TERM_2', before: 'KHA', after: 'TOT' }],
    });
  });

  it('stores a comment in NFC, and an empty one as none', () => {
    // "Tốt" written with combining marks (NFD) is stored composed.
    const decomposed = 'To\u0302\u0301t'; // o + circumflex + acute
    const plan = planConductCorrection(page, [{ field: 'conduct.homeroomComment', value: decomposed }]);
    expect(plan.ok && plan.set.homeroomComment).toBe('T\u1ed1t');
    const cleared = planConductCorrection(page, [{ field: 'conduct.homeroomComment', value: '   ' }]);
    expect(cleared).toMatchObject({
      ok: true,
      changes: [{ field: 'conduct.homeroomComment', before: 'Chăm ngoan.', after: null }],
    });
  });

  it('does not count an unchanged rating as an assessment', () => {
    expect(planConductCorrection(page, [{ field: 'conduct.term1', value: 'DAT' }])).toMatchObject({
      ok: true,
      changes: [{ field: 'conduct.term1', before: 'DAT', after: 'DAT' }],
      assessed: [],
    });
  });

  it('rates the summer re-training only when the outcome asks for it or it was rated', () => {
    expect(planConductCorrection(page, [{ field: 'conduct.summer', value: 'DAT' }])).toEqual({
      ok: false,
      problems: [{ field: 'conduct.summer', message: expect.stringMatching(/không thuộc diện rèn luyện/) }],
    });
    // Clearing is always possible.
    expect(planConductCorrection(page, [{ field: 'conduct.summer', value: null }]).ok).toBe(true);
    const training = { ...page, conductTerm2: 'CHUA_DAT' as const, standing: standing('SUMMER_TRAINING') };
    expect(planConductCorrection(training, [{ field: 'conduct.summer', value: 'DAT' }])).toMatchObject({
      ok: true,
      assessed: [{ period: 'SUMMER', before: null, after: 'DAT' }],
    });
  });

  it('names every bad field and value, and sets nothing', () => {
    const plan = planConductCorrection(page, [
      { field: 'conduct.term1', value: 'GIOI' },
      { field: 'conduct.term2', value: 8 },
      { field: 'conduct.year', value: 'TOT' },
      { field: 'term1.final', value: 9 },
      { field: 'conduct.homeroomComment', value: 'x'.repeat(2001) },
      { field: 'conduct.term1', value: 'TOT' },
    ]);
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.problems.map((p) => p.field)).toEqual([
      'conduct.term1',
      'conduct.term2',
      'conduct.year',
      'term1.final',
      'conduct.homeroomComment',
      'conduct.term1',
    ]);
    expect(!plan.ok && plan.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^mức rèn luyện \(GIOI\) không hợp lệ/),
      expect.stringMatching(/^mức rèn luyện \(8\) không hợp lệ/),
      expect.stringMatching(/^không phải trường rèn luyện có thể sửa/),
      expect.stringMatching(/^không phải trường rèn luyện có thể sửa/),
      'nhận xét tối đa 2000 ký tự.',
      'trường này được sửa hai lần trong một đề nghị.',
    ]);
  });

  it('accepts a comment of exactly the maximum length, and refuses a number as a comment', () => {
    expect(
      planConductCorrection(page, [{ field: 'conduct.homeroomComment', value: 'x'.repeat(2000) }]).ok,
    ).toBe(true);
    expect(planConductCorrection(page, [{ field: 'conduct.homeroomComment', value: 7 }])).toMatchObject({
      ok: false,
      problems: [{ field: 'conduct.homeroomComment' }],
    });
  });
});

describe('summerRetrainingOpen', () => {
  it('is open when the outcome is summer re-training, or a summer rating exists', () => {
    expect(summerRetrainingOpen(null)).toBe(false);
    expect(summerRetrainingOpen({ standing: standing('PROMOTED'), summerConduct: null })).toBe(false);
    expect(summerRetrainingOpen({ standing: standing('SUMMER_TRAINING'), summerConduct: null })).toBe(true);
    expect(summerRetrainingOpen({ standing: standing('PROMOTED'), summerConduct: 'DAT' })).toBe(true);
  });
});
