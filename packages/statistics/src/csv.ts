import type { StatisticsTableView } from './cube';

/** Marks a suppressed figure in CSV (an empty cell would read as "no data"). */
export const SUPPRESSED_MARK = '*';

function field(text: string): string {
  // A spreadsheet evaluates a cell starting with = + - @ even when quoted: prefix it with '.
  const value = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The table as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read the
 * Vietnamese labels right). A label that starts like a
 * formula is made text.
 */
export function tableCsv(table: StatisticsTableView): string {
  const lines = [
    table.columns.map(field).join(','),
    ...table.rows.map((row) =>
      [field(row.label), ...row.values.map((v) => (v === null ? SUPPRESSED_MARK : String(v)))].join(','),
    ),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
