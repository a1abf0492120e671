import { isAppError } from '@hocbaso/errors';
import {
  ACADEMICS_SOURCE,
  academicsLockConfirmed,
  createEvent,
  STUDENTS_SOURCE,
  studentPersonalDataChanged,
  studentPersonalDataRead,
  subjectResultRecorded,
  type CloudEvent,
} from '@hocbaso/events';
import { connectMongo, syncIndexes, WriteLock } from '@hocbaso/service-kit';
import { infra, testLogger, uniqueDbName } from '@hocbaso/testkit';
import type { Connection } from 'mongoose';
import { auditEntryHash, AuditTrail, type AuditEntry } from '../src';

jest.setTimeout(60_000);

const logger = testLogger('audit-trail-it');
const YEAR = '2025-2026';
const GENESIS = '0'.repeat(64);
const opened: Connection[] = [];

afterAll(async () => {
  for (const connection of opened) {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
});

async function openDatabase(dbName = uniqueDbName('audit')): Promise<Connection> {
  const connection = await connectMongo({ uri: infra().mongodbUri, dbName, logger, timeoutMs: 20_000 });
  opened.push(connection);
  return connection;
}

/** A fresh instance, as after a restart: its own lock, nothing in memory. */
const trailOn = (connection: Connection) =>
  new AuditTrail(connection, { writeLock: new WriteLock(), logger });

/** The raw collections, as someone with database access would touch them. */
const raw = (connection: Connection, name: string) =>
  connection.db!.collection<{ _id: number | string }>(name);

interface Who {
  accountId: string;
  requestId: string;
}

let clock = Date.UTC(2025, 9, 1, 8, 0, 0);
const nextTime = () => new Date((clock += 60_000));

/** A subject teacher enters term 1 marks in Toán; the term average is `average`. */
function marksRecorded(studentId: string, average: number, who: Who, time = nextTime()) {
  return createEvent(subjectResultRecorded, {
    source: ACADEMICS_SOURCE,
    subject: `students/${studentId}/results/${YEAR}/TOAN`,
    key: studentId,
    time,
    data: {
      studentId,
      schoolId: 'sch-1',
      classId: 'cls-10A1',
      schoolYear: YEAR,
      subjectCode: 'TOAN',
      kind: 'SCORE',
      term1: { average, result: null },
      term2: { average: null, result: null },
      year: { average: null, result: null },
      reassessment: null,
      change: 'MARKS',
      marks: { term: 'TERM_1', before: null, after: { regular: [8, 9], midterm: 7, final: average } },
      actor: { accountId: who.accountId, kind: 'user', requestId: who.requestId },
    },
  });
}

/** Academic staff correct a student's name. */
function nameChanged(studentId: string, fullName: string, who: Who, time = nextTime()) {
  return createEvent(studentPersonalDataChanged, {
    source: STUDENTS_SOURCE,
    subject: `students/${studentId}`,
    key: studentId,
    time,
    data: {
      studentId,
      changedFields: ['fullName'],
      fullName,
      actor: { accountId: who.accountId, kind: 'user', requestId: who.requestId },
    },
  });
}

const teacher = (requestId: string): Who => ({ accountId: 'acc-teacher-1', requestId });
const staff = (requestId: string): Who => ({ accountId: 'acc-staff-1', requestId });

/** The event's data without its actor: what the trail must keep as `after`. */
function dataWithoutActor(event: CloudEvent): Record<string, unknown> {
  const { actor: _actor, ...rest } = event.data as Record<string, unknown>;
  return rest;
}

/** Appends in order; every one must be new. */
async function appendAll(trail: AuditTrail, events: CloudEvent[], roles = ['SUBJECT_TEACHER']) {
  const entries: AuditEntry[] = [];
  for (const event of events) {
    const entry = await trail.append(event, roles);
    if (!entry) throw new Error(`event ${event.id} was not appended`);
    entries.push(entry);
  }
  return entries;
}

function storedToEntry(document: Record<string, unknown>): AuditEntry {
  const { _id, ...rest } = document;
  return { seq: _id, ...rest } as AuditEntry;
}

/** A trail of `count` changes on a fresh database. */
async function trailOfChanges(count: number) {
  const connection = await openDatabase();
  const trail = trailOn(connection);
  const events = Array.from({ length: count }, (_, i) =>
    i % 2 === 0
      ? marksRecorded('stu-A', 5 + i / 2, teacher(`req-${i}`))
      : nameChanged('stu-A', `Trần Thị Bình ${i}`, staff(`req-${i}`)),
  );
  const entries = await appendAll(trail, events);
  return { connection, trail, events, entries };
}

describe('AuditTrail (real store)', () => {
  it('appends each change with who, roles, when, and before and after per subject; a redelivery appends nothing', async () => {
    const connection = await openDatabase();
    const trail = trailOn(connection);
    // As a service starts: the trail's collections and indexes are created with the service's own.
    await syncIndexes(connection);
    const collections = (await connection.db!.listCollections().toArray()).map((c) => c.name);
    expect(collections).toEqual(
      expect.arrayContaining(['audit_trail', 'audit_heads', 'audit_event_ids', 'audit_chain']),
    );
    const e1 = marksRecorded('stu-A', 7.5, teacher('req-1'));
    const e2 = nameChanged('stu-A', 'Trần Thị Bình', staff('req-2'));
    const e3 = marksRecorded('stu-A', 8, teacher('req-3'));
    const e4 = nameChanged('stu-A', 'Trần Thị Bình Minh', staff('req-4'));
    const e5 = marksRecorded('stu-B', 6, teacher('req-5'));

    const first = await appendAll(trail, [e1], ['SUBJECT_TEACHER']);
    const second = await appendAll(trail, [e2], ['ACADEMIC_STAFF']);
    const rest = await appendAll(trail, [e3, e4, e5], ['SUBJECT_TEACHER', 'HOMEROOM_TEACHER']);
    const entries = [...first, ...second, ...rest];
    const [a1, a2, a3, a4, a5] = entries as [AuditEntry, AuditEntry, AuditEntry, AuditEntry, AuditEntry];

    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(a2).toMatchObject({
      eventId: e2.id,
      service: 'hocbaso/students',
      type: 'vn.hocbaso.students.student.personal-data-changed',
      subject: 'students/stu-A',
      at: new Date(e2.time),
      actor: { accountId: 'acc-staff-1', kind: 'user', requestId: 'req-2' },
      roles: ['ACADEMIC_STAFF'],
      before: null,
    });
    expect(a3.roles).toEqual(['SUBJECT_TEACHER', 'HOMEROOM_TEACHER']);

    // after: the event's data without its actor; before: the same subject's previous after.
    expect(JSON.parse(a1.after)).toEqual(dataWithoutActor(e1));
    expect(a1.before).toBeNull();
    expect(JSON.parse(a3.before!)).toEqual(dataWithoutActor(e1));
    expect(JSON.parse(a3.after)).toEqual(dataWithoutActor(e3));
    expect(JSON.parse(a4.before!)).toEqual(dataWithoutActor(e2));
    expect(JSON.parse(a4.after)).toEqual(dataWithoutActor(e4));
    expect(a5.before).toBeNull();

    // Each entry links to the one before it.
    expect(a1.prevHash).toBe(GENESIS);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);

    // Stored by seq, as returned.
    const stored = await raw(connection, 'audit_trail').find().sort({ _id: 1 }).toArray();
    expect(stored.map((d) => d._id)).toEqual([1, 2, 3, 4, 5]);
    expect(stored.map((d) => (d as unknown as AuditEntry).hash)).toEqual(entries.map((e) => e.hash));

    // Redelivered events: nothing appended, whatever roles come with them.
    expect(await trail.append(e2, ['ACADEMIC_STAFF'])).toBeNull();
    expect(await trail.append(e4, ['PRINCIPAL'])).toBeNull();
    expect(await raw(connection, 'audit_trail').countDocuments()).toBe(5);

    expect(await trail.verify()).toEqual({ intact: true, checked: 5, firstBroken: null, lastHash: a5.hash });
  });

  it('Altering one audit entry directly in the database makes verification report exactly that entry', async () => {
    const { connection, trail, events } = await trailOfChanges(6);
    expect((await trail.verify()).intact).toBe(true);

    // Entry 3 is the second marks entry (average 6); someone raises it to 9 in the database.
    const stored = await raw(connection, 'audit_trail').findOne({ _id: 3 });
    const after = (stored as unknown as AuditEntry).after;
    expect(after).toContain('"average":6');
    const result = await raw(connection, 'audit_trail').updateOne(
      { _id: 3 },
      { $set: { after: after.replace('"average":6', '"average":9') } },
    );
    expect(result.modifiedCount).toBe(1);

    const verification = await trail.verify();
    expect(verification).toMatchObject({
      intact: false,
      checked: 3,
      firstBroken: { seq: 3, eventId: events[2]!.id, reason: 'ALTERED' },
    });
    expect(verification.firstBroken?.message).toContain('số 3');
  });

  it('names the entry after a deleted one, with the missing number', async () => {
    const { connection, trail, events } = await trailOfChanges(5);
    await raw(connection, 'audit_trail').deleteOne({ _id: 3 });

    const verification = await trail.verify();
    expect(verification).toMatchObject({
      intact: false,
      firstBroken: { seq: 4, eventId: events[3]!.id, reason: 'MISSING_BEFORE', missing: { from: 3, to: 3 } },
    });
    expect(verification.firstBroken?.message).toContain('số 3');
  });

  it('names the next entry when one was altered and its own hash recomputed', async () => {
    const { connection, trail, events } = await trailOfChanges(5);
    const entries = raw(connection, 'audit_trail');
    const stored = storedToEntry((await entries.findOne({ _id: 2 }))!);
    const forged = { ...stored, after: stored.after.replace('Trần Thị Bình', 'Lê Văn Cường') };
    expect(forged.after).not.toBe(stored.after);
    await entries.updateOne({ _id: 2 }, { $set: { after: forged.after, hash: auditEntryHash(forged) } });

    expect(await trail.verify()).toMatchObject({
      intact: false,
      checked: 3,
      firstBroken: { seq: 3, eventId: events[2]!.id, reason: 'CHAIN_MISMATCH' },
    });
  });

  it('notices deleted last entries, and never reuses their numbers', async () => {
    const { connection } = await trailOfChanges(4);
    await raw(connection, 'audit_trail').deleteOne({ _id: 4 });

    const restarted = trailOn(connection);
    expect(await restarted.verify()).toMatchObject({
      intact: false,
      checked: 3,
      firstBroken: { seq: 4, eventId: null, reason: 'TRUNCATED', missing: { from: 4, to: 4 } },
    });

    const next = await restarted.append(marksRecorded('stu-C', 9, teacher('req-next')), ['SUBJECT_TEACHER']);
    expect(next?.seq).toBe(5);
    expect((await restarted.verify()).firstBroken).toMatchObject({
      seq: 5,
      reason: 'MISSING_BEFORE',
      missing: { from: 4, to: 4 },
    });
  });

  it('numbers 50 concurrent appends 1 to 50 without a gap, in an intact chain', async () => {
    const connection = await openDatabase();
    const trail = trailOn(connection);
    const events = Array.from({ length: 50 }, (_, i) =>
      marksRecorded(`stu-${i % 5}`, (i % 11) - (i % 11) / 2, teacher(`req-${i}`)),
    );
    // Ten of them delivered twice at the same time.
    const deliveries = [...events, ...events.slice(0, 10)];
    const results = await Promise.all(deliveries.map((event) => trail.append(event, ['SUBJECT_TEACHER'])));

    const appended = results.filter((r): r is AuditEntry => r !== null);
    expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(new Set(appended.map((e) => e.eventId)).size).toBe(50);
    const stored = await raw(connection, 'audit_trail').find().sort({ _id: 1 }).toArray();
    expect(stored.map((d) => d._id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    // Per student, each change's before is that student's previous after, in seq order.
    const bySeq = [...appended].sort((a, b) => a.seq - b.seq);
    const lastAfter = new Map<string, string>();
    for (const entry of bySeq) {
      expect(entry.before).toBe(lastAfter.get(entry.subject) ?? null);
      lastAfter.set(entry.subject, entry.after);
    }

    expect(await trail.verify()).toEqual({
      intact: true,
      checked: 50,
      firstBroken: null,
      lastHash: bySeq[49]!.hash,
    });
  });

  it('continues the sequence, the chain and each subject after a restart', async () => {
    const dbName = uniqueDbName('audit_restart');
    const before = await openDatabase(dbName);
    const e1 = marksRecorded('stu-A', 7, teacher('req-1'));
    const e2 = nameChanged('stu-A', 'Phạm Thu Hà', staff('req-2'));
    const e3 = marksRecorded('stu-B', 8, teacher('req-3'));
    const [, , a3] = await appendAll(trailOn(before), [e1, e2, e3]);
    await before.close();
    opened.splice(opened.indexOf(before), 1); // the restarted connection drops the database

    const after = await openDatabase(dbName);
    const restarted = trailOn(after);
    expect(await restarted.append(e2, ['ACADEMIC_STAFF'])).toBeNull();
    const e4 = marksRecorded('stu-A', 9, teacher('req-4'));
    const a4 = await restarted.append(e4, ['SUBJECT_TEACHER']);
    expect(a4).toMatchObject({ seq: 4, prevHash: a3!.hash });
    expect(JSON.parse(a4!.before!)).toEqual(dataWithoutActor(e1));
    expect(await restarted.verify()).toMatchObject({ intact: true, checked: 4 });
  });

  it('completes an append that was cut short between its entry and its bookkeeping', async () => {
    const connection = await openDatabase();
    const e1 = marksRecorded('stu-A', 7, teacher('req-1'));
    const e2 = nameChanged('stu-A', 'Đỗ Minh Khoa', staff('req-2'));
    const e3 = marksRecorded('stu-A', 8, teacher('req-3'));
    const [a1, a2, a3] = await appendAll(trailOn(connection), [e1, e2, e3]);

    // The state a crash right after inserting entry 3 leaves behind.
    await raw(connection, 'audit_event_ids').deleteOne({ _id: e3.id });
    await raw(connection, 'audit_heads').updateOne(
      { _id: e3.subject },
      { $set: { seq: 1, after: a1!.after } },
    );
    await raw(connection, 'audit_chain').updateOne({ _id: 'head' }, { $set: { seq: 2, hash: a2!.hash } });

    const restarted = trailOn(connection);
    expect(await restarted.append(e3, ['SUBJECT_TEACHER'])).toBeNull();
    const e4 = marksRecorded('stu-A', 9, teacher('req-4'));
    const a4 = await restarted.append(e4, ['SUBJECT_TEACHER']);
    expect(a4).toMatchObject({ seq: 4, prevHash: a3!.hash, before: a3!.after });
    expect(await restarted.verify()).toMatchObject({ intact: true, checked: 4 });
  });

  it('logs a staff read of personal data without disturbing the before and after of the data read', async () => {
    const connection = await openDatabase();
    const trail = trailOn(connection);
    const renamed = nameChanged('stu-A', 'Vũ Thị Lan', staff('req-1'));
    const read = createEvent(studentPersonalDataRead, {
      source: STUDENTS_SOURCE,
      subject: 'personal-data-reads/read-1',
      key: 'acc-teacher-1',
      data: {
        readerAccountId: 'acc-teacher-1',
        studentIds: ['stu-A'],
        fields: ['dateOfBirth'],
        actor: { accountId: 'acc-teacher-1', kind: 'user', requestId: 'req-2' },
      },
    });
    const renamedAgain = nameChanged('stu-A', 'Vũ Thị Lan Anh', staff('req-3'));
    const [, readEntry, last] = await appendAll(trail, [renamed, read, renamedAgain], ['HOMEROOM_TEACHER']);

    expect(readEntry).toMatchObject({
      type: 'vn.hocbaso.students.personal-data.read',
      actor: { accountId: 'acc-teacher-1', kind: 'user', requestId: 'req-2' },
      roles: ['HOMEROOM_TEACHER'],
      before: null,
    });
    expect(JSON.parse(readEntry!.after)).toEqual(dataWithoutActor(read));
    expect(JSON.parse(last!.before!)).toEqual(dataWithoutActor(renamed));
    const reads = await trail.query({ limit: 10, subjectPrefix: 'personal-data-reads/' });
    expect(reads.entries.map((e) => e.eventId)).toEqual([read.id]);
  });

  it('keeps any event data byte for byte, even JSON the store cannot hold as a document', async () => {
    const connection = await openDatabase();
    const trail = trailOn(connection);
    const content = { rows: [[1, 2], [3]], 'a.b': {}, empty: [], text: 'Nguyễn' };
    const confirmed = createEvent(academicsLockConfirmed, {
      source: ACADEMICS_SOURCE,
      subject: 'locks/lock-1',
      key: 'lock-1',
      data: {
        lockId: 'lock-1',
        owner: 'academics',
        outcome: 'APPLIED',
        content,
        refusal: null,
        confirmedAt: '2025-10-01T08:00:00.000Z',
      },
    });
    const entry = await trail.append(confirmed, []);
    expect(entry?.actor).toEqual({ accountId: null, kind: 'system', requestId: null });
    expect((JSON.parse(entry!.after) as { content: unknown }).content).toEqual(content);
    expect(await trail.verify()).toMatchObject({ intact: true, checked: 1 });
  });

  describe('query', () => {
    let trail: AuditTrail;
    const subjectTeacher = { accountId: 'acc-teacher-Q', requestId: 'r' };
    const otherTeacher = { accountId: 'acc-teacher-R', requestId: 'r' };
    const academicStaff = { accountId: 'acc-staff-Q', requestId: 'r' };
    const start = Date.UTC(2026, 0, 10, 7, 0, 0);
    const hour = (n: number) => new Date(start + n * 3_600_000);

    beforeAll(async () => {
      trail = trailOn(await openDatabase());
      // seq 1..12, one hour apart: marks by two teachers for stu-A and stu-AB, names by staff.
      const events: CloudEvent[] = [];
      for (let i = 0; i < 12; i++) {
        if (i % 3 === 0) events.push(nameChanged('stu-A', `Tên ${i}`, academicStaff, hour(i)));
        else if (i % 3 === 1) events.push(marksRecorded('stu-A', 7, subjectTeacher, hour(i)));
        else events.push(marksRecorded('stu-AB', 8, otherTeacher, hour(i)));
      }
      await appendAll(trail, events);
    });

    const seqs = (page: { entries: AuditEntry[] }) => page.entries.map((e) => e.seq);

    it('pages newest first, and oldest first after a seq', async () => {
      const page1 = await trail.query({ limit: 5 });
      expect(seqs(page1)).toEqual([12, 11, 10, 9, 8]);
      expect(page1.hasMore).toBe(true);
      const page2 = await trail.query({ limit: 5, beforeSeq: 8 });
      expect(seqs(page2)).toEqual([7, 6, 5, 4, 3]);
      const page3 = await trail.query({ limit: 5, beforeSeq: 3 });
      expect(seqs(page3)).toEqual([2, 1]);
      expect(page3.hasMore).toBe(false);

      expect(seqs(await trail.query({ limit: 5, afterSeq: 0 }))).toEqual([1, 2, 3, 4, 5]);
      const last = await trail.query({ limit: 5, afterSeq: 10 });
      expect(seqs(last)).toEqual([11, 12]);
      expect(last.hasMore).toBe(false);
    });

    it('filters by account, service, subject prefix and time', async () => {
      expect(seqs(await trail.query({ limit: 200, accountId: 'acc-staff-Q', afterSeq: 0 }))).toEqual([
        1, 4, 7, 10,
      ]);
      expect(seqs(await trail.query({ limit: 200, service: 'hocbaso/academics', afterSeq: 0 }))).toEqual([
        2, 3, 5, 6, 8, 9, 11, 12,
      ]);
      // stu-A's results, not stu-AB's, and not stu-A's personal data.
      expect(seqs(await trail.query({ limit: 200, subjectPrefix: 'students/stu-A/', afterSeq: 0 }))).toEqual([
        2, 5, 8, 11,
      ]);
      // A prefix is text, not a pattern: the dot matches only a dot.
      expect(seqs(await trail.query({ limit: 200, subjectPrefix: 'students/stu-A.' }))).toEqual([]);
      // From hour 3 included to hour 6 excluded: seq 4, 5, 6.
      expect(seqs(await trail.query({ limit: 200, from: hour(3), to: hour(6), afterSeq: 0 }))).toEqual([
        4, 5, 6,
      ]);
      expect(
        seqs(await trail.query({ limit: 2, accountId: 'acc-teacher-R', from: hour(3), afterSeq: 0 })),
      ).toEqual([6, 9]);
    });

    it.each([0, 201, 2.5])('refuses a page of %s entries with VALIDATION_FAILED', async (limit) => {
      const failure = await trail.query({ limit }).catch((error: unknown) => error);
      expect(isAppError(failure) && failure.code).toBe('VALIDATION_FAILED');
    });

    it('refuses a negative cursor', async () => {
      const failure = await trail.query({ limit: 5, afterSeq: -1 }).catch((error: unknown) => error);
      expect(isAppError(failure) && failure.code).toBe('VALIDATION_FAILED');
    });
  });
});
