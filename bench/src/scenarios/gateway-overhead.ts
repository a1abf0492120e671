/**
 * Gateway overhead: each query through our gateway, and the same query sent straight to the
 * owning subgraphs: the very fetches the gateway's query plan made for it (kept by the
 * subgraph-fetches scenario), in the same order, parallel where the plan was, with the identity
 * header the gateway would have signed. The gateway's share of the p50 is the part of the latency
 * the direct calls do not spend: token check, principal look-up, authorization, planning, merging.
 */
import { IDENTITY_HEADER, signForwardedIdentity } from '@hocbaso/service-kit';
import type { PreparedRequest } from '../runner/graphql-client';
import { busiest, measureInterleaved, type Variant } from '../runner/measure';
import { atMost, gatewayShare, type TargetCheck } from '../runner/targets';
import { formatNumber, formatTable, type Cell } from '../runner/table';
import type { ServiceName } from '../platform/stack';
import { answerProblem, sendChecked, type BenchContext, type ScenarioResult } from './context';
import type { FetchPlan, FetchReport } from './subgraph-fetches';

const SHARE_LIMIT = 0.25;

/** The look-up the gateway makes for the reader's token: identity's /internal/principal. */
async function principalLookup(context: BenchContext): Promise<PreparedRequest> {
  const token = await context.readerToken();
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub: string;
    sid: string;
  };
  const url = new URL('/internal/principal', context.stack.identityBaseUrl);
  url.searchParams.set('accountId', claims.sub);
  url.searchParams.set('sessionId', claims.sid);
  const anonymous = signForwardedIdentity(
    { principal: null, requestId: 'bench-principal' },
    context.stack.secret,
    3600,
  );
  return { url: url.toString(), method: 'GET', body: '', headers: { [IDENTITY_HEADER]: anonymous } };
}

export async function measureGatewayOverhead(
  context: BenchContext,
  fetches: FetchReport,
): Promise<ScenarioResult> {
  const { client, options, stack } = context;
  const failures: string[] = [];
  const variants: Variant[] = [];
  const queries = context.queries.filter(
    (q) => !options.overheadQueries || options.overheadQueries.includes(q.id),
  );
  // What the gateway asks identity on every request (ADR 0005), timed on its own.
  const principal = await principalLookup(context);
  variants.push({
    name: 'principal-lookup',
    send: async () => {
      const answer = await client.send(principal);
      if (answer.status !== 200) throw new Error(`principal look-up: HTTP ${answer.status}`);
      return true;
    },
  });
  for (const query of queries) {
    const plan: FetchPlan | undefined = fetches.plans[query.id];
    if (!plan || plan.length === 0) {
      failures.push(`${query.id}: no subgraph fetches were captured to replay`);
      continue;
    }
    let token = await context.readerToken();
    let request = client.prepare(context.gatewayUrl, query.body, query.variables, {
      authorization: `Bearer ${token}`,
    });
    const problem = answerProblem(query, (await client.send(request)).body, context.school.subjects.length);
    if (problem) failures.push(`${query.id}: ${problem}`);
    const stages = plan.map((stage) =>
      stage.map((fetch) => ({
        url: stack.subgraphUrls[fetch.subgraph as ServiceName],
        body: fetch.body,
        headers: { [IDENTITY_HEADER]: context.forwardedIdentity },
      })),
    );
    variants.push(
      {
        name: `${query.id}/gateway`,
        beforeRun: async () => {
          token = await context.readerToken();
          request = client.prepare(context.gatewayUrl, query.body, query.variables, {
            authorization: `Bearer ${token}`,
          });
        },
        send: () => sendChecked(client, request),
      },
      {
        name: `${query.id}/direct`,
        send: async () => {
          for (const stage of stages) await Promise.all(stage.map((fetch) => sendChecked(client, fetch)));
          return true;
        },
      },
    );
  }
  context.log('gateway overhead at 1 client');
  const measured = await measureInterleaved(variants, 1, options, context.watcher);
  for (const [name, figures] of Object.entries(measured)) {
    if (figures.failures > 0)
      failures.push(`${name}: ${figures.failures} failed (${figures.firstFailure ?? ''})`);
  }

  const rows: Cell[][] = [];
  const shares: Record<string, number> = {};
  for (const query of queries) {
    const through = measured[`${query.id}/gateway`];
    const direct = measured[`${query.id}/direct`];
    if (!through || !direct) continue;
    shares[query.id] = gatewayShare(through.p50Ms, direct.p50Ms);
    rows.push([
      query.label,
      direct.p50Ms,
      through.p50Ms,
      through.p50Ms - direct.p50Ms,
      `${formatNumber(shares[query.id]! * 100)}%`,
      direct.p95Ms,
      through.p95Ms,
    ]);
  }
  const share = shares['record-book'] ?? Number.NaN;
  const verdict = atMost(share, SHARE_LIMIT);
  const recordBook = measured['record-book/gateway'];
  const recordBookDirect = measured['record-book/direct'];
  const lookup = measured['principal-lookup'];
  const targets: TargetCheck[] = [
    {
      id: 'gateway-share-record-book',
      target: "gateway's share of the record-book query's p50 ≤ 25%",
      measured: `${formatNumber(share * 100)}%`,
      verdict,
      ...(verdict === 'MISSED' && recordBook && recordBookDirect
        ? {
            note:
              `the gateway adds ${formatNumber(recordBook.p50Ms - recordBookDirect.p50Ms)} ms, of which identity's ` +
              `principal look-up alone takes ${formatNumber(lookup?.p50Ms)} ms (p50); busiest: ${busiest(recordBook.cores, 4)}`,
          }
        : {}),
    },
  ];
  return {
    name: 'gateway-overhead',
    tables: [
      formatTable(
        'Gateway overhead at 1 client (ms; direct = the same subgraph fetches without the gateway)',
        ['query', 'direct p50', 'gateway p50', 'added', 'gateway share', 'direct p95', 'gateway p95'],
        rows,
      ),
      `principal look-up (identity /internal/principal, once per gateway request): p50 ${formatNumber(lookup?.p50Ms)} ms, p95 ${formatNumber(lookup?.p95Ms)} ms`,
    ],
    targets,
    figures: { measured, shares },
    failures,
  };
}
