import { createHash } from 'node:crypto';
import { ERROR_CATALOGUE, isErrorCode } from '@hocbaso/errors';
import { infra } from '@hocbaso/testkit';
import fc from 'fast-check';
import type { GraphQLField } from 'graphql';
import { BSON, MongoClient, type Document } from 'mongodb';
import { grantRole } from '../../services/identity/src/usecases/manage-roles';
import { SYSTEM_CALLER } from '../../services/identity/src/usecases/deps';
import { apiSchema, argumentsFor, operationFor, stringsIn, type Fixtures } from './hostile-arbitraries';
import { FullStack, openClassTaughtByItsHomeroomTeacher, uniquePassword } from './full-stack';

/**
 * Hostile input on every mutation of the API (derived from the schema the gateway serves, so new
 * mutations are covered as they appear): MongoDB operators in strings and objects, very long
 * strings, Unicode tricks, invalid dates, extreme numbers. Every answer is a clear refusal with a
 * stable code, or a success; never a 5xx, never INTERNAL; and a refusal writes nothing anywhere.
 */

jest.setTimeout(600_000);

const SCHOOL_YEAR = '2025-2026';
/** The school years the arguments use half of the time (hostile-arbitraries' hint). */
const SCHOOL_YEARS = [SCHOOL_YEAR, '2025-2027', '2024-2025'];
const SUBJECTS = ['TOAN', 'NGU_VAN', 'GD_THE_CHAT'];
const COMMON_VALUES = new Set([...SCHOOL_YEARS, ...SUBJECTS]);
/** Runs per mutation as the all-roles caller (seeded; HOSTILE_RUNS and HOSTILE_SEED reproduce a run). */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 3);
const BASE_SEED = Number(process.env.HOSTILE_SEED ?? Date.now() % 1_000_000_000);

/** GraphQL's own codes for an operation it refuses before any resolver runs. */
const GRAPHQL_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED']);
/** Letters only Vietnamese text has: a message a user reads is in Vietnamese. */
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáèéìíòóùúý]/i;

const schema = apiSchema();
const mutations = Object.values(schema.getMutationType()!.getFields());

/** Collections not compared: a refused call may change them, or they change on their own schedule. */
const NOT_COMPARED = new Set([
  // every service: the ids of the events it consumed (other stacks' too, on the shared broker); no data.
  'processed_events',
  // students: the failed redemptions of family-link codes per account, kept so that guessing
  // codes locks the account out (a log of attempts by design; no record changes).
  'family_link_attempts',
  // signatures: the audit trail is a downstream copy of every event the platform published,
  // consumed behind the shared broker's whole backlog, so an earlier accepted write's events can
  // land there seconds later. A refused call that published an event would show in its own
  // service's database: every event is committed in its document's outbox first (ADR 0004).
  'audit_trail',
  'audit_heads',
  'audit_chain',
  'audit_event_ids',
]);

/**
 * Documents a refusal writes on purpose, each for its reason: archive keeps a refused transfer
 * package (state INVALID) and publishes transfer.refused, so that the sending school learns why
 * (event_log is the copy of every event the service published).
 */
const RECORDED_REFUSALS: Array<(collection: string, document: string) => boolean> = [
  (collection, document) => collection === 'transfer_imports' && document.includes('"state":"INVALID"'),
  (collection, document) => collection === 'event_log' && /"type":"[a-z.-]+\.refused"/.test(document),
];

type Snapshot = Map<string, { hash: string; documents: Map<string, string> }>;

interface Answer {
  status: number;
  body: string;
  json?: { data?: Record<string, unknown> | null; errors?: GraphQLErrorShape[] };
}

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: unknown; fieldErrors?: Array<{ code?: unknown; message?: unknown }> };
}

/**
 * How a sent string may show in a stored document (as JSON text, NFC or not). Values every stack
 * stores (school years, subject codes, enum values, dates, numbers) and short ones tell nothing
 * about whose a document is.
 */
