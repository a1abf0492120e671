/**
 * `npm run bench`: starts the platform (each service and the gateway its own process) on the
 * local Kafka and store, loads a school through the API, measures, prints the tables and the
 * targets, and writes every figure with the machine's description to bench/results/latest.json.
 * Everything it started is stopped at the end, on failure and on Ctrl-C.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { IDENTITY_HEADER, signForwardedIdentity, type Principal } from '@hocbaso/service-kit';
import { Api } from './data/api';
import { createBenchSchool } from './data/school';
import { parseOptions, USAGE, type CliOptions } from './options';
import { DATASET_PREFIX, Datasets } from './data/dataset';
import { IdentityAdmin } from './platform/identity-admin';
import { measureBulkEntry } from './scenarios/bulk-entry';
import { measureDashboards } from './scenarios/dashboards';
import type { DataContext } from './scenarios/data-context';
import { ensureInfrastructure } from './platform/infra';
import { PlatformStack, REPO_ROOT } from './platform/stack';
import { GraphQLClient } from './runner/graphql-client';
import { describeMachine } from './runner/machine';
import { writeResults } from './runner/results';
import { ProcessWatcher } from './runner/proc-stats';
import { formatTable } from './runner/table';
import type { TargetCheck } from './runner/targets';
import type { BenchContext, ScenarioResult } from './scenarios/context';
import { measureSubgraphScaling } from './scenarios/subgraph-scaling';
import { compareGateways } from './scenarios/gateway-comparison';
import { measureGatewayOverhead } from './scenarios/gateway-overhead';
import { reportMemory } from './scenarios/memory';
import { benchQueries } from './scenarios/queries';
import { measureQueryLatency } from './scenarios/query-latency';
import { countSubgraphFetches } from './scenarios/subgraph-fetches';

const started = Date.now();
const log = (line: string) =>
  process.stderr.write(`\x1b[1m[bench +${Math.round((Date.now() - started) / 1000)}s]\x1b[0m ${line}\n`);

/** The principal the gateway would forward for this token (identity's own look-up, ADR 0005). */
async function principalOf(identityBaseUrl: string, accessToken: string, secret: string): Promise<Principal> {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub: string;
    sid: string;
  };
  const url = new URL('/internal/principal', identityBaseUrl);
  url.searchParams.set('accountId', claims.sub);
  url.searchParams.set('sessionId', claims.sid);
  const response = await fetch(url, {
    headers: {
      [IDENTITY_HEADER]: signForwardedIdentity({ principal: null, requestId: randomUUID() }, secret, 30),
    },
  });
  const lookup = (await response.json()) as { status: string; principal?: Principal };
  if (lookup.status !== 'ACTIVE' || !lookup.principal) throw new Error(`principal look-up: ${lookup.status}`);
  return lookup.principal;
}

/**
 * The root's `npm run bench -- --quick` reaches this workspace's script as npm configuration
 * (npm_config_quick=true, npm_config_runs=3, …), not as arguments: taken as if given to the bench.
 */
function npmFlags(): string[] {
  const flags: string[] = [];
  for (const name of ['quick', 'keep-data', 'overhead-all']) {
    if (process.env[`npm_config_${name.replace(/-/g, '_')}`] === 'true') flags.push(`--${name}`);
  }
  for (const name of ['runs', 'duration', 'warmup', 'sizes', 'output', 'only', 'datasets']) {
    const value = process.env[`npm_config_${name}`];
    if (value && value !== 'true') flags.push(`--${name}`, value);
  }
  return flags;
}

/**
 * Part A: the benchmark school loaded through the API on this run's own databases, then the
 * record-book and class queries, the gateway overhead and comparison, and memory.
 */
async function runQueries(
  options: CliOptions,
  stack: PlatformStack,
  client: GraphQLClient,
  watcher: ProcessWatcher,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  log(`run ${stack.runId}: logs in ${stack.logDir}`);
  await stack.seedIdentity();
  log('starting the services');
  await stack.startServices();
  const gateway = await stack.startGateway(
    'gateway',
    ['gateway/dist/index.js'],
    stack.ourGatewayEnv(stack.subgraphUrls, stack.identityBaseUrl),
    'GATEWAY_PORT',
  );
  const api = new Api(gateway.url);
  log(`loading the school: classes of ${options.sizes.join(', ')} students`);
  const school = await createBenchSchool(api, stack.credentials, options.sizes, log);
  const readerToken = () => api.token(school.reader.username, school.reader.password);
  const principal = await principalOf(stack.identityBaseUrl, await readerToken(), stack.secret);
  // Idle: data loaded, the consumers settled, nothing asked yet.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const idle = watcher.snapshot();
  const context: BenchContext = {
    options,
    stack,
    school,
    queries: benchQueries(school),
    client,
    watcher,
    gatewayUrl: gateway.url,
    readerToken,
    forwardedIdentity: signForwardedIdentity(
      { principal, requestId: `bench-${stack.runId}` },
      stack.secret,
      4 * 3600,
    ),
    log,
  };

  log('counting subgraph fetches');
  const fetches = await countSubgraphFetches(context);
  results.push(fetches.result);
  results.push(await measureQueryLatency(context, fetches.report));
  results.push(await measureGatewayOverhead(context, fetches.report));
  results.push(await compareGateways(context));
  results.push(await measureSubgraphScaling(context));
  results.push(reportMemory(context, idle));
  return results;
}

