/**
 * The reconciliation: the client's ledger against the store (academics' gradebooks), the topic
 * (academics' subject results) and a consumer's read model (conduct's copy of the year results).
 * Pure functions over what was read; index.ts does the reading.
 */
import { formatTable, type Cell } from '../../bench/src/runner/table';
import type { AuditCheck } from './audit';
import type { GradebookWrite, TermCode, TermMarks } from './ledger';
import type { SigningCheck } from './signing';

/** A gradebook as academics stores it (the fields checked). */
export interface StoredGradebook {
  id: string;
  classId: string;
  subjectCode: string;
  kind: 'SCORE' | 'COMMENT';
  regularCount: number;
  rows: Array<{ studentId: string; term1: TermMarks | null; term2: TermMarks | null }>;
  outbox: Array<{ id: string; payload: string }>;
  outboxPending: boolean;
}

interface PeriodResult {
  average: number | null;
  result: string | null;
}

/** One message of the subject-result topic, its event read. */
export interface ResultEvent {
  id: string;
  partition: number;
  offset: number;
  /** The whole message value: a redelivered id must carry exactly the same event. */
  raw: string;
  studentId: string;
  classId: string;
  subjectCode: string;
  /** For a marks change: its term, before and after. */
  marks?: { term: TermCode; before: TermMarks | null; after: TermMarks | null };
  year: PeriodResult;
  reassessment: PeriodResult | null;
}

/** A consumer's copy of a student's subject result (conduct's rm_student_results). */
export interface KnownResult {
  studentId: string;
  subjectCode: string;
  year: PeriodResult;
  reassessment: PeriodResult | null;
}

const termField = (term: TermCode) => (term === 'TERM_1' ? 'term1' : 'term2');

/** The marks of a term entry as compared: the stored entry carries more (comment, who, when). */
export function marksOnly(entry: TermMarks | null | undefined): TermMarks | null {
  return entry
    ? { regular: [...entry.regular], midterm: entry.midterm ?? null, final: entry.final ?? null }
    : null;
}

export function sameMarks(a: TermMarks | null | undefined, b: TermMarks | null | undefined): boolean {
  return JSON.stringify(marksOnly(a)) === JSON.stringify(marksOnly(b));
}

const gradebookOf = (stored: readonly StoredGradebook[]) => {
  const byClassSubject = new Map(stored.map((g) => [`${g.classId}/${g.subjectCode}`, g]));
  return (classId: string, subjectCode: string) => byClassSubject.get(`${classId}/${subjectCode}`);
};

/** A student's stored marks of one term of a gradebook (null: none). */
function storedMarks(
  find: ReturnType<typeof gradebookOf>,
  classId: string,
  subjectCode: string,
  term: TermCode,
  studentId: string,
): TermMarks | null {
  const row = find(classId, subjectCode)?.rows.find((r) => r.studentId === studentId);
  return marksOnly(row?.[termField(term)] ?? null);
}

export interface WritesReconciliation {
  attempts: number;
  failedAttempts: number;
  acknowledged: number;
  /** Gradebooks (class, subject, term) with an acknowledged write. */
  acknowledgedKeys: number;
  /** Acknowledged writes whose rows are stored, or were replaced by a later attempt's (stored). */
  present: number;
  /** …of which the stored version is the acknowledged write itself or a retry of it. */
  storedAsWritten: number;
  lost: string[];
}

/**
 * Every acknowledged write is present: the gradebook's stored marks equal its rows or those of an
 * attempt made after it (a later write replaced it; an unacknowledged attempt may have landed).
 */
