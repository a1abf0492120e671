import {
  applySummerReassessment,
  outcomeAfterSummer,
  summerReassessmentSubjects,
  yearOutcome,
  type Grade,
  type Level,
  type SubjectYearResult,
} from '../src';
import { comment, repeat, score, thrown } from './helpers';

describe('yearOutcome', () => {
  it.each<[Grade, Level, Level, number, string]>([
    // grade, learning, conduct, absences, outcome
    [10, 'TOT', 'TOT', 0, 'PROMOTED'],
    [11, 'DAT', 'DAT', 45, 'PROMOTED'],
    [12, 'DAT', 'KHA', 45, 'COMPLETED'],
    [12, 'TOT', 'TOT', 3, 'COMPLETED'],
    [10, 'TOT', 'TOT', 46, 'RETAINED'],
    [12, 'TOT', 'TOT', 46, 'RETAINED'],
    [10, 'DAT', 'CHUA_DAT', 46, 'RETAINED'],
    [10, 'CHUA_DAT', 'DAT', 60, 'RETAINED'],
    [10, 'KHA', 'CHUA_DAT', 10, 'SUMMER_TRAINING'],
    [12, 'DAT', 'CHUA_DAT', 45, 'SUMMER_TRAINING'],
    [11, 'CHUA_DAT', 'DAT', 0, 'SUMMER_REASSESSMENT'],
    [12, 'CHUA_DAT', 'TOT', 45, 'SUMMER_REASSESSMENT'],
    [10, 'CHUA_DAT', 'CHUA_DAT', 0, 'RETAINED'],
  ])(
    'grade %p, learning %s, conduct %s, %p absences → %s',
    (grade, learning, conduct, absences, expected) => {
      expect(yearOutcome({ grade, learning, conduct, absences })).toBe(expected);
    },
  );

  it('makes "both CHƯA ĐẠT" configurable, RETAINED by default', () => {
    const both = {
      grade: 11 as const,
      learning: 'CHUA_DAT' as const,
      conduct: 'CHUA_DAT' as const,
      absences: 2,
    };
    expect(yearOutcome(both)).toBe('RETAINED');
    expect(yearOutcome(both, {})).toBe('RETAINED');
    expect(yearOutcome(both, { bothFailing: 'RETAINED' })).toBe('RETAINED');
    expect(yearOutcome(both, { bothFailing: 'SUMMER_TRAINING' })).toBe('SUMMER_TRAINING');
    expect(yearOutcome(both, { bothFailing: 'SUMMER_REASSESSMENT' })).toBe('SUMMER_REASSESSMENT');
    // Absences still win, and the option affects nothing else.
    expect(yearOutcome({ ...both, absences: 46 }, { bothFailing: 'SUMMER_TRAINING' })).toBe('RETAINED');
    expect(yearOutcome({ ...both, conduct: 'DAT' }, { bothFailing: 'SUMMER_TRAINING' })).toBe(
      'SUMMER_REASSESSMENT',
    );
  });

  it.each([
    [{ grade: 9, learning: 'TOT', conduct: 'TOT', absences: 0 }, 'grade'],
    [{ grade: 10, learning: 'GIOI', conduct: 'TOT', absences: 0 }, 'learning'],
    [{ grade: 10, learning: 'TOT', conduct: 'XUAT_SAC', absences: 0 }, 'conduct'],
    [{ grade: 10, learning: 'TOT', conduct: 'TOT', absences: -1 }, 'absences'],
    [{ grade: 10, learning: 'TOT', conduct: 'TOT', absences: 2.5 }, 'absences'],
  ])('rejects %p', (input, field) => {
    const error = thrown(() => yearOutcome(input as never));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toMatchObject({ field });
  });

  it('rejects an unknown option', () => {
    const input = { grade: 10 as const, learning: 'TOT' as const, conduct: 'TOT' as const, absences: 0 };
    expect(thrown(() => yearOutcome(input, { bothFailing: 'PROMOTED' as never })).code).toBe(
      'VALIDATION_FAILED',
    );
  });
});

