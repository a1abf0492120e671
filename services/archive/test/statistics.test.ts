import { randomUUID } from 'node:crypto';
import {
  classCreated,
  CONDUCT_SOURCE,
  IDENTITY_SOURCE,
  outcomeComputed,
  schoolCreated,
  studentEnrolled,
  SYSTEM_ACTOR,
  type EventData,
} from '@hocbaso/events';
import { startMinistrySimulator, type MinistrySimulator } from '@hocbaso/ministry-simulator';
import { recordBookTesting } from '@hocbaso/record-book';
import type { Principal } from '@hocbaso/service-kit';
import { cellKey, type StatisticsTerm } from '@hocbaso/statistics';
import { eventually } from '@hocbaso/testkit';
import type { RecordSyncDocument } from '../src/model/sync.model';
import { ArchiveHarness, SCHOOL_YEAR } from './harness';

/**
 * The archive's dashboard tables on the real store and broker: rosters and outcomes arrive as
 * students' and conduct's events, approvals as signatures', the Ministry simulator accepts over
 * HTTP; the figures are checked against the test's own counts, with small cells suppressed, the
 * district changing with a second school, each caller's reach, and the deadline passing with no
 * event at all (the clock moves past it).
 */
const API_TOKEN = `ministry-${randomUUID()}`;
const DAY_MS = 24 * 60 * 60 * 1000;
// Tomorrow in Vietnam (UTC+7): its end is between one and two days ahead.
const TOMORROW_IN_VIETNAM = new Date(Date.now() + 7 * 60 * 60 * 1000 + DAY_MS).toISOString().slice(0, 10);

let ministry: MinistrySimulator;
let harness: ArchiveHarness;
let clockOffsetMs = 0;

const provinceCode = `7${Math.floor(Math.random() * 1e6)}`;
const otherProvince = `8${Math.floor(Math.random() * 1e6)}`;
const districtCode = `${provinceCode}-760`;
const schoolA = randomUUID();
const schoolB = randomUUID();

const principalOf = (schoolId: string): Principal => ({
  accountId: `principal-${schoolId}`,
  username: 'hieutruong',
  schoolId,
  roles: [{ role: 'PRINCIPAL', scope: { schoolId } }],
  teaching: [],
});
const analystOf = (province: string): Principal => ({
  accountId: `analyst-${province}`,
  username: 'chuyenvien',
  schoolId: null,
  roles: [{ role: 'DEPARTMENT_ANALYST', scope: { schoolId: null, provinceCode: province } }],
  teaching: [],
});
const teacherOf = (schoolId: string): Principal => ({
  accountId: `teacher-${schoolId}`,
  username: 'giaovien',
  schoolId,
  roles: [{ role: 'SUBJECT_TEACHER', scope: { schoolId } }],
  teaching: [],
});

beforeAll(async () => {
  ministry = await startMinistrySimulator({ port: 0, apiToken: API_TOKEN });
  harness = await ArchiveHarness.start(
    'archive-statistics',
    { url: ministry.url, apiToken: API_TOKEN },
    // The first wave is due at the end of tomorrow; the second far ahead.
    {
      SYNC_DEADLINES: JSON.stringify({
        [SCHOOL_YEAR]: { completedGrade: TOMORROW_IN_VIETNAM, rest: '2099-08-10' },
      }),
    },
    { now: () => new Date(Date.now() + clockOffsetMs) },
  );
}, 90_000);

afterAll(async () => {
  await harness?.close();
  await ministry?.close();
}, 30_000);

type Outcome = EventData<typeof outcomeComputed>['outcome'];

async function placeSchool(schoolId: string, name: string) {
  await harness.publish(
    schoolCreated,
    schoolId,
    { schoolId, code: name, name, provinceCode, districtCode, actor: SYSTEM_ACTOR },
    IDENTITY_SOURCE,
  );
}

/** A class of `count` students, enrolled and with conduct's outcome. */
async function classOf(schoolId: string, grade: 10 | 11 | 12, name: string, count: number, outcome: Outcome) {
  const classId = randomUUID();
  await harness.publish(classCreated, classId, {
    classId,
    schoolId,
    schoolYear: SCHOOL_YEAR,
    grade,
    name,
    homeroomTeacherId: null,
    actor: SYSTEM_ACTOR,
  });
  const studentIds = Array.from({ length: count }, () => randomUUID());
  for (const studentId of studentIds) {
    await harness.publish(studentEnrolled, studentId, {
      studentId,
      fullName: 'Học sinh',
      schoolId,
      classId,
      schoolYear: SCHOOL_YEAR,
      grade,
      kind: 'ADMITTED',
      effectiveOn: '2025-09-05',
      actor: SYSTEM_ACTOR,
    });
    await harness.publish(
      outcomeComputed,
      studentId,
      {
        studentId,
        schoolId,
        schoolYear: SCHOOL_YEAR,
        learning: 'KHA',
        conduct: 'TOT',
        absences: 0,
        outcome,
        title: null,
        actor: SYSTEM_ACTOR,
      },
      CONDUCT_SOURCE,
    );
  }
  return { classId, studentIds };
}

