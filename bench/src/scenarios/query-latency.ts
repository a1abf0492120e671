/**
 * Latency and throughput of the record-book query and the class query (each class size) through
 * our gateway, as the principal (a real token from login, authorization on), at 1 and at 20
 * concurrent clients.
 */
import { busiest, measureInterleaved, type Measured, type Variant } from '../runner/measure';
import { atMost, ratio, type TargetCheck } from '../runner/targets';
import { formatNumber, formatTable, type Cell } from '../runner/table';
import { answerProblem, rotatingSender, type BenchContext, type ScenarioResult } from './context';
import type { FetchReport } from './subgraph-fetches';

export async function measureQueryLatency(
  context: BenchContext,
  fetches: FetchReport,
): Promise<ScenarioResult> {
  const { client, options } = context;
  const failures: string[] = [];
  const variants: Variant[] = [];
  for (const query of context.queries) {
    const bearer = async () => ({ authorization: `Bearer ${await context.readerToken()}` });
    const first = client.prepare(context.gatewayUrl, query.body, query.variables, await bearer());
    const problem = answerProblem(query, (await client.send(first)).body, context.school.subjects.length);
    if (problem) failures.push(`${query.id}: ${problem}`);
    let send = rotatingSender(client, context.gatewayUrl, query, await bearer());
    variants.push({
      name: query.id,
      beforeRun: async () => {
        send = rotatingSender(client, context.gatewayUrl, query, await bearer());
      },
      send: () => send(),
    });
  }
  const byConcurrency: Record<number, Record<string, Measured>> = {};
  for (const concurrency of options.concurrencies) {
    context.log(`query latency at ${concurrency} client(s)`);
    byConcurrency[concurrency] = await measureInterleaved(variants, concurrency, options, context.watcher);
  }
  for (const [concurrency, measured] of Object.entries(byConcurrency)) {
    for (const [id, figures] of Object.entries(measured)) {
      if (figures.failures > 0) {
        failures.push(`${id} at ${concurrency}: ${figures.failures} failed (${figures.firstFailure ?? ''})`);
      }
    }
  }

  const rows: Cell[][] = [];
  for (const query of context.queries) {
    for (const concurrency of options.concurrencies) {
      const m = byConcurrency[concurrency]![query.id]!;
      rows.push([
        query.label,
        concurrency,
        m.p50Ms,
        m.p95Ms,
        m.requestsPerSecond,
        fetches.counts[query.id]?.subgraphFetches,
        m.failures,
        busiest(m.cores),
      ]);
    }
  }

  const single = Math.min(...options.concurrencies);
  const one = byConcurrency[single]?.['class-1'] ?? byConcurrency[single]?.['record-book'];
  const fortyFive = byConcurrency[single]?.['class-45'];
  const scaled = ratio(fortyFive?.p95Ms ?? Number.NaN, one?.p95Ms ?? Number.NaN);
  const verdict = atMost(scaled, 3);
  const targets: TargetCheck[] = [
    {
      id: 'class-45-p95',
      target: `class query p95, 45 students ≤ 3× p95 for 1 student (${single} client)`,
      measured: `${formatNumber(scaled, 2)}× (${formatNumber(fortyFive?.p95Ms)} vs ${formatNumber(one?.p95Ms)} ms)`,
      verdict,
      ...(verdict === 'MISSED' && fortyFive
        ? { note: `busiest during the 45-student query: ${busiest(fortyFive.cores)}` }
        : {}),
    },
  ];
  return {
    name: 'query-latency',
    tables: [
      formatTable(
        'Query latency through our gateway (ms; median of runs)',
        [
          'query',
          'clients',
          'p50',
          'p95',
          'req/s',
          'subgraph fetches',
          'failed',
          'busiest processes (cores)',
        ],
        rows,
      ),
    ],
    targets,
    figures: { byConcurrency },
    failures,
  };
}
