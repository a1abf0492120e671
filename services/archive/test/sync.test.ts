import { randomUUID } from 'node:crypto';
import { startMinistrySimulator, type MinistrySimulator } from '@hocbaso/ministry-simulator';
import { recordBookTesting, recordKeyOf, type SignedYear } from '@hocbaso/record-book';
import type { Principal } from '@hocbaso/service-kit';
import { eventually, EventCollector } from '@hocbaso/testkit';
import { recordSyncStateChanged } from '@hocbaso/events';
import type { RecordSyncDocument, SyncAttemptDocument } from '../src/model/sync.model';
import { ArchiveHarness, SCHOOL_YEAR } from './harness';

/**
 * The Ministry sync against the local Ministry simulator over real HTTP, with the archive on the
 * real store and broker: a class's approved records go out while the Ministry fails for a while,
 * some are refused, one is corrected after it was accepted.
 */
const API_TOKEN = `ministry-${randomUUID()}`;
let ministry: MinistrySimulator;
let harness: ArchiveHarness;
let school: recordBookTesting.TestSchool;
let events: EventCollector;

const schoolId = randomUUID();
const principal = (): Principal => ({
  accountId: 'principal-1',
  username: 'hieutruong',
  schoolId,
  roles: [{ role: 'PRINCIPAL', scope: { schoolId } }],
  teaching: [],
});

// Eight students: five promoted (due 25 June), two in summer re-training (due 10 August, here in the
// future), and the Ministry does not know two of the promoted students' identity numbers.
const students = [
  { name: 'Bùi Thị An', outcome: 'PROMOTED', personalId: '001208000001' },
  { name: 'Lê Văn Bình', outcome: 'PROMOTED', personalId: '001208000002' },
  { name: 'Phạm Thu Cúc', outcome: 'PROMOTED', personalId: '001208000003' },
  { name: 'Trần Quốc Dũng', outcome: 'PROMOTED', personalId: '001208000004' },
  { name: 'Đỗ Thị Én', outcome: 'SUMMER_TRAINING', personalId: '001208000005' },
  { name: 'Hoàng Văn Giang', outcome: 'SUMMER_TRAINING', personalId: '001208000006' },
  { name: 'Ngô Minh Hải', outcome: 'PROMOTED', personalId: '001208000007' },
  // Never approved: late for 25 June.
  { name: 'Vũ Thị Khánh', outcome: 'PROMOTED', personalId: '001208000008' },
].map((s) => ({ ...s, studentId: randomUUID() }));
const UNKNOWN_TO_MINISTRY = [students[1]!.personalId, students[5]!.personalId];

let years: SignedYear[] = [];

beforeAll(async () => {
  ministry = await startMinistrySimulator({ port: 0, apiToken: API_TOKEN });
  school = await recordBookTesting.createTestSchool({ schoolId, schoolName: 'Trường THPT Nguyễn Trãi' });
  events = await new EventCollector([recordSyncStateChanged.topic]).start();
  harness = await ArchiveHarness.start(
    'archive-sync',
    { url: ministry.url, apiToken: API_TOKEN },
    // 25 June has passed (today is after it); the second wave is still ahead.
    {
      SYNC_DEADLINES: JSON.stringify({ [SCHOOL_YEAR]: { completedGrade: '2026-06-25', rest: '2099-08-10' } }),
    },
  );
}, 90_000);

afterAll(async () => {
  await harness?.close();
  await events?.stop();
  await ministry?.close();
}, 30_000);

const syncOf = (studentId: string) =>
  harness.db.collection<RecordSyncDocument>('record_syncs').findOne({ _id: `${studentId}:${SCHOOL_YEAR}` });

const finalStates = ['ACCEPTED', 'REJECTED'];