function markersOf(value: string): string[] {
  // Enum values (TERM_2, DAT) too: they are in every stack's documents.
  if (COMMON_VALUES.has(value) || /^[\d\s:.TZ+-]*$/.test(value) || /^[A-Z][A-Z0-9_]*$/.test(value)) return [];
  const forms = new Set([value, value.normalize('NFC'), value.normalize('NFC').replace(/\s+/g, ' ').trim()]);
  return [...forms].filter((form) => form.length >= 6).map((form) => JSON.stringify(form).slice(1, -1));
}

function seedOf(name: string): number {
  return (BASE_SEED + createHash('sha256').update(name).digest().readUInt32BE(0)) % 2_147_483_647;
}

/** A value short enough to print: long strings cut, with their length. */
function shown(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' && v.length > 60 ? `${v.slice(0, 40)}…[${v.length} chars]` : v,
  );
}

describe('hostile input on every mutation', () => {
  let stack: FullStack;
  let mongo: MongoClient;
  let fixtures: Fixtures;
  let callerToken: string;
  let caller: { username: string; password: string };
  let parentToken: string;
  let baseline: Snapshot;
  /** Ids (and values) of this test's own data, by which its documents are told from other stacks'. */
  const ownIds: string[] = [];

  async function post(query: string, variables: Record<string, unknown>, token?: string): Promise<Answer> {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.text();
    let json: Answer['json'];
    try {
      json = JSON.parse(body) as Answer['json'];
    } catch {
      json = undefined;
    }
    return { status: response.status, body, json };
  }

  /** Every document of every service database, as canonical Extended JSON, hashed per collection. */
  async function snapshot(): Promise<Snapshot> {
    const result: Snapshot = new Map();
    for (const dbName of Object.values(stack.stores.databases)) {
      const db = mongo.db(dbName);
      const names = (await db.listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .filter((name) => !name.startsWith('system.') && !NOT_COMPARED.has(name));
      for (const name of names) {
        const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
        const documents = new Map<string, string>();
        const hash = createHash('sha256');
        for (const doc of docs) {
          const line = BSON.EJSON.stringify(doc, { relaxed: false });
          documents.set(BSON.EJSON.stringify(doc._id as Document, { relaxed: false }), line);
          hash.update(line);
        }
        result.set(`${dbName}.${name}`, { hash: hash.digest('hex'), documents });
      }
    }
    return result;
  }

  /**
   * Documents that differ between two snapshots and are this test's: they hold one of its
   * fixtures' ids or a value it sent. The broker is shared: another stack's events also land in
   * these databases (processed_events, the audit trail, locks of other schools); they are not
   * this test's writes.
   */
  function differences(
    before: Snapshot,
    after: Snapshot,
    sent: Record<string, unknown> = {},
  ): Array<{ collection: string; changed: string[] }> {
    const markers = [...ownIds, ...stringsIn(sent).flatMap(markersOf)];
    const ours = (line: string | undefined) => line !== undefined && markers.some((m) => line.includes(m));
    const found: Array<{ collection: string; changed: string[] }> = [];
    for (const collection of new Set([...before.keys(), ...after.keys()])) {
      const a = before.get(collection);
      const b = after.get(collection);
      if (a?.hash === b?.hash) continue;
      const ids = new Set([...(a?.documents.keys() ?? []), ...(b?.documents.keys() ?? [])]);
      const changed = [...ids].filter((id) => {
        const was = a?.documents.get(id);
        const is = b?.documents.get(id);
        return was !== is && (ours(was) || ours(is));
      });
      if (changed.length > 0) {
        found.push({ collection, changed: changed.map((id) => b?.documents.get(id) ?? `${id} (deleted)`) });
      }
    }
    return found;
  }

  /** Parts some service's statistics worker has yet to recompute (it lets marks gather for 3 s). */
  const statisticsPending = (at: Snapshot) =>
    [...at].some(
      ([collection, { documents }]) => collection.endsWith('.statistics_dirty') && documents.size > 0,
    );

  /**
   * After an accepted write, the events it caused reach the other services (outbox relay, Kafka,
   * consumers, statistics workers): wait until nothing has moved for `quietMs` and no statistics
   * are waiting to be recomputed.
   */
  async function settled(from: Snapshot, quietMs = 1_500): Promise<Snapshot> {
    let previous = from;
    let quietSince = Date.now();
    let moving: string[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const next = await snapshot();
      const moved = differences(previous, next);
      if (moved.length > 0) {
        quietSince = Date.now();
        moving = moved.map((m) => `${m.collection}: ${m.changed.join(' | ').slice(0, 400)}`);
      } else if (Date.now() - quietSince >= quietMs && !statisticsPending(next)) return next;
      previous = next;
    }
    throw new Error(
      `the databases kept changing for 30 s: ${moving.join('; ') || 'statistics still marked'}`,
    );
  }

  /** The last error lines the services and the gateway logged: why an INTERNAL happened. */
  function recentErrorLogs(): string {
    return Object.values(stack.logs)
      .flatMap((lines) =>
        lines.filter((line) => line.includes('"level":"error"') && !line.includes('kafkajs')),
      )
      .slice(-3)
      .map((line) => line.slice(0, 800))
      .join(' | ');
  }

  function checkErrors(answer: Answer, context: string): void {
    if (answer.status >= 500)
      throw new Error(`${context}: HTTP ${answer.status} ${answer.body.slice(0, 500)}`);
    if (!answer.json) {
      // Only a body too large for the gateway is refused before GraphQL answers.
      if (answer.status !== 413)
        throw new Error(`${context}: HTTP ${answer.status}, not JSON: ${answer.body.slice(0, 300)}`);
      return;
    }
    for (const error of answer.json.errors ?? []) {
      const code = error.extensions?.code;
      const where = `${context}: ${shown(error)}`;
      if (code === 'INTERNAL' || code === 'INTERNAL_SERVER_ERROR')
        throw new Error(`internal error, ${where}; logged: ${recentErrorLogs()}`);
      if (typeof code !== 'string' || !(isErrorCode(code) || GRAPHQL_CODES.has(code))) {
        throw new Error(`unknown error code, ${where}`);
      }
      if (isErrorCode(code)) {
        if (error.message !== ERROR_CATALOGUE[code].vi && !VIETNAMESE.test(error.message)) {
          throw new Error(`message not in Vietnamese, ${where}`);
        }
        for (const problem of error.extensions?.fieldErrors ?? []) {
          if (!isErrorCode(problem.code) || typeof problem.message !== 'string') {
            throw new Error(`field problem without a code and message, ${where}`);
          }
        }
      }
    }
  }

  /** One call: a clear answer; if refused, no database changed; if accepted, stored as given. */
  async function attempt(
    field: GraphQLField<unknown, unknown>,
    variables: Record<string, unknown>,
    who: { name: string; token?: string },
  ): Promise<void> {
    const context = `${field.name} as ${who.name} with ${shown(variables)}`;
    const answer = await post(operationFor(field), variables, who.token);
    checkErrors(answer, context);
    const after = await snapshot();
    const result = answer.json?.data?.[field.name] as { ok?: boolean } | null | undefined;
    const refused = result === null || result === undefined || result.ok === false;
    const changes = differences(baseline, after, variables);
    if (refused) {
      const unexpected = changes
        .map(({ collection, changed }) => ({
          collection,
          changed: changed.filter(
            (doc) => !RECORDED_REFUSALS.some((allowed) => allowed(collection.split('.')[1]!, doc)),
          ),
        }))
        .filter((c) => c.changed.length > 0);
      // The next cases compare with what is there now, whatever this one did.
      if (changes.length > 0) baseline = await settled(after);
      if (unexpected.length > 0) {
        const written = unexpected.map(
          (c) => `${c.collection}: ${c.changed.map((d) => d.slice(0, 600)).join(' | ')}`,
        );
        throw new Error(`partial write by a refused ${context}: ${written.join('; ')}`);
      }
      return;
    }
    // Accepted: what was stored holds the input as data, never as an operator or a prototype key.
    for (const line of changes.flatMap((c) => c.changed)) {
      if (/"\$(where|gt|ne|regex|expr)"\s*:|"__proto__"\s*:/.test(line)) {
        throw new Error(`an operator became a key: ${context} stored ${line.slice(0, 500)}`);
      }
    }
    ownIds.push(...stringsIn(variables).flatMap(markersOf));
    baseline = await settled(after);
  }

  async function hostileRuns(
    field: GraphQLField<unknown, unknown>,
    who: { name: string; token?: string },
    runs: number,
  ) {
    const seed = seedOf(`${field.name}/${who.name}`);
    await fc.assert(
      fc.asyncProperty(argumentsFor(field, fixtures), (variables) => attempt(field, variables, who)),
      {
        numRuns: runs,
        seed,
        // A failing case is reported as found: shrinking would replay many slow requests.
        endOnFailure: true,
        reporter: (details) => {
          if (!details.failed) return;
          throw new Error(
            `${field.name} as ${who.name} failed (HOSTILE_SEED=${BASE_SEED}, seed ${seed}): ${String(
              (details.errorInstance as Error | undefined)?.message ?? details.errorInstance,
            ).slice(0, 3_000)}`,
          );
        },
      },
    );
  }

  /** An accepted mutation may end the caller's session (a password reset, say): sign in again, then re-read the databases. */
  async function ensureCallerSession(): Promise<void> {
    const me = await post(`{ me { id } }`, {}, callerToken);
    if (me.json?.data?.me) return;
    callerToken = (await stack.login(caller.username, caller.password)).accessToken;
    baseline = await settled(await snapshot());
  }

  beforeAll(async () => {
    stack = await FullStack.startAll();
    mongo = await new MongoClient(infra().mongodbUri).connect();
    const { school, admin } = await stack.createSchoolWithAdmin('tancong');
    const schoolId = school._id;
    // One account with every school role, so that most calls pass authorization and reach the domain.
    const all = await stack.createAccount(schoolId, 'tancong.all', 'PRINCIPAL');
    for (const role of ['SYSTEM_ADMIN', 'ACADEMIC_STAFF', 'SUBJECT_TEACHER'] as const) {
      await grantRole(stack.identity.deps, SYSTEM_CALLER, { accountId: all.id, role, scope: { schoolId } });
    }
    caller = all;
    callerToken = (await stack.login(all.username, all.password)).accessToken;
    const teacher = await stack.createAccount(schoolId, 'tancong.gv', 'SUBJECT_TEACHER');
    // The caller is also the homeroom teacher of the class and teaches its subjects.
    const { classId, students } = await openClassTaughtByItsHomeroomTeacher(stack, {
      schoolId,
      schoolYear: SCHOOL_YEAR,
      staffToken: callerToken,
      teacherId: all.id,
      subjects: SUBJECTS,
      size: 3,
    });
    const other = await stack.query<{ createClass: { id: string } }>(
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      { i: { schoolId, schoolYear: SCHOOL_YEAR, grade: 10, name: '10A9', homeroomTeacherId: teacher.id } },
      callerToken,
    );
    const parent = await stack.createAccount(schoolId, 'tancong.phuhuynh');
    parentToken = (await stack.login(parent.username, parent.password)).accessToken;
    fixtures = {
      schoolIds: [schoolId],
      classIds: [classId, other.data!.createClass.id],
      studentIds: students.map((s) => s.id),
      accountIds: [teacher.id, parent.id, admin.id],
      otherIds: [teacher.roleAssignmentId!],
      schoolYears: SCHOOL_YEARS,
      subjectCodes: SUBJECTS,
    };
    ownIds.push(
      schoolId,
      all.id,
      ...fixtures.classIds,
      ...fixtures.studentIds,
      ...fixtures.accountIds,
      ...fixtures.otherIds,
    );
    // Everything the fixtures caused has reached every service before the first case.
    baseline = await settled(await snapshot(), 4_000);
  });

  afterAll(async () => {
    await mongo?.close();
    await stack?.stop();
  });

  it('derives the mutations from the schema the gateway serves', () => {
    expect(mutations.length).toBeGreaterThan(40);
    expect(mutations.map((m) => m.name)).toEqual(
      expect.arrayContaining(['admitStudent', 'login', 'recordGradebook']),
    );
  });

  it.each(mutations.map((m) => [m.name, m] as const))(
    '%s: refused with a clear error or handled, never a 5xx or a partial write',
    async (_name, field) => {
      await ensureCallerSession();
      await hostileRuns(field, { name: 'the all-roles caller', token: callerToken }, RUNS);
    },
  );

  it('refuses every mutation cleanly to a signed-in family member and to anonymous callers', async () => {
    for (const field of mutations) {
      await hostileRuns(field, { name: 'a family member', token: parentToken }, 1);
      await hostileRuns(field, { name: 'an anonymous caller' }, 1);
    }
  });

  it('refuses an operator object where any argument is expected, before any resolver runs (or as not allowed)', async () => {
    await ensureCallerSession();
    for (const field of mutations.filter((m) => m.args.length > 0)) {
      const variables = Object.fromEntries(field.args.map((arg) => [arg.name, { $gt: '' }]));
      const answer = await post(operationFor(field), variables, callerToken);
      checkErrors(answer, `${field.name} with {"$gt":""} everywhere`);
      expect({ field: field.name, data: answer.json?.data ?? null }).toEqual({
        field: field.name,
        data: null,
      });
      // Refused as a bad variable (one error each), or first as a field the caller may not use.
      const codes = [...new Set((answer.json?.errors ?? []).map((e) => e.extensions?.code))];
      expect({ field: field.name, codes }).toEqual({
        field: field.name,
        codes: [expect.stringMatching(/^(BAD_USER_INPUT|FORBIDDEN)$/)],
      });
    }
    expect(differences(baseline, await snapshot())).toEqual([]);
  });

  it('stores hostile text as text: a display name is kept as given (NFC, single spaces, trimmed)', async () => {
    await ensureCallerSession();
    const hostile = fc
      .constantFrom(
        '$where',
        '{"$gt":""}',
        "'; db.dropDatabase(); //",
        '__proto__',
        'constructor',
        'Nguyễn Thị Hồng Nhung',
      )
      .chain((text) => fc.constantFrom(text, text.normalize('NFD'), `  ${text}\t `));
    await fc.assert(
      fc.asyncProperty(hostile, fc.uuid(), async (displayName, unique) => {
        const username = `tancong.${unique.slice(0, 8)}`;
        const created = await post(
          `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id displayName } }`,
          { i: { schoolId: fixtures.schoolIds[0], username, displayName, password: uniquePassword() } },
          callerToken,
        );
        checkErrors(created, `createAccount named ${shown(displayName)}`);
        const account = created.json?.data?.createAccount as { id: string; displayName: string } | undefined;
        expect(created.json?.errors).toBeUndefined();
        // The rule of every name the platform keeps: Unicode NFC, runs of spaces as one, no outer spaces.
        const expected = displayName.normalize('NFC').split(/\s+/).filter(Boolean).join(' ');
        expect(account?.displayName).toBe(expected);
        const stored = await mongo
          .db(stack.stores.databases.identity)
          .collection('accounts')
          .findOne({ _id: account!.id as never });
        expect(stored?.displayName).toBe(expected);
        expect(stringsIn(stored)).toContain(expected);
      }),
      { numRuns: 8, seed: seedOf('createAccount/literal'), endOnFailure: true },
    );
    baseline = await settled(await snapshot());
  });
});
