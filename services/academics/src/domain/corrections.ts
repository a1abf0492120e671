/**
 * A correction of one student's marks in one subject (R8), applied on signatures' request once the
 * principal approved it, even though the data is locked. Pure: which fields, whether the values
 * obey the subject's rules (the same validation as a gradebook entry), and the row afterwards.
 *
 * Fields: `term1.regular.<i>` (0-based: `term1.regular.0` is TX1), `term1.midterm`, `term1.final`,
 * the same for `term2`, and `reassessment` (kiểm tra lại). Values: a mark of 0-10 with at most one
 * decimal for a scored subject, 'DAT' / 'CHUA_DAT' for a comment subject, null to clear.
 */
import { isAssessmentError, scoreToTenths } from '@hocbaso/assessment';
import type { ErrorCode } from '@hocbaso/errors';
import type { GradebookRow, Mark, ReassessmentRecord, TermEntry, TermKey } from '../model/gradebook.model';
import { isPass, validateGradebookRows, type GradebookRowInput } from './gradebook-validation';
import type { SubjectRules } from './subjects';

export type CorrectionValue = number | string | null;

export type CorrectionTarget =
  | { field: string; term: TermKey; part: 'regular'; index: number }
  | { field: string; term: TermKey; part: 'midterm' | 'final' }
  | { field: string; part: 'reassessment' };

export interface CorrectedValue {
  field: string;
  before: Mark | null;
  after: Mark | null;
}

export type CorrectionPlan =
  | {
      ok: true;
      /** The student's row afterwards. */
      row: GradebookRow;
      /** Every field, in the order asked, with its value before and after. */
      changes: CorrectedValue[];
      /** The terms whose marks changed, in order, and whether the re-assessment did. */
      terms: TermKey[];
      reassessment: boolean;
    }
  | { ok: false; code: ErrorCode; message: string; details: string[] };

const FIELD = /^(term1|term2)\.(?:regular\.(0|[1-9]\d*)|(midterm|final))$/;

/** The target of a field name, or null when the name is not one of the fields above. */
export function parseCorrectionField(field: string): CorrectionTarget | null {
  if (field === 'reassessment') return { field, part: 'reassessment' };
  const match = FIELD.exec(field);
  if (!match) return null;
  const term = match[1] as TermKey;
  if (match[3]) return { field, term, part: match[3] as 'midterm' | 'final' };
  return { field, term, part: 'regular', index: Number(match[2]) };
}

const FIELD_HINT =
  'Các trường được sửa: term1.regular.<i> (i từ 0), term1.midterm, term1.final, tương tự với term2, và reassessment.';

/** `regular[2]` / `regularResults[2]` / `midtermResult` (a validation column) back to the field name. */
function fieldOfColumn(term: TermKey, column: string): string {
  const regular = /^regular(?:Results)?\[(\d+)\]$/.exec(column);
  if (regular) return `${term}.regular.${regular[1]}`;
  if (column.startsWith('midterm')) return `${term}.midterm`;
  if (column.startsWith('final')) return `${term}.final`;
  return `${term}.${column}`;
}

function emptyEntry(regularCount: number, at: Date, by: string | null): TermEntry {
  return {
    regular: Array.from({ length: regularCount }, () => null),
    midterm: null,
    final: null,
    comment: null,
    recordedAt: at,
    recordedBy: by,
  };
}

const valueOf = (entry: TermEntry | null, target: Exclude<CorrectionTarget, { part: 'reassessment' }>) =>
  !entry
    ? null
    : target.part === 'regular'
      ? (entry.regular[target.index] ?? null)
      : target.part === 'midterm'
        ? entry.midterm
        : entry.final;

/**
 * Validates the requested changes against the subject's rules and returns the row afterwards, or
 * every problem (VALIDATION_FAILED, details `field: message`). Nothing outside the fields changes.
 */
