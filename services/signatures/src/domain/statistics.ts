import type { Figure, StatisticsTableDefinition } from '@hocbaso/statistics';
import type { SignedScope } from './units';

/**
 * Signatures' dashboard tables (issue 7), for the school year: every student of a class counted
 * once per table. No figure names a student; the reader suppresses small cells.
 */
export type RecordApprovalState = 'NOT_APPROVED' | 'APPROVED' | 'REOPENED';
export type SubjectSigningColumn = 'ALL_SIGNED' | 'SOME_SIGNED' | 'NONE_SIGNED';

/** Duyệt học bạ: students by the state of their record book's year page. */
export const RECORD_APPROVALS_TABLE: StatisticsTableDefinition = {
  name: 'recordApprovals',
  title: 'Duyệt học bạ',
  terms: ['YEAR'],
  columns: [
    { key: 'NOT_APPROVED', label: 'Chưa phê duyệt' },
    { key: 'APPROVED', label: 'Đã phê duyệt (đã khóa)' },
    { key: 'REOPENED', label: 'Mở lại để chỉnh sửa' },
  ],
  totalLabel: 'Tổng số học sinh',
};

/**
 * Ký sổ điểm: students by how far their class's subject books are signed for the year. Every
 * student of a class falls in the class's column, so the columns partition the students; a class
 * with no subject yet (nothing taught or entered) has none signed.
 */
export const SUBJECT_SIGNING_TABLE: StatisticsTableDefinition = {
  name: 'subjectSigning',
  title: 'Ký sổ điểm các môn học',
  terms: ['YEAR'],
  columns: [
    { key: 'ALL_SIGNED', label: 'Lớp đã ký đủ các môn' },
    { key: 'SOME_SIGNED', label: 'Lớp đã ký một số môn' },
    { key: 'NONE_SIGNED', label: 'Lớp chưa ký môn nào' },
  ],
  totalLabel: 'Tổng số học sinh',
};

interface SignatureFacts {
  state: 'LOCKING' | 'SIGNED' | 'FAILED';
  status: 'CURRENT' | 'SUPERSEDED';
  scope: SignedScope;
}

const isCurrent = (s: SignatureFacts) => s.state === 'SIGNED' && s.status === 'CURRENT';

/**
 * A student's year page from the student's signatures of that year: APPROVED while an approval is
 * current, REOPENED when every approval was superseded by a correction (the chain signs again),
 * NOT_APPROVED when none was ever made.
 */
export function recordApprovalState(signatures: readonly SignatureFacts[]): RecordApprovalState {
  const approvals = signatures.filter((s) => s.state === 'SIGNED' && s.scope.unit === 'STUDENT_YEAR');
  if (approvals.some(isCurrent)) return 'APPROVED';
  return approvals.length > 0 ? 'REOPENED' : 'NOT_APPROVED';
}

export function studentApprovalFigures(grade: number, state: RecordApprovalState): Figure[] {
  return [{ table: RECORD_APPROVALS_TABLE.name, term: 'YEAR', grade, column: state, value: 1 }];
}

/** How many of the class's subjects have a current signature over the year. */
export function subjectSigningColumn(
  subjects: readonly string[],
  classSignatures: readonly SignatureFacts[],
): SubjectSigningColumn {
  const signed = new Set(
    classSignatures.flatMap((s) =>
      isCurrent(s) && s.scope.unit === 'SUBJECT' && s.scope.period === 'YEAR' ? [s.scope.subjectCode] : [],
    ),
  );
  const count = subjects.filter((code) => signed.has(code)).length;
  if (subjects.length > 0 && count === subjects.length) return 'ALL_SIGNED';
  return count > 0 ? 'SOME_SIGNED' : 'NONE_SIGNED';
}

/** The class's students, all in the class's column. */
export function classSubjectFigures(grade: number, students: number, column: SubjectSigningColumn): Figure[] {
  return students > 0
    ? [{ table: SUBJECT_SIGNING_TABLE.name, term: 'YEAR', grade, column, value: students }]
    : [];
}
