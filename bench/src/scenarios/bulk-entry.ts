/**
 * Bulk grade entry (issue 7): a whole school's term marks through `recordGradebook`, every class
 * and subject, sent by its subject teachers (a few at a time, each a real token through our
 * gateway), in marks per second; beside it the store's raw insert rate of equivalent documents
 * (insertMany of gradebook-sized documents into a scratch collection) as the limit. While the
 * entry runs, a consumer of our own (a fresh group on academics' subject-result topic) times
 * each event from its commit (its `time`) to its arrival.
 */
import { performance } from 'node:perf_hooks';
import { subjectResultRecorded } from '@hocbaso/events';
import { Kafka, logLevel } from 'kafkajs';
import { gradebookRows, type CommentRow, type ScoredRow } from '../../../scripts/demo/marks';
import { inParallel, retrying } from '../data/api';
import { classDocuments, DATASETS, planSchool, type PlannedClass } from '../data/province';
import { busiest } from '../runner/measure';
import { coresBetween } from '../runner/proc-stats';
import { median, percentile } from '../runner/stats';
import { atLeast, atMost, ratio, type TargetCheck } from '../runner/targets';
import { formatNumber, formatTable } from '../runner/table';
import type { ScenarioResult } from './context';
import type { DataContext } from './data-context';

/** Teachers entering marks at the same time. */
const TEACHERS_AT_ONCE = 4;

/** Marks (cells) a teacher enters in a row: every regular assessment, the midterm and the final. */
export function marksInRow(row: ScoredRow | CommentRow): number {
  return ('regular' in row ? row.regular.length : row.regularResults.length) + 2;
}

/**
 * This run's term-1 marks of a class in a subject: the demo's marks of a shifted profile (`salt`),
 * and for a comment subject a CHƯA ĐẠT that moves with the salt, so each run changes most rows
 * (an unchanged row is no write and no event).
 */
export function runRows(subjectCode: string, planned: PlannedClass, salt: number) {
  return gradebookRows(
    subjectCode,
    1,
    planned.students.map((s) => ({ id: s.id, index: s.index + salt })),
  ).map((row, i) =>
    'regularResults' in row
      ? {
          ...row,
          regularResults: row.regularResults.map((r, c) =>
            c === 0 && (i + salt) % 3 === 0 ? 'CHUA_DAT' : r,
          ),
        }
      : row,
  );
}

/** Event latencies from a fresh consumer group, for the events of the given classes. */
class LatencyProbe {
  readonly latenciesMs: number[] = [];
  private readonly consumer;

  constructor(
    brokers: string,
    private readonly groupId: string,
    private readonly classIds: ReadonlySet<string>,
  ) {
    this.consumer = new Kafka({
      clientId: groupId,
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    }).consumer({ groupId, maxWaitTimeInMs: 50 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: subjectResultRecorded.topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => {
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve());
    });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const arrived = Date.now();
        const event = JSON.parse(message.value?.toString() ?? '{}') as {
          time?: string;
          data?: { classId?: string };
        };
        if (!event.time || !this.classIds.has(event.data?.classId ?? '')) return;
        this.latenciesMs.push(arrived - Date.parse(event.time));
      },
    });
    await joined;
    // The group's first offset look-up (latest) follows the join.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** 1..37, one more than the last run's (kept beside the datasets). */
async function nextSalt(context: DataContext): Promise<number> {
  const runs = context.datasets.db('identity').collection<{ _id: string; count: number }>('bench_bulk_runs');
  const counter = await runs.findOneAndUpdate(
    { _id: 'bulk-entry' },
    { $inc: { count: 1 } },
    { upsert: true, returnDocument: 'after' },
  );
  return 1 + ((counter?.count ?? 0) % 37);
}

