import { createHash } from 'node:crypto';
import {
  ministryRecordOf,
  recordBookTesting,
  recordKeyOf,
  type MinistryRecord,
  type SignedYear,
} from '@hocbaso/record-book';
import { canonicalize } from '@hocbaso/signing';
import { startMinistrySimulator, type MinistrySimulator } from './simulator';

const TOKEN = 'ministry-test-token-0123456789';
let simulator: MinistrySimulator;
let school: recordBookTesting.TestSchool;
let year: SignedYear;
let record: MinistryRecord;

beforeAll(async () => {
  school = await recordBookTesting.createTestSchool({ schoolId: 'school-sim' });
  year = await recordBookTesting.signTestYear({ school, studentId: 'student-sim' });
  record = ministryRecordOf(year, null);
  simulator = await startMinistrySimulator({ port: 0, apiToken: TOKEN });
});

afterAll(() => simulator.close());

beforeEach(() => simulator.control.reset());

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function submit(
  body: unknown,
  options: { token?: string | null; key?: string | null; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const key = options.key === undefined ? (body as { recordKey?: string }).recordKey : options.key;
  if (key) headers['idempotency-key'] = key;
  const response = await fetch(`${simulator.url}/api/v1/hoc-ba`, {
    method: 'POST',
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function get(path: string, token: string | null = TOKEN): Promise<Answer> {
  const response = await fetch(`${simulator.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A JSON copy, as a body arrives. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const hashOf = (value: unknown) => createHash('sha256').update(canonicalize(value), 'utf8').digest('hex');
const outcomes = () => simulator.control.received().map((r) => r.outcome);
const reasonsOf = (answer: Answer) =>
  answer.body.reasons as { code: string; message: string; path?: string }[];

describe('POST /api/v1/hoc-ba', () => {
  it('accepts an approved and signed year and holds it', async () => {
    const answer = await submit(record);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'ACCEPTED',
      receiptId: expect.any(String),
      recordKey: 'student-sim:2025-2026:v1',
      receivedAt: expect.any(String),
    });
    const held = simulator.control.records();
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({
      recordKey: 'student-sim:2025-2026:v1',
      studentId: 'student-sim',
      schoolYear: '2025-2026',
      schoolId: 'school-sim',
      recordVersion: 1,
      receiptId: answer.body.receiptId,
      payloadHash: hashOf(record),
    });
    const lookedUp = await get(`/api/v1/hoc-ba/${encodeURIComponent('student-sim:2025-2026:v1')}`);
    expect(lookedUp.status).toBe(200);
    expect(lookedUp.body.receiptId).toBe(answer.body.receiptId);
    expect(simulator.control.received()).toEqual([
      {
        at: expect.any(String),
        recordKey: 'student-sim:2025-2026:v1',
        payloadHash: hashOf(record),
        outcome: 'ACCEPTED',
        status: 200,
      },
    ]);
  });

  it('answers a repeat with the same key and body with the first answer, replayed, and stores it once', async () => {
    const first = await submit(record);
    const again = await submit(copy(record));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(simulator.control.records()).toHaveLength(1);
    expect(outcomes()).toEqual(['ACCEPTED', 'REPLAYED']);
  });

  it('answers 409 to the same key with a different body', async () => {
    await submit(record);
    const changed = { ...copy(record), school: { ...record.school, name: 'Trường khác' } };
    const answer = await submit(changed);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ status: 'CONFLICT', recordKey: record.recordKey });
    expect(simulator.control.records()[0]?.payloadHash).toBe(hashOf(record));
    expect(outcomes()).toEqual(['ACCEPTED', 'CONFLICT']);
  });

  it('rejects a year whose signed mark was changed, naming the signature problem', async () => {
    const snapshot = JSON.parse(year.approval.canonical) as {
      content: { academics: { subjects: { subjectCode: string; term1: { final: number } }[] } };
    };
    const maths = snapshot.content.academics.subjects.find((s) => s.subjectCode === 'TOAN');
    if (!maths) throw new Error('the sample year has TOAN');
    maths.term1.final = 10;
    const tampered = ministryRecordOf(
      { ...year, approval: { ...year.approval, canonical: canonicalize(snapshot) } },
      null,
    );
    const answer = await submit(tampered);
    expect(answer.status).toBe(422);
    expect(answer.body.status).toBe('REJECTED');
    expect(reasonsOf(answer)).toContainEqual({
      code: 'SIGNATURE_CONTENT_CHANGED',
      message: expect.stringContaining('Chữ ký phê duyệt'),
      path: 'signed',
    });
    expect(simulator.control.records()).toEqual([]);
  });

  it('rejects a body that breaks the published schema, naming the path', async () => {
    const broken = copy(record) as unknown as { page: { personal: Record<string, unknown> }; wave: string };
    delete broken.page.personal.fullName;
    broken.wave = 'LATE';
    const answer = await submit(broken);
    expect(answer.status).toBe(422);
    expect(reasonsOf(answer).map((r) => [r.code, r.path])).toEqual(
      expect.arrayContaining([
        ['SCHEMA_VIOLATION', 'page.personal.fullName'],
        ['SCHEMA_VIOLATION', 'wave'],
      ]),
    );
  });

  it('rejects a personal id that is not 12 digits, in Vietnamese', async () => {
    const badId = await recordBookTesting.signTestYear({
      school,
      studentId: 'student-bad-id',
      personal: recordBookTesting.samplePersonal({ personalId: '0012080123' }),
    });
    const answer = await submit(ministryRecordOf(badId, null));
    expect(answer.status).toBe(422);
    expect(reasonsOf(answer)).toEqual([
      {
        code: 'PERSONAL_ID_INVALID',
        message: 'Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số.',
        path: 'personalId',
      },
    ]);
  });

  it('rejects a personal id unknown to the national population database, with the reason given', async () => {
    simulator.control.rejectPersonalIds([record.personalId]);
    const answer = await submit(record);
    expect(answer.status).toBe(422);
    expect(reasonsOf(answer)).toEqual([
      {
        code: 'PERSONAL_ID_UNKNOWN',
        message: 'Số định danh cá nhân không có trong Cơ sở dữ liệu quốc gia về dân cư.',
        path: 'personalId',
      },
    ]);
    // A reason given with the ids is the one answered.
    simulator.control.rejectPersonalIds([record.personalId], 'Số định danh đã bị thu hồi.');
    const other = await recordBookTesting.signTestYear({ school, studentId: 'student-revoked' });
    const revoked = await submit(ministryRecordOf(other, null));
    expect(reasonsOf(revoked)).toEqual([
      { code: 'PERSONAL_ID_UNKNOWN', message: 'Số định danh đã bị thu hồi.', path: 'personalId' },
    ]);
  });

  it('keeps a rejection for its key: a repeat gets it again, replayed', async () => {
    simulator.control.rejectPersonalIds([record.personalId]);
    const first = await submit(record);
    const again = await submit(record);
    expect(again.status).toBe(422);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(outcomes()).toEqual(['REJECTED', 'REPLAYED']);
  });

  it('answers 401 without the token or with another one, and stores nothing', async () => {
    expect((await submit(record, { token: null })).status).toBe(401);
    expect((await submit(record, { token: 'not-the-token-at-all' })).status).toBe(401);
    expect((await get(`/api/v1/hoc-ba/${encodeURIComponent(record.recordKey)}`, null)).status).toBe(401);
    expect(simulator.control.records()).toEqual([]);
    expect(outcomes()).toEqual(['REFUSED', 'REFUSED']);
  });

  it('answers 400 without an Idempotency-Key, with one other than the recordKey, or with no JSON', async () => {
    expect((await submit(record, { key: null })).status).toBe(400);
    expect((await submit(record, { key: 'student-sim:2025-2026:v2' })).status).toBe(400);
    expect((await submit(record, { raw: '{"recordKey": ' })).status).toBe(400);
    expect(simulator.control.records()).toEqual([]);
  });

  it('answers 413 over 5 MB', async () => {
    const huge = { ...record, padding: 'x'.repeat(5 * 1024 * 1024) };
    const answer = await submit(huge);
    expect(answer.status).toBe(413);
    expect(outcomes()).toEqual(['REFUSED']);
  });

  it('replaces the held version with a newer one that says it replaces it', async () => {
    const corrected = await recordBookTesting.signTestYear({
      school,
      studentId: 'student-sim',
      recordVersion: 2,
      conduct: recordBookTesting.sampleConduct({ conductYear: 'KHA' }),
    });
    expect((await submit(record)).status).toBe(200);
    const answer = await submit(ministryRecordOf(corrected, 1));
    expect(answer.status).toBe(200);
    expect(answer.body.recordKey).toBe(recordKeyOf(corrected));
    const held = simulator.control.records();
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({
      recordKey: 'student-sim:2025-2026:v2',
      recordVersion: 2,
      replacesVersion: 1,
    });
    const lookedUp = await get(`/api/v1/hoc-ba/${encodeURIComponent('student-sim:2025-2026:v1')}`);
    expect(lookedUp.body.recordVersion).toBe(2);
    // The older version sent again is a replay of its first answer, not a new record.
    const replayed = await submit(record);
    expect(replayed.body).toMatchObject({ status: 'ACCEPTED', replayed: true });
    expect(simulator.control.records()[0]?.recordVersion).toBe(2);
  });

  it('refuses a newer version that does not say what it replaces, and an older one after a newer', async () => {
    const corrected = await recordBookTesting.signTestYear({
      school,
      studentId: 'student-sim',
      recordVersion: 2,
      conduct: recordBookTesting.sampleConduct({ conductYear: 'KHA' }),
    });
    expect((await submit(record)).status).toBe(200);
    const withoutReplaces = await submit(ministryRecordOf(corrected, null));
    expect(reasonsOf(withoutReplaces).map((r) => r.code)).toEqual(['REPLACES_VERSION_MISSING']);
    simulator.control.reset();
    expect((await submit(ministryRecordOf(corrected, 1))).status).toBe(200);
    const older = await submit(record);
    expect(reasonsOf(older).map((r) => r.code)).toEqual(['VERSION_NOT_NEWER']);
    expect(simulator.control.records()[0]?.recordVersion).toBe(2);
  });
});

describe('fault injection', () => {
  it('failNext: the next n submissions answer the status and store nothing', async () => {
    simulator.control.failNext(2);
    expect((await submit(record)).status).toBe(503);
    expect(simulator.control.records()).toEqual([]);
    simulator.control.failNext(1, 500);
    expect((await submit(record)).status).toBe(500);
    expect((await submit(record)).status).toBe(200);
    expect(simulator.control.records()).toHaveLength(1);
    expect(simulator.control.received().map((r) => [r.outcome, r.status, r.payloadHash])).toEqual([
      ['FAILED', 503, hashOf(record)],
      ['FAILED', 500, hashOf(record)],
      ['ACCEPTED', 200, hashOf(record)],
    ]);
  });

  it('failFor: every submission fails for that long, then they pass', async () => {
    simulator.control.failFor(300, 502);
    expect((await submit(record)).status).toBe(502);
    expect((await submit(record)).status).toBe(502);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await submit(record)).status).toBe(200);
    expect(outcomes()).toEqual(['FAILED', 'FAILED', 'ACCEPTED']);
  });

  it('slow: every answer comes that late', async () => {
    simulator.control.slow(250);
    const started = Date.now();
    expect((await submit(record)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    simulator.control.slow(0);
    const again = Date.now();
    await submit(record);
    expect(Date.now() - again).toBeLessThan(240);
  });

  it('dropConnections: the connection closes without an answer and nothing is stored', async () => {
    simulator.control.dropConnections(1);
    await expect(submit(record)).rejects.toThrow();
    expect(simulator.control.records()).toEqual([]);
    expect((await submit(record)).status).toBe(200);
    expect(simulator.control.received().map((r) => [r.outcome, r.status])).toEqual([
      ['DROPPED', null],
      ['ACCEPTED', 200],
    ]);
  });
});

describe('control over HTTP', () => {
  const control = (body: unknown, token: string | null = TOKEN) =>
    fetch(`${simulator.url}/__control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it('takes commands with the token and shows what was received and held', async () => {
    expect((await control({ action: 'failNext', count: 1 }, null)).status).toBe(401);
    expect((await control({ action: 'failNext', count: -1 })).status).toBe(400);
    expect((await control({ action: 'failNext', count: 1, status: 429 })).status).toBe(200);
    expect((await submit(record)).status).toBe(429);
    expect((await control({ action: 'rejectPersonalIds', ids: ['079301000001'] })).status).toBe(200);
    expect((await submit(record)).status).toBe(200);
    const received = await get('/__control/received');
    expect((received.body as unknown as { outcome: string }[]).map((r) => r.outcome)).toEqual([
      'FAILED',
      'ACCEPTED',
    ]);
    const held = await get('/__control/records');
    expect((held.body as unknown as { recordKey: string }[]).map((r) => r.recordKey)).toEqual([
      record.recordKey,
    ]);
    expect((await control({ action: 'reset' })).status).toBe(200);
    expect(simulator.control.records()).toEqual([]);
  });

  it('answers health without the token', async () => {
    expect(await get('/health', null)).toEqual({ status: 200, body: { status: 'OK' } });
  });
});
