import type { StatisticsTerm } from './key';

/** Figures by cell key (see `cellKey`); what a part, a group or a school adds up to. */
export type Counts = Record<string, number>;

/**
 * One figure a part contributes, e.g. one student counted under conduct TỐT in grade 10, term I.
 * `item` is the row within a grade for tables that have one (a subject), else absent.
 */
export interface Figure {
  table: string;
  term: StatisticsTerm;
  grade: number;
  item?: string;
  column: string;
  value: number;
}

const SEPARATOR = '~';

/**
 * Document field names may not contain '.' or start with '$', and '~' separates the parts of a
 * cell key, so those characters are escaped in every part.
 */
export function safeKeyPart(part: string): string {
  return part.replace(/[%.$~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function unsafeKeyPart(part: string): string {
  return part.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function cellKey(f: Omit<Figure, 'value'>): string {
  return [f.table, f.term, String(f.grade), f.item ?? '', f.column].map(safeKeyPart).join(SEPARATOR);
}

export function parseCellKey(key: string): Omit<Figure, 'value'> {
  const [table = '', term = '', grade = '', item = '', column = ''] = key.split(SEPARATOR).map(unsafeKeyPart);
  return { table, term: term as StatisticsTerm, grade: Number(grade), ...(item ? { item } : {}), column };
}

/** Adds figures up by cell (the same cell twice adds). */
export function countsOf(figures: readonly Figure[]): Counts {
  const counts: Counts = {};
  for (const f of figures) {
    if (f.value === 0) continue;
    const key = cellKey(f);
    counts[key] = (counts[key] ?? 0) + f.value;
  }
  return counts;
}

/** Sums several counts (the parts of a group, the groups of a school). */
export function sumCounts(all: Iterable<Counts>): Counts {
  const total: Counts = {};
  for (const counts of all)
    for (const [key, value] of Object.entries(counts)) total[key] = (total[key] ?? 0) + value;
  return total;
}
