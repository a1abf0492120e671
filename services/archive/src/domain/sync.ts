import type { SyncState } from '@hocbaso/events';
import type { SyncWave } from '@hocbaso/record-book';

/**
 * The Ministry sync of one student-year (R5, Điều 6.5-6.6), as pure decisions: what an approval,
 * a superseded approval, an attempt and the Ministry's answer do to the record's state.
 *
 * PENDING → SENT → ACCEPTED | REJECTED; SENT stays SENT while the Ministry fails (retried with
 * backoff, always the same payload under the same idempotency key); any state → SUPERSEDED when a
 * correction supersedes the approved version; a newer approved version → PENDING again and is
 * sent as replacing the version the Ministry accepted.
 */
export interface SyncReason {
  code: string;
  message: string;
  path: string | null;
}

export interface SyncProgress {
  state: SyncState;
  /** The approved version this record is about (sent, or to send). */
  recordVersion: number;
  /** The approval (signatures' id) of that version. */
  signatureId: string;
  wave: SyncWave;
  attempts: number;
  /** When the worker may (re)try; also the lease of an attempt in flight, so a crash retries. */
  nextAttemptAt: Date | null;
  receiptId: string | null;
  /** The Ministry's reasons (REJECTED) or the last transient failure (SENT). */
  reasons: SyncReason[];
  /** Rejections so far: a rejected record is due by the second deadline (10 August). */
  rejections: number;
  /** The latest version the Ministry accepted, and when it first accepted any version. */
  acceptedVersion: number | null;
  firstAcceptedAt: Date | null;
  acceptedAt: Date | null;
}

export interface Approval {
  recordVersion: number;
  signatureId: string;
  wave: SyncWave;
}

/** A year page was approved and sealed (first time, or again after a correction). Null: no change. */
export function onApproved(current: SyncProgress | null, approval: Approval, now: Date): SyncProgress | null {
  if (current && current.recordVersion >= approval.recordVersion) return null;
  return {
    state: 'PENDING',
    recordVersion: approval.recordVersion,
    signatureId: approval.signatureId,
    wave: approval.wave,
    attempts: 0,
    nextAttemptAt: now,
    receiptId: null,
    reasons: [],
    rejections: current?.rejections ?? 0,
    acceptedVersion: current?.acceptedVersion ?? null,
    firstAcceptedAt: current?.firstAcceptedAt ?? null,
    acceptedAt: current?.acceptedAt ?? null,
  };
}

/** A correction superseded an approval: that version is not to be sent (any more). */
export function onSuperseded(current: SyncProgress | null, signatureId: string): SyncProgress | null {
  if (!current || current.signatureId !== signatureId || current.state === 'SUPERSEDED') return null;
  return { ...current, state: 'SUPERSEDED', nextAttemptAt: null };
}

/** Whether the worker should send this record now. */
export const isDue = (record: Pick<SyncProgress, 'state' | 'nextAttemptAt'>, now: Date): boolean =>
  (record.state === 'PENDING' || record.state === 'SENT') &&
  record.nextAttemptAt !== null &&
  record.nextAttemptAt.getTime() <= now.getTime();

/** An attempt starts: SENT, one more attempt, leased until `leaseMs` from now. */
export function startAttempt(current: SyncProgress, now: Date, leaseMs: number): SyncProgress | null {
  if (!isDue(current, now)) return null;
  return {
    ...current,
    state: 'SENT',
    attempts: current.attempts + 1,
    nextAttemptAt: new Date(now.getTime() + leaseMs),
  };
}

/** What the Ministry answered, as the sync sees it. */
export type MinistryAnswer =
  | { kind: 'ACCEPTED'; receiptId: string }
  | { kind: 'REJECTED'; reasons: SyncReason[] }
  /** No final answer (unavailable, timeout, overloaded, our credentials refused): retry later. */
  | { kind: 'TRANSIENT'; reason: SyncReason };

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the delay fixed, half random, so that many records
 * failing together do not all retry in the same instant when the Ministry comes back.
 */
