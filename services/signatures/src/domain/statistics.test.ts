import {
  classSubjectFigures,
  recordApprovalState,
  studentApprovalFigures,
  subjectSigningColumn,
} from './statistics';
import type { SignedScope } from './units';

const where = { schoolId: 's1', schoolYear: '2025-2026', classId: 'c1' };
const approval: SignedScope = { unit: 'STUDENT_YEAR', ...where, studentId: 'st1' };
const subject = (subjectCode: string, period: 'TERM_1' | 'TERM_2' | 'YEAR' = 'YEAR'): SignedScope => ({
  unit: 'SUBJECT',
  ...where,
  subjectCode,
  period,
});
const homeroom: SignedScope = { unit: 'CLASS_CONDUCT', ...where, period: 'YEAR' };
const signed = (scope: SignedScope, status: 'CURRENT' | 'SUPERSEDED' = 'CURRENT') => ({
  state: 'SIGNED' as const,
  status,
  scope,
});

describe("a student's year page", () => {
  it('is not approved with no approval signed (one being signed or failed does not count)', () => {
    expect(recordApprovalState([])).toBe('NOT_APPROVED');
    expect(
      recordApprovalState([
        { state: 'LOCKING', status: 'CURRENT', scope: approval },
        { state: 'FAILED', status: 'CURRENT', scope: approval },
      ]),
    ).toBe('NOT_APPROVED');
  });

  it('is approved while an approval is current, reopened when a correction superseded every one', () => {
    expect(recordApprovalState([signed(approval)])).toBe('APPROVED');
    expect(recordApprovalState([signed(approval, 'SUPERSEDED')])).toBe('REOPENED');
    // Signed again after the correction: approved, the superseded one not counted again.
    expect(recordApprovalState([signed(approval, 'SUPERSEDED'), signed(approval)])).toBe('APPROVED');
  });

  it('counts the student once, in grade and column', () => {
    expect(studentApprovalFigures(11, 'REOPENED')).toEqual([
      { table: 'recordApprovals', term: 'YEAR', grade: 11, column: 'REOPENED', value: 1 },
    ]);
  });
});

describe("a class's subject books", () => {
  const subjects = ['NGU_VAN', 'TOAN', 'VAT_LI'];

  it('are all signed when every subject has a current signature over the year', () => {
    const signatures = [
      signed(subject('TOAN')),
      signed(subject('NGU_VAN')),
      signed(subject('VAT_LI')),
      signed(homeroom),
    ];
    expect(subjectSigningColumn(subjects, signatures)).toBe('ALL_SIGNED');
  });

  it('are partly signed when some are; a term signature, a superseded one or another class subject does not count', () => {
    const signatures = [
      signed(subject('TOAN')),
      signed(subject('NGU_VAN', 'TERM_1')),
      signed(subject('VAT_LI'), 'SUPERSEDED'),
      signed(subject('TIN_HOC')),
    ];
    expect(subjectSigningColumn(subjects, signatures)).toBe('SOME_SIGNED');
  });

  it('are not signed with no current year signature, nor when the class has no subject yet', () => {
    expect(subjectSigningColumn(subjects, [signed(subject('TOAN', 'TERM_2')), signed(homeroom)])).toBe(
      'NONE_SIGNED',
    );
    expect(subjectSigningColumn([], [])).toBe('NONE_SIGNED');
  });

  it('count every student of the class in its column, and nothing for an empty class', () => {
    expect(classSubjectFigures(10, 38, 'SOME_SIGNED')).toEqual([
      { table: 'subjectSigning', term: 'YEAR', grade: 10, column: 'SOME_SIGNED', value: 38 },
    ]);
    expect(classSubjectFigures(10, 0, 'NONE_SIGNED')).toEqual([]);
  });
});