async function main(): Promise<number> {
  let options: CliOptions;
  try {
    options = parseOptions(
      [...process.argv.slice(2), ...npmFlags()],
      path.join(REPO_ROOT, 'bench/results/latest.json'),
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const machine = describeMachine(REPO_ROOT);
  const { infra, pids: infraPids, stop: stopInfrastructure } = ensureInfrastructure(REPO_ROOT, log);
  // The last run's logs only: a reader of them finds this run's ports and nothing older.
  const logDir = path.join(path.dirname(options.output), 'logs');
  rmSync(logDir, { recursive: true, force: true });
  const client = new GraphQLClient(64);
  const stacks: PlatformStack[] = [];
  const closers: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const cleanUp = () =>
    (stopping ??= (async () => {
      client.close();
      log('stopping what the run started');
      for (const close of closers.splice(0))
        await close().catch((error: Error) => log(`stopping: ${error.message}`));
      for (const stack of stacks.splice(0))
        await stack
          .stop({ keepData: options.keepData })
          .catch((error: Error) => log(`stopping: ${error.message}`));
      stopInfrastructure();
    })());
  const interrupted = () => {
    log('interrupted');
    void cleanUp().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  // Whatever happens, no process of the run outlives it.
  process.once('exit', () => stacks.forEach((stack) => stack.processes.killAllNow()));
  const watcherOf = (stack: PlatformStack) =>
    new ProcessWatcher(() => [
      ...stack.processes.all.map((p) => ({ name: p.name, pid: p.pid })),
      { name: 'load generator', pid: process.pid },
      ...Object.entries(infraPids).map(([name, pid]) => ({ name, pid })),
    ]);

  const results: ScenarioResult[] = [];
  const platform: Record<string, unknown> = {};
  try {
    if (options.only.includes('queries')) {
      const stack = new PlatformStack(infra, logDir);
      stacks.push(stack);
      platform.queries = {
        runId: stack.runId,
        subgraphs: stack.subgraphUrls,
        identity: stack.identityBaseUrl,
      };
      results.push(...(await runQueries(options, stack, client, watcherOf(stack))));
      // The next part has the machine to itself.
      await stack.stop({ keepData: options.keepData });
      stacks.splice(stacks.indexOf(stack), 1);
    }
    if (options.only.includes('dashboards') || options.only.includes('bulk')) {
      const datasets = await Datasets.connect(infra.mongodbUri);
      closers.push(() => datasets.close());
      await datasets.tidy(log);
      const stack = new PlatformStack(infra, path.join(logDir, 'datasets'), DATASET_PREFIX);
      stacks.push(stack);
      platform.datasets = {
        runId: stack.runId,
        databases: `${DATASET_PREFIX}_*`,
        subgraphs: stack.subgraphUrls,
      };
      log(`starting the services on the kept datasets (${DATASET_PREFIX}_*)`);
      await stack.startServices();
      const gateway = await stack.startGateway(
        'gateway',
        ['gateway/dist/index.js'],
        stack.ourGatewayEnv(stack.subgraphUrls, stack.identityBaseUrl),
        'GATEWAY_PORT',
      );
      const admin = await IdentityAdmin.open(stack);
      closers.unshift(() => admin.close());
      const sizes = new Set(options.datasets);
      if (options.only.includes('bulk')) sizes.add('small');
      const manifests: DataContext['manifests'] = {};
      for (const size of (['small', 'province'] as const).filter((s) => sizes.has(s)))
        manifests[size] = await datasets.ensure(size, admin, log);
      // Parts an earlier run left marked (its bulk entry) are computed before anything is measured;
      // not those of a province left half made when this run does not make it (hours of work).
      const unfinished = (await datasets.manifest('province'))?.complete === false && !sizes.has('province');
      if (unfinished)
        log(
          'the province dataset is half made: the services compute its statistics meanwhile, which disturbs ' +
            'the dashboard and bulk figures (finish it with --datasets small,province)',
        );
      else await datasets.untilComputed('the kept datasets (an earlier run)', log);
      const context: DataContext = {
        options,
        stack,
        datasets,
        manifests,
        admin,
        api: new Api(gateway.url),
        client,
        watcher: watcherOf(stack),
        gatewayUrl: gateway.url,
        log,
      };
      if (options.only.includes('dashboards')) {
        log('dashboard queries');
        results.push(await measureDashboards(context));
      }
      if (options.only.includes('bulk')) {
        log('bulk grade entry and event latency');
        results.push(await measureBulkEntry(context));
      }
    }
  } catch (error) {
    // Interrupted: the failures that follow (services gone) are not news; cleanUp exits.
    if (stopping) return 130;
    log(`the run failed: ${(error as Error).stack ?? String(error)}`);
    results.push({ name: 'run', tables: [], targets: [], figures: {}, failures: [(error as Error).message] });
  } finally {
    await cleanUp();
  }

  const targets: TargetCheck[] = results.flatMap((r) => r.targets);
  const failures = results.flatMap((r) => r.failures.map((f) => `${r.name}: ${f}`));
  const output = [
    ...results.flatMap((r) => r.tables),
    formatTable(
      'Targets',
      ['target', 'measured', 'verdict', 'what limits it'],
      targets.map((t) => [t.target, t.measured, t.verdict, t.note]),
    ),
  ].join('\n\n');
  process.stdout.write(
    `\n${output}\n\nmachine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.os}, commit ${machine.gitCommit.slice(0, 10)}${machine.gitDirty ? ' (uncommitted changes)' : ''}\n` +
      `each figure: median of ${options.runs} runs of ${options.durationMs} ms after a ${options.warmupMs} ms warm-up; run took ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  if (failures.length > 0) process.stdout.write(`\nFAILED:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
  await writeResults(options.output, {
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    options,
    // Where each subgraph listened: the logs name them by address.
    platform,
    targets,
    failures,
    scenarios: Object.fromEntries(results.map((r) => [r.name, r.figures])),
    tables: output,
  });
  log(`results written to ${path.relative(process.cwd(), options.output)}`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