export function reconcileWrites(
  writes: readonly GradebookWrite[],
  stored: readonly StoredGradebook[],
): WritesReconciliation {
  const find = gradebookOf(stored);
  const byKey = new Map<string, GradebookWrite[]>();
  for (const w of [...writes].sort((a, b) => a.seq - b.seq))
    byKey.set(w.key, [...(byKey.get(w.key) ?? []), w]);
  const result: WritesReconciliation = {
    attempts: writes.length,
    failedAttempts: writes.filter((w) => w.outcome === 'failed').length,
    acknowledged: 0,
    acknowledgedKeys: 0,
    present: 0,
    storedAsWritten: 0,
    lost: [],
  };
  for (const [key, attempts] of byKey) {
    const { classId, subjectCode, term } = attempts[0]!.gradebook;
    const matches = (w: GradebookWrite) =>
      Object.entries(w.rows).every(([studentId, marks]) =>
        sameMarks(storedMarks(find, classId, subjectCode, term, studentId), marks),
      );
    let latestMatch = -1;
    attempts.forEach((w, i) => {
      if (matches(w)) latestMatch = i;
    });
    const acknowledged = attempts.filter((w) => w.outcome === 'acknowledged');
    if (acknowledged.length) result.acknowledgedKeys++;
    attempts.forEach((w, i) => {
      if (w.outcome !== 'acknowledged') return;
      result.acknowledged++;
      if (i <= latestMatch) {
        result.present++;
        if (attempts[latestMatch]!.round === w.round) result.storedAsWritten++;
        return;
      }
      const differing = Object.entries(w.rows).filter(
        ([studentId, marks]) => !sameMarks(storedMarks(find, classId, subjectCode, term, studentId), marks),
      );
      result.lost.push(
        `${key} round ${w.round} (attempt ${w.seq}, acknowledged at ${new Date(w.endedAt ?? 0).toISOString()}): ` +
          `${differing.length} of ${Object.keys(w.rows).length} rows differ from the store`,
      );
    });
  }
  return result;
}

/**
 * No half-written record: each gradebook's rows are whole (one row per student, every term entry
 * with the subject's number of regular marks, marks of the subject's kind), and each outbox entry
 * is a whole event. `classSizes`: students per class, when known.
 */
export function halfWritten(
  stored: readonly StoredGradebook[],
  classSizes: ReadonlyMap<string, number>,
): { problems: string[]; undrained: string[] } {
  const problems: string[] = [];
  const undrained: string[] = [];
  const markOk = (kind: StoredGradebook['kind'], mark: unknown) =>
    mark === null ||
    (kind === 'SCORE'
      ? typeof mark === 'number' && mark >= 0 && mark <= 10
      : mark === 'DAT' || mark === 'CHUA_DAT');
  for (const g of stored) {
    const ids = g.rows.map((r) => r.studentId);
    if (new Set(ids).size !== ids.length) problems.push(`${g.id}: a student has two rows`);
    const size = classSizes.get(g.classId);
    if (size !== undefined && g.rows.length !== size)
      problems.push(`${g.id}: ${g.rows.length} rows, the class has ${size}`);
    for (const row of g.rows) {
      for (const term of ['term1', 'term2'] as const) {
        const entry = row[term];
        if (!entry) continue;
        if (!Array.isArray(entry.regular) || entry.regular.length !== g.regularCount)
          problems.push(
            `${g.id} ${row.studentId} ${term}: ${entry.regular?.length} regular marks of ${g.regularCount}`,
          );
        else if (
          ![...entry.regular, entry.midterm, entry.final].every((m) => m !== undefined && markOk(g.kind, m))
        )
          problems.push(`${g.id} ${row.studentId} ${term}: a mark that is not a ${g.kind} mark`);
      }
    }
    for (const entry of g.outbox) {
      try {
        const event = JSON.parse(entry.payload) as { id?: string };
        if (event.id !== entry.id)
          problems.push(`${g.id}: outbox entry ${entry.id} carries event ${event.id}`);
      } catch {
        problems.push(`${g.id}: outbox entry ${entry.id} does not parse`);
      }
    }
    if (g.outboxPending || g.outbox.length)
      undrained.push(`${g.id}: ${g.outbox.length} events still in its outbox`);
  }
  return { problems, undrained };
}

export interface EventsReconciliation {
  /** Messages of the run's classes on the topic, copies included. */
  messages: number;
  /** Distinct event ids. */
  events: number;
  /** Copies of an id already seen earlier on the topic (relay retries, the storm). */
  duplicates: number;
  violations: string[];
  /** Students and subjects whose consumer read model equals the last event. */
  readModelMatches: number;
  readModelChecked: number;
}

/** First occurrence of each id, in partition order: what an idempotent consumer applies. */
export function effective(events: readonly ResultEvent[]): ResultEvent[] {
  const seen = new Set<string>();
  return [...events]
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .filter((e) => !seen.has(e.id) && seen.add(e.id));
}

const describe = (m: TermMarks | null) => (m ? JSON.stringify(marksOnly(m)) : 'none');

/**
 * Every change produced its event, in order per student, once in effect:
 * - a redelivered id carries the same event, and one student's events share one partition;
 * - per student, subject and term the events chain (each one's `before` is the previous `after`)
 *   and the last one's `after` is what the store holds;
 * - every acknowledged row has its event, and every event is the marks of some attempted write;
 * - the consumer's read model equals the last event of each student and subject.
 */
