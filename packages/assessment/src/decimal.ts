/**
 * Exact decimal arithmetic for marks and averages.
 *
 * A mark has at most one decimal, so every mark is held as an integer number of tenths
 * (7.5 → 75). Sums are integer sums, a division is rounded half up with integer arithmetic, and a
 * result goes back to a number only at the end, as `tenths / 10`: one correctly rounded division,
 * which yields exactly the double JavaScript prints as that one-decimal value (73 / 10 → 7.3, never
 * 7.300000000000001).
 */
import { AssessmentError, detailValue, invalidInput, showValue } from './errors';

export const MAX_SCORE_TENTHS = 100;

/** True for a number from 0 to 10 with at most one decimal (7, 7.5, 10), false for 7.25, 10.5, NaN. */
export function isValidScore(value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (value < 0 || value > 10) return false;
  // Exact test: `value` has one decimal iff it is the double nearest to some k/10, i.e. k/10 === value.
  return Math.round(value * 10) / 10 === value;
}

/**
 * A score as an integer number of tenths (7.5 → 75). Throws `INVALID_SCORE` for anything but a number
 * from 0 to 10 with at most one decimal; `label` names the mark in the Vietnamese message (e.g.
 * "điểm giữa kì") and `field` / `index` go into the error's details.
 */
export function scoreToTenths(value: unknown, label = 'điểm', field = 'score', index?: number): number {
  if (!isValidScore(value)) {
    const reason =
      typeof value !== 'number' || !Number.isFinite(value)
        ? 'không phải là một số'
        : value < 0 || value > 10
          ? 'nằm ngoài thang điểm từ 0 đến 10'
          : 'có nhiều hơn một chữ số sau dấu phẩy';
    const where = index === undefined ? label : `${label} thứ ${index + 1}`;
    return throwInvalidScore(
      `${capitalise(where)} (${showValue(value)}) không hợp lệ: ${reason}. Điểm phải từ 0 đến 10 và có nhiều nhất một chữ số sau dấu phẩy, ví dụ 7 hoặc 7,5.`,
      { field, ...(index === undefined ? {} : { index }), value: detailValue(value) },
    );
  }
  return Math.round(value * 10);
}

/** Integer tenths back to a number with one decimal (73 → 7.3). */
export function tenthsToNumber(tenths: number): number {
  return tenths / 10;
}

/**
 * `numerator / denominator` rounded half up to an integer, for a non-negative integer numerator and
 * a positive integer denominator, using integer arithmetic only: q = ⌊(2n + d) / 2d⌋.
 */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || numerator < 0) {
    throw new RangeError(`numerator must be a non-negative safe integer, got ${numerator}`);
  }
  if (!Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError(`denominator must be a positive safe integer, got ${denominator}`);
  }
  const twice = 2 * numerator + denominator;
  const divisor = 2 * denominator;
  return (twice - (twice % divisor)) / divisor;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * Rounds half up to one decimal, exactly: 7.25 → 7.3, 8.249 → 8.2, 8.25 → 8.3, 4.95 → 5.0,
 * 8.15 → 8.2 (where `Math.round(8.15 * 10) / 10` gives 8.1, 8.15 being 8.1499999… in binary).
 *
 * A number is read through its shortest decimal form (`String(value)`, which is the decimal the
 * caller wrote), never multiplied as a float; a string is read as a decimal ("8.249", "1e-1").
 * Negative values round half away from zero (−7.25 → −7.3), the mirror image; averages are never
 * negative. Throws `VALIDATION_FAILED` for NaN, ±Infinity or a string that is not a decimal.
 */
export function roundHalfUpToTenth(value: number | string): number {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw invalidInput('value', value, `Giá trị cần làm tròn (${showValue(value)}) không phải là một số.`);
  }
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match ?? [];
  if (!match || (whole === '' && fraction === '')) {
    throw invalidInput(
      'value',
      value,
      `Giá trị cần làm tròn (${showValue(value)}) không phải là một số thập phân.`,
    );
  }
  if (Math.abs(Number(exponent)) > 400) {
    throw invalidInput('value', value, `Giá trị cần làm tròn (${showValue(value)}) nằm ngoài phạm vi xử lý.`);
  }
  const digits = BigInt(`${whole}${fraction}` || '0');
  // value = digits × 10^(−scale); its number of tenths is digits × 10^(1 − scale).
  const shift = 1 - fraction.length + Number(exponent);
  let tenths: bigint;
  if (shift >= 0) {
    tenths = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const quotient = digits / divisor;
    tenths = 2n * (digits % divisor) >= divisor ? quotient + 1n : quotient;
  }
  const result = Number(tenths) / 10;
  return sign === '-' && tenths !== 0n ? -result : result;
}

function throwInvalidScore(message: string, details: Record<string, unknown>): never {
  throw new AssessmentError('INVALID_SCORE', message, details);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
