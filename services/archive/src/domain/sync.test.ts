import { syncReport } from './report';
import {
  afterAnswer,
  backoffMs,
  deadlineOf,
  defaultDeadlines,
  isDue,
  onApproved,
  onSuperseded,
  standingOf,
  startAttempt,
  type SyncProgress,
} from './sync';

const at = (iso: string) => new Date(iso);
const T0 = at('2026-06-01T02:00:00.000Z');
const approval = { recordVersion: 1, signatureId: 'sig-1', wave: 'COMPLETED_GRADE' as const };

const pending = () => onApproved(null, approval, T0) as SyncProgress;
const sent = () => startAttempt(pending(), T0, 30_000) as SyncProgress;

describe('a record through the sync', () => {
  it('is pending and due at once when approved, and ignores the same or an older approval again', () => {
    const record = pending();
    expect(record.state).toBe('PENDING');
    expect(isDue(record, T0)).toBe(true);
    expect(onApproved(record, approval, T0)).toBeNull();
    expect(onApproved({ ...record, recordVersion: 2 }, approval, T0)).toBeNull();
  });

  it('is leased while an attempt is in flight, so a second worker does not send it too', () => {
    const record = sent();
    expect(record).toMatchObject({ state: 'SENT', attempts: 1 });
    expect(isDue(record, at('2026-06-01T02:00:29.000Z'))).toBe(false);
    // A crash before the answer: the lease runs out and it is sent again (the same payload).
    expect(isDue(record, at('2026-06-01T02:00:30.000Z'))).toBe(true);
  });

  it('ends ACCEPTED with the receipt, or REJECTED with the reasons', () => {
    const now = at('2026-06-01T02:00:01.000Z');
    expect(afterAnswer(sent(), 1, { kind: 'ACCEPTED', receiptId: 'r-1' }, now, 0)).toMatchObject({
      state: 'ACCEPTED',
      receiptId: 'r-1',
      acceptedVersion: 1,
      firstAcceptedAt: now,
      nextAttemptAt: null,
    });
    const reasons = [{ code: 'PERSONAL_ID', message: 'Số định danh không hợp lệ', path: 'personalId' }];
    expect(afterAnswer(sent(), 1, { kind: 'REJECTED', reasons }, now, 0)).toMatchObject({
      state: 'REJECTED',
      reasons,
      rejections: 1,
    });
  });

  it('stays SENT after a transient failure and is retried after the backoff', () => {
    const now = at('2026-06-01T02:00:01.000Z');
    const reason = { code: 'MINISTRY_UNAVAILABLE', message: 'HTTP 503', path: null };
    const next = afterAnswer(sent(), 1, { kind: 'TRANSIENT', reason }, now, 4_000)!;
    expect(next).toMatchObject({ state: 'SENT', reasons: [reason] });
    expect(next.nextAttemptAt).toEqual(at('2026-06-01T02:00:05.000Z'));
  });

  it('a correction supersedes the approved version; the new approval is sent as replacing the accepted one', () => {
    const accepted = afterAnswer(sent(), 1, { kind: 'ACCEPTED', receiptId: 'r-1' }, T0, 0)!;
    expect(onSuperseded(accepted, 'another-signature')).toBeNull();
    const superseded = onSuperseded(accepted, 'sig-1')!;
    expect(superseded.state).toBe('SUPERSEDED');
    expect(isDue(superseded, T0)).toBe(false);
    const again = onApproved(superseded, { ...approval, recordVersion: 2, signatureId: 'sig-2' }, T0)!;
    expect(again).toMatchObject({ state: 'PENDING', recordVersion: 2, attempts: 0, acceptedVersion: 1 });
  });

  it('an answer about a version replaced while in flight records what the Ministry holds, nothing more', () => {
    const inFlight = sent();
    const replaced = onApproved(inFlight, { ...approval, recordVersion: 2, signatureId: 'sig-2' }, T0)!;
    const later = afterAnswer(replaced, 1, { kind: 'ACCEPTED', receiptId: 'r-1' }, T0, 0)!;
    expect(later).toMatchObject({ state: 'PENDING', recordVersion: 2, acceptedVersion: 1 });
    const reasons = [{ code: 'X', message: 'x', path: null }];
    expect(afterAnswer(replaced, 1, { kind: 'REJECTED', reasons }, T0, 0)).toBeNull();
  });
});