export function reconcileEvents(
  events: readonly ResultEvent[],
  writes: readonly GradebookWrite[],
  stored: readonly StoredGradebook[],
  readModel: readonly KnownResult[],
): EventsReconciliation {
  const violations: string[] = [];
  const byId = new Map<string, ResultEvent>();
  let duplicates = 0;
  for (const e of events) {
    const first = byId.get(e.id);
    if (!first) {
      byId.set(e.id, e);
      continue;
    }
    duplicates++;
    if (first.raw !== e.raw) violations.push(`event ${e.id} redelivered with a different content`);
  }
  const partitions = new Map<string, Set<number>>();
  for (const e of events)
    partitions.set(e.studentId, (partitions.get(e.studentId) ?? new Set()).add(e.partition));
  for (const [studentId, set] of partitions)
    if (set.size > 1)
      violations.push(`student ${studentId}: events on ${set.size} partitions (order not kept)`);

  const applied = effective(events);
  const find = gradebookOf(stored);
  const chains = new Map<string, ResultEvent[]>();
  for (const e of applied) {
    if (!e.marks) continue;
    const key = `${e.classId}/${e.subjectCode}/${e.marks.term}/${e.studentId}`;
    chains.set(key, [...(chains.get(key) ?? []), e]);
  }
  for (const [key, chain] of chains) {
    chain.forEach((e, i) => {
      const previous = i === 0 ? null : chain[i - 1]!.marks!.after;
      if (!sameMarks(e.marks!.before, previous))
        violations.push(
          `${key}: event ${e.id} (offset ${e.offset}) changes ${describe(e.marks!.before)} but the previous event left ${describe(previous)} (an event missing or out of order)`,
        );
    });
    const last = chain[chain.length - 1]!;
    const [classId, subjectCode, term, studentId] = key.split('/') as [string, string, TermCode, string];
    const now = storedMarks(find, classId, subjectCode, term, studentId);
    if (!sameMarks(last.marks!.after, now))
      violations.push(
        `${key}: the last event says ${describe(last.marks!.after)}, the store holds ${describe(now)}`,
      );
  }
  // Stored marks with no event at all.
  for (const g of stored)
    for (const row of g.rows)
      for (const term of ['TERM_1', 'TERM_2'] as const)
        if (row[termField(term)] && !chains.has(`${g.classId}/${g.subjectCode}/${term}/${row.studentId}`))
          violations.push(
            `${g.classId}/${g.subjectCode}/${term}/${row.studentId}: stored marks without any event`,
          );

  // Each acknowledged row has an event with its marks (an unchanged row has the earlier one).
  const afterOf = new Map<string, TermMarks[]>();
  for (const [key, chain] of chains) afterOf.set(key, chain.map((e) => e.marks!.after!).filter(Boolean));
  let missing = 0;
  const attempted = new Map<string, string[]>();
  for (const w of writes) {
    for (const [studentId, marks] of Object.entries(w.rows)) {
      const key = `${w.gradebook.classId}/${w.gradebook.subjectCode}/${w.gradebook.term}/${studentId}`;
      attempted.set(key, [...(attempted.get(key) ?? []), JSON.stringify(marksOnly(marks))]);
      if (w.outcome !== 'acknowledged') continue;
      if (!(afterOf.get(key) ?? []).some((after) => sameMarks(after, marks))) {
        missing++;
        if (missing <= 20)
          violations.push(`${key}: acknowledged round ${w.round} has no event with its marks`);
      }
    }
  }
  if (missing > 20) violations.push(`… ${missing} acknowledged rows without their event in all`);
  // No event without a write: each event's marks are those of some attempt.
  for (const [key, chain] of chains)
    for (const e of chain)
      if (!(attempted.get(key) ?? []).includes(JSON.stringify(marksOnly(e.marks!.after))))
        violations.push(`${key}: event ${e.id} carries marks no attempt sent`);

  // The consumer's copy: the last event of each student and subject, applied once each.
  const lastOf = new Map<string, ResultEvent>();
  for (const e of applied) lastOf.set(`${e.studentId}/${e.subjectCode}`, e);
  const known = new Map(readModel.map((r) => [`${r.studentId}/${r.subjectCode}`, r]));
  let readModelMatches = 0;
  for (const [key, last] of lastOf) {
    const copy = known.get(key);
    const same =
      copy &&
      JSON.stringify(copy.year) ===
        JSON.stringify({ average: last.year.average, result: last.year.result }) &&
      JSON.stringify(copy.reassessment) === JSON.stringify(last.reassessment);
    if (same) readModelMatches++;
    else
      violations.push(
        `${key}: the read model holds ${copy ? JSON.stringify(copy.year) : 'nothing'}, the last event ${JSON.stringify(last.year)}`,
      );
  }
  return {
    messages: events.length,
    events: byId.size,
    duplicates,
    violations,
    readModelMatches,
    readModelChecked: lastOf.size,
  };
}

