/**
 * `npm run test:faults`: the platform as production runs it (each service and the gateway its own
 * process, from dist) on the local Kafka and store; a school's bulk grade entry runs while each
 * process is killed in turn, Kafka is stopped, the store restarted and the events duplicated. Then
 * the client's ledger is reconciled with the store, the topic and a consumer's read model; the
 * counts are printed and any loss or violation exits 1. Everything it started is stopped at the end.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EVENT_REGISTRY, parseEvent, subjectResultRecorded, type EventData } from '@hocbaso/events';
import { MongoClient, type Db } from 'mongodb';
import { Api, untilCaughtUp } from '../../bench/src/data/api';
import { ensureInfrastructure } from '../../bench/src/platform/infra';
import { PlatformStack, REPO_ROOT } from '../../bench/src/platform/stack';
import { GradebookEntry, SCHOOL_YEAR } from './entry';
import { readFaultOptions, USAGE, type FaultOptions } from './env';
import { FAULTS, injectAndRecover, type FaultContext } from './faults';
import { keyOf, Ledger, type TermMarks } from './ledger';
import { consumerCounts } from './metrics';
import {
  formatReconciliation,
  halfWritten,
  reconcileEvents,
  reconcileWrites,
  violationsOf,
  type ConsumerCount,
  type FaultRecord,
  type KnownResult,
  type ProcessedCount,
  type Reconciliation,
  type ResultEvent,
  type StoredGradebook,
} from './reconcile';
import { checkAuditTrail } from './audit';
import { createFaultSchool } from './school';
import { SessionRefresher } from './sessions';
import { SigningRun } from './signing';
import { endOffsets, groupBacklogs, kafkaClient, readSince, type TopicMessage } from './topic';

const started = Date.now();
const log = (line: string) =>
  process.stderr.write(`\x1b[1m[faults +${Math.round((Date.now() - started) / 1000)}s]\x1b[0m ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const TOPIC = subjectResultRecorded.topic;

/** Who keeps a session alive during the gateway restart (staff of identity's demo seed). */
const SESSION_ACCOUNTS = [
  'hieutruong.demo',
  'giaovu.demo',
  'phohieutruong11.demo',
  'phohieutruong12.demo',
  'admin.demo',
];

/** The consumers of the subject results and where each records the ids it handled. */
const PROCESSED: Array<{ service: 'academics' | 'conduct' | 'signatures'; collection: string }> = [
  { service: 'academics', collection: 'statistics_processed_events' },
  { service: 'conduct', collection: 'processed_events' },
  { service: 'signatures', collection: 'processed_events' },
  { service: 'signatures', collection: 'statistics_processed_events' },
  { service: 'signatures', collection: 'processed_audit_events' },
];

