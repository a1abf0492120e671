import { studentSyncFigures } from './statistics';
import type { SyncProgress } from './sync';

const deadlines = { completedGrade: '2026-06-25', rest: '2026-08-10' };
// The end of those days in Vietnam (UTC+7), in UTC.
const JUNE_25_END = new Date('2026-06-25T16:59:59.999Z');
const AUGUST_10_END = new Date('2026-08-10T16:59:59.999Z');
const JUNE_1 = new Date('2026-06-01T03:00:00Z');
const JULY_1 = new Date('2026-07-01T03:00:00Z');

const record = (overrides: Partial<SyncProgress>): SyncProgress => ({
  state: 'PENDING',
  recordVersion: 1,
  signatureId: 'sig-1',
  wave: 'COMPLETED_GRADE',
  attempts: 0,
  nextAttemptAt: null,
  receiptId: null,
  reasons: [],
  rejections: 0,
  acceptedVersion: null,
  firstAcceptedAt: null,
  acceptedAt: null,
  ...overrides,
});

const cells = (result: ReturnType<typeof studentSyncFigures>) =>
  result.figures.map((f) => `${f.table}/${f.term}/${f.grade}/${f.column}=${f.value}`);

describe('one student-year in the sync tables', () => {
  it('counts a student never approved as not approved and, before its deadline, due (watched until then)', () => {
    const result = studentSyncFigures({
      grade: 10,
      record: null,
      outcome: 'PROMOTED',
      deadlines,
      now: JUNE_1,
    });
    expect(cells(result)).toEqual(['syncProgress/YEAR/10/NOT_APPROVED=1', 'syncTimeliness/YEAR/10/DUE=1']);
    expect(result.watchDeadline).toEqual(JUNE_25_END);
  });

  it('gives a student in a summer step the August deadline', () => {
    const result = studentSyncFigures({
      grade: 11,
      record: null,
      outcome: 'SUMMER_TRAINING',
      deadlines,
      now: JULY_1,
    });
    expect(cells(result)).toEqual(['syncProgress/YEAR/11/NOT_APPROVED=1', 'syncTimeliness/YEAR/11/DUE=1']);
    expect(result.watchDeadline).toEqual(AUGUST_10_END);
  });

  it('is late once the deadline passed with nothing accepted, and no longer watched', () => {
    const result = studentSyncFigures({
      grade: 10,
      record: null,
      outcome: 'PROMOTED',
      deadlines,
      now: JULY_1,
    });
    expect(cells(result)).toEqual(['syncProgress/YEAR/10/NOT_APPROVED=1', 'syncTimeliness/YEAR/10/LATE=1']);
    expect(result.watchDeadline).toBeNull();
  });

  it('counts an acceptance by the end of 25 June in Vietnam on time, and one the morning after late', () => {
    const onTime = studentSyncFigures({
      grade: 12,
      record: record({ state: 'ACCEPTED', firstAcceptedAt: new Date('2026-06-25T16:00:00Z') }),
      outcome: null,
      deadlines,
      now: JULY_1,
    });
    expect(cells(onTime)).toEqual(['syncProgress/YEAR/12/ACCEPTED=1', 'syncTimeliness/YEAR/12/ON_TIME=1']);
    const late = studentSyncFigures({
      grade: 12,
      record: record({ state: 'ACCEPTED', firstAcceptedAt: new Date('2026-06-26T01:00:00Z') }),
      outcome: null,
      deadlines,
      now: JULY_1,
    });
    expect(cells(late)).toEqual(['syncProgress/YEAR/12/ACCEPTED=1', 'syncTimeliness/YEAR/12/LATE_SYNCED=1']);
    expect(late.watchDeadline).toBeNull();
  });

  it('counts a superseded approval once, as its new version not approved yet, still on time', () => {
    const result = studentSyncFigures({
      grade: 10,
      record: record({
        state: 'SUPERSEDED',
        acceptedVersion: 1,
        firstAcceptedAt: new Date('2026-06-10T00:00:00Z'),
      }),
      outcome: 'PROMOTED',
      deadlines,
      now: JULY_1,
    });
    expect(cells(result)).toEqual([
      'syncProgress/YEAR/10/NOT_APPROVED=1',
      'syncTimeliness/YEAR/10/ON_TIME=1',
    ]);
  });

  it('gives a rejected record until 10 August, and counts pending and sent as they are', () => {
    const rejected = studentSyncFigures({
      grade: 10,
      record: record({ state: 'REJECTED', rejections: 1 }),
      outcome: 'PROMOTED',
      deadlines,
      now: JULY_1,
    });
    expect(cells(rejected)).toEqual(['syncProgress/YEAR/10/REJECTED=1', 'syncTimeliness/YEAR/10/DUE=1']);
    expect(rejected.watchDeadline).toEqual(AUGUST_10_END);
    const sent = studentSyncFigures({
      grade: 10,
      record: record({ state: 'SENT', attempts: 2 }),
      outcome: null,
      deadlines,
      now: JUNE_1,
    });
    expect(cells(sent)).toEqual(['syncProgress/YEAR/10/SENT=1', 'syncTimeliness/YEAR/10/DUE=1']);
    const pending = studentSyncFigures({
      grade: 10,
      record: record({}),
      outcome: null,
      deadlines,
      now: JULY_1,
    });
    expect(cells(pending)).toEqual(['syncProgress/YEAR/10/PENDING=1', 'syncTimeliness/YEAR/10/LATE=1']);
  });
});