export function planCorrection(input: {
  rules: SubjectRules;
  schoolYear: string;
  row: GradebookRow;
  changes: ReadonlyArray<{ field: string; value: CorrectionValue }>;
  at: Date;
  by: string | null;
}): CorrectionPlan {
  const { rules, row, at, by } = input;
  const scored = rules.subject.kind === 'SCORE';
  const problems: string[] = [];
  const targets: Array<{ target: CorrectionTarget; value: CorrectionValue }> = [];
  const seen = new Set<string>();
  for (const change of input.changes) {
    const target = parseCorrectionField(change.field);
    if (!target) {
      problems.push(`${change.field}: không phải trường điểm có thể sửa. ${FIELD_HINT}`);
    } else if (seen.has(change.field)) {
      problems.push(`${change.field}: trường này được sửa hai lần trong một đề nghị.`);
    } else if (target.part === 'regular' && target.index >= rules.regularCount) {
      problems.push(
        `${change.field}: môn ${rules.subject.name} có ${rules.regularCount} lần đánh giá thường xuyên mỗi học kì (term…regular.0 đến term…regular.${rules.regularCount - 1}).`,
      );
    } else {
      targets.push({ target, value: change.value });
    }
    seen.add(change.field);
  }
  if (problems.length) return refusal(problems);

  // The terms as they would be, checked like a gradebook row of the subject.
  const next: Record<TermKey, TermEntry | null> = { term1: row.term1, term2: row.term2 };
  const terms: TermKey[] = [];
  for (const { target, value } of targets) {
    if (target.part === 'reassessment') continue;
    const entry = next[target.term] ?? emptyEntry(rules.regularCount, at, by);
    const regular = [...entry.regular];
    while (regular.length < rules.regularCount) regular.push(null);
    const changed: TermEntry = { ...entry, regular, recordedAt: at, recordedBy: by };
    if (target.part === 'regular') changed.regular[target.index] = value as Mark | null;
    else changed[target.part] = value as Mark | null;
    next[target.term] = changed;
    if (!terms.includes(target.term)) terms.push(target.term);
  }
  for (const term of terms) {
    const entry = next[term] as TermEntry;
    const given: GradebookRowInput = scored
      ? { studentId: row.studentId, regular: entry.regular, midterm: entry.midterm, final: entry.final }
      : {
          studentId: row.studentId,
          regularResults: entry.regular,
          midtermResult: entry.midterm,
          finalResult: entry.final,
        };
    const checked = validateGradebookRows({
      rules,
      schoolYear: input.schoolYear,
      members: new Set([row.studentId]),
      rows: [given],
    });
    for (const error of checked.errors)
      problems.push(`${fieldOfColumn(term, error.column)}: ${error.message}`);
    const valid = checked.rows[0];
    // The values as stored (a score normalised to one decimal).
    if (valid) next[term] = { ...entry, regular: valid.regular, midterm: valid.midterm, final: valid.final };
  }

  let reassessment: ReassessmentRecord | null = row.reassessment;
  const reassessed = targets.find((t) => t.target.part === 'reassessment');
  if (reassessed) {
    const value = reassessed.value;
    if (value === null) reassessment = null;
    else if (scored) {
      try {
        const tenths = scoreToTenths(value, 'điểm kiểm tra lại', 'reassessment');
        reassessment = { average: tenths / 10, result: null, recordedAt: at, recordedBy: by };
      } catch (error) {
        if (!isAssessmentError(error)) throw error;
        problems.push(`reassessment: ${error.message}`);
      }
    } else if (isPass(value)) {
      reassessment = { average: null, result: value, recordedAt: at, recordedBy: by };
    } else {
      problems.push(
        `reassessment: kết quả kiểm tra lại (${String(value)}) không hợp lệ: môn ${rules.subject.name} chỉ có Đạt (DAT) hoặc Chưa đạt (CHUA_DAT).`,
      );
    }
  }
  if (problems.length) return refusal(problems);

  const reassessmentValue = (r: ReassessmentRecord | null): Mark | null =>
    r ? (scored ? r.average : r.result) : null;
  const changes = targets.map(({ target }): CorrectedValue => {
    if (target.part === 'reassessment') {
      return {
        field: target.field,
        before: reassessmentValue(row.reassessment),
        after: reassessmentValue(reassessment),
      };
    }
    return {
      field: target.field,
      before: valueOf(row[target.term], target),
      after: valueOf(next[target.term], target),
    };
  });
  return {
    ok: true,
    row: { ...row, term1: next.term1, term2: next.term2, reassessment },
    changes,
    terms,
    reassessment: !!reassessed,
  };
}

function refusal(details: string[]): CorrectionPlan {
  return {
    ok: false,
    code: 'VALIDATION_FAILED',
    message: `Đề nghị chỉnh sửa có ${details.length} giá trị không hợp lệ; không có gì được sửa.`,
    details,
  };
}
