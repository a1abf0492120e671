import { Ledger, type GradebookRowInput, type TermMarks } from './ledger';
import {
  failedDuring,
  halfWritten,
  reconcileEvents,
  reconcileWrites,
  type ResultEvent,
  type StoredGradebook,
} from './reconcile';

const key = { classId: 'c1', subjectCode: 'TOAN', term: 'TERM_1' as const };
const row = (studentId: string, final: number): GradebookRowInput => ({
  studentId,
  regular: [7, 8],
  midterm: 7,
  final,
});
const marks = (final: number): TermMarks => ({ regular: [7, 8], midterm: 7, final });

function gradebook(
  finals: Record<string, number | null>,
  extra: Partial<StoredGradebook> = {},
): StoredGradebook {
  return {
    id: '2025-2026/c1/TOAN',
    classId: 'c1',
    subjectCode: 'TOAN',
    kind: 'SCORE',
    regularCount: 2,
    rows: Object.entries(finals).map(([studentId, final]) => ({
      studentId,
      term1:
        final === null ? null : ({ ...marks(final), comment: null, recordedAt: new Date() } as TermMarks),
      term2: null,
    })),
    outbox: [],
    outboxPending: false,
    ...extra,
  };
}

/** Two acknowledged rounds, then one attempt whose answer never came. */
function ledgerOfThreeAttempts(): Ledger {
  const ledger = new Ledger();
  ledger.acknowledge(ledger.begin(key, 1, [row('s1', 5), row('s2', 6)], 1), 2);
  ledger.acknowledge(ledger.begin(key, 2, [row('s1', 7), row('s2', 8)], 3), 4);
  ledger.fail(ledger.begin(key, 3, [row('s1', 9), row('s2', 9.5)], 5), 'ECONNRESET', 6);
  return ledger;
}

let offset = 0;
function event(studentId: string, before: number | null, after: number, id = `e${offset}`): ResultEvent {
  offset++;
  return {
    id,
    partition: studentId === 's1' ? 0 : 1,
    offset,
    raw: `${id}/${studentId}/${after}`,
    studentId,
    classId: 'c1',
    subjectCode: 'TOAN',
    marks: { term: 'TERM_1', before: before === null ? null : marks(before), after: marks(after) },
    year: { average: after, result: null },
    reassessment: null,
  };
}

describe('reconcileWrites', () => {
  it('counts an acknowledged write present when the store holds it or a later attempt', () => {
    const ledger = ledgerOfThreeAttempts();
    // The unacknowledged third attempt landed: both acknowledged writes are present (replaced).
    const landed = reconcileWrites(ledger.writes, [gradebook({ s1: 9, s2: 9.5 })]);
    expect(landed).toMatchObject({
      attempts: 3,
      failedAttempts: 1,
      acknowledged: 2,
      present: 2,
      storedAsWritten: 0,
    });
    expect(landed.lost).toEqual([]);
    const asWritten = reconcileWrites(ledger.writes, [gradebook({ s1: 7, s2: 8 })]);
    expect(asWritten).toMatchObject({ present: 2, storedAsWritten: 1, lost: [] });
  });

  it('reports an acknowledged write the store does not hold as lost', () => {
    const ledger = ledgerOfThreeAttempts();
    // Back at round 1: round 2, acknowledged, is lost.
    const result = reconcileWrites(ledger.writes, [gradebook({ s1: 5, s2: 6 })]);
    expect(result.present).toBe(1);
    expect(result.lost).toHaveLength(1);
    expect(result.lost[0]).toMatch(/c1\/TOAN\/TERM_1 round 2 .*2 of 2 rows differ/);
    // One row missing is a loss too.
    expect(reconcileWrites(ledger.writes, [gradebook({ s1: 7, s2: null })]).lost).toHaveLength(2);
  });
});

