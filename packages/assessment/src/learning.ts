/** The learning result (kết quả học tập) for a term or a year, Điều 9.2-9.3. */
import { levelAt, levelRank, type Level, type SubjectYearResult } from './types';
import { exactSubjects, type ExactSubject } from './validate';

/** "At least 6 subjects" in the table counts scored subjects only. */
export const AT_LEAST_SUBJECTS = 6;

const counts = (subjects: readonly ExactSubject[]) => {
  let commentFails = 0;
  const scored: number[] = [];
  for (const subject of subjects) {
    if (subject.kind === 'COMMENT') {
      if (!subject.pass) commentFails += 1;
    } else {
      scored.push(subject.tenths);
    }
  }
  const atLeast = (tenths: number) => scored.filter((t) => t >= tenths).length;
  const all = (tenths: number) => scored.every((t) => t >= tenths);
  return { commentFails, atLeast, all };
};

/** Whether the subjects meet every condition of one row of the table (averages in tenths). */
export function meetsLevel(level: Exclude<Level, 'CHUA_DAT'>, subjects: readonly ExactSubject[]): boolean {
  const { commentFails, atLeast, all } = counts(subjects);
  switch (level) {
    case 'TOT': // comment subjects all ĐẠT; scored all ≥ 6.5, at least 6 ≥ 8.0
      return commentFails === 0 && all(65) && atLeast(80) >= AT_LEAST_SUBJECTS;
    case 'KHA': // comment subjects all ĐẠT; scored all ≥ 5.0, at least 6 ≥ 6.5
      return commentFails === 0 && all(50) && atLeast(65) >= AT_LEAST_SUBJECTS;
    case 'DAT': // at most one comment subject CHƯA ĐẠT; at least 6 scored ≥ 5.0, none < 3.5
      return commentFails <= 1 && atLeast(50) >= AT_LEAST_SUBJECTS && all(35);
  }
}

/** The level by the table alone, without the adjustment. */
export function tableLevel(subjects: readonly ExactSubject[]): Level {
  if (meetsLevel('TOT', subjects)) return 'TOT';
  if (meetsLevel('KHA', subjects)) return 'KHA';
  if (meetsLevel('DAT', subjects)) return 'DAT';
  return 'CHUA_DAT';
}

export interface LearningExplanation {
  /** The learning result, after the adjustment. */
  level: Level;
  /** The level by the table alone. */
  tableLevel: Level;
  /** Set when the adjustment raised the level: the level the student would have had … */
  wouldBe?: 'TOT' | 'KHA';
  /** … but for this one subject (its index in the input list). */
  failingSubject?: number;
}

/**
 * The learning result with how it was reached. The adjustment (Điều 9.3), as the project's rules read
 * it: when the table puts the student two or more levels below TỐT (or KHÁ), and removing one single
 * subject leaves subjects that, on their own, meet every condition of TỐT (or KHÁ) — the "at least 6
 * scored subjects" count included, counted among those others — the level is raised to one above
 * the level the table gave (ĐẠT → KHÁ, CHƯA ĐẠT → ĐẠT). TỐT is tried before KHÁ (both give the same
 * level; TỐT is the more telling explanation), then subjects in input order.
 */
export function explainLearningResult(subjects: readonly SubjectYearResult[]): LearningExplanation {
  const exact = exactSubjects(subjects);
  const table = tableLevel(exact);
  for (const target of ['TOT', 'KHA'] as const) {
    if (levelRank(table) > levelRank(target) - 2) continue;
    for (let index = 0; index < exact.length; index += 1) {
      const others = exact.filter((_, i) => i !== index);
      if (meetsLevel(target, others)) {
        return {
          level: levelAt(levelRank(table) + 1),
          tableLevel: table,
          wouldBe: target,
          failingSubject: index,
        };
      }
    }
  }
  return { level: table, tableLevel: table };
}

/**
 * The learning result of a term (from term averages and term results) or of the year (from year
 * averages and year results): the table plus the adjustment (see `explainLearningResult`).
 *
 * - Only scored subjects count towards "at least 6"; with fewer than 6 scored subjects no row of
 *   the table can be met, so the result is CHƯA ĐẠT (and no adjustment can apply: the others would
 *   have fewer than 6 too). A real timetable has 8 or more scored subjects.
 * - Throws `VALIDATION_FAILED` for an empty list or a malformed entry, `INVALID_SCORE` for an
 *   average that is not a one-decimal score from 0 to 10 (round it first).
 */
export function learningResult(subjects: SubjectYearResult[]): Level {
  return explainLearningResult(subjects).level;
}