describe('backoff', () => {
  it('doubles from the base up to the maximum, half of it random', () => {
    const backoff = { baseMs: 1_000, maxMs: 60_000 };
    expect([1, 2, 3, 4].map((n) => backoffMs(n, backoff, 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffMs(3, backoff, 0)).toBe(2_000);
    expect(backoffMs(30, backoff, 1)).toBe(60_000);
  });
});

describe('deadlines and standing', () => {
  const deadlines = defaultDeadlines('2025-2026');

  it('are 25 June for students who completed the grade and 10 August for the rest and for rejected records', () => {
    expect(deadlines).toEqual({ completedGrade: '2026-06-25', rest: '2026-08-10' });
    // End of the day in Vietnam (UTC+7).
    expect(deadlineOf({ wave: 'COMPLETED_GRADE', rejections: 0 }, deadlines).toISOString()).toBe(
      '2026-06-25T16:59:59.999Z',
    );
    expect(deadlineOf({ wave: 'REST', rejections: 0 }, deadlines).toISOString()).toBe(
      '2026-08-10T16:59:59.999Z',
    );
    expect(deadlineOf({ wave: 'COMPLETED_GRADE', rejections: 1 }, deadlines).toISOString()).toBe(
      '2026-08-10T16:59:59.999Z',
    );
  });

  it('counts the first acceptance against the deadline', () => {
    const deadline = at('2026-06-25T16:59:59.999Z');
    expect(
      standingOf({ firstAcceptedAt: at('2026-06-25T16:00:00Z') }, deadline, at('2026-07-01T00:00:00Z')),
    ).toBe('ON_TIME');
    expect(
      standingOf({ firstAcceptedAt: at('2026-06-26T00:00:00Z') }, deadline, at('2026-07-01T00:00:00Z')),
    ).toBe('LATE_SYNCED');
    expect(standingOf(null, deadline, at('2026-06-25T16:59:59.000Z'))).toBe('DUE');
    expect(standingOf({ firstAcceptedAt: null }, deadline, at('2026-06-25T17:00:00.000Z'))).toBe('LATE');
  });
});

describe('the sync report', () => {
  it('counts every student of each class, approved or not, and lists why records were refused', () => {
    const now = at('2026-07-01T00:00:00.000Z'); // after 25 June, before 10 August
    const accepted: SyncProgress = {
      ...pending(),
      state: 'ACCEPTED',
      acceptedVersion: 1,
      firstAcceptedAt: at('2026-06-20T00:00:00Z'),
    };
    const reasons = [{ code: 'UNKNOWN_PERSON', message: 'Không có trong CSDL dân cư', path: 'personalId' }];
    const rejected: SyncProgress = { ...pending(), state: 'REJECTED', rejections: 1, reasons };
    const report = syncReport({
      schoolId: 's',
      schoolYear: '2025-2026',
      deadlines: defaultDeadlines('2025-2026'),
      classes: [
        {
          classId: 'c-10a2',
          className: '10A2',
          grade: 10,
          members: [{ studentId: 'e', fullName: 'Đỗ Văn Em' }],
        },
        {
          classId: 'c-10a1',
          className: '10A1',
          grade: 10,
          members: [
            { studentId: 'a', fullName: 'Bùi Thị An' },
            { studentId: 'b', fullName: 'Lê Văn Bình' },
            { studentId: 'c', fullName: 'Phạm Thu Cúc' },
            { studentId: 'd', fullName: 'Trần Dũng' },
          ],
        },
      ],
      records: new Map([
        ['a', accepted],
        ['b', rejected],
      ]),
      // c: promoted but never approved (due 25 June: late); d: summer re-training (due 10 August).
      outcomes: new Map([
        ['c', 'PROMOTED'],
        ['d', 'SUMMER_TRAINING'],
        ['e', 'COMPLETED'],
      ]),
      now,
    });
    expect(report.classes.map((c) => c.className)).toEqual(['10A1', '10A2']);
    const [a1, a2] = report.classes;
    expect(a1!.students.map((s) => [s.studentId, s.state, s.standing])).toEqual([
      ['a', 'ACCEPTED', 'ON_TIME'],
      ['b', 'REJECTED', 'DUE'],
      ['c', 'NOT_APPROVED', 'LATE'],
      ['d', 'NOT_APPROVED', 'DUE'],
    ]);
    expect(a1!.students[1]!.reasons).toEqual(reasons);
    expect(a1!.counts).toMatchObject({
      students: 4,
      accepted: 1,
      rejected: 1,
      notApproved: 2,
      late: 1,
      onTime: 1,
    });
    expect(a2!.counts).toMatchObject({ students: 1, notApproved: 1, late: 1 });
    expect(report.counts).toMatchObject({ students: 5, late: 2, due: 2, onTime: 1 });
  });
});
