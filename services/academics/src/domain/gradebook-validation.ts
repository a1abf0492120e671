/**
 * Validation of a class-wide gradebook entry (one subject, one term): every bad cell is listed,
 * and nothing is written unless there is none. Pure: the roster and the subject's rules are given.
 * Scores are checked by @hocbaso/assessment (its messages name the value at fault).
 */
import { isAssessmentError, isPass as isAssessmentPass, scoreToTenths } from '@hocbaso/assessment';
import type { ErrorCode } from '@hocbaso/errors';
import type { Mark, Pass, TeacherComment } from '../model/gradebook.model';
import type { SubjectRules } from './subjects';

/** One row as given (GraphQL input or a parsed spreadsheet row): values are checked, not trusted. */
export interface GradebookRowInput {
  studentId: unknown;
  /** Scored subjects: the term's ĐĐGtx in order (null: not yet assessed). */
  regular?: readonly unknown[] | null;
  midterm?: unknown;
  final?: unknown;
  /** Comment subjects: ĐẠT / CHƯA ĐẠT for each ĐĐGtx, the mid-term and the end-of-term. */
  regularResults?: readonly unknown[] | null;
  midtermResult?: unknown;
  finalResult?: unknown;
  /** Absent: the stored comment stays; null: it is cleared. */
  comment?: { progress?: unknown; strengths?: unknown; limitations?: unknown } | null;
}

/**
 * A bad cell. `column` names the input field: `studentId`, `regular` (the count), `regular[i]`
 * (0-based: `regular[0]` is TX1), `midterm`, `final`, their `…Result(s)` forms for comment subjects,
 * or `comment.progress` / `comment.strengths` / `comment.limitations`.
 */
export interface CellError {
  /** 0-based index of the row in the input. */
  row: number;
  studentId: string | null;
  column: string;
  code: ErrorCode;
  /** Vietnamese, for the teacher. */
  message: string;
}

export interface ValidRow {
  studentId: string;
  regular: Array<Mark | null>;
  midterm: Mark | null;
  final: Mark | null;
  /** undefined: keep the stored comment. */
  comment: TeacherComment | null | undefined;
}

export interface GradebookValidation {
  errors: CellError[];
  rows: ValidRow[];
}

export const MAX_COMMENT_LENGTH = 1000;

const COMMENT_FIELDS = ['progress', 'strengths', 'limitations'] as const;
const COMMENT_LABELS: Record<(typeof COMMENT_FIELDS)[number], string> = {
  progress: 'Nhận xét sự tiến bộ',
  strengths: 'Ưu điểm nổi bật',
  limitations: 'Hạn chế chủ yếu',
};

const isBlank = (value: unknown) => value === null || value === undefined;

/** ĐẠT / CHƯA ĐẠT, as the rules package recognises them. */
export const isPass = (value: unknown): value is Pass => isAssessmentPass(value);