async function main(): Promise<number> {
  let options: FaultOptions;
  try {
    options = readFaultOptions();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { infra, stop: stopInfrastructure } = ensureInfrastructure(REPO_ROOT, log);
  const stack = new PlatformStack(infra, mkdtempSync(path.join(tmpdir(), 'hocbaso-faults-')));
  const mongo = new MongoClient(infra.mongodbUri, { serverSelectionTimeoutMS: 30_000 });
  let entry: GradebookEntry | undefined;
  let signingRun: SigningRun | null = null;
  let stopping: Promise<void> | undefined;
  const cleanUp = () =>
    (stopping ??= (async () => {
      log('stopping what the run started');
      signingRun?.stop();
      await entry?.stop().catch(() => undefined);
      await mongo.close().catch(() => undefined);
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
  process.once('exit', () => stack.processes.killAllNow());

  try {
    log(
      `run ${stack.runId}: logs in ${stack.logDir}; Kafka ${infra.kafkaBrokers}, store ${infra.mongodbUri}`,
    );
    await stack.seedIdentity();
    log('starting the services');
    await stack.startServices();
    const gateway = await stack.startGateway(
      'gateway',
      ['gateway/dist/index.js'],
      // The suite's clients all come from one address: the per-address limit of login and
      // refreshSession (60 a minute) would refuse the session clients' refreshes.
      {
        ...stack.ourGatewayEnv(stack.subgraphUrls, stack.identityBaseUrl),
        LOGIN_RATE_PER_ADDRESS_PER_MINUTE: '1000000',
      },
      'GATEWAY_PORT',
    );
    const api = new Api(gateway.url);
    const school = await createFaultSchool(api, stack.credentials, options, log);
    const signing = options.signingStudents
      ? new SigningRun(api, stack.credentials, stack.keystoreDir, {
          students: options.signingStudents,
          pauseMs: options.signingPauseMs,
          stepTimeoutMs: 300_000,
        })
      : null;
    signingRun = signing;
    await signing?.prepare(log);
    const kafka = kafkaClient(infra.kafkaBrokers, `${stack.runId}-faults`);
    const from = await endOffsets(kafka, TOPIC);
    const classIds = new Set(school.classes.map((c) => c.id));
    const ours = (message: TopicMessage) => {
      try {
        return classIds.has(
          (JSON.parse(message.value) as { data?: { classId?: string } }).data?.classId ?? '',
        );
      } catch {
        return false;
      }
    };

    const ledger = new Ledger();
    entry = new GradebookEntry(gateway.url, ledger, school.classes, school.teachers, {
      teachers: options.teachers,
      pauseMs: options.pauseMs,
      timeoutMs: 30_000,
    });
    const keys = entry.keys();
    log(`bulk entry: ${keys.length} gradebooks (class, subject, term), ${options.teachers} teachers at once`);
    entry.start();
    // Academics learns the rosters from events: the entry begins once every gradebook was written.
    await untilCaughtUp('the first round of every gradebook', async () => ({
      done: new Set(ledger.acknowledged.map((w) => w.key)).size,
      total: keys.length,
    }));
    const warmUp = {
      attempts: ledger.writes.length,
      failed: ledger.writes.filter((w) => w.outcome === 'failed').length,
    };
    log(
      `every gradebook written once (${warmUp.attempts} attempts, ${warmUp.failed} refused while academics learnt the rosters)`,
    );

    await mongo.connect();
    const sessions = new SessionRefresher(
      gateway.url,
      SESSION_ACCOUNTS.slice(0, options.sessions).map((username) => {
        const account = stack.credentials.find((c) => c.username === username);
        if (!account) throw new Error(`identity's demo seed has no ${username}`);
        return account;
      }),
      300,
    );
    await sessions.open();
    const context: FaultContext = { stack, ledger, kafka, options, topic: TOPIC, from, ours, sessions, log };
    const faults: FaultRecord[] = [
      {
        name: 'warm-up',
        what: 'first round of every gradebook (academics learning the rosters)',
        startedAt: ledger.writes[0]?.startedAt ?? Date.now(),
        endedAt: Date.now(),
        recoveredAt: Date.now(),
      },
    ];
    signing?.start(log);
    for (const name of options.faults) {
      log(`fault: ${name}`);
      const record = await injectAndRecover(FAULTS[name], context);
      faults.push(record);
      if (record.violation) log(`${name}: ${record.violation}`);
      await sleep(options.settleMs);
    }
    if (signing) {
      log('waiting for the signing run to finish');
      await signing.finish();
    }
    log('stopping the entry');
    await entry.stop();
    log(
      `entry done: ${ledger.writes.length} attempts, ${ledger.acknowledged.length} acknowledged, ` +
        `${new Set(ledger.writes.map((w) => keyOf(w.gradebook))).size} gradebooks`,
    );

    const academics = mongo.db(stack.dbName('academics'));
    await untilOutboxesDrained(academics);
    await untilConsumersCaughtUp(kafka, stack.runId, from);

    log('reading the store, the topic and the read models');
    const stored = await storedGradebooks(academics, [...classIds]);
    const messages = (await readSince(kafka, TOPIC, from, stack.group('faults-reconcile'))).filter(ours);
    const { events, unreadable } = resultEvents(messages);
    const distinctIds = [...new Set(events.map((e) => e.id))];
    const studentIds = school.classes.flatMap((c) => c.studentIds);
    const readModel = await conductReadModel(mongo.db(stack.dbName('conduct')), studentIds);
    const processed: ProcessedCount[] = [];
    for (const { service, collection } of PROCESSED) {
      const recorded = await countIds(mongo.db(stack.dbName(service)), collection, distinctIds);
      processed.push({ service, collection, recorded, of: distinctIds.length });
    }
    const consumers = await consumersOf(stack);
    const signed = signing ? await signing.check() : null;
    const audit = await checkAuditTrail(mongo.db(stack.dbName('signatures')), distinctIds);
    // A process that died by itself (not one the suite killed: those left the group) did not recover.
    const readiness = await Promise.all(
      stack.processes.all
        .filter((p) => p.spec.readyUrl)
        .map(async (p) => {
          const exit = p.child.exitCode ?? p.child.signalCode;
          return exit !== null
            ? { name: p.name, ready: false, note: `exited by itself (${exit}); see ${p.logFile}` }
            : { name: p.name, ready: await answersOk(p.spec.readyUrl!) };
        }),
    );

    const eventsCheck = reconcileEvents(events, ledger.writes, stored, readModel);
    eventsCheck.violations.unshift(...unreadable);
    const reconciliation: Reconciliation = {
      writes: reconcileWrites(ledger.writes, stored),
      events: eventsCheck,
      records: halfWritten(stored, new Map(school.classes.map((c) => [c.id, c.studentIds.length]))),
      processed,
      consumers,
      stormCopies: faults.reduce((sum, f) => sum + (f.stormCopies ?? 0), 0),
      faults,
      signing: signed,
      audit,
      readiness,
    };
    process.stdout.write(`\n${formatReconciliation(reconciliation, ledger.writes)}\n\n`);
    const violations = violationsOf(reconciliation);
    if (violations.length) {
      process.stdout.write(
        `VIOLATIONS (${violations.length}):\n${violations
          .slice(0, 60)
          .map((v) => `  - ${v}`)
          .join('\n')}\n`,
      );
      if (violations.length > 60) process.stdout.write(`  … and ${violations.length - 60} more\n`);
      process.stdout.write(`logs: ${stack.logDir}\n`);
      return 1;
    }
    process.stdout.write('lost = 0, no violation\n');
    return 0;
  } finally {
    await cleanUp();
  }
}

/** Polls `remaining` until it is 0; gives up after `stallMs` without it going down. */
async function untilNone(
  what: string,
  stallMs: number,
  pauseMs: number,
  remaining: () => Promise<number>,
): Promise<void> {
  let best = Infinity;
  let since = Date.now();
  for (;;) {
    const left = await remaining();
    if (left === 0) return;
    if (left < best) [best, since] = [left, Date.now()];
    else if (Date.now() - since > stallMs)
      throw new Error(`${what}: ${left} left, none less for ${stallMs / 1000} s`);
    await sleep(pauseMs);
  }
}

/** Until no gradebook has events waiting in its outbox (the relay caught up after the faults). */
async function untilOutboxesDrained(academics: Db): Promise<void> {
  const gradebooks = academics.collection('gradebooks');
  await untilNone('the outboxes drained', 120_000, 3_000, async () => {
    const pending = await gradebooks.countDocuments({ _outboxPending: true });
    log(`quiet: ${pending} gradebooks with events to publish`);
    return pending;
  });
}

/** Until every consumer group of the run has read the subject results to the end. */
async function untilConsumersCaughtUp(
  kafka: ReturnType<typeof kafkaClient>,
  runId: string,
  from: Map<number, number>,
): Promise<void> {
  await untilNone('the consumers caught up', 180_000, 5_000, async () => {
    const backlogs = await groupBacklogs(kafka, TOPIC, runId, from);
    const behind = [...backlogs].filter(([, n]) => n > 0);
    const total = behind.reduce((sum, [, n]) => sum + n, 0);
    const groups = behind.map(([g, n]) => `${g.slice(runId.length + 1)} ${n}`).join(', ');
    log(`quiet: ${total} events still to consume${groups ? ` (${groups})` : ''}`);
    return total;
  });
}

interface GradebookDocument {
  _id: string;
  classId: string;
  subjectCode: string;
  kind: 'SCORE' | 'COMMENT';
  regularCount: number;
  rows?: Array<{ studentId: string; term1: TermMarks | null; term2: TermMarks | null }>;
  _outbox?: Array<{ id: string; payload: string }>;
  _outboxPending?: boolean;
}

async function storedGradebooks(academics: Db, classIds: string[]): Promise<StoredGradebook[]> {
  const documents = await academics
    .collection<GradebookDocument>('gradebooks')
    .find({ classId: { $in: classIds } })
    .toArray();
  return documents.map((g) => ({
    id: g._id,
    classId: g.classId,
    subjectCode: g.subjectCode,
    kind: g.kind,
    regularCount: g.regularCount,
    rows: (g.rows ?? []).map((r) => ({
      studentId: r.studentId,
      term1: r.term1 ?? null,
      term2: r.term2 ?? null,
    })),
    outbox: (g._outbox ?? []).map((e) => ({ id: e.id, payload: e.payload })),
    outboxPending: g._outboxPending === true,
  }));
}

/** The messages as events; one that does not parse as a subject result is a violation. */
function resultEvents(messages: TopicMessage[]): { events: ResultEvent[]; unreadable: string[] } {
  const events: ResultEvent[] = [];
  const unreadable: string[] = [];
  for (const m of messages) {
    try {
      const event = parseEvent(m.value, EVENT_REGISTRY);
      if (event.type !== subjectResultRecorded.type) continue;
      const data = event.data as EventData<typeof subjectResultRecorded>;
      if (m.key !== data.studentId) unreadable.push(`event ${event.id}: key ${m.key} is not its student`);
      events.push({
        id: event.id,
        partition: m.partition,
        offset: m.offset,
        raw: m.value,
        studentId: data.studentId,
        classId: data.classId,
        subjectCode: data.subjectCode,
        ...(data.marks ? { marks: data.marks } : {}),
        year: data.year,
        reassessment: data.reassessment,
      });
    } catch (error) {
      unreadable.push(
        `message ${m.partition}/${m.offset} does not parse: ${(error as Error).message.slice(0, 120)}`,
      );
    }
  }
  return { events, unreadable };
}

async function conductReadModel(conduct: Db, studentIds: string[]): Promise<KnownResult[]> {
  const documents = await conduct
    .collection<{
      _id: string;
      studentId: string;
      subjects?: Record<string, Omit<KnownResult, 'studentId' | 'subjectCode'>>;
    }>('rm_student_results')
    .find({ _id: { $in: studentIds.map((id) => `${id}:${SCHOOL_YEAR}`) } })
    .toArray();
  return documents.flatMap((d) =>
    Object.entries(d.subjects ?? {}).map(([subjectCode, r]) => ({
      studentId: d.studentId,
      subjectCode,
      year: { average: r.year.average, result: r.year.result },
      reassessment: r.reassessment
        ? { average: r.reassessment.average, result: r.reassessment.result }
        : null,
    })),
  );
}

/** How many of the ids a collection holds (its `_id` is unique: at most once each, by construction). */
async function countIds(db: Db, collection: string, ids: string[]): Promise<number> {
  let count = 0;
  for (let i = 0; i < ids.length; i += 500) {
    count += await db
      .collection<{ _id: string }>(collection)
      .countDocuments({ _id: { $in: ids.slice(i, i + 500) } });
  }
  return count;
}

async function consumersOf(stack: PlatformStack): Promise<ConsumerCount[] | null> {
  const counts: ConsumerCount[] = [];
  for (const service of ['academics', 'conduct', 'signatures', 'archive']) {
    const process = stack.processes.all.find((p) => p.name === service);
    if (!process) continue;
    const found = await consumerCounts(service, process.pid, TOPIC);
    if (!found) return null;
    counts.push(...found.map((c) => ({ ...c, group: c.group.replace(`${stack.runId}-`, '') })));
  }
  return counts;
}

async function answersOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).ok;
  } catch {
    return false;
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    log(`failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
