import { forbidden } from '@hocbaso/errors';
import type { Principal } from '@hocbaso/service-kit';
import { mayReadStatistics } from './access';
import { tableCsv } from './csv';
import {
  buildCube,
  tableFor,
  type AggregationArea,
  type StatisticsCube,
  type StatisticsRows,
  type StatisticsTableView,
} from './cube';
import type { SchoolPlace } from './directory';
import type { StatisticsKey } from './key';
import type { StatisticsStore } from './store';
import type { StatisticsTableDefinition } from './table-definition';

export interface StatisticsTableResult extends StatisticsTableView {
  csv: string;
}

/**
 * Serves tables from the schools' totals, never from records: a query reads the year's version
 * and, when nothing changed since, answers from the cube it built before, so its time does not
 * grow with the number of students (nor, while data is unchanged, of schools).
 */
export class StatisticsReader {
  private readonly areas = new Map<
    string,
    { version: number; places: string; area: Promise<AggregationArea> }
  >();
  private readonly cubes = new Map<string, { version: number; places: string; cube: StatisticsCube }>();

  constructor(private readonly store: StatisticsStore) {}

  /** Refuses with FORBIDDEN unless the principal may read statistics at this key. */
  async authorize(principal: Principal | null, key: Pick<StatisticsKey, 'scope' | 'code'>): Promise<void> {
    const places = await this.store.schoolPlaces();
    const bySchool = new Map(places.map((p) => [p.schoolId, p]));
    const provinceOfDistrict = (district: string) =>
      places.find((p) => p.districtCode === district)?.provinceCode ?? undefined;
    if (!mayReadStatistics(principal, key, (id) => bySchool.get(id), provinceOfDistrict)) throw forbidden();
  }

  async table(
    key: StatisticsKey,
    definition: StatisticsTableDefinition,
    rows: StatisticsRows,
  ): Promise<StatisticsTableResult> {
    const version = await this.store.version(key.schoolYear);
    const places = await this.store.schoolPlaces();
    const areaSchools = areaOf(key, places);
    const areaKey = `${areaSchools.id}|${key.schoolYear}`;
    const cubeKey = `${areaKey}|${key.term}|${definition.name}`;
    // A school placed since (no figure of its own yet) changes the area, not the version.
    const placed = areaSchools.schools.map((s) => `${s.schoolId}:${s.districtCode}:${s.name}`).join('|');
    let cached = this.cubes.get(cubeKey);
    if (!cached || cached.version !== version || cached.places !== placed) {
      const area = await this.area(areaKey, version, placed, areaSchools.schools, key.schoolYear);
      cached = { version, places: placed, cube: buildCube(definition, key.term, area) };
      this.cubes.set(cubeKey, cached);
    }
    const view = tableFor(cached.cube, key, rows);
    return { ...view, csv: tableCsv(view) };
  }

  private area(
    areaKey: string,
    version: number,
    places: string,
    schools: SchoolPlace[],
    schoolYear: string,
  ): Promise<AggregationArea> {
    const cached = this.areas.get(areaKey);
    if (cached && cached.version === version && cached.places === places) return cached.area;
    const area = this.store
      .totalsOf(
        schools.map((s) => s.schoolId),
        schoolYear,
      )
      .then((totals) => ({ schools, totals }));
    this.areas.set(areaKey, { version, places, area });
    area.catch(() => this.areas.delete(areaKey));
    return area;
  }
}

/** The schools whose figures are decided together with the key's: its whole province. */
function areaOf(key: StatisticsKey, places: SchoolPlace[]): { id: string; schools: SchoolPlace[] } {
  let province: string | null | undefined;
  if (key.scope === 'PROVINCE') province = key.code;
  else if (key.scope === 'DISTRICT') province = places.find((p) => p.districtCode === key.code)?.provinceCode;
  else {
    const school = places.find((p) => p.schoolId === key.code);
    province = school?.provinceCode;
    if (!province || !school?.districtCode)
      return {
        id: `S:${key.code}`,
        schools: school
          ? [school]
          : [{ schoolId: key.code, code: key.code, name: key.code, provinceCode: null, districtCode: null }],
      };
  }
  if (!province) return { id: `none:${key.scope}:${key.code}`, schools: [] };
  return {
    id: `P:${province}`,
    schools: places.filter((p) => p.provinceCode === province && p.districtCode),
  };
}