export async function measureBulkEntry(context: DataContext): Promise<ScenarioResult> {
  const { admin, api, stack } = context;
  const failures: string[] = [];
  const manifest = context.manifests.small;
  if (!manifest) throw new Error('bulk entry needs the small dataset');
  const spec = DATASETS.small;
  const school = manifest.schools[0]!;
  // The same plan the generator wrote (deterministic from the school and the first serial).
  const whole = planSchool(spec, school.schoolId, 0, { next: 0 });
  // --quick: the school's grade 10 only (a third of it); the store takes minutes for the whole.
  const planned = context.options.quick
    ? { ...whole, classes: whole.classes.filter((c) => c.grade === 10) }
    : whole;
  const scope = context.options.quick ? `grade 10 of one school` : `one school`;
  const subjects = [...new Set(planned.classes.flatMap((c) => c.subjects))];

  context.log(`bulk entry: ${subjects.length} subject teachers for ${planned.classes.length} classes`);
  const teachers = new Map<string, { username: string; password: string }>();
  for (const code of subjects) {
    const teacher = await admin.account(school.schoolId, `gv.${code.toLowerCase()}`, 'SUBJECT_TEACHER');
    await admin.assignTeaching(
      teacher.accountId,
      planned.classes
        .filter((p) => p.subjects.includes(code))
        .map((c) => ({ classId: c.id, subjectCode: code, schoolYear: spec.schoolYear })),
    );
    teachers.set(code, teacher);
  }

  // Never the last run's salt: marks equal to the stored ones are no write and no event (a run
  // that drew the same salt from the clock measured nothing).
  const salt = await nextSalt(context);
  const work = subjects.flatMap((code) =>
    planned.classes
      .filter((c) => c.subjects.includes(code))
      .map((c) => ({ code, planned: c, rows: runRows(code, c, salt) })),
  );
  const marks = work.reduce((sum, w) => sum + w.rows.reduce((s, r) => s + marksInRow(r), 0), 0);
  const tokens = new Map<string, string>();
  for (const [code, t] of teachers) tokens.set(code, await api.token(t.username, t.password));

  const probe = new LatencyProbe(
    stack.infra.kafkaBrokers,
    stack.group('bench-event-latency'),
    new Set(planned.classes.map((c) => c.id)),
  );
  await probe.start();
  const before = context.watcher.cpu();
  context.watcher.startSampling();
  context.watcher.phase = 'bulk grade entry';
  const started = performance.now();
  // A gradebook refused or timed out is retried as a teacher would, for a while; then it counts as
  // failed and the others go on.
  let rowsWritten = 0;
  let marksWritten = 0;
  let gradebooksWritten = 0;
  const refused: string[] = [];
  await inParallel(
    work.map(({ code, planned: c, rows }) => async () => {
      try {
        await retrying(async () => {
          const { recordGradebook } = await api.query<{
            recordGradebook: { ok: boolean; errors: Array<{ message: string }> };
          }>(
            tokens.get(code)!,
            `mutation($i: RecordGradebookInput!) { recordGradebook(input: $i) { ok errors { message } } }`,
            { i: { classId: c.id, subjectCode: code, schoolYear: spec.schoolYear, term: 'TERM_1', rows } },
          );
          if (!recordGradebook.ok) throw new Error(recordGradebook.errors.map((e) => e.message).join('; '));
        }, 30_000);
        gradebooksWritten++;
        rowsWritten += rows.length;
        marksWritten += rows.reduce((sum, row) => sum + marksInRow(row), 0);
      } catch (error) {
        refused.push(`${c.name}/${code}: ${(error as Error).message.slice(0, 200)}`);
      }
    }),
    TEACHERS_AT_ONCE,
  );
  if (refused.length)
    failures.push(`recordGradebook: ${refused.length} of ${work.length} gradebooks failed (${refused[0]})`);
  const elapsedMs = performance.now() - started;
  const after = context.watcher.cpu();
  context.watcher.stopSampling();
  // The events of the last gradebooks are still on their way: waited for while they keep coming
  // (the relay's polls are far apart when the store is busy, so a quiet minute ends the wait).
  const expected = rowsWritten;
  for (
    let seen = -1, since = Date.now();
    probe.latenciesMs.length < expected && Date.now() - since < 60_000;
  ) {
    if (probe.latenciesMs.length !== seen) [seen, since] = [probe.latenciesMs.length, Date.now()];
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await probe.stop();
  const cores = coresBetween(before, after, elapsedMs);

  // The limit: the same documents (this school's gradebooks, as the generator writes them) inserted raw.
  const raw = await rawInsertRate(context, planned.classes);
  const entryRate = marksWritten / (elapsedMs / 1000);
  const share = ratio(entryRate, raw.marksPerSecond);
  const sorted = [...probe.latenciesMs].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);

  const shareVerdict = atLeast(share, 0.3);
  const latencyVerdict = atMost(p95, 1_000);
  const targets: TargetCheck[] = [
    {
      id: 'bulk-entry-share',
      target: 'bulk grade entry ≥ 30% of the raw insert rate',
      measured: `${formatNumber(share * 100)}% (${formatNumber(entryRate, 0)} vs ${formatNumber(raw.marksPerSecond, 0)} marks/s)`,
      verdict: shareVerdict,
      ...(shareVerdict === 'MISSED' ? { note: `busiest during the entry: ${busiest(cores)}` } : {}),
    },
    {
      id: 'event-latency-p95',
      target: 'event p95 from commit to a consumer < 1 s during the bulk entry',
      measured: `${formatNumber(p95, 0)} ms (p50 ${formatNumber(p50, 0)} ms, ${sorted.length} events)`,
      verdict: latencyVerdict,
      ...(latencyVerdict === 'MISSED' ? { note: `busiest during the entry: ${busiest(cores)}` } : {}),
    },
  ];
  if (sorted.length === 0) failures.push('the latency consumer received no event');
  return {
    name: 'bulk-entry',
    tables: [
      formatTable(
        `Bulk grade entry: ${scope}'s term-1 marks (${planned.classes.length} classes, ${work.length} gradebooks, ${marks} marks; ${TEACHERS_AT_ONCE} teachers at once)`,
        ['figure', 'value', 'busiest processes (cores)'],
        [
          ['recordGradebook through our gateway (marks/s)', formatNumber(entryRate, 0), busiest(cores)],
          ['  gradebooks/s', formatNumber(gradebooksWritten / (elapsedMs / 1000), 1), ''],
          ['  gradebooks failed', `${refused.length} of ${work.length}`, ''],
          ['raw insertMany into the store (marks/s)', formatNumber(raw.marksPerSecond, 0), ''],
          ['  documents/s', formatNumber(raw.documentsPerSecond, 1), ''],
          ['entry / raw', `${formatNumber(share * 100)}%`, ''],
          ['event latency p50 (ms)', formatNumber(p50, 0), ''],
          ['event latency p95 (ms)', formatNumber(p95, 0), ''],
          ['events received / rows written', `${sorted.length} / ${expected}`, ''],
        ],
      ),
    ],
    targets,
    figures: {
      classes: planned.classes.length,
      gradebooks: work.length,
      marks,
      marksWritten,
      gradebooksWritten,
      gradebooksFailed: refused,
      elapsedMs,
      marksPerSecond: entryRate,
      raw,
      share,
      eventLatency: { p50Ms: p50, p95Ms: p95, events: sorted.length, rowsSent: expected },
      cores,
    },
    failures,
  };
}

