/**
 * The client's ledger: every gradebook write the teachers attempted, what it sent and whether the
 * platform acknowledged it. An attempt not acknowledged (connection reset, 5xx, timeout, an error
 * answer) may or may not have landed; the teacher tries again, which is a new attempt.
 */

export type TermCode = 'TERM_1' | 'TERM_2';
export type Mark = number | 'DAT' | 'CHUA_DAT' | null;

/** One term's assessments of one student, as stored and as the events carry them. */
export interface TermMarks {
  regular: Mark[];
  midterm: Mark;
  final: Mark;
}

/** A gradebook as the client writes it: one class, subject and term (sổ điểm of one term). */
export interface GradebookKey {
  classId: string;
  subjectCode: string;
  term: TermCode;
}

export const keyOf = (k: GradebookKey): string => `${k.classId}/${k.subjectCode}/${k.term}`;

export type Outcome = 'pending' | 'acknowledged' | 'failed';

export interface GradebookWrite {
  /** Order of the attempts over the whole run. */
  seq: number;
  key: string;
  gradebook: GradebookKey;
  /** The teacher's round for this gradebook: each acknowledged write moves to the next marks. */
  round: number;
  /** What was sent: each student's marks of the term. */
  rows: Record<string, TermMarks>;
  startedAt: number;
  endedAt?: number;
  outcome: Outcome;
  /** Why it was not acknowledged. */
  failure?: string;
}

/** A row as recordGradebook takes it (scored or comment subject). */
export type GradebookRowInput =
  | { studentId: string; regular: number[]; midterm: number; final: number }
  | {
      studentId: string;
      regularResults: Array<'DAT' | 'CHUA_DAT'>;
      midtermResult: 'DAT' | 'CHUA_DAT';
      finalResult: 'DAT' | 'CHUA_DAT';
    };

/** The marks a row stores (a comment subject's results are its marks). */
export function marksOfRow(row: GradebookRowInput): TermMarks {
  return 'regular' in row
    ? { regular: [...row.regular], midterm: row.midterm, final: row.final }
    : { regular: [...row.regularResults], midterm: row.midtermResult, final: row.finalResult };
}

export class Ledger {
  readonly writes: GradebookWrite[] = [];

  begin(gradebook: GradebookKey, round: number, rows: readonly GradebookRowInput[], at = Date.now()) {
    const write: GradebookWrite = {
      seq: this.writes.length,
      key: keyOf(gradebook),
      gradebook,
      round,
      rows: Object.fromEntries(rows.map((row) => [row.studentId, marksOfRow(row)])),
      startedAt: at,
      outcome: 'pending',
    };
    this.writes.push(write);
    return write;
  }

  acknowledge(write: GradebookWrite, at = Date.now()): void {
    write.outcome = 'acknowledged';
    write.endedAt = at;
  }

  fail(write: GradebookWrite, reason: string, at = Date.now()): void {
    write.outcome = 'failed';
    write.failure = reason;
    write.endedAt = at;
  }

  get acknowledged(): GradebookWrite[] {
    return this.writes.filter((w) => w.outcome === 'acknowledged');
  }

  /** Attempts in flight now (a kill "mid-request" waits for one). */
  get inFlight(): number {
    return this.writes.filter((w) => w.outcome === 'pending').length;
  }

  /** The attempts of each gradebook, in the order they were made. */
  byKey(): Map<string, GradebookWrite[]> {
    const keys = new Map<string, GradebookWrite[]>();
    for (const write of this.writes) keys.set(write.key, [...(keys.get(write.key) ?? []), write]);
    return keys;
  }

  /** Acknowledged writes after `at` (a service is back when writes are acknowledged again). */
  acknowledgedSince(at: number): number {
    return this.writes.filter((w) => w.outcome === 'acknowledged' && (w.endedAt ?? 0) > at).length;
  }
}