/** Expected counts by grade and column, worked out from the test's own data. */
type Expected = Record<number, Record<string, number>>;

const schoolTotals = async (schoolId: string) =>
  (
    await harness.db
      .collection<{ _id: string; totals: Record<string, number> }>('statistics_school_totals')
      .findOne({ _id: `${schoolId}|${SCHOOL_YEAR}` })
  )?.totals ?? {};

function expectedCells(table: string, expected: Expected): Record<string, number> {
  const cells: Record<string, number> = {};
  for (const [grade, columns] of Object.entries(expected))
    for (const [column, value] of Object.entries(columns))
      cells[cellKey({ table, term: 'YEAR' as StatisticsTerm, grade: Number(grade), column })] = value;
  return cells;
}

/** Waits until the school's aggregate holds exactly these counts for the table. */
async function waitForTotals(schoolId: string, table: string, expected: Expected) {
  const want = expectedCells(table, expected);
  await eventually(
    async () => {
      const totals = await schoolTotals(schoolId);
      const got = Object.fromEntries(Object.entries(totals).filter(([k]) => k.startsWith(`${table}~`)));
      return JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(want).sort());
    },
    60_000,
    200,
  );
}

interface Table {
  title: string;
  columns: string[];
  rows: Array<{ label: string; values: Array<number | null> }>;
  suppressedCells: number;
  csv: string;
}

