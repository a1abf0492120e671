/**
 * Dashboard queries (issue 7) at the small and the province size, through our gateway as the
 * departments' analysts: a province analyst's (every table, rows by district and by grade) and a
 * district analyst's (every table, rows by school). Cold: the first query of each after the
 * services started (the reader builds its cube); warm: the measured figure, p50/p95 at 1 and 20
 * clients. Their ratio, province p95 / small p95, shows whether time grows with the data.
 */
import { performance } from 'node:perf_hooks';
import { DATASETS, type DatasetSize } from '../data/province';
import { busiest, measureInterleaved, type Measured, type Variant } from '../runner/measure';
import { atMost, ratio, type TargetCheck } from '../runner/targets';
import { formatNumber, formatTable, type Cell } from '../runner/table';
import { sendChecked, type ScenarioResult } from './context';
import type { DataContext } from './data-context';

/** Every table the five contributing subgraphs add to `Statistics`. */
export const STATISTICS_TABLES = [
  'enrolment',
  'learningResults',
  'subjectScores',
  'subjectPasses',
  'conductResults',
  'absences',
  'outcomes',
  'titles',
  'recordApprovals',
  'subjectSigning',
  'syncProgress',
  'syncTimeliness',
] as const;

const TABLE_FIELDS = 'title columns rows { label values } suppressedCells csv';

/** The dashboard: every table, once per way of laying out its rows (aliased `<table>By<Rows>`). */
export function dashboardQuery(rows: ReadonlyArray<'UNIT' | 'GRADE'>): string {
  const tables = rows.flatMap((r) =>
    STATISTICS_TABLES.map(
      (t) => `${t}By${r === 'UNIT' ? 'Unit' : 'Grade'}: ${t}(rows: ${r}) { ${TABLE_FIELDS} }`,
    ),
  );
  return `query Dashboard($s: StatisticsScope!, $c: ID!, $y: String!, $t: StatisticsTerm) {
  statistics(scope: $s, code: $c, schoolYear: $y, term: $t) {
    scope code
    ${tables.join('\n    ')}
  }
}`;
}

interface DashboardAnswer {
  data?: {
    statistics: Record<string, { rows: Array<{ label: string; values: Array<number | null> }> }> | null;
  };
  errors?: unknown[];
}

