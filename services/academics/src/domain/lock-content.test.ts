import type { LockScope } from '@hocbaso/events';
import type { GradebookDocument, GradebookRow, Mark, TermEntry } from '../model/gradebook.model';
import { byCodeUnits, studentYearLockContent, subjectLockDecision } from './lock-content';
import { studentSubjectResults, type MergedSubjectResult } from './subject-result';

const YEAR = '2025-2026';
const AT = new Date('2025-12-20T08:00:00.000Z');

const term = (
  regular: Array<Mark | null>,
  midterm: Mark | null,
  final: Mark | null,
  withComment = false,
): TermEntry => ({
  regular,
  midterm,
  final,
  comment: withComment ? { progress: 'Tiến bộ rõ', strengths: null, limitations: 'Cẩn thận hơn' } : null,
  recordedAt: AT,
  recordedBy: 'gv-toan',
});

const row = (studentId: string, parts: Partial<GradebookRow> = {}): GradebookRow => ({
  studentId,
  term1: null,
  term2: null,
  reassessment: null,
  exemption: null,
  ...parts,
});

function gradebook(subjectCode: string, kind: 'SCORE' | 'COMMENT', rows: GradebookRow[]): GradebookDocument {
  return {
    _id: `${YEAR}/10A1/${subjectCode}`,
    schoolId: 'school-1',
    classId: '10A1',
    grade: 10,
    schoolYear: YEAR,
    subjectCode,
    kind,
    regularCount: kind === 'SCORE' ? 4 : 2,
    rows,
    createdAt: AT,
    updatedAt: AT,
    _outbox: [],
    _outboxPending: false,
    _rev: 0,
  };
}

/** Each student's merged result in the subject of these gradebooks. */
function resultsOf(books: GradebookDocument[], studentIds: string[]): Map<string, MergedSubjectResult> {
  const results = new Map<string, MergedSubjectResult>();
  for (const id of studentIds) {
    const [result] = studentSubjectResults(id, YEAR, null, books);
    if (result) results.set(id, result);
  }
  return results;
}

const subjectScope = (period: 'TERM_1' | 'TERM_2' | 'YEAR', subjectCode = 'TOAN') =>
  ({
    unit: 'SUBJECT',
    schoolId: 'school-1',
    schoolYear: YEAR,
    period,
    classId: '10A1',
    subjectCode,
  }) as Extract<LockScope, { unit: 'SUBJECT' }>;

const TOAN = { name: 'Toán', kind: 'SCORE' as const };

// hs-b: term I (30 + 2×8 + 3×7) / 9 = 7.44 → 7.4; term II (32 + 2×9 + 3×10) / 9 = 8.89 → 8.9;
// year (7.4 + 2×8.9) / 3 = 8.4. hs-a: 5 everywhere, so 5.0 both terms and the year.
const toan = gradebook('TOAN', 'SCORE', [
  row('hs-b', { term1: term([7, 8, 9, 6], 8, 7, true), term2: term([8, 8, 8, 8], 9, 10) }),
  row('hs-a', { term1: term([5, 5, 5, 5], 5, 5), term2: term([5, 5, 5, 5], 5, 5) }),
]);

