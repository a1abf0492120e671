import type { GradebookRow, TermEntry } from '../model/gradebook.model';
import { parseCorrectionField, planCorrection, type CorrectionValue } from './corrections';
import { subjectRules, type SubjectRules } from './subjects';

const YEAR = '2025-2026';
const ENTERED = new Date('2025-12-20T08:00:00.000Z');
const CORRECTED = new Date('2026-06-10T09:30:00.000Z');
const TOAN = subjectRules('TOAN') as SubjectRules;
const GDTC = subjectRules('GD_THE_CHAT') as SubjectRules;

const comment = { progress: 'Tiến bộ', strengths: null, limitations: null };
const entry = (
  regular: TermEntry['regular'],
  midterm: TermEntry['midterm'],
  final: TermEntry['final'],
): TermEntry => ({
  regular,
  midterm,
  final,
  comment,
  recordedAt: ENTERED,
  recordedBy: 'gv-toan',
});

const scoredRow: GradebookRow = {
  studentId: 'hs-1',
  term1: entry([7, 8, 9, 6], 8, 7),
  term2: null,
  reassessment: null,
  exemption: null,
};

const plan = (changes: Array<{ field: string; value: CorrectionValue }>, rules = TOAN, row = scoredRow) =>
  planCorrection({ rules, schoolYear: YEAR, row, changes, at: CORRECTED, by: 'admin-1' });

describe('correction fields', () => {
  it('names a term’s regular assessment (0-based), mid-term, end-of-term, or the re-assessment', () => {
    expect(parseCorrectionField('term1.regular.0')).toEqual({
      field: 'term1.regular.0',
      term: 'term1',
      part: 'regular',
      index: 0,
    });
    expect(parseCorrectionField('term2.regular.3')).toMatchObject({ term: 'term2', index: 3 });
    expect(parseCorrectionField('term2.midterm')).toEqual({
      field: 'term2.midterm',
      term: 'term2',
      part: 'midterm',
    });
    expect(parseCorrectionField('term1.final')).toMatchObject({ part: 'final' });
    expect(parseCorrectionField('reassessment')).toEqual({ field: 'reassessment', part: 'reassessment' });
  });

  it('knows nothing else', () => {
    for (const field of [
      '',
      'term3.final',
      'term1.regular.-1',
      'term1.regular.01',
      'term1.comment',
      'term1',
      'final',
    ])
      expect(parseCorrectionField(field)).toBeNull();
  });
});

describe('planning a correction', () => {
  it('changes exactly the fields asked, keeps the comment, and lists each value before and after', () => {
    const result = plan([
      { field: 'term1.regular.2', value: 8.5 },
      { field: 'term1.final', value: 7.5 },
    ]);
    expect(result).toEqual({
      ok: true,
      row: {
        ...scoredRow,
        term1: {
          regular: [7, 8, 8.5, 6],
          midterm: 8,
          final: 7.5,
          comment,
          recordedAt: CORRECTED,
          recordedBy: 'admin-1',
        },
      },
      changes: [
        { field: 'term1.regular.2', before: 9, after: 8.5 },
        { field: 'term1.final', before: 7, after: 7.5 },
      ],
      terms: ['term1'],
      reassessment: false,
    });
  });

  it('fills a term not entered yet, leaving its other assessments empty', () => {
    const result = plan([{ field: 'term2.midterm', value: 6 }]);
    expect(result).toMatchObject({
      ok: true,
      row: { term2: { regular: [null, null, null, null], midterm: 6, final: null, comment: null } },
      changes: [{ field: 'term2.midterm', before: null, after: 6 }],
      terms: ['term2'],
    });
  });

  it('clears a value with null, and lists the terms in the order asked', () => {
    const row = { ...scoredRow, term2: entry([5, 5, 5, 5], 5, 5) };
    const result = plan(
      [
        { field: 'term2.regular.0', value: null },
        { field: 'term1.midterm', value: 9 },
      ],
      TOAN,
      row,
    );
    expect(result).toMatchObject({
      ok: true,
      row: { term1: { midterm: 9 }, term2: { regular: [null, 5, 5, 5] } },
      terms: ['term2', 'term1'],
    });
  });

  it('refuses every bad value with the subject’s rules, naming each field, and changes nothing', () => {
    const result = plan([
      { field: 'term1.regular.0', value: 10.5 },
      { field: 'term1.midterm', value: 7.25 },
      { field: 'term1.final', value: 'DAT' },
    ]);
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    if (result.ok) return;
    expect(result.details).toHaveLength(3);
    expect(result.details[0]).toMatch(/^term1\.regular\.0: .*nằm ngoài thang điểm/);
    expect(result.details[1]).toMatch(/^term1\.midterm: .*nhiều hơn một chữ số sau dấu phẩy/);
    expect(result.details[2]).toMatch(/^term1\.final: /);
    expect(result.message).toContain('không có gì được sửa');
  });

  it('refuses unknown fields, a regular assessment the subject does not have, and a field given twice', () => {
    // Toán (105 periods) has 4 regular assessments a term: regular.0 to regular.3.
    const result = plan([
      { field: 'term1.comment', value: 'x' },
      { field: 'term1.regular.4', value: 7 },
      { field: 'term2.final', value: 7 },
      { field: 'term2.final', value: 8 },
    ]);
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    if (result.ok) return;
    expect(result.details.map((d) => d.split(':')[0])).toEqual([
      'term1.comment',
      'term1.regular.4',
      'term2.final',
    ]);
  });

  it('takes ĐẠT / CHƯA ĐẠT for a comment subject and refuses a mark', () => {
    const row: GradebookRow = { ...scoredRow, term1: entry(['DAT', 'DAT'], 'DAT', 'CHUA_DAT') };
    expect(plan([{ field: 'term1.final', value: 'DAT' }], GDTC, row)).toMatchObject({
      ok: true,
      changes: [{ field: 'term1.final', before: 'CHUA_DAT', after: 'DAT' }],
    });
    expect(plan([{ field: 'term1.final', value: 7 }], GDTC, row)).toMatchObject({
      ok: false,
      details: [expect.stringMatching(/^term1\.final: /)],
    });
  });

  it('corrects, records or clears the summer re-assessment', () => {
    const reassessed: GradebookRow = {
      ...scoredRow,
      reassessment: { average: 4, result: null, recordedAt: ENTERED, recordedBy: 'gv-toan' },
    };
    expect(plan([{ field: 'reassessment', value: 5.5 }], TOAN, reassessed)).toMatchObject({
      ok: true,
      row: { reassessment: { average: 5.5, result: null, recordedAt: CORRECTED, recordedBy: 'admin-1' } },
      changes: [{ field: 'reassessment', before: 4, after: 5.5 }],
      terms: [],
      reassessment: true,
    });
    expect(plan([{ field: 'reassessment', value: null }], TOAN, reassessed)).toMatchObject({
      ok: true,
      row: { reassessment: null },
      changes: [{ field: 'reassessment', before: 4, after: null }],
    });
    expect(plan([{ field: 'reassessment', value: 11 }], TOAN, reassessed)).toMatchObject({ ok: false });
    expect(plan([{ field: 'reassessment', value: 'DAT' }], GDTC)).toMatchObject({
      ok: true,
      changes: [{ field: 'reassessment', before: null, after: 'DAT' }],
    });
    expect(plan([{ field: 'reassessment', value: 'GIOI' }], GDTC)).toMatchObject({ ok: false });
  });
});
