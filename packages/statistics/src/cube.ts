import { parseCellKey, safeKeyPart, type Counts } from './cells';
import { districtLabel, provinceLabel, type SchoolPlace } from './directory';
import type { StatisticsKey, StatisticsTerm } from './key';
import { GRADES } from './key';
import { suppressSmallCells, type AdditiveRelation } from './suppression';
import type { StatisticsTableDefinition } from './table-definition';

/** The schools whose figures add up together (a province, or a school with no place) and their totals. */
export interface AggregationArea {
  schools: readonly SchoolPlace[];
  totals: ReadonlyMap<string, Counts>;
}

type GradeKey = number | 'ALL';
const TOTAL = '#total';

/**
 * One table of one term over a whole province: every school, district and the province, every
 * grade and all grades, with totals. Suppression is decided once over all of it, so what one
 * query hides no other query (another school, the district, another grade) gives away.
 */
export interface StatisticsCube {
  definition: StatisticsTableDefinition;
  values: Map<string, number>;
  sums: Map<string, number>;
  hidden: Set<string>;
  items: string[];
  units: Map<string, { label: string; children: string[] }>;
}

const unitOf = (scope: StatisticsKey['scope'], code: string) =>
  scope === 'SCHOOL' ? `S:${code}` : scope === 'DISTRICT' ? `D:${code}` : `P:${code}`;
const cellId = (unit: string, grade: GradeKey, item: string, column: string) =>
  `${unit}|${grade}|${item}|${column}`;

export function buildCube(
  definition: StatisticsTableDefinition,
  term: StatisticsTerm,
  area: AggregationArea,
): StatisticsCube {
  // Units and their parents: school -> district -> province.
  const units = new Map<string, { label: string; children: string[] }>();
  const parentsOf = new Map<string, string[]>();
  for (const school of area.schools) {
    const chain: string[] = [];
    if (school.provinceCode && school.districtCode) {
      const district = `D:${school.districtCode}`;
      const province = `P:${school.provinceCode}`;
      if (!units.has(province))
        units.set(province, { label: provinceLabel(school.provinceCode), children: [] });
      if (!units.has(district)) {
        units.set(district, { label: districtLabel(school.districtCode), children: [] });
        units.get(province)!.children.push(district);
      }
      units.get(district)!.children.push(`S:${school.schoolId}`);
      chain.push(district, province);
    }
    units.set(`S:${school.schoolId}`, { label: school.name, children: [] });
    parentsOf.set(`S:${school.schoolId}`, chain);
  }

  // Items, counts and sums from the schools' totals of this table and term.
  const prefix = `${safeKeyPart(definition.name)}~${safeKeyPart(term)}~`;
  const countColumns = new Set(definition.columns.map((c) => c.key));
  const sumColumns = new Set((definition.averages ?? []).map((a) => a.sumColumn));
  const items = new Set<string>(definition.items ? [] : ['']);
  const values = new Map<string, number>();
  const sums = new Map<string, number>();
  const add = (
    target: Map<string, number>,
    unit: string,
    grade: number,
    item: string,
    column: string,
    v: number,
  ) => {
    for (const u of [unit, ...(parentsOf.get(unit) ?? [])])
      for (const g of [grade, 'ALL'] as const) {
        const id = cellId(u, g, item, column);
        target.set(id, (target.get(id) ?? 0) + v);
      }
  };
  for (const school of area.schools) {
    const totals = area.totals.get(school.schoolId);
    if (!totals) continue;
    const unit = `S:${school.schoolId}`;
    for (const [key, value] of Object.entries(totals)) {
      if (!key.startsWith(prefix)) continue;
      const cell = parseCellKey(key);
      const item = cell.item ?? '';
      if (definition.items && item) items.add(item);
      if (countColumns.has(cell.column)) {
        add(values, unit, cell.grade, item, cell.column, value);
        add(values, unit, cell.grade, item, TOTAL, value);
      } else if (sumColumns.has(cell.column)) add(sums, unit, cell.grade, item, cell.column, value);
    }
  }

  // Every cell exists (a zero is a small cell too), with its relations.
  const grades: GradeKey[] = [...GRADES, 'ALL'];
  const columns = [...countColumns, TOTAL];
  const relations: AdditiveRelation[] = [];
  for (const unit of units.keys())
    for (const item of items) {
      for (const grade of grades) {
        for (const column of columns) {
          const id = cellId(unit, grade, item, column);
          if (!values.has(id)) values.set(id, 0);
        }
        relations.push({
          total: cellId(unit, grade, item, TOTAL),
          parts: [...countColumns].map((c) => cellId(unit, grade, item, c)),
        });
      }
      for (const column of columns) {
        relations.push({
          total: cellId(unit, 'ALL', item, column),
          parts: GRADES.map((g) => cellId(unit, g, item, column)),
        });
        const children = units.get(unit)!.children;
        if (children.length)
          for (const grade of grades)
            relations.push({
              total: cellId(unit, grade, item, column),
              parts: children.map((child) => cellId(child, grade, item, column)),
            });
      }
    }

  return {
    definition,
    values,
    sums,
    hidden: suppressSmallCells(values, relations),
    items: [...items],
    units,
  };
}

