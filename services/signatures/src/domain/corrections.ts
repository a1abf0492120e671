import { fieldProblem, type FieldProblem } from '@hocbaso/errors';
import { correctionOwnerOf, type CorrectionChange, type LockOwner } from '@hocbaso/events';
import { isCorrectionField } from './units';

/** What a teacher asks to change (bản đề nghị chỉnh sửa). */
export interface CorrectionRequestInput {
  /** Required for marks; conduct and personal data have none. */
  subjectCode: string | null;
  changes: CorrectionChange[];
  reason: string;
}

const MAX_CHANGES = 20;
const MAX_REASON = 1000;
const MAX_TEXT = 1000;
const LEVELS = ['TOT', 'KHA', 'DAT', 'CHUA_DAT'];

const isMark = (value: CorrectionChange['value']) =>
  typeof value === 'number' && value >= 0 && value <= 10 && Math.round(value * 10) === value * 10;

/** Whether a value fits its field (the owner checks the rest with its own rules when applying). */
function valueFits(field: string, value: CorrectionChange['value']): boolean {
  if (value === null) return true;
  switch (correctionOwnerOf(field)) {
    case 'academics':
      return isMark(value) || value === 'DAT' || value === 'CHUA_DAT';
    case 'conduct':
      return field === 'conduct.homeroomComment'
        ? typeof value === 'string' && value.length <= MAX_TEXT
        : typeof value === 'string' && LEVELS.includes(value);
    case 'students':
      return typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_TEXT;
    default:
      return false;
  }
}

/**
 * The owner of the values a request changes, and every problem with it: one request changes one
 * owner's values (marks of one subject, conduct, or personal data).
 */
export function checkCorrectionRequest(input: CorrectionRequestInput): {
  owner: LockOwner | null;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const reason = input.reason.trim();
  if (!reason)
    problems.push(fieldProblem('reason', 'VALIDATION_FAILED', 'Đề nghị chỉnh sửa phải nêu lí do.'));
  if (reason.length > MAX_REASON) {
    problems.push(fieldProblem('reason', 'VALIDATION_FAILED', `Lí do dài tối đa ${MAX_REASON} kí tự.`));
  }
  if (input.changes.length === 0 || input.changes.length > MAX_CHANGES) {
    problems.push(
      fieldProblem('changes', 'VALIDATION_FAILED', `Một đề nghị sửa từ 1 đến ${MAX_CHANGES} nội dung.`),
    );
  }
  input.changes.forEach((change, i) => {
    if (!isCorrectionField(change.field)) {
      problems.push(
        fieldProblem(
          `changes.${i}.field`,
          'VALIDATION_FAILED',
          'Nội dung cần sửa không hợp lệ: điểm (term1.midterm, term2.final, term1.regular.0, reassessment), ' +
            'rèn luyện (conduct.term1, conduct.term2, conduct.summer, conduct.homeroomComment) ' +
            'hoặc lí lịch (personal.fullName, personal.address, ...).',
        ),
      );
    } else if (!valueFits(change.field, change.value)) {
      const code = correctionOwnerOf(change.field) === 'academics' ? 'INVALID_SCORE' : 'VALIDATION_FAILED';
      const message =
        correctionOwnerOf(change.field) === 'conduct' && change.field !== 'conduct.homeroomComment'
          ? 'Mức rèn luyện là TOT, KHA, DAT hoặc CHUA_DAT.'
          : undefined;
      problems.push(fieldProblem(`changes.${i}.value`, code, message));
    }
  });
  const owners = [...new Set(input.changes.map((c) => correctionOwnerOf(c.field)).filter((o) => o !== null))];
  if (owners.length > 1) {
    problems.push(
      fieldProblem(
        'changes',
        'VALIDATION_FAILED',
        'Mỗi đề nghị chỉ sửa một loại nội dung: điểm của một môn, rèn luyện, hoặc lí lịch học sinh.',
      ),
    );
  }
  const owner = owners.length === 1 ? owners[0]! : null;
  if (owner === 'academics' && !input.subjectCode) {
    problems.push(fieldProblem('subjectCode', 'VALIDATION_FAILED', 'Sửa điểm cần nêu môn học.'));
  }
  return { owner, problems };
}
