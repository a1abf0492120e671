/** A level of the learning result or the conduct result (Điều 8, 9 TT22): Tốt, Khá, Đạt, Chưa đạt. */
export type Level = 'TOT' | 'KHA' | 'DAT' | 'CHUA_DAT';

/** The result of a subject assessed by comment only: Đạt / Chưa đạt. */
export type Pass = 'DAT' | 'CHUA_DAT';

/** How a subject is assessed (Điều 5): by comment plus score, or by comment only. */
export type AssessmentKind = 'SCORE' | 'COMMENT';

/**
 * One subject's result for a term or for the year: its (rounded) average for a scored subject,
 * Đạt / Chưa đạt for a comment subject.
 */
export type SubjectYearResult = { kind: 'SCORE'; average: number } | { kind: 'COMMENT'; result: Pass };

export type Grade = 10 | 11 | 12;

export type YearOutcome = 'PROMOTED' | 'COMPLETED' | 'SUMMER_TRAINING' | 'SUMMER_REASSESSMENT' | 'RETAINED';

export type Award = 'EXCELLENT' | 'GOOD';

/** The levels from lowest to highest. */
export const LEVELS: readonly Level[] = Object.freeze(['CHUA_DAT', 'DAT', 'KHA', 'TOT'] as const);

export const PASS_VALUES: readonly Pass[] = Object.freeze(['DAT', 'CHUA_DAT'] as const);

/** Vietnamese names, for messages and reports. */
export const LEVEL_NAMES: Readonly<Record<Level, string>> = Object.freeze({
  TOT: 'Tốt',
  KHA: 'Khá',
  DAT: 'Đạt',
  CHUA_DAT: 'Chưa đạt',
});

/** 0 for CHUA_DAT up to 3 for TOT. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** The level `rank` steps above the lowest (0 → CHUA_DAT … 3 → TOT). */
export function levelAt(rank: number): Level {
  const level = LEVELS[rank];
  if (level === undefined) throw new RangeError(`No level at rank ${rank}`);
  return level;
}

/** True when `level` is `minimum` or better. */
export function isAtLeast(level: Level, minimum: Level): boolean {
  return levelRank(level) >= levelRank(minimum);
}
