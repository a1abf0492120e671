/** Input checks shared by the rules. Each throws an `AssessmentError`. */
import { isPass } from './comment';
import { scoreToTenths } from './decimal';
import { AssessmentError, detailValue, invalidInput, showValue } from './errors';
import { LEVELS, type Grade, type Level, type SubjectYearResult } from './types';

/** A subject result in exact form: a scored subject's average in tenths, a comment subject's pass. */
export type ExactSubject = { kind: 'SCORE'; tenths: number } | { kind: 'COMMENT'; pass: boolean };

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

export function assertLevel(value: unknown, field: string, label: string): asserts value is Level {
  if (!isLevel(value)) {
    throw invalidInput(
      field,
      value,
      `${label} (${showValue(value)}) không hợp lệ: chỉ có Tốt (TOT), Khá (KHA), Đạt (DAT) hoặc Chưa đạt (CHUA_DAT).`,
    );
  }
}

export function assertGrade(value: unknown): asserts value is Grade {
  if (value !== 10 && value !== 11 && value !== 12) {
    throw invalidInput(
      'grade',
      value,
      `Khối lớp (${showValue(value)}) không hợp lệ: chỉ có lớp 10, 11 hoặc 12.`,
    );
  }
}

export function assertAbsences(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidInput(
      'absences',
      value,
      `Số buổi nghỉ học (${showValue(value)}) không hợp lệ: phải là một số nguyên không âm.`,
    );
  }
}

/** Checks one subject result and returns it in exact form. */
export function exactSubject(subject: unknown, index: number, field = 'subjects'): ExactSubject {
  const value = subject as Partial<Record<'kind' | 'average' | 'result', unknown>> | null;
  if (value !== null && typeof value === 'object') {
    if (value.kind === 'SCORE') {
      return {
        kind: 'SCORE',
        tenths: scoreToTenths(value.average, 'điểm trung bình của môn học', field, index),
      };
    }
    if (value.kind === 'COMMENT') {
      if (isPass(value.result)) return { kind: 'COMMENT', pass: value.result === 'DAT' };
      throw new AssessmentError(
        'VALIDATION_FAILED',
        `Kết quả của môn học thứ ${index + 1} (${showValue(value.result)}) không hợp lệ: chỉ có Đạt (DAT) hoặc Chưa đạt (CHUA_DAT).`,
        { field, index, value: detailValue(value.result) },
      );
    }
  }
  throw new AssessmentError(
    'VALIDATION_FAILED',
    `Kết quả của môn học thứ ${index + 1} không hợp lệ: cần { kind: 'SCORE', average } hoặc { kind: 'COMMENT', result }.`,
    { field, index },
  );
}

/** Checks a non-empty list of subject results and returns them in exact form. */
export function exactSubjects(subjects: unknown, field = 'subjects'): ExactSubject[] {
  if (!Array.isArray(subjects) || subjects.length === 0) {
    throw invalidInput(
      field,
      Array.isArray(subjects) ? '[]' : subjects,
      'Danh sách kết quả các môn học trống: cần kết quả của ít nhất một môn học.',
    );
  }
  return subjects.map((subject: unknown, index) => exactSubject(subject, index, field));
}

export function toSubjectResult(subject: ExactSubject): SubjectYearResult {
  return subject.kind === 'SCORE'
    ? { kind: 'SCORE', average: subject.tenths / 10 }
    : { kind: 'COMMENT', result: subject.pass ? 'DAT' : 'CHUA_DAT' };
}
