/**
 * Subgraph fetches per request: a second instance of our gateway, whose subgraphs (and identity's
 * principal look-up) sit behind counting proxies, answers each query a few times; the proxies count
 * what each subgraph received. The proxies' hop is never in a timed figure: the measured gateway
 * calls the subgraphs directly. One request's fetches are also kept, in the order the query plan
 * made them, for the gateway-overhead scenario to replay against the subgraphs directly.
 */
import { CountingProxy, fetchStages, type CapturedFetch } from '../runner/counting-proxy';
import { allEqual, type TargetCheck } from '../runner/targets';
import { formatTable } from '../runner/table';
import { SERVICES, type ServiceName } from '../platform/stack';
import { answerProblem, type BenchContext, type ScenarioResult } from './context';
import type { BenchQuery } from './queries';

export interface FetchCounts {
  /** Subgraph /graphql fetches per request, by subgraph. */
  bySubgraph: Partial<Record<ServiceName, number>>;
  subgraphFetches: number;
  /** identity's /internal/principal look-ups per request (ADR 0005: one per request). */
  principalLookups: number;
}

/** One request's subgraph fetches as stages: each stage's fetches in parallel, stages in order. */
export type FetchPlan = Array<Array<Pick<CapturedFetch, 'subgraph' | 'body'>>>;

export interface FetchReport {
  counts: Record<string, FetchCounts>;
  plans: Record<string, FetchPlan>;
}

const REQUESTS_PER_QUERY = 3;

export async function countSubgraphFetches(
  context: BenchContext,
): Promise<{ result: ScenarioResult; report: FetchReport }> {
  const { stack, client } = context;
  const proxies = SERVICES.map(
    (name) =>
      new CountingProxy(
        name,
        new URL(name === 'identity' ? stack.identityBaseUrl : stack.subgraphUrls[name]),
      ),
  );
  const failures: string[] = [];
  const report: FetchReport = { counts: {}, plans: {} };
  await Promise.all(proxies.map((proxy) => proxy.listen()));
  const proxied = Object.fromEntries(proxies.map((p) => [p.subgraph, `${p.url}/graphql`])) as Record<
    ServiceName,
    string
  >;
  const gateway = await stack.startGateway(
    'gateway-counting',
    ['gateway/dist/index.js'],
    stack.ourGatewayEnv(proxied, proxies.find((p) => p.subgraph === 'identity')!.url),
    'GATEWAY_PORT',
  );
  try {
    const token = await context.readerToken();
    const ask = (query: BenchQuery) =>
      client.send(
        client.prepare(gateway.url, query.body, query.variables, { authorization: `Bearer ${token}` }),
      );
    for (const query of context.queries) {
      // Warm: the first request fetches JWKS and plans the query.
      const first = await ask(query);
      const problem = answerProblem(query, first.body, context.school.subjects.length);
      if (problem) failures.push(`${query.id}: ${problem}`);
      for (const proxy of proxies) proxy.reset();
      for (let n = 0; n < REQUESTS_PER_QUERY; n++) await ask(query);
      const bySubgraph: Partial<Record<ServiceName, number>> = {};
      for (const proxy of proxies) {
        const count = proxy.counts.get('/graphql') ?? 0;
        if (count > 0) bySubgraph[proxy.subgraph as ServiceName] = count / REQUESTS_PER_QUERY;
      }
      const identity = proxies.find((p) => p.subgraph === 'identity')!;
      report.counts[query.id] = {
        bySubgraph,
        subgraphFetches: Object.values(bySubgraph).reduce((sum, n) => sum + n, 0),
        principalLookups: (identity.counts.get('/internal/principal') ?? 0) / REQUESTS_PER_QUERY,
      };
      for (const proxy of proxies) {
        proxy.reset();
        proxy.capturing = true;
      }
      await ask(query);
      for (const proxy of proxies) proxy.capturing = false;
      const fetches = proxies.flatMap((p) => p.captured).filter((f) => f.path === '/graphql');
      report.plans[query.id] = fetchStages(fetches).map((stage) =>
        stage.map(({ subgraph, body }) => ({ subgraph, body })),
      );
    }
  } finally {
    await stack.processes.stop(gateway.process);
    await Promise.all(proxies.map((proxy) => proxy.close()));
  }

  const classIds = context.queries.filter((q) => q.id.startsWith('class-')).map((q) => q.id);
  const classFetches = classIds.map((id) => report.counts[id]?.subgraphFetches ?? Number.NaN);
  const constant = allEqual(classFetches) && classFetches.every(Number.isFinite);
  const targets: TargetCheck[] = [
    {
      id: 'class-fetches-constant',
      target: 'class query: constant subgraph fetches (any class size)',
      measured: classIds.map((id, n) => `${id.slice(6)}: ${classFetches[n]}`).join(', '),
      verdict: classFetches.some((n) => !Number.isFinite(n)) ? 'NOT MEASURED' : constant ? 'MET' : 'MISSED',
      ...(constant
        ? {}
        : { note: 'fetches grow with the class: a subgraph is called per student (an N+1 in the plan)' }),
    },
  ];
  const rows = context.queries.map((query) => {
    const counts = report.counts[query.id];
    return [
      query.label,
      counts?.subgraphFetches,
      Object.entries(counts?.bySubgraph ?? {})
        .map(([name, n]) => `${name} ${n}`)
        .join(', '),
      report.plans[query.id]?.length,
      counts?.principalLookups,
    ];
  });
  return {
    report,
    result: {
      name: 'subgraph-fetches',
      tables: [
        formatTable(
          'Subgraph fetches per request (through our gateway)',
          ['query', 'subgraph fetches', 'by subgraph', 'sequential stages', 'principal look-ups'],
          rows,
        ),
      ],
      targets,
      figures: { requestsPerQuery: REQUESTS_PER_QUERY, counts: report.counts },
      failures,
    },
  };
}