/** Whether the answer has every table with rows (the data is there, not an empty dashboard). */
export function dashboardProblem(body: string, expectedTables: number): string | null {
  let parsed: DashboardAnswer;
  try {
    parsed = JSON.parse(body) as DashboardAnswer;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
  if (parsed.errors) return `errors: ${JSON.stringify(parsed.errors).slice(0, 400)}`;
  const statistics = parsed.data?.statistics;
  if (!statistics) return 'no statistics in the answer';
  const tables = Object.entries(statistics).filter(([key]) => key.includes('By'));
  if (tables.length !== expectedTables) return `${tables.length} tables, expected ${expectedTables}`;
  const empty = tables.filter(([, table]) => table.rows.length === 0).map(([key]) => key);
  return empty.length ? `tables without rows: ${empty.join(', ')}` : null;
}

interface DashboardVariant {
  id: string;
  size: DatasetSize;
  analyst: 'province' | 'district';
  label: string;
  body: string;
  variables: Record<string, unknown>;
  token: () => Promise<string>;
  tables: number;
}

export async function measureDashboards(context: DataContext): Promise<ScenarioResult> {
  const { client, options, admin, api } = context;
  const failures: string[] = [];
  const sizes = (['small', 'province'] as const).filter((s) => context.manifests[s]);
  const dashboards: DashboardVariant[] = [];
  for (const size of sizes) {
    const spec = DATASETS[size];
    const manifest = context.manifests[size]!;
    const district = manifest.schools[0]!.districtCode;
    const province = await admin.account(null, `so.gddt${spec.provinceCode}`, 'DEPARTMENT_ANALYST', {
      provinceCode: spec.provinceCode,
    });
    const phong = await admin.account(null, `phong.gddt${district}`, 'DEPARTMENT_ANALYST', {
      provinceCode: spec.provinceCode,
      districtCode: district,
    });
    const schoolsInDistrict = manifest.schools.filter((s) => s.districtCode === district).length;
    dashboards.push(
      {
        id: `province-${size}`,
        size,
        analyst: 'province',
        label: `province analyst, ${size} (${manifest.schools.length} schools, ${manifest.students} students): by district and by grade`,
        body: dashboardQuery(['UNIT', 'GRADE']),
        variables: { s: 'PROVINCE', c: spec.provinceCode, y: spec.schoolYear, t: 'YEAR' },
        token: () => api.token(province.username, province.password),
        tables: 2 * STATISTICS_TABLES.length,
      },
      {
        id: `district-${size}`,
        size,
        analyst: 'district',
        label: `district analyst, ${size} (${schoolsInDistrict} schools): by school`,
        body: dashboardQuery(['UNIT']),
        variables: { s: 'DISTRICT', c: district, y: spec.schoolYear, t: 'YEAR' },
        token: () => api.token(phong.username, phong.password),
        tables: STATISTICS_TABLES.length,
      },
    );
  }

  // Cold: the first query each reader answers since the services started builds its cube.
  const coldMs: Record<string, number> = {};
  const variants: Variant[] = [];
  for (const dashboard of dashboards) {
    const headers = async () => ({ authorization: `Bearer ${await dashboard.token()}` });
    const request = client.prepare(context.gatewayUrl, dashboard.body, dashboard.variables, await headers());
    const started = performance.now();
    const answer = await client.send(request);
    coldMs[dashboard.id] = performance.now() - started;
    const problem = dashboardProblem(answer.body, dashboard.tables);
    if (problem) failures.push(`${dashboard.id}: ${problem}`);
    let prepared = request;
    variants.push({
      name: dashboard.id,
      beforeRun: async () => {
        prepared = client.prepare(context.gatewayUrl, dashboard.body, dashboard.variables, await headers());
      },
      send: () => sendChecked(client, prepared),
    });
  }

  const byConcurrency: Record<number, Record<string, Measured>> = {};
  for (const concurrency of options.concurrencies) {
    context.log(`dashboards at ${concurrency} client(s)`);
    byConcurrency[concurrency] = await measureInterleaved(variants, concurrency, options, context.watcher);
    for (const [id, m] of Object.entries(byConcurrency[concurrency]!))
      if (m.failures > 0)
        failures.push(`${id} at ${concurrency}: ${m.failures} failed (${m.firstFailure ?? ''})`);
  }

  const rows: Cell[][] = dashboards.flatMap((d) =>
    options.concurrencies.map((concurrency) => {
      const m = byConcurrency[concurrency]![d.id]!;
      return [
        d.label,
        concurrency,
        m.p50Ms,
        m.p95Ms,
        m.requestsPerSecond,
        coldMs[d.id],
        m.failures,
        busiest(m.cores),
      ];
    }),
  );

  const targets: TargetCheck[] = [];
  const ratios: Record<string, number> = {};
  for (const analyst of ['province', 'district'] as const) {
    for (const concurrency of options.concurrencies) {
      const small = byConcurrency[concurrency]![`${analyst}-small`];
      const large = byConcurrency[concurrency]![`${analyst}-province`];
      ratios[`${analyst}@${concurrency}`] = ratio(large?.p95Ms ?? Number.NaN, small?.p95Ms ?? Number.NaN);
    }
  }
  for (const analyst of ['province', 'district'] as const) {
    const single = Math.min(...options.concurrencies);
    const value = ratios[`${analyst}@${single}`] ?? Number.NaN;
    const verdict = atMost(value, 1.5);
    const large = byConcurrency[single]![`${analyst}-province`];
    const small = byConcurrency[single]![`${analyst}-small`];
    targets.push({
      id: `dashboard-${analyst}-ratio`,
      target: `${analyst} analyst's dashboard p95, province size ≤ 1.5× small size (${single} client, warm)`,
      measured: large
        ? `${formatNumber(value, 2)}× (${formatNumber(large.p95Ms)} vs ${formatNumber(small?.p95Ms)} ms)`
        : `province size not asked for (--datasets small,province); small p95 ${formatNumber(small?.p95Ms)} ms`,
      verdict,
      ...(verdict === 'MISSED' && large ? { note: `busiest at province size: ${busiest(large.cores)}` } : {}),
    });
  }

  return {
    name: 'dashboards',
    tables: [
      formatTable(
        'Dashboard queries through our gateway (ms; warm: median of runs; cold: the first query after start)',
        ['dashboard', 'clients', 'p50', 'p95', 'req/s', 'cold', 'failed', 'busiest processes (cores)'],
        rows,
      ),
      formatTable(
        'Dashboard p95, province size / small size',
        ['analyst', ...options.concurrencies.map((c) => `${c} client(s)`)],
        (['province', 'district'] as const).map((analyst) => [
          analyst,
          ...options.concurrencies.map((c) => formatNumber(ratios[`${analyst}@${c}`], 2)),
        ]),
      ),
    ],
    targets,
    figures: { coldMs, byConcurrency, ratios, datasets: context.manifests },
    failures,
  };
}
