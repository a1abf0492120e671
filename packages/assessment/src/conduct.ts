/** The year conduct result (kết quả rèn luyện cả năm) from the two terms, Điều 8. */
import type { Level } from './types';
import { assertLevel } from './validate';

/**
 * The table of Điều 8, indexed by term II then term I. Every one of the 16 combinations has exactly
 * one entry (the type requires all of them):
 *
 * | year     | term II  | term I                     |
 * |----------|----------|----------------------------|
 * | TỐT      | TỐT      | KHÁ or TỐT                 |
 * | KHÁ      | KHÁ      | ĐẠT, KHÁ or TỐT            |
 * | KHÁ      | ĐẠT      | TỐT                        |
 * | KHÁ      | TỐT      | ĐẠT or CHƯA ĐẠT            |
 * | ĐẠT      | ĐẠT      | KHÁ, ĐẠT or CHƯA ĐẠT       |
 * | ĐẠT      | KHÁ      | CHƯA ĐẠT                   |
 * | CHƯA ĐẠT | CHƯA ĐẠT | any                        |
 */
export const CONDUCT_YEAR_TABLE: Readonly<Record<Level, Readonly<Record<Level, Level>>>> = Object.freeze({
  TOT: Object.freeze({ TOT: 'TOT', KHA: 'TOT', DAT: 'KHA', CHUA_DAT: 'KHA' }),
  KHA: Object.freeze({ TOT: 'KHA', KHA: 'KHA', DAT: 'KHA', CHUA_DAT: 'DAT' }),
  DAT: Object.freeze({ TOT: 'KHA', KHA: 'DAT', DAT: 'DAT', CHUA_DAT: 'DAT' }),
  CHUA_DAT: Object.freeze({ TOT: 'CHUA_DAT', KHA: 'CHUA_DAT', DAT: 'CHUA_DAT', CHUA_DAT: 'CHUA_DAT' }),
} as const);

/** The year conduct result. Throws `VALIDATION_FAILED` for a value that is not a level. */
export function conductYearResult(term1: Level, term2: Level): Level {
  assertLevel(term1, 'term1', 'Kết quả rèn luyện học kì I');
  assertLevel(term2, 'term2', 'Kết quả rèn luyện học kì II');
  return CONDUCT_YEAR_TABLE[term2][term1];
}
