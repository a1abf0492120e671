import { checkCorrectionRequest } from './corrections';

const request = (
  changes: Array<{ field: string; value: number | string | null }>,
  subjectCode: string | null = null,
) => ({
  subjectCode,
  changes,
  reason: 'Nhập nhầm',
});
const fields = (r: ReturnType<typeof checkCorrectionRequest>) =>
  r.problems.map((p) => `${p.field}:${p.code}`);

describe('a correction request names one owner’s values, each fitting its field', () => {
  it('takes marks of a subject, conduct levels and texts, and personal texts', () => {
    expect(checkCorrectionRequest(request([{ field: 'term2.final', value: 9.5 }], 'TOAN'))).toEqual({
      owner: 'academics',
      problems: [],
    });
    expect(
      checkCorrectionRequest(
        request([
          { field: 'conduct.term2', value: 'KHA' },
          { field: 'conduct.homeroomComment', value: 'Chăm ngoan' },
        ]),
      ),
    ).toEqual({ owner: 'conduct', problems: [] });
    expect(checkCorrectionRequest(request([{ field: 'personal.address', value: 'Số 1, Hà Nội' }]))).toEqual({
      owner: 'students',
      problems: [],
    });
  });

  it('refuses marks without a subject, a mark out of range, a level that is not one', () => {
    expect(fields(checkCorrectionRequest(request([{ field: 'term1.midterm', value: 7 }])))).toEqual([
      'subjectCode:VALIDATION_FAILED',
    ]);
    expect(
      fields(checkCorrectionRequest(request([{ field: 'term1.midterm', value: 10.5 }], 'TOAN'))),
    ).toEqual(['changes.0.value:INVALID_SCORE']);
    expect(fields(checkCorrectionRequest(request([{ field: 'conduct.term1', value: 'GIOI' }])))).toEqual([
      'changes.0.value:VALIDATION_FAILED',
    ]);
    expect(fields(checkCorrectionRequest(request([{ field: 'personal.fullName', value: 5 }])))).toEqual([
      'changes.0.value:VALIDATION_FAILED',
    ]);
  });

  it('refuses a request mixing owners, an unknown field, no change and no reason', () => {
    const mixed = checkCorrectionRequest(
      request(
        [
          { field: 'term1.final', value: 8 },
          { field: 'conduct.term1', value: 'TOT' },
        ],
        'TOAN',
      ),
    );
    expect(mixed.owner).toBeNull();
    expect(fields(mixed)).toEqual(['changes:VALIDATION_FAILED']);
    expect(fields(checkCorrectionRequest(request([{ field: 'personal.$where', value: 'x' }])))).toEqual([
      'changes.0.field:VALIDATION_FAILED',
    ]);
    expect(fields(checkCorrectionRequest({ subjectCode: null, changes: [], reason: '  ' }))).toEqual([
      'reason:VALIDATION_FAILED',
      'changes:VALIDATION_FAILED',
    ]);
  });
});
