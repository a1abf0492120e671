import { computeStanding, type KnownSubjectResult, type StandingInput } from './standing';

const scored = (subjectCode: string, average: number | null, reassessment?: number): KnownSubjectResult => ({
  subjectCode,
  kind: 'SCORE',
  year: { average, result: null },
  reassessment: reassessment === undefined ? null : { average: reassessment, result: null },
});
const comment = (subjectCode: string, result: 'DAT' | 'CHUA_DAT'): KnownSubjectResult => ({
  subjectCode,
  kind: 'COMMENT',
  year: { average: null, result },
  reassessment: null,
});

const SCORED = [
  'NGU_VAN',
  'TOAN',
  'NGOAI_NGU_1',
  'LICH_SU',
  'GDQP_AN',
  'DIA_LI',
  'VAT_LI',
  'HOA_HOC',
  'TIN_HOC',
  'SINH_HOC',
];

/**
 * A full record: the scored subjects at the given averages (compulsory first, then electives: six
 * averages give the five compulsory scored subjects and one elective, so the comment electives
 * Âm nhạc, Mĩ thuật and… make up four) and the compulsory comment subjects at ĐẠT.
 */
function subjects(...averages: number[]): KnownSubjectResult[] {
  const scoredSubjects = averages.map((a, i) => scored(SCORED[i]!, a));
  const electives = scoredSubjects.filter(
    (s) => !['NGU_VAN', 'TOAN', 'NGOAI_NGU_1', 'LICH_SU', 'GDQP_AN'].includes(s.subjectCode),
  ).length;
  const commentElectives = ['AM_NHAC', 'MI_THUAT']
    .slice(0, Math.max(0, 4 - electives))
    .map((code) => comment(code, 'DAT'));
  return [
    ...scoredSubjects,
    ...commentElectives,
    comment('GD_THE_CHAT', 'DAT'),
    comment('HD_TRAI_NGHIEM_HUONG_NGHIEP', 'DAT'),
    comment('GD_DIA_PHUONG', 'DAT'),
  ];
}

/** The first subjects' year averages replaced (and re-assessed when `summer` gives results). */
function swap(list: KnownSubjectResult[], averages: number[], summer: number[] = []): KnownSubjectResult[] {
  return list.map((subject, i) =>
    i < averages.length ? scored(subject.subjectCode, averages[i]!, summer[i]) : subject,
  );
}

const base: StandingInput = {
  grade: 10,
  conductTerm1: 'TOT',
  conductTerm2: 'TOT',
  summerConduct: null,
  absences: 3,
  subjects: subjects(8, 8, 8, 8, 8, 8, 7, 7),
  bothFailing: 'RETAINED',
};

describe('computeStanding', () => {
  it('promotes a good student (TỐT learning: all ≥ 6.5 and six ≥ 8.0) with the GOOD title', () => {
    expect(computeStanding(base)).toEqual({
      learning: 'TOT',
      conduct: 'TOT',
      outcome: 'PROMOTED',
      title: 'GOOD',
    });
  });

  it('says COMPLETED for grade 12 and EXCELLENT with six subjects ≥ 9.0', () => {
    const standing = computeStanding({ ...base, grade: 12, subjects: subjects(9, 9, 9.5, 9, 9, 9.2, 7, 8) });
    expect(standing).toEqual({ learning: 'TOT', conduct: 'TOT', outcome: 'COMPLETED', title: 'EXCELLENT' });
  });

  it('knows nothing yet while a term conduct or a subject result is missing', () => {
    expect(computeStanding({ ...base, conductTerm2: null }).outcome).toBeNull();
    expect(
      computeStanding({ ...base, subjects: [...base.subjects, scored('SINH_HOC', null)] }),
    ).toMatchObject({ learning: null, outcome: null });
    // Without Lịch sử (compulsory) the record book is incomplete.
    expect(
      computeStanding({ ...base, subjects: base.subjects.filter((s) => s.subjectCode !== 'LICH_SU') })
        .outcome,
    ).toBeNull();
    expect(computeStanding({ ...base, grade: null }).outcome).toBeNull();
  });

  it('retains a student absent more than 45 sessions whatever the results', () => {
    expect(computeStanding({ ...base, absences: 46 }).outcome).toBe('RETAINED');
    expect(computeStanding({ ...base, absences: 45 }).outcome).toBe('PROMOTED');
  });

  it('sends conduct CHƯA ĐẠT to summer re-training, and the re-assessment decides', () => {
    const failing = { ...base, conductTerm1: 'KHA' as const, conductTerm2: 'CHUA_DAT' as const };
    expect(computeStanding(failing)).toMatchObject({
      conduct: 'CHUA_DAT',
      outcome: 'SUMMER_TRAINING',
      title: null,
    });
    expect(computeStanding({ ...failing, summerConduct: 'DAT' })).toMatchObject({
      conduct: 'DAT',
      outcome: 'PROMOTED',
    });
    expect(computeStanding({ ...failing, summerConduct: 'CHUA_DAT' }).outcome).toBe('RETAINED');
  });

  it('sends learning CHƯA ĐẠT to summer re-assessment and recomputes when every due subject is re-assessed', () => {
    // Two subjects below 3.5 → CHƯA ĐẠT by the table, no adjustment (two failing subjects).
    const weak = { ...base, subjects: swap(subjects(6, 6, 6, 6, 6, 6, 6, 6), [3.0, 3.2]) };
    expect(computeStanding(weak)).toMatchObject({ learning: 'CHUA_DAT', outcome: 'SUMMER_REASSESSMENT' });
    // One of the two re-assessed: still waiting.
    const half = { ...weak, subjects: swap(subjects(6, 6, 6, 6, 6, 6, 6, 6), [3.0, 3.2], [6.0]) };
    expect(computeStanding(half).outcome).toBe('SUMMER_REASSESSMENT');
    const passed = { ...weak, subjects: swap(subjects(6, 6, 6, 6, 6, 6, 6, 6), [3.0, 3.2], [6.0, 5.5]) };
    expect(computeStanding(passed)).toMatchObject({ learning: 'DAT', outcome: 'PROMOTED' });
    const failed = { ...weak, subjects: swap(subjects(6, 6, 6, 6, 6, 6, 6, 6), [3.0, 3.2], [6.0, 3.0]) };
    expect(computeStanding(failed)).toMatchObject({ learning: 'CHUA_DAT', outcome: 'RETAINED' });
  });

  it('applies the configured choice when both conduct and learning fail', () => {
    const both = {
      ...base,
      conductTerm1: 'CHUA_DAT' as const,
      conductTerm2: 'CHUA_DAT' as const,
      subjects: swap(subjects(6, 6, 6, 6, 6, 6, 6, 6), [2, 2]),
    };
    expect(computeStanding(both).outcome).toBe('RETAINED');
    expect(computeStanding({ ...both, bothFailing: 'SUMMER_TRAINING' }).outcome).toBe('SUMMER_TRAINING');
  });
});
