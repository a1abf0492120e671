/** Year-end awards (Điều 15). */
import type { Award, Level, SubjectYearResult } from './types';
import { AT_LEAST_SUBJECTS } from './learning';
import { assertLevel, exactSubjects } from './validate';

/**
 * Học sinh Xuất sắc (EXCELLENT): year conduct TỐT, year learning TỐT, and at least 6 scored subjects
 * with a year average ≥ 9.0. Học sinh Giỏi (GOOD): year conduct and learning TỐT, not Xuất sắc.
 * Otherwise null. (The principal's commendations for outstanding achievements are free text and not
 * computed here.) `learning` is taken as given; it is not recomputed from `subjects`.
 */
export function award(input: {
  learning: Level;
  conduct: Level;
  subjects: SubjectYearResult[];
}): Award | null {
  const { learning, conduct, subjects } = input;
  assertLevel(learning, 'learning', 'Kết quả học tập cả năm');
  assertLevel(conduct, 'conduct', 'Kết quả rèn luyện cả năm');
  const exact = exactSubjects(subjects);
  if (learning !== 'TOT' || conduct !== 'TOT') return null;
  const atNine = exact.filter((subject) => subject.kind === 'SCORE' && subject.tenths >= 90).length;
  return atNine >= AT_LEAST_SUBJECTS ? 'EXCELLENT' : 'GOOD';
}
