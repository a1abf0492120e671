/**
 * Our gateway (authorization on, a real user token) side by side with Hive Gateway and a plain
 * default-config @apollo/gateway, in the same run, over the same subgraph processes and the same
 * queries, at 20 concurrent clients. The other two do none of our authorization: the client sends
 * them the identity header the bench signed, which they forward to the subgraphs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IDENTITY_HEADER } from '@hocbaso/service-kit';
import { busiest, measureInterleaved, type Measured, type Variant } from '../runner/measure';
import { atLeast, ratio, type TargetCheck } from '../runner/targets';
import { formatNumber, formatTable, type Cell } from '../runner/table';
import { REPO_ROOT } from '../platform/stack';
import { withoutSecurityMarkers, withSubgraphUrls } from '../platform/supergraph';
import { answerProblem, rotatingSender, type BenchContext, type ScenarioResult } from './context';

/**
 * The query compared: the record book, of a different student on each request. (A class query
 * cannot be varied so: 20 clients would send one identical request, which Hive Gateway merges
 * in flight by default, measuring that cache rather than the gateway.)
 */
const COMPARED = ['record-book'];

export async function compareGateways(context: BenchContext): Promise<ScenarioResult> {
  const { stack, client, options } = context;
  const failures: string[] = [];
  const supergraph = withSubgraphUrls(
    readFileSync(path.join(REPO_ROOT, 'gateway/supergraph.graphql'), 'utf8'),
    stack.subgraphUrls,
  );
  const hiveFile = path.join(stack.logDir, 'supergraph.hive.graphql');
  const apolloFile = path.join(stack.logDir, 'supergraph.apollo.graphql');
  writeFileSync(hiveFile, supergraph);
  writeFileSync(apolloFile, withoutSecurityMarkers(supergraph));
  const tsx = ['--require', 'tsx/cjs'];
  const hive = await stack.startGateway(
    'hive-gateway',
    [...tsx, 'bench/src/platform/hive-gateway.ts'],
    { SUPERGRAPH_FILE: hiveFile },
    'PORT',
    { path: '/readiness', when: 'ok' },
  );
  const apollo = await stack.startGateway(
    'apollo-gateway',
    [...tsx, 'bench/src/platform/apollo-gateway.ts'],
    { SUPERGRAPH_FILE: apolloFile },
    'PORT',
    { path: '/graphql', when: 'answers' },
  );
  const measured: Record<string, Record<string, Measured>> = {};
  try {
    for (const id of COMPARED) {
      const query = context.queries.find((q) => q.id === id);
      if (!query) continue;
      const bearer = async () => ({ authorization: `Bearer ${await context.readerToken()}` });
      const signed = { [IDENTITY_HEADER]: context.forwardedIdentity };
      for (const [name, url, headers] of [
        ['ours', context.gatewayUrl, await bearer()],
        ['hive', hive.url, signed],
        ['apollo', apollo.url, signed],
      ] as const) {
        const answer = await client.send(client.prepare(url, query.body, query.variables, headers));
        const problem = answerProblem(query, answer.body, context.school.subjects.length);
        if (problem) failures.push(`${id} via ${name}: ${problem}`);
      }
      let ours = rotatingSender(client, context.gatewayUrl, query, await bearer());
      const variants: Variant[] = [
        {
          name: 'ours',
          beforeRun: async () => {
            ours = rotatingSender(client, context.gatewayUrl, query, await bearer());
          },
          send: () => ours(),
        },
        { name: 'hive', send: rotatingSender(client, hive.url, query, signed) },
        { name: 'apollo', send: rotatingSender(client, apollo.url, query, signed) },
      ];
      context.log(`gateway comparison: ${id} at ${options.comparisonConcurrency} clients`);
      measured[id] = await measureInterleaved(
        variants,
        options.comparisonConcurrency,
        options,
        context.watcher,
      );
      for (const [name, figures] of Object.entries(measured[id]!)) {
        if (figures.failures > 0) {
          failures.push(`${id} via ${name}: ${figures.failures} failed (${figures.firstFailure ?? ''})`);
        }
      }
    }
  } finally {
    await stack.processes.stop(hive.process);
    await stack.processes.stop(apollo.process);
  }

  const label: Record<string, string> = {
    ours: 'our gateway (authorization on)',
    hive: 'Hive Gateway',
    apollo: '@apollo/gateway (default)',
  };
  const gatewayProcess: Record<string, string> = {
    ours: 'gateway',
    hive: 'hive-gateway',
    apollo: 'apollo-gateway',
  };
  const rows: Cell[][] = [];
  for (const [id, byGateway] of Object.entries(measured)) {
    for (const [name, m] of Object.entries(byGateway)) {
      rows.push([
        id,
        label[name],
        m.requestsPerSecond,
        m.p50Ms,
        m.p95Ms,
        formatNumber(m.cores[gatewayProcess[name]!], 2),
        // The gateway's own cost, whatever limits the throughput (here often the store).
        ((m.cores[gatewayProcess[name]!] ?? Number.NaN) * 1000) / m.requestsPerSecond,
        formatNumber(m.loadGeneratorCores, 2),
        m.failures,
        busiest(m.cores),
      ]);
    }
  }
  const recordBook = measured['record-book'];
  const oursRps = recordBook?.ours?.requestsPerSecond ?? Number.NaN;
  const versusHive = ratio(oursRps, recordBook?.hive?.requestsPerSecond ?? Number.NaN);
  const versusApollo = ratio(oursRps, recordBook?.apollo?.requestsPerSecond ?? Number.NaN);
  const cpuPerRequest = (name: string) => {
    const m = recordBook?.[name];
    return m
      ? formatNumber(((m.cores[gatewayProcess[name]!] ?? Number.NaN) * 1000) / m.requestsPerSecond)
      : '–';
  };
  const note = (verdict: string) =>
    verdict === 'MISSED' && recordBook?.ours
      ? {
          note:
            `under our gateway, busiest: ${busiest(recordBook.ours.cores, 4)}; gateway CPU per request: ours ` +
            `${cpuPerRequest('ours')} ms, Hive ${cpuPerRequest('hive')} ms, Apollo ${cpuPerRequest('apollo')} ms`,
        }
      : {};
  const hiveVerdict = atLeast(versusHive, 1);
  const apolloVerdict = atLeast(versusApollo, 1.5);
  const targets: TargetCheck[] = [
    {
      id: 'throughput-vs-hive',
      target: 'our gateway req/s ≥ Hive Gateway req/s (record book, 20 clients)',
      measured: `${formatNumber(versusHive, 2)}× (${formatNumber(oursRps)} vs ${formatNumber(recordBook?.hive?.requestsPerSecond)})`,
      verdict: hiveVerdict,
      ...note(hiveVerdict),
    },
    {
      id: 'throughput-vs-apollo',
      target: 'our gateway req/s ≥ 1.5× default @apollo/gateway req/s (record book, 20 clients)',
      measured: `${formatNumber(versusApollo, 2)}× (${formatNumber(oursRps)} vs ${formatNumber(recordBook?.apollo?.requestsPerSecond)})`,
      verdict: apolloVerdict,
      ...note(apolloVerdict),
    },
  ];
  return {
    name: 'gateway-comparison',
    tables: [
      formatTable(
        `Gateways side by side at ${options.comparisonConcurrency} clients (same subgraphs, same query)`,
        [
          'query',
          'gateway',
          'req/s',
          'p50 ms',
          'p95 ms',
          'gateway cores',
          'gateway CPU ms/req',
          'load gen cores',
          'failed',
          'busiest processes (cores)',
        ],
        rows,
      ),
    ],
    targets,
    figures: { concurrency: options.comparisonConcurrency, measured },
    failures,
  };
}