/** What a fault did, and when; `recoveredAt`: the first acknowledged write after it ended. */
export interface FaultRecord {
  name: string;
  what: string;
  startedAt: number;
  endedAt: number;
  recoveredAt?: number;
  /** Attempts in flight when it struck (a kill mid-request has some). */
  inFlight?: number;
  skipped?: string;
  violation?: string;
  /** The duplicate storm's copies. */
  stormCopies?: number;
  /** The gateway restart's clients refreshing their sessions, and how many still work after it. */
  sessions?: {
    clients: number;
    refreshes: number;
    acknowledged: number;
    failed: number;
    alive: number;
    /** Why refreshes failed, with how often. */
    failures: Record<string, number>;
  };
}

/** Attempts that failed from the fault's start until writes were acknowledged again. */
export function failedDuring(writes: readonly GradebookWrite[], fault: FaultRecord): number {
  const until = fault.recoveredAt ?? fault.endedAt;
  return writes.filter(
    (w) => w.outcome === 'failed' && (w.endedAt ?? 0) >= fault.startedAt && (w.endedAt ?? 0) <= until,
  ).length;
}

export interface ConsumerCount {
  service: string;
  group: string;
  handled: number;
  duplicates: number;
}

export interface ProcessedCount {
  service: string;
  collection: string;
  recorded: number;
  of: number;
}

export interface Reconciliation {
  writes: WritesReconciliation;
  events: EventsReconciliation;
  records: { problems: string[]; undrained: string[] };
  /** Per consumer of the topic: how many of the run's distinct event ids its store records as processed. */
  processed: ProcessedCount[];
  consumers: ConsumerCount[] | null;
  stormCopies: number;
  faults: FaultRecord[];
  /** The signing run beside the entry, when there was one. */
  signing: SigningCheck | null;
  /** Signatures' audit trail: the chain verified, and one entry per event of the run. */
  audit: AuditCheck;
  /** Each process's /readyz at the end. */
  readiness: Array<{ name: string; ready: boolean; note?: string }>;
}