describe('SUBJECT lock content', () => {
  it('gives a term’s marks, result and comment of every student, by student id', () => {
    const decision = subjectLockDecision({
      scope: subjectScope('TERM_1'),
      subject: TOAN,
      studentIds: ['hs-b', 'hs-a'],
      results: resultsOf([toan], ['hs-a', 'hs-b']),
    });
    expect(decision).toEqual({
      outcome: 'APPLIED',
      content: {
        schoolYear: YEAR,
        classId: '10A1',
        subjectCode: 'TOAN',
        subjectName: 'Toán',
        kind: 'SCORE',
        period: 'TERM_1',
        students: [
          {
            studentId: 'hs-a',
            term1: { regular: [5, 5, 5, 5], midterm: 5, final: 5, average: 5, result: null, comment: null },
          },
          {
            studentId: 'hs-b',
            term1: {
              regular: [7, 8, 9, 6],
              midterm: 8,
              final: 7,
              average: 7.4,
              result: null,
              comment: { progress: 'Tiến bộ rõ', strengths: null, limitations: 'Cẩn thận hơn' },
            },
          },
        ],
      },
    });
  });

  it('gives both terms and the year for a YEAR lock, as plain JSON', () => {
    const decision = subjectLockDecision({
      scope: subjectScope('YEAR'),
      subject: TOAN,
      studentIds: ['hs-b'],
      results: resultsOf([toan], ['hs-b']),
    });
    expect(decision.outcome).toBe('APPLIED');
    const content = (decision as { content: { students: Array<Record<string, unknown>> } }).content;
    expect(content.students[0]).toMatchObject({
      studentId: 'hs-b',
      term1: { average: 7.4 },
      term2: { regular: [8, 8, 8, 8], midterm: 9, final: 10, average: 8.9, result: null, comment: null },
      year: { average: 8.4, result: null },
    });
    // What signatures signs: no dates, no undefined, nothing JSON would change.
    expect(JSON.parse(JSON.stringify(content))).toEqual(content);
  });

  it('is refused with SUBJECT_INCOMPLETE naming every student without a complete result', () => {
    const book = gradebook('TOAN', 'SCORE', [
      row('hs-a', { term1: term([5, 5, 5, 5], 5, 5), term2: term([5, 5, 5, 5], 5, 5) }),
      row('hs-c', { term1: term([5, 5, 5, 5], 5, 5), term2: term([5, 5, 5, 5], 5, null) }),
    ]);
    const decide = (period: 'TERM_1' | 'YEAR') =>
      subjectLockDecision({
        scope: subjectScope(period),
        subject: TOAN,
        studentIds: ['hs-d', 'hs-c', 'hs-a'],
        results: resultsOf([book], ['hs-a', 'hs-c', 'hs-d']),
      });
    expect(decide('YEAR')).toEqual({
      outcome: 'REFUSED',
      code: 'SUBJECT_INCOMPLETE',
      message: expect.stringContaining('còn 2 học sinh'),
      details: ['hs-c', 'hs-d'],
    });
    expect(decide('TERM_1')).toMatchObject({ outcome: 'REFUSED', details: ['hs-d'] });
  });

  it('is refused for a class without students', () => {
    expect(
      subjectLockDecision({
        scope: subjectScope('TERM_1'),
        subject: TOAN,
        studentIds: [],
        results: new Map(),
      }),
    ).toMatchObject({ outcome: 'REFUSED', code: 'SUBJECT_INCOMPLETE', details: [] });
  });

  it('gives a comment subject’s ĐẠT / CHƯA ĐẠT', () => {
    const book = gradebook('GD_THE_CHAT', 'COMMENT', [
      row('hs-a', { term2: term(['DAT', 'DAT'], 'DAT', 'DAT') }),
    ]);
    const decision = subjectLockDecision({
      scope: subjectScope('TERM_2', 'GD_THE_CHAT'),
      subject: { name: 'Giáo dục thể chất', kind: 'COMMENT' },
      studentIds: ['hs-a'],
      results: resultsOf([book], ['hs-a']),
    });
    expect(decision).toMatchObject({
      outcome: 'APPLIED',
      content: {
        kind: 'COMMENT',
        students: [
          {
            studentId: 'hs-a',
            term2: { regular: ['DAT', 'DAT'], midterm: 'DAT', final: 'DAT', average: null, result: 'DAT' },
          },
        ],
      },
    });
  });
});

describe('STUDENT_YEAR lock content', () => {
  it('lists every subject by code with terms, year, re-assessment and the exemption without its reason', () => {
    const exempted = gradebook('GD_THE_CHAT', 'COMMENT', [
      row('hs-b', {
        term1: term(['DAT', 'DAT'], 'DAT', 'DAT'),
        exemption: {
          part: 'PRACTICAL',
          period: 'TERM_1',
          reason: 'Gãy tay (giấy khám bệnh viện)',
          cancelled: false,
          recordedAt: AT,
          recordedBy: 'gvcn',
        },
      }),
    ]);
    const toanWithSummer = gradebook('TOAN', 'SCORE', [
      row('hs-b', {
        term1: term([2, 3, 2, 3], 3, 2),
        term2: term([3, 3, 3, 3], 3, 3),
        reassessment: { average: 6, result: null, recordedAt: AT, recordedBy: 'gv-toan' },
      }),
    ]);
    const results = studentSubjectResults('hs-b', YEAR, null, [toanWithSummer, exempted]);
    const content = studentYearLockContent(
      { unit: 'STUDENT_YEAR', schoolId: 'school-1', schoolYear: YEAR, classId: '10A1', studentId: 'hs-b' },
      results,
    );
    // Term I (10 + 6 + 6) / 9 = 2.4; term II (12 + 6 + 9) / 9 = 3.0; year (2.4 + 6.0) / 3 = 2.8.
    expect(content).toEqual({
      schoolYear: YEAR,
      studentId: 'hs-b',
      subjects: [
        {
          subjectCode: 'GD_THE_CHAT',
          kind: 'COMMENT',
          term1: {
            regular: ['DAT', 'DAT'],
            midterm: 'DAT',
            final: 'DAT',
            average: null,
            result: 'DAT',
            comment: null,
          },
          term2: null,
          year: { average: null, result: null },
          reassessment: null,
          exemption: { period: 'TERM_1' },
        },
        {
          subjectCode: 'TOAN',
          kind: 'SCORE',
          term1: { regular: [2, 3, 2, 3], midterm: 3, final: 2, average: 2.4, result: null, comment: null },
          term2: { regular: [3, 3, 3, 3], midterm: 3, final: 3, average: 3, result: null, comment: null },
          year: { average: 2.8, result: null },
          reassessment: { average: 6, result: null },
          exemption: null,
        },
      ],
    });
    expect(JSON.stringify(content)).not.toContain('Gãy tay');
  });
});

describe('the stable order', () => {
  it('is by code units, not by locale', () => {
    expect(['b', 'B', 'a', 'A', '_'].sort(byCodeUnits)).toEqual(['A', 'B', '_', 'a', 'b']);
  });
});
