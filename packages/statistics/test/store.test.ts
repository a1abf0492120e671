import { connectMongo, WriteLock, type Principal } from '@hocbaso/service-kit';
import { infra, testLogger, uniqueDbName } from '@hocbaso/testkit';
import type { Connection } from 'mongoose';
import { countsOf, type Figure } from '../src/cells';
import { StatisticsProjection } from '../src/projection';
import { StatisticsReader } from '../src/reader';
import { StatisticsStore, type PartRef } from '../src/store';
import type { StatisticsTableDefinition } from '../src/table-definition';

jest.setTimeout(60_000);
const logger = testLogger();
const YEAR = '2025-2026';
const CONDUCT: StatisticsTableDefinition = {
  name: 'conduct',
  title: 'Kết quả rèn luyện',
  columns: [
    { key: 'TOT', label: 'Tốt' },
    { key: 'KHA', label: 'Khá' },
  ],
  totalLabel: 'Tổng số',
};

let connection: Connection;
let store: StatisticsStore;

beforeAll(async () => {
  connection = await connectMongo({
    uri: infra().mongodbUri,
    dbName: uniqueDbName('statistics'),
    logger,
    timeoutMs: 20_000,
  });
  store = new StatisticsStore(connection.db!, new WriteLock(), 0);
});
afterAll(async () => {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
});

/** "The records" of this test: each student's school, class, grade and conduct level. */
interface StudentRecord {
  schoolId: string;
  classId: string;
  grade: number;
  level: 'TOT' | 'KHA';
}

const refOf = (studentId: string, r: StudentRecord): PartRef => ({
  schoolId: r.schoolId,
  schoolYear: YEAR,
  group: r.classId,
  part: studentId,
});