describe('summer re-assessment', () => {
  type Coded = SubjectYearResult & { code: string };
  const subjects: Coded[] = [
    { code: 'NGU_VAN', kind: 'SCORE', average: 6 },
    { code: 'TOAN', kind: 'SCORE', average: 4.9 },
    { code: 'NGOAI_NGU_1', kind: 'SCORE', average: 5 },
    { code: 'LICH_SU', kind: 'SCORE', average: 3.2 },
    { code: 'GDQP_AN', kind: 'SCORE', average: 7 },
    { code: 'VAT_LI', kind: 'SCORE', average: 4.5 },
    { code: 'HOA_HOC', kind: 'SCORE', average: 6.5 },
    { code: 'SINH_HOC', kind: 'SCORE', average: 5.5 },
    { code: 'TIN_HOC', kind: 'SCORE', average: 7.5 },
    { code: 'GD_THE_CHAT', kind: 'COMMENT', result: 'CHUA_DAT' },
    { code: 'HD_TRAI_NGHIEM_HUONG_NGHIEP', kind: 'COMMENT', result: 'DAT' },
    { code: 'GD_DIA_PHUONG', kind: 'COMMENT', result: 'DAT' },
  ];

  it('lists comment subjects at CHƯA ĐẠT and scored subjects below 5.0', () => {
    // Toán 4.9, Lịch sử 3.2, Vật lí 4.5, GDTC CHƯA ĐẠT; Ngoại ngữ 1 at exactly 5.0 is not included.
    expect(summerReassessmentSubjects(subjects)).toEqual([1, 3, 5, 9]);
    expect(summerReassessmentSubjects(repeat(6, score(5)))).toEqual([]);
  });

  it('replaces each re-assessed result, keeps everything else, and recomputes to promotion', () => {
    const before = { grade: 10 as const, absences: 4, conduct: 'KHA' as const, subjects };
    // 3.2 < 3.5 and only 6 scored ≥ 5.0 with a comment CHƯA ĐẠT: CHƯA ĐẠT (learning), conduct KHÁ.
    expect(outcomeAfterSummer(before)).toBe('RETAINED');

    const results = new Map<number, SubjectYearResult>([
      [1, score(5.5)],
      [3, score(4)],
      [5, score(6)],
      [9, comment('DAT')],
    ]);
    const after = applySummerReassessment(subjects, results);
    expect(after.map((s) => (s.kind === 'SCORE' ? s.average : s.result))).toEqual([
      6,
      5.5,
      5,
      4,
      7,
      6,
      6.5,
      5.5,
      7.5,
      'DAT',
      'DAT',
      'DAT',
    ]);
    expect(after.map((s) => s.code)).toEqual(subjects.map((s) => s.code));
    expect(subjects[1]).toEqual({ code: 'TOAN', kind: 'SCORE', average: 4.9 }); // input untouched
    // Now 8 scored ≥ 5.0, none < 3.5, no comment CHƯA ĐẠT: ĐẠT → promoted.
    expect(outcomeAfterSummer({ ...before, subjects: after })).toBe('PROMOTED');
    expect(outcomeAfterSummer({ ...before, grade: 12, subjects: after })).toBe('COMPLETED');
  });

  it('still retains a student short of a condition after summer', () => {
    // Lịch sử re-assessed at 3.0 (< 3.5): the learning result stays CHƯA ĐẠT.
    const after = applySummerReassessment(
      subjects,
      new Map<number, SubjectYearResult>([
        [1, score(5.5)],
        [3, score(3)],
        [5, score(6)],
        [9, comment('DAT')],
      ]),
    );
    expect(outcomeAfterSummer({ grade: 11, absences: 0, conduct: 'TOT', subjects: after })).toBe('RETAINED');
  });

  it('keeps the failing result of a subject with no new result', () => {
    const after = applySummerReassessment(subjects, new Map([[1, score(8)]]));
    expect(after[3]).toEqual(subjects[3]);
    expect(after[1]).toEqual({ code: 'TOAN', kind: 'SCORE', average: 8 });
  });

  it('replaces even with a lower result', () => {
    const after = applySummerReassessment(subjects, new Map([[1, score(2)]]));
    expect(after[1]).toEqual({ code: 'TOAN', kind: 'SCORE', average: 2 });
  });

  it('rejects results for subjects not due, of the wrong kind, or not valid', () => {
    expect(thrown(() => applySummerReassessment(subjects, new Map([[0, score(8)]]))).details).toMatchObject({
      field: 'results',
      index: 0,
    });
    expect(thrown(() => applySummerReassessment(subjects, new Map([[42, score(8)]]))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(thrown(() => applySummerReassessment(subjects, new Map([[9, score(8)]]))).details).toMatchObject({
      expected: 'COMMENT',
      actual: 'SCORE',
    });
    expect(thrown(() => applySummerReassessment(subjects, new Map([[1, score(10.5)]]))).code).toBe(
      'INVALID_SCORE',
    );
  });

  it('after summer training, the re-assessed conduct decides', () => {
    const passing = repeat(8, score(6));
    expect(outcomeAfterSummer({ grade: 10, absences: 0, conduct: 'DAT', subjects: passing })).toBe(
      'PROMOTED',
    );
    expect(outcomeAfterSummer({ grade: 10, absences: 0, conduct: 'CHUA_DAT', subjects: passing })).toBe(
      'RETAINED',
    );
    expect(outcomeAfterSummer({ grade: 10, absences: 46, conduct: 'TOT', subjects: passing })).toBe(
      'RETAINED',
    );
  });
});
