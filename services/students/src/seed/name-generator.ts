import type { Gender } from '../domain/personal-id';

/**
 * Deterministic generator of realistic Vietnamese people for demo data: the same seed gives the
 * same names, dates and numbers on every machine, so demo screenshots and tests agree.
 */

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function seededRandom(seed: string): () => number {
  let state = 2166136261;
  for (const char of seed) state = Math.imul(state ^ char.codePointAt(0)!, 16777619); // FNV-1a
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FAMILY_NAMES = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
] as const;

/** Weights: about four in ten Vietnamese people are Nguyễn. */
const FAMILY_WEIGHTS = [38, 11, 9, 7, 5, 4, 4, 4, 3, 2, 2, 2, 2, 2, 2, 1];

export const MIDDLE_NAMES: Record<Gender, readonly string[]> = {
  MALE: ['Văn', 'Minh', 'Quốc', 'Gia', 'Thanh', 'Bảo', 'Hoài', 'Đức', 'Hữu', 'Công', 'Anh', 'Tuấn'],
  FEMALE: ['Thị', 'Ngọc', 'Thanh', 'Minh', 'Bảo', 'Hoài', 'Thu', 'Mai', 'Phương', 'Khánh', 'Thảo', 'Diệu'],
};

export const GIVEN_NAMES: Record<Gender, readonly string[]> = {
  MALE: [
    'An',
    'Bình',
    'Dũng',
    'Giang',
    'Hải',
    'Hiếu',
    'Huy',
    'Khánh',
    'Long',
    'Minh',
    'Nam',
    'Phúc',
    'Quân',
    'Sơn',
    'Tâm',
    'Trung',
    'Tú',
    'Tuấn',
    'Đức',
    'Khoa',
    'Phong',
    'Thắng',
  ],
  FEMALE: [
    'An',
    'Châu',
    'Giang',
    'Hà',
    'Hạnh',
    'Hoa',
    'Khánh',
    'Linh',
    'Mai',
    'Ngân',
    'Nhung',
    'Quỳnh',
    'Tâm',
    'Thảo',
    'Trang',
    'Tú',
    'Vy',
    'Yến',
    'Lan',
    'Hương',
    'Ánh',
    'Nhi',
  ],
};

export class PersonGenerator {
  private readonly random: () => number;

  constructor(seed: string) {
    this.random = seededRandom(seed);
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  familyName(): string {
    let roll = this.random() * FAMILY_WEIGHTS.reduce((a, b) => a + b, 0);
    for (const [index, weight] of FAMILY_WEIGHTS.entries()) {
      roll -= weight;
      if (roll < 0) return FAMILY_NAMES[index]!;
    }
    return FAMILY_NAMES[0];
  }

  gender(): Gender {
    return this.chance(0.5) ? 'MALE' : 'FEMALE';
  }

  /** Họ, tên đệm, tên: e.g. Nguyễn Thị Thu Hà. */
  fullName(gender: Gender, familyName = this.familyName()): string {
    const middle = this.pick(MIDDLE_NAMES[gender]);
    const given = this.pick(GIVEN_NAMES[gender]);
    return `${familyName} ${middle} ${given}`;
  }

  /** A date in the given year, `YYYY-MM-DD`. */
  dateIn(year: number): string {
    const dayOfYear = this.int(0, 364);
    return new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
  }

  /** A Vietnamese mobile number (09x, 03x, 08x, 07x). */
  mobilePhone(): string {
    return `0${this.pick(['9', '3', '8', '7'])}${String(this.int(0, 99_999_999)).padStart(8, '0')}`;
  }
}
