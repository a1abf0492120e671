/**
 * Bulk grade entry as the school's subject teachers do it: each teacher writes their class-term
 * gradebooks one after the other through the gateway (`recordGradebook`), a new round of marks
 * each time (so every write changes data and publishes events). A write not acknowledged is sent
 * again, unchanged, until it is: what a teacher facing an error does.
 */
import { gradebookRows } from '../../scripts/demo/marks';
import { Ledger, type GradebookKey, type GradebookRowInput } from './ledger';

export const SCHOOL_YEAR = '2025-2026';

export interface EntryClass {
  id: string;
  name: string;
  studentIds: string[];
}

export interface Teacher {
  username: string;
  password: string;
  subjectCode: string;
}

export interface EntryOptions {
  teachers: number;
  pauseMs: number;
  /** A write that takes longer is abandoned by the client (its outcome unknown). */
  timeoutMs: number;
}

const RECORD_GRADEBOOK = `mutation($i: RecordGradebookInput!) { recordGradebook(input: $i) { ok errors { code message } } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;

/**
 * The marks of a class's gradebook in round `round`: the demo's marks of a profile shifted by the
 * round, and for a comment subject a CHƯA ĐẠT that moves with it, so consecutive rounds differ.
 */
export function roundRows(
  subjectCode: string,
  term: 1 | 2,
  studentIds: readonly string[],
  round: number,
): GradebookRowInput[] {
  return gradebookRows(
    subjectCode,
    term,
    studentIds.map((id, index) => ({ id, index: index + round })),
  ).map((row, i) =>
    'regularResults' in row
      ? {
          ...row,
          regularResults: row.regularResults.map((r, c) =>
            c === 0 && (i + round) % 3 === 0 ? 'CHUA_DAT' : r,
          ),
        }
      : row,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class GradebookEntry {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly rounds = new Map<string, number>();

  constructor(
    private readonly gatewayUrl: string,
    readonly ledger: Ledger,
    private readonly classes: readonly EntryClass[],
    private readonly teachers: ReadonlyMap<string, Teacher>,
    private readonly options: EntryOptions,
  ) {}

  /** Every class, subject and term. */
  keys(): GradebookKey[] {
    return this.classes.flatMap((c) =>
      [...this.teachers.keys()].flatMap((subjectCode) =>
        (['TERM_1', 'TERM_2'] as const).map((term) => ({ classId: c.id, subjectCode, term })),
      ),
    );
  }

  start(): void {
    this.running = true;
    const keys = this.keys();
    const workers = Math.min(this.options.teachers, keys.length);
    // Each gradebook belongs to one worker, so one gradebook's attempts never overlap.
    this.loops = Array.from({ length: workers }, (_, w) =>
      this.work(keys.filter((_, i) => i % workers === w)),
    );
  }

  /** Stops after the attempts in flight end (each retried write ends with its last attempt). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async work(keys: GradebookKey[]): Promise<void> {
    while (this.running) {
      for (const key of keys) {
        if (!this.running) return;
        const name = `${key.classId}/${key.subjectCode}/${key.term}`;
        const round = (this.rounds.get(name) ?? 0) + 1;
        while (this.running && !(await this.attempt(key, round))) await sleep(1_000);
        this.rounds.set(name, round);
        await sleep(this.options.pauseMs);
      }
    }
  }

  /** One attempt; true when acknowledged. */
  private async attempt(key: GradebookKey, round: number): Promise<boolean> {
    const teacher = this.teachers.get(key.subjectCode)!;
    let token: string;
    try {
      token = await this.token(teacher);
    } catch {
      return false; // no session, no write attempted
    }
    const schoolClass = this.classes.find((c) => c.id === key.classId)!;
    const rows = roundRows(key.subjectCode, key.term === 'TERM_1' ? 1 : 2, schoolClass.studentIds, round);
    const write = this.ledger.begin(key, round, rows);
    try {
      const response = await fetch(this.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: RECORD_GRADEBOOK,
          variables: { i: { ...key, schoolYear: SCHOOL_YEAR, rows } },
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await response.text();
      let body: {
        data?: { recordGradebook?: { ok: boolean; errors: Array<{ code: string; message: string }> } };
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // an HTML or empty answer from a dying process: not acknowledged
      }
      const answer = body.data?.recordGradebook;
      if (response.status === 200 && answer?.ok === true && !body.errors?.length) {
        this.ledger.acknowledge(write);
        return true;
      }
      const codes = [
        ...(body.errors ?? []).map((e) => e.extensions?.code ?? 'ERROR'),
        ...(answer?.errors ?? []).map((e) => e.code),
      ];
      if (codes.includes('UNAUTHENTICATED')) this.tokens.delete(teacher.username);
      this.ledger.fail(write, `HTTP ${response.status} ${codes.join(',') || text.slice(0, 80)}`);
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      this.ledger.fail(write, e.cause?.code ?? e.name);
    }
    return false;
  }

  private async token(teacher: Teacher): Promise<string> {
    const cached = this.tokens.get(teacher.username);
    if (cached) return cached;
    const response = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: LOGIN,
        variables: { i: { username: teacher.username, password: teacher.password } },
      }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const body = (await response.json()) as { data?: { login?: { accessToken: string } } };
    const token = body.data?.login?.accessToken;
    if (!token) throw new Error('login failed');
    this.tokens.set(teacher.username, token);
    return token;
  }
}
