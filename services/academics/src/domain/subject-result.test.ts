import type { GradebookDocument, GradebookRow, TermEntry } from '../model/gradebook.model';
import type { RosterStudentDocument } from '../model/roster.model';
import {
  learningOutcomes,
  mergeTermEntries,
  studentSubjectResults,
  termResult,
  type MergedSubjectResult,
} from './subject-result';
import { subjectRules } from './subjects';

const at = (iso: string) => new Date(iso);
const entry = (
  regular: TermEntry['regular'],
  midterm: TermEntry['midterm'],
  final: TermEntry['final'],
  recordedAt = '2025-10-01',
): TermEntry => ({
  regular,
  midterm,
  final,
  comment: null,
  recordedAt: at(recordedAt),
  recordedBy: 'gv',
});

function gradebook(classId: string, subjectCode: string, rows: GradebookRow[]): GradebookDocument {
  const rules = subjectRules(subjectCode)!;
  return {
    _id: `2025-2026/${classId}/${subjectCode}`,
    schoolId: 'truong',
    classId,
    grade: 10,
    schoolYear: '2025-2026',
    subjectCode,
    kind: rules.subject.kind,
    regularCount: rules.regularCount,
    rows,
    createdAt: at('2025-09-05'),
    updatedAt: at('2025-09-05'),
    _outbox: [],
    _outboxPending: false,
    _rev: 0,
  };
}

const row = (studentId: string, term1: TermEntry | null, term2: TermEntry | null = null): GradebookRow => ({
  studentId,
  term1,
  term2,
  reassessment: null,
  exemption: null,
});

const student = (id: string, ...classes: Array<[string, string, string | null]>): RosterStudentDocument => ({
  _id: id,
  fullName: 'Nguyễn Văn An',
  status: 'STUDYING',
  enrollments: classes.map(([classId, enrolledOn, leftOn]) => ({
    classId,
    schoolId: 'truong',
    schoolYear: '2025-2026',
    grade: 10,
    enrolledOn,
    enrolledAt: at(`${enrolledOn}T00:00:00Z`),
    leftOn,
  })),
  updatedAt: at('2025-09-05'),
});

describe('term and year results', () => {
  it('computes ĐTBmhk with the rules package: [7, 8, 9], 8, 7.5 → 7.8', () => {
    expect(termResult(entry([7, 8, 9], 8, 7.5), 'SCORE', 3)).toEqual({ average: 7.8, result: null });
  });

  it('has no result until every assessment of the term is there', () => {
    expect(termResult(entry([7, null, 9], 8, 7.5), 'SCORE', 3)).toEqual({ average: null, result: null });
    expect(termResult(entry([7, 8, 9], 8, null), 'SCORE', 3)).toEqual({ average: null, result: null });
    expect(termResult(null, 'SCORE', 3)).toEqual({ average: null, result: null });
    expect(termResult(entry(['DAT', null], 'DAT', 'DAT'), 'COMMENT', 2)).toEqual({
      average: null,
      result: null,
    });
  });

  it('gives a comment subject ĐẠT only when all its assessments are ĐẠT; the year is term II', () => {
    expect(termResult(entry(['DAT', 'DAT'], 'DAT', 'DAT'), 'COMMENT', 2).result).toBe('DAT');
    expect(termResult(entry(['DAT', 'CHUA_DAT'], 'DAT', 'DAT'), 'COMMENT', 2).result).toBe('CHUA_DAT');
    const [result] = studentSubjectResults('hs', '2025-2026', null, [
      gradebook('10A1', 'GD_THE_CHAT', [
        row('hs', entry(['CHUA_DAT', 'DAT'], 'DAT', 'DAT'), entry(['DAT', 'DAT'], 'DAT', 'DAT')),
      ]),
    ]);
    expect(result).toMatchObject({
      term1Result: { result: 'CHUA_DAT' },
      year: { result: 'DAT' },
      final: { result: 'DAT' },
    });
  });

  it('computes ĐTBmcn from the rounded term averages and lets a re-assessment replace it', () => {
    const book = gradebook('10A1', 'VAT_LI', [
      {
        ...row('hs', entry([7, 8, 9], 8, 7.5), entry([8, 8.5, 8.5], 8, 8.5)),
        reassessment: { average: 9, result: null, recordedAt: at('2026-07-20'), recordedBy: 'gv' },
      },
    ]);
    const [result] = studentSubjectResults('hs', '2025-2026', null, [book]);
    // (7.8 + 2 × 8.3) / 3 = 8.133 → 8.1
    expect(result).toMatchObject({ year: { average: 8.1 }, final: { average: 9 } });
  });
});