export function backoffMs(attempts: number, backoff: Backoff, random: number): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (exponential / 2) * Math.min(Math.max(random, 0), 1));
}

/**
 * The answer to the attempt that sent `sentVersion`. An answer about a version that is no longer
 * the record's (superseded or replaced while in flight) only records what the Ministry now holds.
 */
export function afterAnswer(
  current: SyncProgress,
  sentVersion: number,
  answer: MinistryAnswer,
  now: Date,
  retryInMs: number,
): SyncProgress | null {
  const stillCurrent = current.recordVersion === sentVersion && current.state === 'SENT';
  if (answer.kind === 'ACCEPTED') {
    const accepted = {
      acceptedVersion: Math.max(current.acceptedVersion ?? 0, sentVersion),
      firstAcceptedAt: current.firstAcceptedAt ?? now,
      acceptedAt: now,
    };
    if (!stillCurrent) {
      return (current.acceptedVersion ?? 0) >= sentVersion ? null : { ...current, ...accepted };
    }
    return {
      ...current,
      ...accepted,
      state: 'ACCEPTED',
      nextAttemptAt: null,
      receiptId: answer.receiptId,
      reasons: [],
    };
  }
  if (!stillCurrent) return null;
  if (answer.kind === 'REJECTED') {
    return {
      ...current,
      state: 'REJECTED',
      nextAttemptAt: null,
      reasons: answer.reasons,
      rejections: current.rejections + 1,
    };
  }
  return { ...current, nextAttemptAt: new Date(now.getTime() + retryInMs), reasons: [answer.reason] };
}

/**
 * The two deadlines of a school year (Điều 6.6): the students confirmed as having completed the
 * grade programme by 25 June; the rest, the summer cases and every rejected record by 10 August.
 * Dates are days in Vietnam; a deadline ends at the end of its day there (UTC+7).
 */
export interface YearDeadlines {
  completedGrade: string;
  rest: string;
}

export function defaultDeadlines(schoolYear: string): YearDeadlines {
  const endYear = schoolYear.slice(5, 9);
  return { completedGrade: `${endYear}-06-25`, rest: `${endYear}-08-10` };
}

export const endOfDayInVietnam = (day: string): Date => new Date(`${day}T23:59:59.999+07:00`);

export function deadlineOf(
  record: Pick<SyncProgress, 'wave' | 'rejections'> | { wave: SyncWave; rejections: 0 },
  deadlines: YearDeadlines,
): Date {
  const rest = record.wave === 'REST' || record.rejections > 0;
  return endOfDayInVietnam(rest ? deadlines.rest : deadlines.completedGrade);
}

/**
 * How a student-year stands against its deadline: ON_TIME (the Ministry accepted a version by the
 * deadline), LATE_SYNCED (accepted, after it), LATE (nothing accepted and the deadline passed),
 * DUE (nothing accepted yet, still in time). A correction after an accepted sync is not late: the
 * first acceptance counts; `outdated` says the Ministry still holds an older version.
 */
export type SyncStanding = 'ON_TIME' | 'LATE_SYNCED' | 'LATE' | 'DUE';

export function standingOf(
  record: Pick<SyncProgress, 'firstAcceptedAt'> | null,
  deadline: Date,
  now: Date,
): SyncStanding {
  if (record?.firstAcceptedAt) {
    return record.firstAcceptedAt.getTime() <= deadline.getTime() ? 'ON_TIME' : 'LATE_SYNCED';
  }
  return now.getTime() > deadline.getTime() ? 'LATE' : 'DUE';
}

export const isOutdated = (record: Pick<SyncProgress, 'acceptedVersion' | 'recordVersion'> | null) =>
  !!record && record.acceptedVersion !== null && record.acceptedVersion < record.recordVersion;

/** The wave of a student not yet approved, from the outcome conduct computed (null: not yet known). */
export function expectedWave(outcome: string | null): SyncWave {
  return outcome === 'PROMOTED' || outcome === 'COMPLETED' ? 'COMPLETED_GRADE' : 'REST';
}
