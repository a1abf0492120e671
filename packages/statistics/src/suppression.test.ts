import { suppressSmallCells, type AdditiveRelation } from './suppression';

/** A row of parts and its total, as cell names p0, p1, … and T. */
function row(values: number[], total = values.reduce((a, b) => a + b, 0)) {
  const cells = new Map<string, number>(values.map((v, i) => [`p${i}`, v]));
  cells.set('T', total);
  const relation: AdditiveRelation = { total: 'T', parts: values.map((_, i) => `p${i}`) };
  return { cells, relations: [relation] };
}

/**
 * What an analyst can work out from what is shown: for each relation whose hidden members number
 * one, that member's value. Used to check that nothing hidden is recoverable.
 */
function recoverable(
  cells: Map<string, number>,
  relations: AdditiveRelation[],
  hidden: Set<string>,
): Map<string, number> {
  const known = new Map([...cells].filter(([cell]) => !hidden.has(cell)));
  for (let changed = true; changed;) {
    changed = false;
    for (const { total, parts } of relations) {
      const unknown = [total, ...parts].filter((c) => !known.has(c));
      if (unknown.length !== 1) continue;
      const [cell] = unknown as [string];
      const partsSum = parts.filter((p) => p !== cell).reduce((s, p) => s + known.get(p)!, 0);
      known.set(cell, cell === total ? partsSum : known.get(total)! - partsSum);
      changed = true;
    }
  }
  return new Map([...known].filter(([cell]) => hidden.has(cell)));
}

describe('small-cell suppression', () => {
  it('shows a table whose every cell counts at least five students', () => {
    const { cells, relations } = row([12, 30, 8]);
    expect(suppressSmallCells(cells, relations).size).toBe(0);
  });

  it('hides a cell of fewer than five, and the next smallest so that the total does not give it away', () => {
    const { cells, relations } = row([12, 30, 3, 9]);
    const hidden = suppressSmallCells(cells, relations);
    expect([...hidden].sort()).toEqual(['p2', 'p3']);
    expect(recoverable(cells, relations, hidden).size).toBe(0);
  });

  it('shows a zero (it counts nobody), and never picks one to hide a small cell behind', () => {
    expect(suppressSmallCells(row([40, 0, 7, 6]).cells, row([40, 0, 7, 6]).relations).size).toBe(0);
    const { cells, relations } = row([40, 0, 3, 0]);
    const hidden = suppressSmallCells(cells, relations);
    // 3 can only hide behind 40: hiding a zero beside it would leave "these two add up to 3".
    expect([...hidden].sort()).toEqual(['p0', 'p2']);
    expect(recoverable(cells, relations, hidden).size).toBe(0);
  });

  it('hides the zeros under a small total', () => {
    const { cells, relations } = row([0, 3, 0]);
    expect([...suppressSmallCells(cells, relations)].sort()).toEqual(['T', 'p0', 'p1', 'p2']);
  });

  it('hides more when the hidden cells together count fewer than five', () => {
    // 2 + 1 = 3 hidden students, derivable as total minus the rest: another part must go.
    const { cells, relations } = row([20, 2, 1, 9]);
    const hidden = suppressSmallCells(cells, relations);
    const hiddenSum = [...hidden].filter((c) => c !== 'T').reduce((s, c) => s + cells.get(c)!, 0);
    expect(hiddenSum).toBeGreaterThanOrEqual(5);
    expect(hidden.has('p3')).toBe(true);
  });

  it('hides a part when its total is too small to show and every part is visible', () => {
    const cells = new Map([
      ['a', 6],
      ['b', 7],
      ['T', 13],
      ['U', 4],
      ['x', 9],
    ]);
    // U = x - ... : a second relation where U is the only small member; x is its part sum.
    const relations = [
      { total: 'T', parts: ['a', 'b'] },
      { total: 'x', parts: ['U', 'a'] },
    ];
    const hidden = suppressSmallCells(cells, relations);
    expect(hidden.has('U')).toBe(true);
    expect(recoverable(cells, relations, hidden).size).toBe(0);
  });

  it('leaves nothing recoverable in a table with row and column totals (a school by grade)', () => {
    // rows: grades 10-12 and all; columns: 4 levels and total. Values chosen with small cells in
    // different rows and columns.
    const grid = [
      [30, 12, 3, 0],
      [25, 14, 6, 2],
      [28, 9, 7, 5],
    ];
    const cells = new Map<string, number>();
    const relations: AdditiveRelation[] = [];
    grid.forEach((r, g) => {
      r.forEach((v, c) => cells.set(`${g}:${c}`, v));
      cells.set(
        `${g}:T`,
        r.reduce((a, b) => a + b, 0),
      );
      relations.push({ total: `${g}:T`, parts: r.map((_, c) => `${g}:${c}`) });
    });
    for (const c of [0, 1, 2, 3, 'T'] as const) {
      const parts = grid.map((_, g) => `${g}:${c}`);
      cells.set(
        `all:${c}`,
        parts.reduce((s, p) => s + cells.get(p)!, 0),
      );
      relations.push({ total: `all:${c}`, parts });
    }
    relations.push({ total: 'all:T', parts: [0, 1, 2, 3].map((c) => `all:${c}`) });
    const hidden = suppressSmallCells(cells, relations);
    for (const [cell, value] of cells) if (value > 0 && value < 5) expect(hidden.has(cell)).toBe(true);
    expect(recoverable(cells, relations, hidden).size).toBe(0);
  });

  it('on random tables, never shows a cell of 1-4 and never leaves a hidden cell recoverable', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const rows = 1 + Math.floor(random() * 4);
      const cols = 1 + Math.floor(random() * 5);
      const cells = new Map<string, number>();
      const relations: AdditiveRelation[] = [];
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let c = 0; c < cols; c++) {
          const v = Math.floor(random() * (random() < 0.4 ? 6 : 40));
          cells.set(`${r}:${c}`, v);
          sum += v;
        }
        cells.set(`${r}:T`, sum);
        relations.push({ total: `${r}:T`, parts: [...Array(cols).keys()].map((c) => `${r}:${c}`) });
      }
      for (const c of [...Array(cols).keys(), 'T']) {
        const parts = [...Array(rows).keys()].map((r) => `${r}:${c}`);
        cells.set(
          `all:${c}`,
          parts.reduce((s, p) => s + cells.get(p)!, 0),
        );
        relations.push({ total: `all:${c}`, parts });
      }
      relations.push({ total: 'all:T', parts: [...Array(cols).keys()].map((c) => `all:${c}`) });
      const hidden = suppressSmallCells(cells, relations);
      for (const [cell, value] of cells) if (value > 0 && value < 5) expect(hidden.has(cell)).toBe(true);
      expect(recoverable(cells, relations, hidden)).toEqual(new Map());
    }
  });
});
