import { validateGradebookRows, type GradebookRowInput } from './gradebook-validation';
import { subjectRules } from './subjects';

const rules = (code: string) => {
  const found = subjectRules(code);
  if (!found) throw new Error(code);
  return found;
};
const members = new Set(['hs-1', 'hs-2', 'hs-3']);
const validate = (code: string, rows: GradebookRowInput[]) =>
  validateGradebookRows({ rules: rules(code), schoolYear: '2025-2026', members, rows });
const cells = (result: ReturnType<typeof validate>) =>
  result.errors.map(({ row, studentId, column, code }) => [row, studentId, column, code]);

describe('validateGradebookRows', () => {
  it('accepts a complete scored row and normalises absent marks to null', () => {
    const result = validate('TOAN', [
      { studentId: 'hs-1', regular: [7, 8, 9, 10], midterm: 8, final: 7.5 },
      { studentId: ' hs-2 ', regular: [6, null, null, null] },
      { studentId: 'hs-3' },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      { studentId: 'hs-1', regular: [7, 8, 9, 10], midterm: 8, final: 7.5, comment: undefined },
      { studentId: 'hs-2', regular: [6, null, null, null], midterm: null, final: null, comment: undefined },
      {
        studentId: 'hs-3',
        regular: [null, null, null, null],
        midterm: null,
        final: null,
        comment: undefined,
      },
    ]);
  });

  it('needs exactly the subject’s number of regular assessments (2, 3 or 4 by its periods)', () => {
    expect(validate('GDQP_AN', [{ studentId: 'hs-1', regular: [7, 8] }]).errors).toEqual([]); // 35 periods: 2
    expect(validate('VAT_LI', [{ studentId: 'hs-1', regular: [7, 8, 9] }]).errors).toEqual([]); // 70: 3
    expect(validate('TOAN', [{ studentId: 'hs-1', regular: [7, 8, 9, 9] }]).errors).toEqual([]); // 105: 4
    const wrong = validate('TOAN', [{ studentId: 'hs-1', regular: [7, 8, 9] }]);
    expect(cells(wrong)).toEqual([[0, 'hs-1', 'regular', 'INVALID_ASSESSMENT_COUNT']]);
    expect(wrong.errors[0]?.message).toContain('đúng 4');
    expect(wrong.rows).toEqual([]);
  });

  it('lists every bad cell of every row, and returns no rows then', () => {
    const result = validate('VAT_LI', [
      { studentId: 'hs-1', regular: [10.5, 7.25, 8], midterm: -1, final: Number.NaN },
      { studentId: 'la', regular: [7, 8, 9], midterm: 11, final: 8 },
      { studentId: 'hs-2', regular: [7, 8, 9], midterm: 8, final: 8 },
      { studentId: 'hs-2', regular: [7, 8, 9], midterm: 8, final: 8 },
      { studentId: '', regular: ['bảy', 8, 9] },
    ]);
    expect(cells(result)).toEqual([
      [0, 'hs-1', 'regular[0]', 'INVALID_SCORE'],
      [0, 'hs-1', 'regular[1]', 'INVALID_SCORE'],
      [0, 'hs-1', 'midterm', 'INVALID_SCORE'],
      [0, 'hs-1', 'final', 'INVALID_SCORE'],
      [1, 'la', 'studentId', 'STUDENT_NOT_IN_CLASS'],
      [1, 'la', 'midterm', 'INVALID_SCORE'],
      [3, 'hs-2', 'studentId', 'DUPLICATE_STUDENT_ROW'],
      [4, null, 'studentId', 'VALIDATION_FAILED'],
      [4, null, 'regular[0]', 'INVALID_SCORE'],
    ]);
    expect(result.errors[0]?.message).toMatch(/10,5.*nằm ngoài thang điểm/);
    expect(result.errors[1]?.message).toMatch(/7,25.*nhiều hơn một chữ số/);
    expect(result.errors[6]?.message).toContain('dòng 3');
    expect(result.rows).toEqual([]);
  });

  it('takes ĐẠT / CHƯA ĐẠT for a comment subject and refuses marks, and the reverse', () => {
    const ok = validate('GD_THE_CHAT', [
      { studentId: 'hs-1', regularResults: ['DAT', 'CHUA_DAT'], midtermResult: 'DAT', finalResult: null },
    ]);
    expect(ok.rows).toEqual([
      { studentId: 'hs-1', regular: ['DAT', 'CHUA_DAT'], midterm: 'DAT', final: null, comment: undefined },
    ]);
    const mixed = validate('GD_THE_CHAT', [
      {
        studentId: 'hs-1',
        regular: [7, 8],
        regularResults: ['DAT', 'Tốt', 'DAT'],
        final: 9,
        finalResult: 'X',
      },
    ]);
    expect(cells(mixed)).toEqual([
      [0, 'hs-1', 'regular', 'ASSESSMENT_KIND_MISMATCH'],
      [0, 'hs-1', 'final', 'ASSESSMENT_KIND_MISMATCH'],
      [0, 'hs-1', 'regularResults', 'INVALID_ASSESSMENT_COUNT'],
      [0, 'hs-1', 'regularResults[1]', 'INVALID_ASSESSMENT_RESULT'],
      [0, 'hs-1', 'finalResult', 'INVALID_ASSESSMENT_RESULT'],
    ]);
    const scored = validate('TOAN', [
      { studentId: 'hs-1', regularResults: [null, null], midtermResult: 'DAT' },
    ]);
    expect(cells(scored)).toEqual([[0, 'hs-1', 'midtermResult', 'ASSESSMENT_KIND_MISMATCH']]);
  });

  it('keeps, clears or replaces the comment, and bounds its length', () => {
    const result = validate('TOAN', [
      { studentId: 'hs-1', comment: null },
      { studentId: 'hs-2', comment: { progress: ' Tiến bộ ', strengths: '', limitations: undefined } },
    ]);
    expect(result.rows.map((r) => r.comment)).toEqual([
      null,
      { progress: 'Tiến bộ', strengths: null, limitations: null },
    ]);
    const long = validate('TOAN', [{ studentId: 'hs-1', comment: { limitations: 'x'.repeat(1001) } }]);
    expect(cells(long)).toEqual([[0, 'hs-1', 'comment.limitations', 'VALIDATION_FAILED']]);
  });
});
