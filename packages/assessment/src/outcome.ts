/** The year outcome (Điều 12-14): promoted, summer steps, or retained. */
import { scoreToTenths } from './decimal';
import { AssessmentError, invalidInput } from './errors';
import { learningResult } from './learning';
import { isAtLeast, type Grade, type Level, type SubjectYearResult, type YearOutcome } from './types';
import { assertAbsences, assertGrade, assertLevel, exactSubject, exactSubjects } from './validate';

/** More absences than this (sessions, excused or not) and the student is not promoted. */
export const MAX_ABSENCES = 45;

/** What happens when both the year conduct and the year learning result are CHƯA ĐẠT (ADR 0007). */
export type BothFailingOutcome = 'RETAINED' | 'SUMMER_TRAINING' | 'SUMMER_REASSESSMENT';

export interface YearOutcomeOptions {
  /** Default 'RETAINED'; see docs/adr/0007-both-conduct-and-learning-failing.md. */
  bothFailing?: BothFailingOutcome;
}

export interface YearOutcomeInput {
  grade: Grade;
  /** The year learning result. */
  learning: Level;
  /** The year conduct result. */
  conduct: Level;
  /** Sessions absent in the year, excused or not. */
  absences: number;
}

const BOTH_FAILING: readonly BothFailingOutcome[] = ['RETAINED', 'SUMMER_TRAINING', 'SUMMER_REASSESSMENT'];

/**
 * The outcome at year end, in this order:
 * 1. absences > 45 → RETAINED, whatever the results (no summer step can change it);
 * 2. conduct ≥ ĐẠT and learning ≥ ĐẠT → PROMOTED (grade 12: COMPLETED, hoàn thành chương trình THPT);
 * 3. conduct CHƯA ĐẠT, learning ≥ ĐẠT → SUMMER_TRAINING (rèn luyện trong kì nghỉ hè);
 * 4. conduct ≥ ĐẠT, learning CHƯA ĐẠT → SUMMER_REASSESSMENT (kiểm tra lại);
 * 5. both CHƯA ĐẠT → `options.bothFailing`, default RETAINED (ADR 0007).
 * Throws `VALIDATION_FAILED` for an unknown grade, level, option, or negative / fractional absences.
 */
export function yearOutcome(input: YearOutcomeInput, options: YearOutcomeOptions = {}): YearOutcome {
  const { grade, learning, conduct, absences } = input;
  assertGrade(grade);
  assertLevel(learning, 'learning', 'Kết quả học tập cả năm');
  assertLevel(conduct, 'conduct', 'Kết quả rèn luyện cả năm');
  assertAbsences(absences);
  const bothFailing = options.bothFailing ?? 'RETAINED';
  if (!BOTH_FAILING.includes(bothFailing)) {
    throw invalidInput(
      'bothFailing',
      bothFailing,
      'Tuỳ chọn xử lý học sinh có cả kết quả rèn luyện và học tập Chưa đạt không hợp lệ.',
    );
  }

  if (absences > MAX_ABSENCES) return 'RETAINED';
  const conductOk = isAtLeast(conduct, 'DAT');
  const learningOk = isAtLeast(learning, 'DAT');
  if (conductOk && learningOk) return grade === 12 ? 'COMPLETED' : 'PROMOTED';
  if (learningOk) return 'SUMMER_TRAINING';
  if (conductOk) return 'SUMMER_REASSESSMENT';
  return bothFailing;
}

/**
 * The subjects to re-assess in summer (kiểm tra lại): every comment subject at CHƯA ĐẠT and every
 * scored subject with a year average below 5.0. Returns their indices in `subjects`, in order.
 */
export function summerReassessmentSubjects(subjects: readonly SubjectYearResult[]): number[] {
  return exactSubjects(subjects).flatMap((subject, index) =>
    (subject.kind === 'COMMENT' ? !subject.pass : subject.tenths < 50) ? [index] : [],
  );
}

/**
 * The subject list after the summer re-assessment: each new result replaces that subject's year
 * result (even when it is lower: the rules say it replaces), and every other subject is unchanged.
 * `results` maps a subject's index (as returned by `summerReassessmentSubjects`) to its new result,
 * of the same kind. A subject due for re-assessment with no new result (the student did not sit it)
 * keeps its failing result. Extra properties of the subjects (a subject code, say) are kept.
 *
 * Throws `VALIDATION_FAILED` for a result given for a subject that was not due for re-assessment,
 * or of the wrong kind, `INVALID_SCORE` for a new average that is not a valid score.
 */
export function applySummerReassessment<S extends SubjectYearResult>(
  subjects: readonly S[],
  results: ReadonlyMap<number, SubjectYearResult>,
): S[] {
  const due = new Set(summerReassessmentSubjects(subjects));
  if (!(results instanceof Map)) {
    throw invalidInput(
      'results',
      results,
      'Kết quả kiểm tra lại phải là một Map từ vị trí môn học đến kết quả mới.',
    );
  }
  for (const [index, result] of results) {
    const current = subjects[index];
    if (current === undefined || !due.has(index)) {
      throw new AssessmentError(
        'VALIDATION_FAILED',
        `Môn học thứ ${typeof index === 'number' ? index + 1 : String(index)} không thuộc diện kiểm tra lại nên không thể nhập kết quả kiểm tra lại.`,
        { field: 'results', index },
      );
    }
    const exact = exactSubject(result, index, 'results');
    if (exact.kind !== current.kind) {
      throw new AssessmentError(
        'VALIDATION_FAILED',
        `Kết quả kiểm tra lại của môn học thứ ${index + 1} phải cùng hình thức đánh giá với môn học (${current.kind === 'SCORE' ? 'điểm số' : 'nhận xét'}).`,
        { field: 'results', index, expected: current.kind, actual: exact.kind },
      );
    }
  }
  return subjects.map((subject, index) => {
    const result = results.get(index);
    if (result === undefined) return subject;
    return result.kind === 'SCORE'
      ? ({ ...subject, kind: 'SCORE', average: scoreToTenths(result.average) / 10 } as S)
      : ({ ...subject, kind: 'COMMENT', result: result.result } as S);
  });
}

export interface AfterSummerInput {
  grade: Grade;
  /** Sessions absent in the year. */
  absences: number;
  /**
   * The year conduct result, or, after summer re-training, the homeroom teacher's re-assessment
   * that replaces it.
   */
  conduct: Level;
  /** The year subject results, after `applySummerReassessment` when there was a re-assessment. */
  subjects: SubjectYearResult[];
}

/**
 * The final outcome once the summer steps are done: the learning result is computed again from the
 * (re-assessed) subjects; promoted (grade 12: COMPLETED) only when absences ≤ 45, conduct ≥ ĐẠT and
 * learning ≥ ĐẠT; a student still short of any condition is RETAINED. It does not care which summer
 * steps were taken, so it serves every `bothFailing` choice.
 */
export function outcomeAfterSummer(input: AfterSummerInput): 'PROMOTED' | 'COMPLETED' | 'RETAINED' {
  const { grade, absences, conduct, subjects } = input;
  assertGrade(grade);
  assertAbsences(absences);
  assertLevel(conduct, 'conduct', 'Kết quả rèn luyện cả năm');
  const learning = learningResult(subjects);
  if (absences > MAX_ABSENCES) return 'RETAINED';
  if (!isAtLeast(conduct, 'DAT') || !isAtLeast(learning, 'DAT')) return 'RETAINED';
  return grade === 12 ? 'COMPLETED' : 'PROMOTED';
}