describe('Ministry sync', () => {
  it('sends every approved record through failures until it is accepted or rejected with its reason, never two contents under one key', async () => {
    const { classId } = await harness.createSchoolClass({
      schoolId,
      schoolName: school.schoolName,
      className: '10A1',
      students: students.map((s) => ({ studentId: s.studentId, fullName: s.name, outcome: s.outcome })),
    });
    years = await Promise.all(
      students.slice(0, 7).map((s) =>
        recordBookTesting.signTestYear({
          school,
          studentId: s.studentId,
          classId,
          personal: recordBookTesting.samplePersonal({ fullName: s.name, personalId: s.personalId }),
          conduct: recordBookTesting.sampleConduct({ outcome: s.outcome }),
        }),
      ),
    );
    // The Ministry is down for the first requests, then drops a connection.
    ministry.control.rejectPersonalIds(UNKNOWN_TO_MINISTRY);
    ministry.control.failNext(6, 503);
    ministry.control.dropConnections(1);
    for (const year of years) await harness.approve(year);

    const records = await eventually(
      async () => {
        const all = await Promise.all(years.map((y) => syncOf(y.studentId)));
        return all.every((r) => r && finalStates.includes(r.state)) ? (all as RecordSyncDocument[]) : null;
      },
      60_000,
      200,
    );

    const byStudent = new Map(records.map((r) => [r.studentId, r]));
    for (const [index, s] of students.slice(0, 7).entries()) {
      const record = byStudent.get(s.studentId)!;
      if (UNKNOWN_TO_MINISTRY.includes(s.personalId)) {
        expect(record.state).toBe('REJECTED');
        expect(record.reasons.length).toBeGreaterThan(0);
        expect(record.reasons.map((r) => r.path)).toContain('personalId');
      } else {
        expect(record.state).toBe('ACCEPTED');
        expect(record.receiptId).toBeTruthy();
        expect(record.acceptedVersion).toBe(1);
      }
      expect(record.recordVersion).toBe(years[index]!.recordVersion);
    }

    // Only this test's records count: an archive on a shared broker also gets the approvals other
    // tests running at the same time publish, and sends them to this simulator too.
    const ours = new Set(years.map((y) => recordKeyOf(y)));
    const received = ministry.control.received().filter((r) => r.recordKey !== null && ours.has(r.recordKey));
    // The simulator failed and dropped requests, and the sync retried them...
    const faults = received.filter((r) => r.outcome === 'FAILED' || r.outcome === 'DROPPED');
    expect(faults.length).toBeGreaterThan(0);
    // ...but never sent one record version with two different contents.
    const hashesByKey = new Map<string, Set<string>>();
    for (const r of received.filter((r) => r.payloadHash)) {
      hashesByKey.set(r.recordKey!, (hashesByKey.get(r.recordKey!) ?? new Set()).add(r.payloadHash!));
    }
    expect(hashesByKey.size).toBe(7);
    for (const hashes of hashesByKey.values()) expect(hashes.size).toBe(1);
    expect(received.filter((r) => r.outcome === 'CONFLICT')).toEqual([]);
    // What the Ministry holds: the five it accepted, each once.
    expect(
      ministry.control
        .records()
        .map((r) => r.recordKey)
        .filter((key) => ours.has(key))
        .sort(),
    ).toEqual(
      years
        .filter(
          (y) => !UNKNOWN_TO_MINISTRY.includes(students.find((s) => s.studentId === y.studentId)!.personalId),
        )
        .map((y) => recordKeyOf(y))
        .sort(),
    );

    // Every request and answer is kept, failures included.
    const attempts = (
      await harness.db.collection<SyncAttemptDocument>('sync_attempts').find({}).toArray()
    ).filter((a) => ours.has(a.recordKey));
    expect(attempts.length).toBe(received.length);
    expect(attempts.filter((a) => a.outcome === 'TRANSIENT').length).toBe(faults.length);

    // Each record's way is on Kafka: PENDING, SENT, then its final state.
    const first = years[0]!.studentId;
    const ofFirst = (e: { data: unknown }) => (e.data as { studentId?: string }).studentId === first;
    await events.waitFor((e) => ofFirst(e) && (e.data as { state: string }).state === 'ACCEPTED');
    expect(events.matching(ofFirst).map((e) => (e.event.data as { state: string }).state)).toEqual([
      'PENDING',
      'SENT',
      'ACCEPTED',
    ]);
  }, 90_000);

  it('reports per class who is synced, who is late and what was refused and why', async () => {
    // The roster and the outcomes come on the students' and conduct's topics, the approvals on
    // signatures': the first test waited for the approvals only, so wait for the whole class too.
    const facts = harness.service.deps.facts;
    await eventually(async () => {
      const [classes, outcome] = await Promise.all([
        facts.classesOfSchool(schoolId, SCHOOL_YEAR),
        facts.outcome(students[7]!.studentId, SCHOOL_YEAR),
      ]);
      return classes[0]?.members.length === students.length && !!outcome;
    }, 20_000);
    const result = await harness.graphql<{
      syncReport: {
        counts: Record<string, number>;
        classes: Array<{
          className: string;
          counts: Record<string, number>;
          late: Array<{ studentId: string; fullName: string; state: string }>;
          rejected: Array<{
            studentId: string;
            reasons: Array<{ code: string; message: string; path: string }>;
          }>;
          students: Array<{ studentId: string; standing: string; state: string }>;
        }>;
      };
    }>(
      `query ($schoolId: ID!, $schoolYear: String!) {
        syncReport(schoolId: $schoolId, schoolYear: $schoolYear) {
          counts { students accepted rejected notApproved onTime lateSynced late due }
          classes {
            className
            counts { students accepted rejected notApproved onTime lateSynced late due }
            late { studentId fullName state }
            rejected { studentId reasons { code message path } }
            students { studentId standing state }
          }
        }
      }`,
      { schoolId, schoolYear: SCHOOL_YEAR },
      principal(),
    );
    expect(result.errors).toBeUndefined();
    const report = result.data!.syncReport;
    expect(report.classes.map((c) => c.className)).toEqual(['10A1']);
    const standing = new Map(report.classes[0]!.students.map((s) => [s.studentId, s.standing]));
    // Promoted and accepted today: after 25 June, so synced late.
    for (const s of [students[0]!, students[2]!, students[3]!, students[6]!]) {
      expect(standing.get(s.studentId)).toBe('LATE_SYNCED');
    }
    // Summer re-training, accepted before 10 August.
    expect(standing.get(students[4]!.studentId)).toBe('ON_TIME');
    // Rejected records are due by 10 August (ahead), whatever their wave.
    expect(standing.get(students[1]!.studentId)).toBe('DUE');
    expect(standing.get(students[5]!.studentId)).toBe('DUE');
    // Never approved, promoted: late for 25 June.
    expect(report.classes[0]!.late).toEqual([
      { studentId: students[7]!.studentId, fullName: 'Vũ Thị Khánh', state: 'NOT_APPROVED' },
    ]);
    expect(report.classes[0]!.rejected.map((r) => r.studentId).sort()).toEqual(
      [students[1]!.studentId, students[5]!.studentId].sort(),
    );
    expect(report.classes[0]!.rejected[0]!.reasons[0]!.message).toMatch(/[àáảãạăâđêôơư]/i);
    expect(report.counts).toEqual({
      students: 8,
      accepted: 5,
      rejected: 2,
      notApproved: 1,
      onTime: 1,
      lateSynced: 4,
      late: 1,
      due: 2,
    });
  });

  it('refuses the report to a teacher and to another school', async () => {
    const teacher: Principal = { ...principal(), roles: [{ role: 'SUBJECT_TEACHER', scope: { schoolId } }] };
    const otherPrincipal: Principal = {
      ...principal(),
      schoolId: 'other',
      roles: [{ role: 'PRINCIPAL', scope: { schoolId: 'other' } }],
    };
    for (const caller of [teacher, otherPrincipal]) {
      const result = await harness.graphql(
        `query ($schoolId: ID!) { syncReport(schoolId: $schoolId, schoolYear: "${SCHOOL_YEAR}") { counts { students } } }`,
        { schoolId },
        caller,
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('sends a correction made after the sync as a new version replacing the accepted one', async () => {
    const original = years[0]!;
    const s = students[0]!;
    await harness.supersede(original, 'correction-1');
    await eventually(async () => (await syncOf(s.studentId))?.state === 'SUPERSEDED', 20_000, 100);
    const corrected = await recordBookTesting.signTestYear({
      school,
      studentId: s.studentId,
      classId: original.classId,
      recordVersion: 2,
      personal: recordBookTesting.samplePersonal({ fullName: s.name, personalId: s.personalId }),
      conduct: recordBookTesting.sampleConduct({ outcome: s.outcome, conductTerm2: 'KHA' }),
    });
    // The Ministry answers too late for the first attempt (the archive gives up after 2 s): it retries.
    ministry.control.slow(2_500);
    await harness.approve(corrected);
    await eventually(
      async () =>
        (await harness.db
          .collection<SyncAttemptDocument>('sync_attempts')
          .findOne({ recordKey: recordKeyOf(corrected), httpStatus: null })) ?? null,
      20_000,
      100,
    );
    ministry.control.slow(0);
    const record = await eventually(async () => {
      const r = await syncOf(s.studentId);
      return r?.state === 'ACCEPTED' && r.recordVersion === 2 ? r : null;
    }, 30_000);
    expect(record.acceptedVersion).toBe(2);
    const held = ministry.control.records().filter((r) => r.studentId === s.studentId);
    expect(held.map((r) => r.recordVersion)).toEqual([2]);
    // The late first request is answered too, after the retry: both carry the same content.
    const sent = await eventually(async () => {
      const requests = ministry.control.received().filter((r) => r.recordKey === recordKeyOf(corrected));
      return requests.length >= 2 ? requests : null;
    }, 10_000);
    expect(new Set(sent.map((r) => r.payloadHash)).size).toBe(1);
    expect(JSON.parse(record.payload!).replacesVersion).toBe(1);
  }, 60_000);
});