describe('merging a student’s gradebooks after a change of class', () => {
  const a = (rows: GradebookRow[]) => gradebook('10A1', 'TOAN', rows);
  const b = (rows: GradebookRow[]) => gradebook('10A2', 'TOAN', rows);
  const mover = student('hs', ['10A2', '2026-01-15', null], ['10A1', '2025-09-05', '2026-01-15']);

  it('takes each cell from the latest class by enrolment that has it', () => {
    const [result] = studentSubjectResults('hs', '2025-2026', mover, [
      // Given in any order: 10A2 is later by enrolment although its id sorts after.
      b([row('hs', null, entry([null, null, 9, 9], 9, 9, '2026-03-01'))]),
      a([row('hs', entry([7, 7, 7, 7], 7, 7), entry([8, 8, 5, null], null, null, '2026-01-10'))]),
    ]);
    expect(result?.sources.map((s) => s.classId)).toEqual(['10A1', '10A2']);
    expect(result?.term1).toMatchObject({ regular: [7, 7, 7, 7], midterm: 7, final: 7 });
    // 10A2 wins where it has a value (TX3), 10A1 fills the rest.
    expect(result?.term2).toMatchObject({
      regular: [8, 8, 9, 9],
      midterm: 9,
      final: 9,
      recordedAt: at('2026-03-01'),
    });
    expect(result?.term2Result.average).toBe(8.8);
    expect(result?.year.average).toBe(8.2);
  });

  it('orders classes the roster does not know first, and merges comments the same way', () => {
    const withComment = (progress: string) => ({
      ...entry([6, 6, 6, 6], 6, 6),
      comment: { progress, strengths: null, limitations: null },
    });
    const merged = mergeTermEntries(
      [withComment('cũ'), { ...entry([null, null, null, null], null, null), comment: null }],
      4,
    );
    expect(merged?.comment?.progress).toBe('cũ');
    const [result] = studentSubjectResults('hs', '2025-2026', student('hs', ['10A2', '2025-09-05', null]), [
      b([row('hs', withComment('mới'))]),
      a([row('hs', withComment('cũ'))]),
    ]);
    expect(result?.sources.map((s) => s.classId)).toEqual(['10A1', '10A2']);
    expect(result?.term1?.comment?.progress).toBe('mới');
  });

  it('shows the latest exemption record, so a cancellation wins over an earlier exemption', () => {
    const exemption = (cancelled: boolean, recordedAt: string) => ({
      part: 'PRACTICAL' as const,
      period: 'YEAR' as const,
      reason: 'Ốm',
      cancelled,
      recordedAt: at(recordedAt),
      recordedBy: 'gvcn',
    });
    const books = (later: boolean) => [
      a([{ ...row('hs', null), exemption: exemption(false, '2025-10-01') }]),
      b([{ ...row('hs', null), exemption: later ? exemption(true, '2026-02-01') : null }]),
    ];
    expect(studentSubjectResults('hs', '2025-2026', mover, books(false))[0]?.exemption?.period).toBe('YEAR');
    expect(studentSubjectResults('hs', '2025-2026', mover, books(true))[0]?.exemption).toBeNull();
  });
});

describe('learning results', () => {
  const scored = (code: string, average: number): MergedSubjectResult => {
    const result = { average, result: null };
    return {
      studentId: 'hs',
      subjectCode: code,
      schoolYear: '2025-2026',
      kind: 'SCORE',
      regularCount: 4,
      sources: [],
      term1: null,
      term2: null,
      reassessment: null,
      exemption: null,
      term1Result: result,
      term2Result: result,
      year: result,
      final: result,
      corrections: 0,
    };
  };
  const codes = ['NGU_VAN', 'TOAN', 'NGOAI_NGU_1', 'LICH_SU', 'GDQP_AN', 'VAT_LI', 'HOA_HOC', 'SINH_HOC'];

  it('computes each period with the rules package and names the subjects to re-take', () => {
    const results = codes.map((code) => scored(code, code === 'TOAN' ? 3 : code === 'VAT_LI' ? 4.5 : 6));
    const [term1, term2, year] = learningOutcomes(results);
    expect(term1).toMatchObject({ period: 'TERM_1', level: 'CHUA_DAT', complete: true, subjectCount: 8 });
    expect(term2?.reassessmentSubjects).toEqual([]);
    expect(year).toMatchObject({ period: 'YEAR', level: 'CHUA_DAT', levelBeforeReassessment: 'CHUA_DAT' });
    expect(year?.reassessmentSubjects).toEqual(['TOAN', 'VAT_LI']);
  });

  it('recomputes the year after a re-assessment and keeps the level before it', () => {
    const results = codes.map((code) => {
      const r = scored(code, code === 'TOAN' ? 3 : 6);
      return code === 'TOAN' ? { ...r, final: { average: 5.5, result: null } } : r;
    });
    const year = learningOutcomes(results)[2];
    expect(year).toMatchObject({
      level: 'DAT',
      levelBeforeReassessment: 'CHUA_DAT',
      reassessmentSubjects: ['TOAN'],
    });
  });

  it('has no level while a subject is incomplete, nor without subjects', () => {
    const results = codes.map((code) => scored(code, 8));
    results[0] = {
      ...results[0]!,
      year: { average: null, result: null },
      final: { average: null, result: null },
    };
    expect(learningOutcomes(results)[2]).toMatchObject({ level: null, complete: false });
    expect(learningOutcomes([])[0]).toMatchObject({ level: null, complete: false, subjectCount: 0 });
  });
});