/** insertMany of the school's gradebooks (same sizes, fresh ids) into a scratch collection, dropped after. */
async function rawInsertRate(context: DataContext, classes: readonly PlannedClass[]) {
  const at = new Date();
  const documents = classes.flatMap((c) =>
    classDocuments(DATASETS.small, c, at).academics.gradebooks.map((g) => ({
      ...g,
      _id: `scratch/${g._id}`,
    })),
  );
  const marks = documents.reduce((sum, g) => sum + g.rows.length * (g.regularCount + 2), 0);
  const scratch = context.datasets.db('academics').collection(`bench_scratch_${context.stack.runId}`);
  // The entry wrote one term per gradebook: the raw documents carry one term, like its writes.
  const oneTerm = documents.map((g) => ({ ...g, rows: g.rows.map((r) => ({ ...r, term2: null })) }));
  const runs: number[] = [];
  try {
    for (let run = 0; run < 3; run++) {
      await scratch.deleteMany({});
      const started = performance.now();
      for (let i = 0; i < oneTerm.length; i += 20)
        await scratch.insertMany(oneTerm.slice(i, i + 20) as never[]);
      runs.push(performance.now() - started);
    }
  } finally {
    await scratch.drop().catch(() => undefined);
  }
  // The median of three runs, as every other figure.
  const bestMs = median(runs);
  return {
    documents: oneTerm.length,
    marks,
    msPerRun: runs,
    marksPerSecond: marks / (bestMs / 1000),
    documentsPerSecond: oneTerm.length / (bestMs / 1000),
  };
}