/** A rendered table: `null` where a figure is suppressed. */
export interface StatisticsTableView {
  title: string;
  columns: string[];
  rows: Array<{ label: string; values: Array<number | null> }>;
  suppressedCells: number;
}

export type StatisticsRows = 'GRADE' | 'UNIT';

const gradeLabel = (grade: GradeKey) => (grade === 'ALL' ? 'Tổng' : `Khối ${grade}`);

/** The table for one key: rows by grade (or item), or by the schools / districts under the key. */
export function tableFor(
  cube: StatisticsCube,
  key: StatisticsKey,
  rows: StatisticsRows,
): StatisticsTableView {
  const { definition } = cube;
  const unit = unitOf(key.scope, key.code);
  const known = cube.units.get(unit);
  const grade: GradeKey = key.grade ?? 'ALL';
  const items = definition.items
    ? [...cube.items].sort((a, b) =>
        definition.items!.label(a).localeCompare(definition.items!.label(b), 'vi'),
      )
    : [''];
  const lines: Array<{ label: string; unit: string; grade: GradeKey; item: string }> = [];
  const hasTerm = !definition.terms || definition.terms.includes(key.term);
  const itemLabel = (item: string) => (definition.items ? definition.items.label(item) : '');
  if (!hasTerm) {
    // No figures for this term (e.g. outcomes are decided for the year): no rows, not zeros.
  } else if (rows === 'UNIT' && known && known.children.length) {
    const children = [...known.children].sort((a, b) =>
      cube.units.get(a)!.label.localeCompare(cube.units.get(b)!.label, 'vi'),
    );
    for (const child of [...children, unit])
      for (const item of items) {
        const name = child === unit ? 'Tổng' : cube.units.get(child)!.label;
        lines.push({
          label: definition.items ? `${name} · ${itemLabel(item)}` : name,
          unit: child,
          grade,
          item,
        });
      }
  } else if (definition.items) {
    for (const item of items) lines.push({ label: itemLabel(item), unit, grade, item });
  } else {
    const grades: GradeKey[] = key.grade === null ? [...GRADES, 'ALL'] : [key.grade];
    for (const g of grades) lines.push({ label: gradeLabel(g), unit, grade: g, item: '' });
  }

  let suppressedCells = 0;
  const shown = (id: string) => {
    if (!known || cube.hidden.has(id)) {
      suppressedCells++;
      return null;
    }
    return cube.values.get(id) ?? 0;
  };
  const heading =
    rows === 'UNIT'
      ? key.scope === 'PROVINCE'
        ? 'Quận/huyện'
        : 'Trường'
      : (definition.items?.heading ?? 'Khối');
  return {
    title: definition.title,
    columns: [
      heading,
      ...definition.columns.map((c) => c.label),
      definition.totalLabel,
      ...(definition.averages ?? []).map((a) => a.label),
    ],
    rows: lines.map((line) => {
      const counts = [...definition.columns.map((c) => c.key), TOTAL].map((column) =>
        shown(cellId(line.unit, line.grade, line.item, column)),
      );
      const total = counts[counts.length - 1];
      const averages = (definition.averages ?? []).map((a) => {
        if (total === null || total === undefined || total === 0) return null;
        const sum = cube.sums.get(cellId(line.unit, line.grade, line.item, a.sumColumn)) ?? 0;
        return Math.round((sum / total) * 100) / 100;
      });
      return { label: line.label, values: [...counts, ...averages] };
    }),
    suppressedCells,
  };
}
