/** Plain-text tables for the terminal (and for docs/benchmarks.md, which takes them as they are). */

export type Cell = string | number | null | undefined;

/** A number as a table shows it: integers as they are, others with `digits` decimals; a gap for none. */
export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

function text(cell: Cell): string {
  return typeof cell === 'number' ? formatNumber(cell) : (cell ?? '–');
}

/** Numbers are right-aligned, text left-aligned; columns as wide as their widest cell. */
export function formatTable(title: string, header: readonly string[], rows: readonly Cell[][]): string {
  const cells = rows.map((row) => header.map((_, column) => text(row[column])));
  const numeric = header.map((_, column) =>
    rows.every((row) => typeof row[column] === 'number' || row[column] === null || row[column] === undefined),
  );
  const widths = header.map((name, column) =>
    Math.max(name.length, ...cells.map((row) => [...row[column]!].length)),
  );
  const pad = (value: string, column: number) => {
    const gap = ' '.repeat(widths[column]! - [...value].length);
    return numeric[column] ? gap + value : value + gap;
  };
  const line = (values: readonly string[]) =>
    `| ${values.map((value, column) => pad(value, column)).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [`### ${title}`, '', line(header), rule, ...cells.map(line)].join('\n');
}