describe('statistics kept from records by parts, groups and schools', () => {
  const records = new Map<string, StudentRecord>();

  it('adds parts into groups and schools, replaces a part idempotently, and bumps the version', async () => {
    const ref = (part: string, group = 'c1'): PartRef => ({ schoolId: 's1', schoolYear: YEAR, group, part });
    const one = (level: string): Figure[] => [
      { table: 'conduct', term: 'YEAR', grade: 10, column: level, value: 1 },
    ];
    const before = await store.version(YEAR);
    await store.setPart(ref('st.1'), countsOf(one('TOT')));
    await store.setPart(ref('st.2'), countsOf(one('KHA')));
    await store.setPart(ref('st.3', 'c2'), countsOf(one('TOT')));
    const afterAdds = await store.version(YEAR);
    expect(afterAdds).toBeGreaterThan(before);
    expect((await store.totalsOf(['s1'], YEAR)).get('s1')).toEqual({
      'conduct~YEAR~10~~TOT': 2,
      'conduct~YEAR~10~~KHA': 1,
    });
    // The same figures again change nothing, not even the version.
    await store.setPart(ref('st.1'), countsOf(one('TOT')));
    expect(await store.version(YEAR)).toBe(afterAdds);
    // A part that no longer counts leaves.
    await store.setPart(ref('st.2'), null);
    expect((await store.totalsOf(['s1'], YEAR)).get('s1')).toEqual({ 'conduct~YEAR~10~~TOT': 2 });
  });

  it("mends a school's totals that missed a group's change (a crash between the two writes)", async () => {
    const ref: PartRef = { schoolId: 's2', schoolYear: YEAR, group: 'c1', part: 'st' };
    const figures = countsOf([{ table: 'conduct', term: 'YEAR', grade: 11, column: 'KHA', value: 1 }]);
    await store.setPart(ref, figures);
    await connection.db!.collection('statistics_schools').deleteOne({ _id: `s2|${YEAR}` as never });
    await connection.db!.collection('statistics_school_totals').deleteOne({ _id: `s2|${YEAR}` as never });
    expect((await store.totalsOf(['s2'], YEAR)).get('s2')).toBeUndefined();
    await store.setPart(ref, figures); // the redelivered change
    expect((await store.totalsOf(['s2'], YEAR)).get('s2')).toEqual({ 'conduct~YEAR~11~~KHA': 1 });
  });

  it('recomputes marked parts from the records, once per burst, and serves suppressed tables', async () => {
    let computations = 0;
    const worker = new StatisticsProjection({
      store,
      logger,
      compute: async (ref) => {
        computations++;
        const r = records.get(ref.part);
        if (!r || r.classId !== ref.group) return null;
        return [{ table: 'conduct', term: 'YEAR', grade: r.grade, column: r.level, value: 1 }];
      },
    });
    await store.placeSchool({
      schoolId: 'p1',
      code: 'P1',
      name: 'THPT Một',
      provinceCode: '79',
      districtCode: '760',
    });
    await store.placeSchool({
      schoolId: 'p2',
      code: 'P2',
      name: 'THPT Hai',
      provinceCode: '79',
      districtCode: '760',
    });
    // p1: 12 TỐT and 3 KHÁ in grade 10; p2: 9 TỐT and 8 KHÁ in grade 10.
    const students: Array<[string, StudentRecord]> = [];
    for (let i = 0; i < 12; i++)
      students.push([`p1-t${i}`, { schoolId: 'p1', classId: 'p1-10A', grade: 10, level: 'TOT' }]);
    for (let i = 0; i < 3; i++)
      students.push([`p1-k${i}`, { schoolId: 'p1', classId: 'p1-10A', grade: 10, level: 'KHA' }]);
    for (let i = 0; i < 9; i++)
      students.push([`p2-t${i}`, { schoolId: 'p2', classId: 'p2-10A', grade: 10, level: 'TOT' }]);
    for (let i = 0; i < 8; i++)
      students.push([`p2-k${i}`, { schoolId: 'p2', classId: 'p2-10A', grade: 10, level: 'KHA' }]);
    for (const [id, r] of students) records.set(id, r);
    // Each student's change is marked three times (three events): one computation each.
    for (let round = 0; round < 3; round++) await worker.markDirty(students.map(([id, r]) => refOf(id, r)));
    await worker.refreshAll();
    expect(computations).toBe(students.length);
    expect(await store.pendingCount()).toBe(0);

    const reader = new StatisticsReader(store);
    const key = {
      scope: 'DISTRICT' as const,
      code: '760',
      schoolYear: YEAR,
      term: 'YEAR' as const,
      grade: 10,
    };
    const bySchool = await reader.table(key, CONDUCT, 'UNIT');
    // p1's 3 KHÁ is hidden, so its 12 TỐT too (15 - 12 = 3), and p2's KHÁ (else the district's
    // 11 minus p2's would give it), so p2's TỐT too. The schools' sizes stay.
    expect(bySchool.rows).toEqual([
      { label: 'THPT Hai', values: [null, null, 17] },
      { label: 'THPT Một', values: [null, null, 15] },
      { label: 'Tổng', values: [21, 11, 32] },
    ]);
    expect(bySchool.csv).toContain('THPT Một,*,*,15');

    // A school placed in the district since shows up at once, before it has a figure of its own.
    await store.placeSchool({
      schoolId: 'p3',
      code: 'P3',
      name: 'THPT Ba',
      provinceCode: '79',
      districtCode: '760',
    });
    const withNewSchool = await reader.table(key, CONDUCT, 'UNIT');
    expect(withNewSchool.rows.map((r) => r.label)).toEqual(['THPT Ba', 'THPT Hai', 'THPT Một', 'Tổng']);

    // A student moves from p1's class to another class of p1: the old class no longer counts them.
    records.set('p1-k0', { schoolId: 'p1', classId: 'p1-10B', grade: 10, level: 'KHA' });
    await worker.markDirty([
      { schoolId: 'p1', schoolYear: YEAR, group: 'p1-10A', part: 'p1-k0' },
      { schoolId: 'p1', schoolYear: YEAR, group: 'p1-10B', part: 'p1-k0' },
    ]);
    await worker.refreshAll();
    const after = await reader.table({ ...key, scope: 'SCHOOL', code: 'p1' }, CONDUCT, 'GRADE');
    expect(after.rows[0]!.values[2]).toBe(15);
  });

  it('lets a burst of marks gather: the running worker recomputes a part a few times, not once per mark', async () => {
    let computations = 0;
    const record: StudentRecord = { schoolId: 'p9', classId: 'p9-10A', grade: 10, level: 'TOT' };
    const worker = new StatisticsProjection({
      store,
      logger,
      settleMs: 400,
      compute: async () => {
        computations++;
        return [{ table: 'conduct', term: 'YEAR', grade: record.grade, column: record.level, value: 1 }];
      },
    });
    worker.start();
    let markingMs = 0;
    try {
      // A gradebook's worth of events for one student, 40 marks over about 0.8 s (more on a busy store).
      const started = Date.now();
      for (let i = 0; i < 40; i++) {
        await worker.markDirty([refOf('p9-s1', record)]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      markingMs = Date.now() - started;
      const deadline = Date.now() + 10_000;
      while ((await store.pendingCount()) > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await store.pendingCount()).toBe(0);
    } finally {
      await worker.stop();
    }
    // One pass per settle period at most (passes 0.4 s apart, and one after the last mark), not
    // one per mark; and the last state counted.
    expect(computations).toBeGreaterThanOrEqual(1);
    expect(computations).toBeLessThanOrEqual(Math.min(Math.ceil(markingMs / 400) + 2, 20));
    expect((await store.totalsOf(['p9'], YEAR)).get('p9')).toEqual({ 'conduct~YEAR~10~~TOT': 1 });
  });

  it('clears a batch of markers in one go, keeping any marked again since the batch was read', async () => {
    const record: StudentRecord = { schoolId: 'p8', classId: 'p8-10A', grade: 10, level: 'KHA' };
    const refs = ['p8-s1', 'p8-s2', 'p8-s3'].map((id) => refOf(id, record));
    await store.markDirty(refs);
    const batch = (await store.dirty(1_000)).filter((m) => m.ref.schoolId === 'p8');
    expect(batch).toHaveLength(3);
    await store.markDirty([refs[1]!]); // a change while the batch was being recomputed
    await store.clearDirty(batch);
    const left = (await store.dirty(1_000)).filter((m) => m.ref.schoolId === 'p8');
    expect(left.map((m) => m.ref.part)).toEqual(['p8-s2']);
    await store.clearDirty(left);
    expect((await store.dirty(1_000)).filter((m) => m.ref.schoolId === 'p8')).toEqual([]);
  });

  it('keeps one marker document per group, and still clears markers of the earlier, per-part shape', async () => {
    const markers = connection.db!.collection('statistics_dirty');
    const record: StudentRecord = { schoolId: 'p7', classId: 'p7-10A', grade: 10, level: 'TOT' };
    await store.markDirty(['p7-s1', 'p7-s2', 'p7-s3'].map((id) => refOf(id, record)));
    await store.markDirty([refOf('p7-s2', record)]);
    expect(await markers.countDocuments({ schoolId: 'p7' })).toBe(1);
    const old = refOf('p7-old', { ...record, classId: 'p7-10B' });
    await markers.insertOne({
      _id: `p7|${YEAR}|p7-10B|p7-old`,
      ref: old,
      gen: 4,
      markedAt: new Date(),
    } as never);

    const waiting = (await store.dirty(1_000)).filter((m) => m.ref.schoolId === 'p7');
    expect(waiting.map((m) => [m.ref.part, m.gen]).sort()).toEqual([
      ['p7-old', 4],
      ['p7-s1', 1],
      ['p7-s2', 2],
      ['p7-s3', 1],
    ]);
    expect(waiting.find((m) => m.ref.part === 'p7-old')?.ref).toEqual(old);
    await store.clearDirty(waiting);
    expect(await markers.countDocuments({ $or: [{ schoolId: 'p7' }, { 'ref.schoolId': 'p7' }] })).toBe(0);
  });

  it('refuses a caller outside its reach, before reading anything', async () => {
    const teacher: Principal = {
      accountId: 't',
      username: 't',
      schoolId: 'p1',
      roles: [{ role: 'SUBJECT_TEACHER', scope: { schoolId: 'p1' } }],
      teaching: [],
    };
    await expect(
      new StatisticsReader(store).authorize(teacher, { scope: 'SCHOOL', code: 'p1' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
