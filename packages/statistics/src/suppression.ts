/** A total and the cells that add up to it (a row, a column, the schools of a district, …). */
export interface AdditiveRelation {
  total: string;
  parts: readonly string[];
}

/** The smallest number of students a published cell may count (a cell under it is suppressed). */
export const MINIMUM_CELL_COUNT = 5;

/**
 * Small-cell suppression. Every cell counting 1 to `minimum - 1` students is hidden, and every
 * part of such a small total. Other zeros are shown: they count nobody, and hiding them would
 * hide real figures wherever a school has no class of a grade or a subject is not taught (the
 * total of all grades would equal the one grade taught). Then, so that no hidden cell can be recovered by subtraction, for every total and its
 * parts:
 * - a relation with exactly one hidden member would give it away (total minus the others), so
 *   the smallest visible non-zero part (or any part, or the total) is hidden too;
 * - hidden parts whose sum is known (their total is visible) and counts 1 to `minimum - 1`
 *   students together are a small cell of their own, so another non-zero part is hidden.
 * Repeated until nothing changes: hiding only ever grows, so it ends. Returns the hidden cells.
 */
export function suppressSmallCells(
  values: ReadonlyMap<string, number>,
  relations: readonly AdditiveRelation[],
  minimum = MINIMUM_CELL_COUNT,
): Set<string> {
  const hidden = new Set<string>();
  const small = (value: number) => value > 0 && value < minimum;
  for (const [cell, value] of values) if (small(value)) hidden.add(cell);
  // Under a small total a zero is not harmless: "none of these 3 is X" is about each of them.
  for (const { total, parts } of relations)
    if (small(values.get(total) ?? 0)) for (const p of parts) hidden.add(p);
  const valueOf = (cell: string) => values.get(cell) ?? 0;
  /** The smallest visible non-zero cell (hiding a zero adds nothing to what is hidden), else any. */
  const smallestVisible = (cells: readonly string[]) => {
    let best: string | undefined;
    for (const cell of cells) {
      if (hidden.has(cell)) continue;
      const better =
        best === undefined ||
        (valueOf(best) === 0 && valueOf(cell) > 0) ||
        (valueOf(cell) > 0 && valueOf(cell) < valueOf(best));
      if (better) best = cell;
    }
    return best;
  };

  for (let changed = true; changed;) {
    changed = false;
    for (const { total, parts } of relations) {
      const hiddenParts = parts.filter((p) => hidden.has(p));
      const totalHidden = hidden.has(total);
      const hiddenCount = hiddenParts.length + (totalHidden ? 1 : 0);
      let toHide: string | undefined;
      if (hiddenCount === 1) {
        toHide = smallestVisible(parts) ?? total;
      } else if (!totalHidden && hiddenParts.length > 0) {
        const hiddenSum = hiddenParts.reduce((sum, p) => sum + valueOf(p), 0);
        if (hiddenSum > 0 && hiddenSum < minimum) toHide = smallestVisible(parts);
      }
      if (toHide !== undefined && !hidden.has(toHide)) {
        hidden.add(toHide);
        changed = true;
      }
    }
  }
  return hidden;
}
