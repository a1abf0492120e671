import type { Award, Level, YearOutcome } from '@hocbaso/assessment';
import type { Figure, StatisticsTableDefinition, StatisticsTerm } from '@hocbaso/statistics';

/** A term or year rating not given yet (chưa đánh giá). */
export const NOT_ASSESSED = 'NOT_ASSESSED';
/** No year outcome yet (chưa xét): conduct or learning results are incomplete. */
export const UNDECIDED = 'UNDECIDED';
/** Neither Học sinh Xuất sắc nor Học sinh Giỏi (also while the outcome is undecided). */
export const NO_TITLE = 'NONE';

/** Kết quả rèn luyện: students by conduct level, per term and for the year. */
export const conductResultsTable: StatisticsTableDefinition = {
  name: 'conductResults',
  title: 'Kết quả rèn luyện',
  columns: [
    { key: 'TOT', label: 'Tốt' },
    { key: 'KHA', label: 'Khá' },
    { key: 'DAT', label: 'Đạt' },
    { key: 'CHUA_DAT', label: 'Chưa đạt' },
    { key: NOT_ASSESSED, label: 'Chưa đánh giá' },
  ],
  totalLabel: 'Tổng số học sinh',
};

/**
 * Bands of sessions absent in the school year. Over 45 is the limit above which a student is not
 * promoted (Thông tư 22, Điều 12); the bands below it show who is getting close.
 */
export const ABSENCE_BANDS = [
  { key: 'NONE', label: 'Không nghỉ', upTo: 0 },
  { key: 'FROM_1_TO_5', label: '1–5 buổi', upTo: 5 },
  { key: 'FROM_6_TO_20', label: '6–20 buổi', upTo: 20 },
  { key: 'FROM_21_TO_45', label: '21–45 buổi', upTo: 45 },
  { key: 'OVER_45', label: 'Trên 45 buổi', upTo: Number.POSITIVE_INFINITY },
] as const;

/** Số buổi nghỉ học: students by the sessions they missed in the school year (YEAR only). */
export const absencesTable: StatisticsTableDefinition = {
  name: 'absences',
  title: 'Số buổi nghỉ học',
  terms: ['YEAR'],
  columns: ABSENCE_BANDS.map(({ key, label }) => ({ key, label })),
  totalLabel: 'Tổng số học sinh',
};

/** Kết quả cuối năm (Điều 12-14), YEAR only. */
export const outcomesTable: StatisticsTableDefinition = {
  name: 'outcomes',
  title: 'Kết quả cuối năm',
  terms: ['YEAR'],
  columns: [
    { key: 'PROMOTED', label: 'Lên lớp' },
    { key: 'SUMMER_TRAINING', label: 'Rèn luyện trong hè' },
    { key: 'SUMMER_REASSESSMENT', label: 'Kiểm tra lại' },
    { key: 'RETAINED', label: 'Ở lại lớp' },
    { key: 'COMPLETED', label: 'Hoàn thành chương trình' },
    { key: UNDECIDED, label: 'Chưa xét' },
  ],
  totalLabel: 'Tổng số học sinh',
};

/** Danh hiệu (Điều 15), YEAR only. */
export const titlesTable: StatisticsTableDefinition = {
  name: 'titles',
  title: 'Danh hiệu',
  terms: ['YEAR'],
  columns: [
    { key: 'EXCELLENT', label: 'Học sinh Xuất sắc' },
    { key: 'GOOD', label: 'Học sinh Giỏi' },
    { key: NO_TITLE, label: 'Không có danh hiệu' },
  ],
  totalLabel: 'Tổng số học sinh',
};

/** The conduct tables by their field on `Statistics`. */
export const CONDUCT_STATISTICS_TABLES = {
  conductResults: conductResultsTable,
  absences: absencesTable,
  outcomes: outcomesTable,
  titles: titlesTable,
} as const;

export function absenceBand(sessions: number): (typeof ABSENCE_BANDS)[number]['key'] {
  return ABSENCE_BANDS.find((band) => sessions <= band.upTo)!.key;
}

/** What a student's figures are counted from: the grade of the year and the conduct page, if any. */
export interface StudentConductFacts {
  grade: number;
  /** Null while nothing was recorded for the student this year. */
  record: {
    conductTerm1: Level | null;
    conductTerm2: Level | null;
    absences: readonly unknown[];
    /** The stored standing: the year conduct (after summer re-training), outcome and title. */
    standing: { conduct: Level | null; outcome: YearOutcome | null; title: Award | null } | null;
  } | null;
}

/**
 * One student's figures: counted once in each table and term, as the record book shows the page
 * (year conduct, outcome and title as the standing holds them; the homeroom teacher's
 * confirmation copies that outcome, and a confirmation the standing has moved from since is no
 * longer the page's outcome). Absences count for the year only: conduct keeps no term calendar.
 */
export function studentConductFigures({ grade, record }: StudentConductFacts): Figure[] {
  const one = (table: string, term: StatisticsTerm, column: string): Figure => ({
    table,
    term,
    grade,
    column,
    value: 1,
  });
  return [
    one(conductResultsTable.name, 'TERM_1', record?.conductTerm1 ?? NOT_ASSESSED),
    one(conductResultsTable.name, 'TERM_2', record?.conductTerm2 ?? NOT_ASSESSED),
    one(conductResultsTable.name, 'YEAR', record?.standing?.conduct ?? NOT_ASSESSED),
    one(absencesTable.name, 'YEAR', absenceBand(record?.absences.length ?? 0)),
    one(outcomesTable.name, 'YEAR', record?.standing?.outcome ?? UNDECIDED),
    one(titlesTable.name, 'YEAR', record?.standing?.title ?? NO_TITLE),
  ];
}

/**
 * The school years a correction applied at `appliedAt` may be for: its answer names the student
 * but not the year, so the years around the date are looked at (a correction of an older year
 * that clears a rating without moving the standing is counted at the student's next change).
 */
export function schoolYearsAround(appliedAt: Date): string[] {
  const year = appliedAt.getUTCFullYear();
  return [year - 2, year - 1, year].map((start) => `${start}-${start + 1}`);
}
