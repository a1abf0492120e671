import type { MinistryRecord } from '@hocbaso/record-book';

/** What became of one request to `POST /api/v1/hoc-ba`. */
export type ReceivedOutcome =
  | 'ACCEPTED'
  | 'REJECTED'
  | 'CONFLICT'
  /** An injected failure answered (failNext, failFor): nothing stored. */
  | 'FAILED'
  /** An injected network fault: the connection closed without an answer, nothing stored. */
  | 'DROPPED'
  /** A repeat of an answered key with the same body: the first answer again. */
  | 'REPLAYED'
  /** Not a submission the Ministry looks at: no or a wrong token, no Idempotency-Key, not JSON, too large. */
  | 'REFUSED';

export interface ReceivedRequest {
  at: string;
  /** The body's recordKey, else the Idempotency-Key header, else null. */
  recordKey: string | null;
  /** Hex SHA-256 of the body's canonical JSON (RFC 8785); null when the body is not JSON. */
  payloadHash: string | null;
  outcome: ReceivedOutcome;
  /** The HTTP status answered; null when the connection was dropped. */
  status: number | null;
}

/** What the Ministry holds of one student-year: the latest accepted version. */
export interface HeldRecord {
  recordKey: string;
  studentId: string;
  schoolYear: string;
  schoolId: string;
  recordVersion: number;
  replacesVersion: number | null;
  receiptId: string;
  receivedAt: string;
  payloadHash: string;
  record: MinistryRecord;
}

/** How tests and demos steer the simulator; also reachable as `POST /__control`. */
export interface SimulatorControl {
  /** The next `count` submissions answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  /** Every submission in the next `ms` milliseconds answers `status` (default 503). */
  failFor(ms: number, status?: number): void;
  /** Every answer of the Ministry API comes `ms` milliseconds late (0: on time again). */
  slow(ms: number): void;
  /** The next `count` submissions lose their connection without an answer. */
  dropConnections(count: number): void;
  /** These personal ids are unknown to the national population database from now on. */
  rejectPersonalIds(ids: readonly string[], reason?: string): void;
  /** Back to a fresh Ministry: no faults, no unknown ids, nothing received or held. */
  reset(): void;
  /** Every submission, in order of arrival. */
  received(): ReceivedRequest[];
  /** What the Ministry holds, one entry per student-year. */
  records(): HeldRecord[];
}

export type Fault = { kind: 'DROP' } | { kind: 'FAIL'; status: number };

export interface RememberedAnswer {
  payloadHash: string;
  status: number;
  body: Record<string, unknown>;
}

/** Beyond this many entries the oldest received requests are forgotten (a long demo). */
const RECEIVED_LIMIT = 10_000;

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
}

function assertStatus(status: number): void {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError('a failure status must be 400-599');
  }
}

export const studentYearKey = (studentId: string, schoolYear: string) => `${studentId}:${schoolYear}`;

/** The simulator's whole state, in memory: injected faults, what arrived, what was answered and held. */
export class SimulatorState implements SimulatorControl {
  private failuresLeft = 0;
  private failureStatus = 503;
  private failingUntil = 0;
  private failingStatus = 503;
  private dropsLeft = 0;
  private delayMs = 0;
  private readonly unknownIds = new Map<string, string | null>();
  private readonly log: ReceivedRequest[] = [];
  private readonly answers = new Map<string, RememberedAnswer>();
  private readonly held = new Map<string, HeldRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  failNext(count: number, status = 503): void {
    assertCount('count', count);
    assertStatus(status);
    this.failuresLeft = count;
    this.failureStatus = status;
  }

  failFor(ms: number, status = 503): void {
    assertCount('ms', ms);
    assertStatus(status);
    this.failingUntil = this.now() + ms;
    this.failingStatus = status;
  }

  slow(ms: number): void {
    assertCount('ms', ms);
    this.delayMs = ms;
  }

  dropConnections(count: number): void {
    assertCount('count', count);
    this.dropsLeft = count;
  }

  rejectPersonalIds(ids: readonly string[], reason?: string): void {
    for (const id of ids) this.unknownIds.set(id, reason ?? null);
  }

  reset(): void {
    this.failuresLeft = 0;
    this.failingUntil = 0;
    this.dropsLeft = 0;
    this.delayMs = 0;
    this.unknownIds.clear();
    this.log.length = 0;
    this.answers.clear();
    this.held.clear();
  }

  received(): ReceivedRequest[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  records(): HeldRecord[] {
    return [...this.held.values()].map((entry) => ({ ...entry }));
  }

  // The server's side.

  get delay(): number {
    return this.delayMs;
  }

  get unknownPersonalIds(): ReadonlyMap<string, string | null> {
    return this.unknownIds;
  }

  /** The fault this submission meets, if any, consumed: a drop first, then a failure. */
  takeFault(): Fault | null {
    if (this.dropsLeft > 0) {
      this.dropsLeft -= 1;
      return { kind: 'DROP' };
    }
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      return { kind: 'FAIL', status: this.failureStatus };
    }
    if (this.now() < this.failingUntil) return { kind: 'FAIL', status: this.failingStatus };
    return null;
  }

  note(entry: ReceivedRequest): void {
    this.log.push(entry);
    if (this.log.length > RECEIVED_LIMIT) this.log.splice(0, this.log.length - RECEIVED_LIMIT);
  }

  answerFor(recordKey: string): RememberedAnswer | undefined {
    return this.answers.get(recordKey);
  }

  remember(recordKey: string, answer: RememberedAnswer): void {
    this.answers.set(recordKey, answer);
  }

  holding(studentId: string, schoolYear: string): HeldRecord | undefined {
    return this.held.get(studentYearKey(studentId, schoolYear));
  }

  hold(record: HeldRecord): void {
    this.held.set(studentYearKey(record.studentId, record.schoolYear), record);
  }
}
