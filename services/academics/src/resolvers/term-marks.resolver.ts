import type { PeriodResult } from '../domain/subject-result';
import type { Mark, TermEntry } from '../model/gradebook.model';

/** What a TermMarks is resolved from: a stored term entry (or none) and its computed result. */
export interface TermMarksSource {
  entry: TermEntry | null;
  kind: 'SCORE' | 'COMMENT';
  regularCount: number;
  result: PeriodResult;
}

const regularOf = (source: TermMarksSource): Array<Mark | null> =>
  Array.from({ length: source.regularCount }, (_, i) => source.entry?.regular[i] ?? null);

const when = <T>(kind: 'SCORE' | 'COMMENT', source: TermMarksSource, value: () => T, otherwise: T): T =>
  source.kind === kind ? value() : otherwise;

export const TermMarks = {
  regular: (s: TermMarksSource) => when('SCORE', s, () => regularOf(s), []),
  midterm: (s: TermMarksSource) => when('SCORE', s, () => s.entry?.midterm ?? null, null),
  final: (s: TermMarksSource) => when('SCORE', s, () => s.entry?.final ?? null, null),
  regularResults: (s: TermMarksSource) => when('COMMENT', s, () => regularOf(s), []),
  midtermResult: (s: TermMarksSource) => when('COMMENT', s, () => s.entry?.midterm ?? null, null),
  finalResult: (s: TermMarksSource) => when('COMMENT', s, () => s.entry?.final ?? null, null),
  comment: (s: TermMarksSource) => s.entry?.comment ?? null,
  average: (s: TermMarksSource) => s.result.average,
  result: (s: TermMarksSource) => s.result.result,
  complete: (s: TermMarksSource) => s.result.average !== null || s.result.result !== null,
  recordedAt: (s: TermMarksSource) => s.entry?.recordedAt ?? null,
};