/** Every violation found; none means the run is green. */
export function violationsOf(r: Reconciliation): string[] {
  return [
    ...r.writes.lost.map((l) => `lost: ${l}`),
    ...r.events.violations.map((v) => `events: ${v}`),
    ...r.records.problems.map((p) => `half-written: ${p}`),
    ...r.records.undrained.map((u) => `outbox not drained: ${u}`),
    ...r.processed
      .filter((p) => p.recorded !== p.of)
      .map((p) => `${p.service}.${p.collection} records ${p.recorded} of the ${p.of} events as processed`),
    ...(r.signing?.problems ?? []).map((p) => `signing: ${p}`),
    ...(r.audit.intact ? [] : [`audit chain broken at ${r.audit.firstBroken}`]),
    ...(r.audit.missing ? [`audit trail: ${r.audit.missing} of the run's events have no entry`] : []),
    ...(r.audit.repeated
      ? [`audit trail: ${r.audit.repeated} of the run's events have several entries`]
      : []),
    ...r.faults.filter((f) => f.violation).map((f) => `${f.name}: ${f.violation}`),
    ...r.readiness
      .filter((p) => !p.ready)
      .map((p) => `not recovered: ${p.name} is not ready${p.note ? `: ${p.note}` : ''}`),
  ];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatReconciliation(r: Reconciliation, writes: readonly GradebookWrite[]): string {
  const lost = r.writes.lost.length;
  const suppressed = r.consumers ? r.consumers.reduce((sum, c) => sum + c.duplicates, 0) : null;
  const groups = r.consumers?.length ?? 0;
  const counts: Cell[][] = [
    ['write attempts', r.writes.attempts],
    ['  not acknowledged (retried)', r.writes.failedAttempts],
    ['acknowledged writes', r.writes.acknowledged],
    ['  gradebooks (class, subject, term)', r.writes.acknowledgedKeys],
    ['present', r.writes.present],
    ['  as written (the latest)', r.writes.storedAsWritten],
    ['  replaced by a later write', r.writes.present - r.writes.storedAsWritten],
    ['lost', lost],
    ['events (distinct ids)', r.events.events],
    ['messages on the topic', r.events.messages],
    ['duplicates on the topic (copies of an id already there)', r.events.duplicates],
    ['  the storm', r.stormCopies],
    ['  the relays (published again after a crash)', r.events.duplicates - r.stormCopies],
    [`duplicates delivered to the ${groups} consumer groups, suppressed`, suppressed],
    ...r.processed.map((p): Cell[] => [
      `  recorded processed: ${p.service}.${p.collection}`,
      `${p.recorded} of ${p.of}`,
    ]),
    [
      'read model = last event (student, subject)',
      `${r.events.readModelMatches} of ${r.events.readModelChecked}`,
    ],
    ...(r.signing
      ? ([
          [
            'signing run: steps signed (attempts, failed)',
            `${r.signing.steps.filter((s) => s.signedAt).length} of ${r.signing.steps.length} (${r.signing.steps.reduce((n, s) => n + s.attempts, 0)}, ${r.signing.steps.reduce((n, s) => n + s.failed, 0)})`,
          ],
          [
            '  answered LOCKING, then followed until signed',
            r.signing.steps.reduce((n, s) => n + s.answeredLocking, 0),
          ],
          [
            '  retries refused as already signed (an unanswered attempt had signed)',
            r.signing.steps.reduce((n, s) => n + s.refusedAsSigned, 0),
          ],
          [
            '  signatures acknowledged, found and verifying',
            `${r.signing.verified} of ${r.signing.acknowledged}`,
          ],
        ] as Cell[][])
      : []),
    [
      'audit chain (signatures)',
      r.audit.intact ? `verifies (${r.audit.checked} entries)` : `BROKEN at ${r.audit.firstBroken}`,
    ],
    [
      "  entries of the run's events (missing, several)",
      `${r.audit.entries} (${r.audit.missing}, ${r.audit.repeated})`,
    ],
    ['half-written records', r.records.problems.length],
    ['outboxes not drained', r.records.undrained.length],
    ['processes ready at the end', `${r.readiness.filter((p) => p.ready).length} of ${r.readiness.length}`],
  ];
  const faults: Cell[][] = r.faults.map((f) => [
    f.name,
    f.skipped ? `skipped: ${f.skipped}` : f.what,
    f.skipped ? null : seconds(f.endedAt - f.startedAt),
    f.inFlight ?? null,
    f.skipped ? null : failedDuring(writes, f),
    f.recoveredAt ? seconds(f.recoveredAt - f.endedAt) : f.skipped ? null : 'never',
  ]);
  const consumers: Cell[][] = (r.consumers ?? []).map((c) => [c.service, c.group, c.handled, c.duplicates]);
  const tallied = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([what, n]) => `${what} ×${n}`)
      .join(', ') || '–';
  const signing: Cell[][] = (r.signing?.steps ?? []).map((s) => [
    s.step,
    s.signedAt ? 'signed' : 'NOT SIGNED',
    s.attempts,
    tallied(s.errors),
    s.answeredLocking,
    s.refusedAsSigned,
  ]);
  const sessions: Cell[][] = r.faults
    .filter((f) => f.sessions)
    .map((f) => [
      f.name,
      f.sessions!.refreshes,
      f.sessions!.acknowledged,
      tallied(f.sessions!.failures),
      `${f.sessions!.alive} of ${f.sessions!.clients}`,
    ]);
  return [
    formatTable('Reconciliation', ['count', 'value'], counts),
    '',
    formatTable(
      'Faults',
      ['fault', 'what was done', 'lasted', 'in flight', 'attempts failed', 'writes acknowledged again after'],
      faults,
    ),
    ...(signing.length
      ? [
          '',
          formatTable(
            'Signing run (each step retried until signed)',
            ['step', 'outcome', 'attempts', 'errors answered', 'answered LOCKING', 'refused as signed'],
            signing,
          ),
        ]
      : []),
    ...(sessions.length
      ? [
          '',
          formatTable(
            'Sessions refreshed through the gateway restarts',
            ['fault', 'refreshes', 'acknowledged', 'failures', 'last acknowledged token works'],
            sessions,
          ),
        ]
      : []),
    ...(consumers.length
      ? [
          '',
          formatTable(
            'Consumers of the subject results (since their last start)',
            ['service', 'group', 'handled', 'duplicates skipped'],
            consumers,
          ),
        ]
      : []),
  ].join('\n');
}
