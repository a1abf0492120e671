import type { StatisticsTerm } from './key';

/**
 * A dashboard table a subgraph contributes: its count columns add up to its total (every student
 * counted falls in exactly one column), so totals and suppression follow from the definition.
 */
export interface StatisticsTableDefinition {
  /** The table's key in the counts (and usually its field name on `Statistics`). */
  name: string;
  /** Vietnamese title, shown above the table and in the CSV file name. */
  title: string;
  /**
   * Tables with a row per item within a grade (a subject): the heading of the item column and an
   * item's label. Absent: one row per grade (or per school / district).
   */
  items?: { heading: string; label: (item: string) => string };
  /** The count columns: a partition of the students counted. */
  columns: ReadonlyArray<{ key: string; label: string }>;
  /** Label of the total column (the sum of the count columns). */
  totalLabel: string;
  /** The terms the table has figures for (default all); another term's table has no rows. */
  terms?: readonly StatisticsTerm[];
  /** Averages shown after the total: a contributed sum over the students counted in the total. */
  averages?: ReadonlyArray<{ label: string; sumColumn: string }>;
}