const QUERY = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Statistics {
      syncProgress { title columns rows { label values } suppressedCells csv }
      syncTimeliness { title columns rows { label values } suppressedCells csv }
    }
  }
}`;

async function statistics(principal: Principal, scope: 'SCHOOL' | 'DISTRICT' | 'PROVINCE', code: string) {
  return harness.graphql<{ _entities: Array<{ syncProgress: Table; syncTimeliness: Table } | null> }>(
    QUERY,
    { reps: [{ __typename: 'Statistics', scope, code, schoolYear: SCHOOL_YEAR, term: 'YEAR', grade: null }] },
    principal,
  );
}

async function tablesOf(principal: Principal, scope: 'SCHOOL' | 'DISTRICT' | 'PROVINCE', code: string) {
  const result = await statistics(principal, scope, code);
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0]!;
}

/**
 * Every figure shown equals the expected count, every count of 1 to 4 students is hidden (a zero
 * may show: it counts nobody), and the grand total is shown. Rows: Khối 10, 11, 12, Tổng; values:
 * the columns in order, then the total.
 */
function expectTable(table: Table, columns: string[], expected: Expected) {
  const grades = [10, 11, 12];
  const rowOf = (grade: number | 'ALL') =>
    [...columns, 'TOTAL'].map((column) => {
      const of = (g: number) =>
        column === 'TOTAL'
          ? Object.values(expected[g] ?? {}).reduce((a, b) => a + b, 0)
          : (expected[g]?.[column] ?? 0);
      return grade === 'ALL' ? grades.reduce((sum, g) => sum + of(g), 0) : of(grade);
    });
  const want = [...grades.map((g) => rowOf(g)), rowOf('ALL')];
  expect(table.rows.map((r) => r.label)).toEqual(['Khối 10', 'Khối 11', 'Khối 12', 'Tổng']);
  table.rows.forEach((row, i) =>
    row.values.forEach((value, j) => {
      const count = want[i]![j]!;
      if (count > 0 && count < 5) expect(value).toBeNull();
      else if (value !== null) expect(value).toBe(count);
    }),
  );
  const grandTotal = want[3]![columns.length]!;
  expect(table.rows[3]!.values[columns.length]).toBe(grandTotal);
  expect(table.suppressedCells).toBe(table.rows.flatMap((r) => r.values).filter((v) => v === null).length);
}

const PROGRESS = ['NOT_APPROVED', 'PENDING', 'SENT', 'ACCEPTED', 'REJECTED'];
const TIMELINESS = ['DUE', 'ON_TIME', 'LATE_SYNCED', 'LATE'];

describe('sync statistics', () => {
  // School A: 10A1 has 6 students approved and accepted and 8 not approved (first wave), 11A1 has
  // 7 not approved in summer re-training (second wave, far ahead), 12A1 3 not approved (first wave).
  const progressA: Expected = {
    10: { NOT_APPROVED: 8, ACCEPTED: 6 },
    11: { NOT_APPROVED: 7 },
    12: { NOT_APPROVED: 3 },
  };
  const timelinessA: Expected = { 10: { DUE: 8, ON_TIME: 6 }, 11: { DUE: 7 }, 12: { DUE: 3 } };

  it('counts every student of the rosters by sync state and standing, hiding small cells', async () => {
    await placeSchool(schoolA, 'THPT A');
    const school = await recordBookTesting.createTestSchool({ schoolId: schoolA, schoolName: 'THPT A' });
    const a1 = await classOf(schoolA, 10, '10A1', 14, 'PROMOTED');
    await classOf(schoolA, 11, '11A1', 7, 'SUMMER_TRAINING');
    await classOf(schoolA, 12, '12A1', 3, 'COMPLETED');
    const approved = a1.studentIds.slice(0, 6);
    for (const studentId of approved)
      await harness.approve(
        await recordBookTesting.signTestYear({
          school,
          studentId,
          classId: a1.classId,
          conduct: recordBookTesting.sampleConduct({ outcome: 'PROMOTED' }),
        }),
      );
    await eventually(
      async () => {
        const records = await harness.db
          .collection<RecordSyncDocument>('record_syncs')
          .find({ studentId: { $in: approved } })
          .toArray();
        return records.length === 6 && records.every((r) => r.state === 'ACCEPTED');
      },
      60_000,
      200,
    );

    await waitForTotals(schoolA, 'syncProgress', progressA);
    await waitForTotals(schoolA, 'syncTimeliness', timelinessA);
    const tables = await tablesOf(principalOf(schoolA), 'SCHOOL', schoolA);
    expect(tables.syncProgress.columns).toEqual([
      'Khối',
      'Chưa phê duyệt',
      'Chờ gửi',
      'Đã gửi, chờ kết quả',
      'Đã được tiếp nhận',
      'Bị từ chối',
      'Tổng số học sinh',
    ]);
    expectTable(tables.syncProgress, PROGRESS, progressA);
    expectTable(tables.syncTimeliness, TIMELINESS, timelinessA);
    // Grade 12 has 3 students: hidden, and so is every figure of that row (zeros under a small total).
    expect(tables.syncProgress.rows[2]!.values.every((v) => v === null)).toBe(true);
    expect(tables.syncProgress.csv).toContain('Khối 12,*,*,*,*,*,*');
    expect(tables.syncProgress.suppressedCells).toBeGreaterThan(6);
  }, 180_000);

  it('changes the district figures with a second school in the district', async () => {
    const district = await tablesOf(analystOf(provinceCode), 'DISTRICT', districtCode);
    expectTable(district.syncProgress, PROGRESS, progressA);

    await placeSchool(schoolB, 'THPT B');
    await classOf(schoolB, 10, '10B1', 6, 'PROMOTED');
    const progressB: Expected = { 10: { NOT_APPROVED: 6 } };
    await waitForTotals(schoolB, 'syncProgress', progressB);
    const both: Expected = {
      10: { NOT_APPROVED: 14, ACCEPTED: 6 },
      11: { NOT_APPROVED: 7 },
      12: { NOT_APPROVED: 3 },
    };
    // The reader learns of the new school within its directory's cache time.
    const after = await eventually(
      async () => {
        const tables = await tablesOf(analystOf(provinceCode), 'DISTRICT', districtCode);
        return tables.syncProgress.rows[3]!.values[5] === 30 ? tables : null;
      },
      60_000,
      500,
    );
    expectTable(after.syncProgress, PROGRESS, both);
    const bySchool = await harness.graphql<{ _entities: Array<{ syncProgress: Table }> }>(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Statistics { syncProgress(rows: UNIT) { rows { label values } } } } }`,
      {
        reps: [
          {
            __typename: 'Statistics',
            scope: 'DISTRICT',
            code: districtCode,
            schoolYear: SCHOOL_YEAR,
            term: 'YEAR',
            grade: null,
          },
        ],
      },
      analystOf(provinceCode),
    );
    expect(bySchool.data!._entities[0]!.syncProgress.rows.map((r) => r.label)).toEqual([
      'THPT A',
      'THPT B',
      'Tổng',
    ]);
    expect(bySchool.data!._entities[0]!.syncProgress.rows.map((r) => r.values[5])).toEqual([24, 6, 30]);
  }, 180_000);

  it('refuses a teacher, an analyst of another province, and a principal outside its school', async () => {
    const refused = async (principal: Principal, scope: 'SCHOOL' | 'DISTRICT' | 'PROVINCE', code: string) => {
      const result = await statistics(principal, scope, code);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    };
    await refused(teacherOf(schoolA), 'SCHOOL', schoolA);
    await refused(analystOf(otherProvince), 'DISTRICT', districtCode);
    await refused(analystOf(otherProvince), 'SCHOOL', schoolA);
    await refused(principalOf(schoolA), 'SCHOOL', schoolB);
    await refused(principalOf(schoolA), 'DISTRICT', districtCode);
    const own = await tablesOf(principalOf(schoolB), 'SCHOOL', schoolB);
    expect(own.syncProgress.rows[3]!.values[5]).toBe(6);
  });

  it('turns the students still due late when the deadline passes, with no event', async () => {
    // The end of tomorrow in Vietnam is now in the past.
    clockOffsetMs = 3 * DAY_MS;
    const lateA: Expected = { 10: { LATE: 8, ON_TIME: 6 }, 11: { DUE: 7 }, 12: { LATE: 3 } };
    await waitForTotals(schoolA, 'syncTimeliness', lateA);
    await waitForTotals(schoolB, 'syncTimeliness', { 10: { LATE: 6 } });
    const tables = await tablesOf(principalOf(schoolA), 'SCHOOL', schoolA);
    expectTable(tables.syncTimeliness, TIMELINESS, lateA);
    // The sync states did not change.
    expectTable(tables.syncProgress, PROGRESS, progressA);
  }, 180_000);
});