describe('reconcileEvents', () => {
  const ledger = new Ledger();
  ledger.acknowledge(ledger.begin(key, 1, [row('s1', 5)], 1), 2);
  ledger.acknowledge(ledger.begin(key, 2, [row('s1', 7)], 3), 4);
  const stored = [gradebook({ s1: 7 })];
  const readModel = [
    { studentId: 's1', subjectCode: 'TOAN', year: { average: 7, result: null }, reassessment: null },
  ];

  it('accepts a chain of events ending in the stored marks, with duplicates suppressed', () => {
    const first = event('s1', null, 5, 'a');
    const second = event('s1', 5, 7, 'b');
    // The storm: older copies after the newer event change nothing for an idempotent consumer.
    const copies = [
      { ...first, offset: 10 },
      { ...second, offset: 11 },
    ];
    const result = reconcileEvents([first, second, ...copies], ledger.writes, stored, readModel);
    expect(result).toMatchObject({
      messages: 4,
      events: 2,
      duplicates: 2,
      readModelMatches: 1,
      violations: [],
    });
  });

  it('finds a missing event, an event out of order and a stale read model', () => {
    const missing = reconcileEvents([event('s1', 5, 7, 'b')], ledger.writes, stored, readModel);
    expect(missing.violations.join('\n')).toMatch(/changes .* but the previous event left none/);
    expect(missing.violations.join('\n')).toMatch(/round 1 has no event/);
    const reordered = reconcileEvents(
      [event('s1', 5, 7, 'b'), event('s1', null, 5, 'a')],
      ledger.writes,
      stored,
      readModel,
    );
    expect(reordered.violations.join('\n')).toMatch(
      /the last event says .*"final":5.*the store holds .*"final":7/,
    );
    const stale = reconcileEvents(
      [event('s1', null, 5, 'a'), event('s1', 5, 7, 'b')],
      ledger.writes,
      stored,
      [{ ...readModel[0]!, year: { average: 5, result: null } }],
    );
    expect(stale.violations).toEqual([expect.stringMatching(/read model holds \{"average":5/)]);
  });

  it('finds a redelivered id with another content and an event no write explains', () => {
    const a = event('s1', null, 5, 'a');
    const result = reconcileEvents(
      [a, { ...a, offset: 99, raw: 'other' }, event('s1', 5, 7, 'b'), event('s1', 7, 3, 'c')],
      ledger.writes,
      [gradebook({ s1: 3 })],
      [{ ...readModel[0]!, year: { average: 3, result: null } }],
    );
    expect(result.violations.join('\n')).toMatch(/redelivered with a different content/);
    expect(result.violations.join('\n')).toMatch(/event c carries marks no attempt sent/);
  });
});

describe('halfWritten', () => {
  it('finds rows missing marks, duplicated rows, unreadable outbox entries and undrained outboxes', () => {
    const broken = gradebook({ s1: 7, s2: 8 });
    broken.rows[1]!.term1 = { regular: [7], midterm: 7, final: 8 };
    broken.rows.push({ ...broken.rows[0]! });
    broken.outbox = [{ id: 'x', payload: '{"id":"x"' }];
    broken.outboxPending = true;
    const { problems, undrained } = halfWritten([broken], new Map([['c1', 2]]));
    expect(problems).toEqual([
      expect.stringMatching(/a student has two rows/),
      expect.stringMatching(/3 rows, the class has 2/),
      expect.stringMatching(/s2 term1: 1 regular marks of 2/),
      expect.stringMatching(/outbox entry x does not parse/),
    ]);
    expect(undrained).toHaveLength(1);
    expect(halfWritten([gradebook({ s1: 7, s2: 8 })], new Map([['c1', 2]]))).toEqual({
      problems: [],
      undrained: [],
    });
  });
});

describe('failedDuring', () => {
  it('counts the attempts that failed from a fault until writes were acknowledged again', () => {
    const ledger = ledgerOfThreeAttempts();
    expect(
      failedDuring(ledger.writes, { name: 'f', what: '', startedAt: 5, endedAt: 5, recoveredAt: 7 }),
    ).toBe(1);
    expect(failedDuring(ledger.writes, { name: 'f', what: '', startedAt: 0, endedAt: 4 })).toBe(0);
  });
});