/** Validates every row; returns every bad cell, or the rows ready to store. */
export function validateGradebookRows(input: {
  rules: SubjectRules;
  schoolYear: string;
  /** Who is, or was, in the class in that school year. */
  members: ReadonlySet<string>;
  rows: readonly GradebookRowInput[];
}): GradebookValidation {
  const { rules, members } = input;
  const errors: CellError[] = [];
  const valid: ValidRow[] = [];
  const seen = new Map<string, number>();
  const scored = rules.subject.kind === 'SCORE';

  input.rows.forEach((row, index) => {
    const before = errors.length;
    const rawId = typeof row.studentId === 'string' ? row.studentId.trim() : '';
    const studentId = rawId || null;
    const fail = (column: string, code: ErrorCode, message: string) =>
      errors.push({ row: index, studentId, column, code, message });

    if (!studentId) {
      fail('studentId', 'VALIDATION_FAILED', `Dòng ${index + 1}: thiếu mã học sinh.`);
    } else if (!members.has(studentId)) {
      fail(
        'studentId',
        'STUDENT_NOT_IN_CLASS',
        `Học sinh có mã ${studentId} không thuộc lớp này trong năm học ${input.schoolYear}.`,
      );
    } else if (seen.has(studentId)) {
      fail(
        'studentId',
        'DUPLICATE_STUDENT_ROW',
        `Học sinh có mã ${studentId} đã có ở dòng ${(seen.get(studentId) ?? 0) + 1}: mỗi học sinh chỉ có một dòng.`,
      );
    }
    if (studentId && !seen.has(studentId)) seen.set(studentId, index);

    // The fields of the other kind of assessment must be empty.
    const wrongKind = scored
      ? ([
          ['regularResults', row.regularResults],
          ['midtermResult', row.midtermResult],
          ['finalResult', row.finalResult],
        ] as const)
      : ([
          ['regular', row.regular],
          ['midterm', row.midterm],
          ['final', row.final],
        ] as const);
    for (const [column, value] of wrongKind) {
      if (isBlank(value) || (Array.isArray(value) && value.every(isBlank))) continue;
      fail(
        column,
        'ASSESSMENT_KIND_MISMATCH',
        scored
          ? `Môn ${rules.subject.name} đánh giá bằng điểm số: không nhập Đạt/Chưa đạt.`
          : `Môn ${rules.subject.name} chỉ đánh giá bằng nhận xét (Đạt/Chưa đạt): không nhập điểm số.`,
      );
    }

    const names = scored
      ? { regular: 'regular', midterm: 'midterm', final: 'final' }
      : { regular: 'regularResults', midterm: 'midtermResult', final: 'finalResult' };
    const regularIn = (scored ? row.regular : row.regularResults) ?? null;
    const regular: Array<Mark | null> = [];
    if (regularIn !== null && regularIn.length !== rules.regularCount) {
      fail(
        names.regular,
        'INVALID_ASSESSMENT_COUNT',
        `Môn ${rules.subject.name} (${rules.subject.periodsPerYear} tiết/năm) có đúng ${rules.regularCount} lần đánh giá thường xuyên mỗi học kì, nhưng dòng này có ${regularIn.length}.`,
      );
    }
    const check = (value: unknown, column: string, label: string, position?: number): Mark | null => {
      if (isBlank(value)) return null;
      if (scored) {
        try {
          return scoreToTenths(value, label, column, position) / 10;
        } catch (error) {
          if (!isAssessmentError(error)) throw error;
          fail(column, 'INVALID_SCORE', error.message);
          return null;
        }
      }
      if (isPass(value)) return value;
      fail(
        column,
        'INVALID_ASSESSMENT_RESULT',
        `${label.charAt(0).toUpperCase()}${label.slice(1)}${position === undefined ? '' : ` thứ ${position + 1}`} (${String(value)}) không hợp lệ: chỉ có Đạt (Đ) hoặc Chưa đạt (CĐ).`,
      );
      return null;
    };
    const what = scored ? 'điểm' : 'kết quả';
    (regularIn ?? Array.from({ length: rules.regularCount }, () => null)).forEach((value, i) => {
      regular.push(check(value, `${names.regular}[${i}]`, `${what} đánh giá thường xuyên`, i));
    });
    const midterm = check(
      scored ? row.midterm : row.midtermResult,
      names.midterm,
      `${what} đánh giá giữa kì`,
    );
    const final = check(scored ? row.final : row.finalResult, names.final, `${what} đánh giá cuối kì`);

    let comment: TeacherComment | null | undefined;
    if (row.comment === null) comment = null;
    else if (row.comment !== undefined) {
      const given = row.comment;
      const parts = {} as Record<(typeof COMMENT_FIELDS)[number], string | null>;
      for (const field of COMMENT_FIELDS) {
        const value = given[field];
        if (isBlank(value)) {
          parts[field] = null;
        } else if (typeof value !== 'string' || value.length > MAX_COMMENT_LENGTH) {
          fail(
            `comment.${field}`,
            'VALIDATION_FAILED',
            `${COMMENT_LABELS[field]} phải là văn bản, tối đa ${MAX_COMMENT_LENGTH} kí tự.`,
          );
          parts[field] = null;
        } else {
          parts[field] = value.trim() || null;
        }
      }
      comment = parts;
    }

    if (errors.length === before && studentId) {
      valid.push({ studentId, regular, midterm, final, comment });
    }
  });
  return { errors, rows: errors.length ? [] : valid };
}
