import { randomUUID } from 'node:crypto';
import type { Level } from '@hocbaso/assessment';
import {
  conductCorrectionApplied,
  correctionApplyRequested,
  outcomeComputed,
  studentEnrolled,
  studentLeftClass,
  SYSTEM_ACTOR,
} from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import { cellKey, type StatisticsTerm } from '@hocbaso/statistics';
import { eventually } from '@hocbaso/testkit';
import { recordAbsence, recordConduct } from '../src/usecases/record-conduct';
import { ConductHarness, SCHOOL_YEAR, SIGNATURES_ACTOR } from './harness';

jest.setTimeout(180_000);

interface Table {
  title: string;
  columns: string[];
  rows: Array<{ label: string; values: Array<number | null> }>;
  suppressedCells: number;
  csv: string;
}
type Tables = Record<'conductResults' | 'absences' | 'outcomes' | 'titles', Table>;
type Key = { scope: 'SCHOOL' | 'DISTRICT' | 'PROVINCE'; code: string; term: StatisticsTerm };
type FilledClass = Awaited<ReturnType<ConductHarness['createClass']>>;

const TABLES = `query($r: [_Any!]!, $rows: StatisticsRows) {
  _entities(representations: $r) {
    ... on Statistics {
      conductResults(rows: $rows) { ...T }
      absences(rows: $rows) { ...T }
      outcomes(rows: $rows) { ...T }
      titles(rows: $rows) { ...T }
    }
  }
}
fragment T on StatisticsTable { title columns rows { label values } suppressedCells csv }`;

/** The students of each class: the level of both their terms' ratings (null: not rated). */
const LEVELS: Array<Level | null> = [
  ...Array<Level>(6).fill('TOT'),
  ...Array<Level>(5).fill('KHA'),
  ...Array<Level>(3).fill('DAT'),
  null,
  null,
];
const SIZE = LEVELS.length;
/** The first students of school A are absent once (one morning). */
const ABSENT_ONCE = 5;
/**
 * The first students of school A (rated Tốt, absent once) get learning results from academics:
 * every scored subject at 6.5 or more and six at 8.0 or more, comment subjects Đạt, so learning
 * Tốt (Điều 9); with conduct Tốt and 1 session absent a grade-10 student is promoted (Điều 12)
 * and Học sinh Giỏi, not Xuất sắc, which needs six subjects at 9.0 (Điều 15).
 */
const WITH_RESULTS = 5;
const SCORED = [
  'NGU_VAN',
  'TOAN',
  'NGOAI_NGU_1',
  'LICH_SU',
  'GDQP_AN',
  'VAT_LI',
  'HOA_HOC',
  'TIN_HOC',
  'SINH_HOC',
];
const COMMENT_SUBJECTS = ['GD_THE_CHAT', 'HD_TRAI_NGHIEM_HUONG_NGHIEP', 'GD_DIA_PHUONG'];

const tally = <T>(values: readonly T[], value: T) => values.filter((v) => v === value).length;
/** Conduct levels of the term counted by hand from LEVELS, as the aggregate keys them. */
const ratings = (term: StatisticsTerm, notAssessed = tally(LEVELS, null)) => ({
  [cellKey({ table: 'conductResults', term, grade: 10, column: 'TOT' })]: tally(LEVELS, 'TOT'),
  [cellKey({ table: 'conductResults', term, grade: 10, column: 'KHA' })]: tally(LEVELS, 'KHA'),
  [cellKey({ table: 'conductResults', term, grade: 10, column: 'DAT' })]: tally(LEVELS, 'DAT'),
  [cellKey({ table: 'conductResults', term, grade: 10, column: 'CHUA_DAT' })]: 0,
  [cellKey({ table: 'conductResults', term, grade: 10, column: 'NOT_ASSESSED' })]: notAssessed,
});

describe('conduct statistics: aggregates kept from conduct changes, suppressed and reached by scope', () => {
  let harness: ConductHarness;
  const province = `T${randomUUID().slice(0, 8)}`;
  const district = `Q${randomUUID().slice(0, 8)}`;
  const schoolB = randomUUID();
  let classA: FilledClass;
  let classB: FilledClass;

  const analyst = (provinceCode: string): Principal => ({
    accountId: randomUUID(),
    username: 'so-gddt',
    schoolId: null,
    roles: [{ role: 'DEPARTMENT_ANALYST', scope: { schoolId: null, provinceCode } }],
    teaching: [],
  });

  const query = (principal: Principal | null, key: Key, rows: 'GRADE' | 'UNIT' = 'GRADE') =>
    harness.query<{ _entities: Array<Tables | null> }>(principal, TABLES, {
      r: [{ __typename: 'Statistics', ...key, schoolYear: SCHOOL_YEAR, grade: null }],
      rows,
    });
  /** The tables as the province's analyst reads them. */
  const tables = async (key: Key, rows: 'GRADE' | 'UNIT' = 'GRADE') => {
    const result = await query(analyst(province), key, rows);
    expect(result.errors).toBeUndefined();
    return result.data!._entities[0]!;
  };
  const rowOf = (table: Table, label: string) => table.rows.find((r) => r.label === label)?.values;

  /**
   * Waits until the school's aggregate holds these counts and nothing waits to be recomputed: the
   * projection works behind the events, and an unfinished count can look final once suppressed.
   */
  const aggregated = (schoolId: string, counts: Record<string, number>) =>
    eventually(
      async () => {
        const { store } = harness.service.statistics;
        const school = await harness.db
          .collection<{ _id: string; totals: Record<string, number> }>('statistics_school_totals')
          .findOne({ _id: `${schoolId}|${SCHOOL_YEAR}` });
        return (
          Object.entries(counts).every(([key, value]) => (school?.totals[key] ?? 0) === value) &&
          (await store.pendingCount()) === 0
        );
      },
      90_000,
      100,
    );

  /**
   * The homeroom teacher rates the class as LEVELS says in these terms (the same level in each),
   * and, with absences, records one absence of each of the first ABSENT_ONCE students.
   */
  async function rate(
    { classId, homeroomTeacherId, studentIds }: FilledClass,
    periods: ReadonlyArray<'TERM_1' | 'TERM_2'>,
    absences: boolean,
  ) {
    const caller = {
      principal: harness.homeroomTeacher(homeroomTeacherId, classId),
      requestId: 'statistics',
    };
    const deps = harness.service.deps;
    for (const [index, studentId] of studentIds.entries()) {
      const level = LEVELS[index];
      if (level)
        for (const period of periods)
          await recordConduct(deps, caller, { studentId, schoolYear: SCHOOL_YEAR, period, level });
      if (absences && index < ABSENT_ONCE)
        await recordAbsence(deps, caller, {
          studentId,
          schoolYear: SCHOOL_YEAR,
          date: '2025-10-20',
          session: 'MORNING',
          excused: true,
        });
    }
  }

  beforeAll(async () => {
    harness = await ConductHarness.start('conduct-statistics');
    await harness.announceSchool({
      schoolId: harness.schoolId,
      provinceCode: province,
      districtCode: district,
      name: 'Trường A',
    });
    // Both classes are on the roster from the start; school B counts in the district once identity
    // has placed it there.
    classA = await harness.createClass(SIZE, 10);
    classB = await harness.createClass(SIZE, 10, schoolB);
    await rate(classA, ['TERM_1', 'TERM_2'], true);
    expect(LEVELS.slice(0, WITH_RESULTS).every((l) => l === 'TOT') && WITH_RESULTS <= ABSENT_ONCE).toBe(true);
    for (const studentId of classA.studentIds.slice(0, WITH_RESULTS)) {
      for (const [index, subject] of SCORED.entries())
        await harness.subjectResult(studentId, classA.classId, subject, { average: index < 6 ? 8.5 : 7.0 });
      for (const subject of COMMENT_SUBJECTS)
        await harness.subjectResult(studentId, classA.classId, subject, { result: 'DAT' });
    }
    await aggregated(harness.schoolId, {
      ...ratings('TERM_1'),
      ...ratings('TERM_2'),
      // The same level in both terms gives the year that level (Điều 8).
      ...ratings('YEAR'),
      [cellKey({ table: 'absences', term: 'YEAR', grade: 10, column: 'NONE' })]: SIZE - ABSENT_ONCE,
      [cellKey({ table: 'absences', term: 'YEAR', grade: 10, column: 'FROM_1_TO_5' })]: ABSENT_ONCE,
      [cellKey({ table: 'outcomes', term: 'YEAR', grade: 10, column: 'PROMOTED' })]: WITH_RESULTS,
      [cellKey({ table: 'outcomes', term: 'YEAR', grade: 10, column: 'UNDECIDED' })]: SIZE - WITH_RESULTS,
      [cellKey({ table: 'titles', term: 'YEAR', grade: 10, column: 'GOOD' })]: WITH_RESULTS,
      [cellKey({ table: 'titles', term: 'YEAR', grade: 10, column: 'NONE' })]: SIZE - WITH_RESULTS,
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("counts a school's students by conduct level, absences, outcome and title, hiding every cell under 5", async () => {
    const school = { scope: 'SCHOOL' as const, code: harness.schoolId };
    // Đạt (3) and Chưa đánh giá (2) count 1 to 4 students: hidden. Together they are 5, so the
    // total minus the shown cells gives nothing away; Chưa đạt counts nobody and is shown.
    expect([tally(LEVELS, 'DAT'), tally(LEVELS, 'CHUA_DAT'), tally(LEVELS, null)]).toEqual([3, 0, 2]);
    const conduct = [tally(LEVELS, 'TOT'), tally(LEVELS, 'KHA'), null, 0, null, SIZE];

    const term1 = await tables({ ...school, term: 'TERM_1' });
    expect(term1.conductResults.title).toBe('Kết quả rèn luyện');
    expect(term1.conductResults.columns).toEqual([
      'Khối',
      'Tốt',
      'Khá',
      'Đạt',
      'Chưa đạt',
      'Chưa đánh giá',
      'Tổng số học sinh',
    ]);
    // Only grade 10 has students: grades 11 and 12 count nobody, but "none of the 3 Đạt students
    // is in grade 11" says something about each of them, so the zeros under a hidden total hide too.
    expect(term1.conductResults.rows).toEqual([
      { label: 'Khối 10', values: conduct },
      { label: 'Khối 11', values: [0, 0, null, 0, null, 0] },
      { label: 'Khối 12', values: [0, 0, null, 0, null, 0] },
      { label: 'Tổng', values: conduct },
    ]);
    expect(term1.conductResults.suppressedCells).toBe(8);
    expect(term1.conductResults.csv).toContain(`Tổng,${conduct.map((v) => v ?? '*').join(',')}`);
    // Absences, outcomes and titles are figures of the year only: a term's table has no rows.
    expect(term1.absences.rows).toEqual([]);
    expect(term1.outcomes.rows).toEqual([]);
    expect(term1.titles.rows).toEqual([]);
    expect(rowOf((await tables({ ...school, term: 'TERM_2' })).conductResults, 'Tổng')).toEqual(conduct);

    const year = await tables({ ...school, term: 'YEAR' });
    expect(rowOf(year.conductResults, 'Tổng')).toEqual(conduct);
    // 11 never absent, 5 absent once (1–5 sessions).
    expect(year.absences.columns.slice(1)).toEqual([
      'Không nghỉ',
      '1–5 buổi',
      '6–20 buổi',
      '21–45 buổi',
      'Trên 45 buổi',
      'Tổng số học sinh',
    ]);
    expect(rowOf(year.absences, 'Tổng')).toEqual([SIZE - ABSENT_ONCE, ABSENT_ONCE, 0, 0, 0, SIZE]);
    // Five promoted Học sinh Giỏi; the others have no learning results: undecided, no title.
    expect(year.outcomes.columns.slice(1)).toEqual([
      'Lên lớp',
      'Rèn luyện trong hè',
      'Kiểm tra lại',
      'Ở lại lớp',
      'Hoàn thành chương trình',
      'Chưa xét',
      'Tổng số học sinh',
    ]);
    expect(rowOf(year.outcomes, 'Tổng')).toEqual([WITH_RESULTS, 0, 0, 0, 0, SIZE - WITH_RESULTS, SIZE]);
    expect(year.titles.columns.slice(1)).toEqual([
      'Học sinh Xuất sắc',
      'Học sinh Giỏi',
      'Không có danh hiệu',
      'Tổng số học sinh',
    ]);
    expect(rowOf(year.titles, 'Tổng')).toEqual([0, WITH_RESULTS, SIZE - WITH_RESULTS, SIZE]);

    // The district and the province hold this one school: the same figures.
    const inDistrict = await tables({ scope: 'DISTRICT', code: district, term: 'TERM_1' });
    expect(rowOf(inDistrict.conductResults, 'Tổng')).toEqual(conduct);
    const inProvince = await tables({ scope: 'PROVINCE', code: province, term: 'TERM_1' });
    expect(rowOf(inProvince.conductResults, 'Tổng')).toEqual(conduct);
  });

  it("a second school in the district adds to the district's figures; a transfer moves the student", async () => {
    const districtTerm1 = { scope: 'DISTRICT' as const, code: district, term: 'TERM_1' as const };
    await harness.announceSchool({
      schoolId: schoolB,
      provinceCode: province,
      districtCode: district,
      name: 'Trường B',
    });
    await rate(classB, ['TERM_1'], false);
    await aggregated(schoolB, ratings('TERM_1'));

    // Both schools alike: the district's Đạt (6) is not small, but its Chưa đánh giá (4) is, and
    // would be the total minus the others: Đạt, the smallest other count, is hidden with it.
    const single = [tally(LEVELS, 'TOT'), tally(LEVELS, 'KHA'), null, 0, null, SIZE];
    const doubled = [2 * tally(LEVELS, 'TOT'), 2 * tally(LEVELS, 'KHA'), null, 0, null, 2 * SIZE];
    expect(rowOf((await tables(districtTerm1)).conductResults, 'Tổng')).toEqual(doubled);
    const byUnit = (await tables(districtTerm1, 'UNIT')).conductResults;
    expect(byUnit.columns[0]).toBe('Trường');
    expect(byUnit.rows).toEqual([
      { label: 'Trường A', values: single },
      { label: 'Trường B', values: single },
      { label: 'Tổng', values: doubled },
    ]);

    // One of school A's unrated students transfers to school B: A counts one fewer, B one more,
    // the district the same.
    const moving = classA.studentIds[SIZE - 1]!;
    expect(LEVELS[SIZE - 1]).toBeNull();
    await harness.publish(studentLeftClass, moving, {
      studentId: moving,
      schoolId: harness.schoolId,
      classId: classA.classId,
      schoolYear: SCHOOL_YEAR,
      effectiveOn: '2025-11-03',
      kind: 'TRANSFERRED_OUT',
      actor: SYSTEM_ACTOR,
    });
    await harness.publish(studentEnrolled, moving, {
      studentId: moving,
      fullName: 'Học sinh chuyển đến',
      schoolId: schoolB,
      classId: classB.classId,
      schoolYear: SCHOOL_YEAR,
      grade: 10,
      kind: 'TRANSFERRED_IN',
      effectiveOn: '2025-11-03',
      actor: SYSTEM_ACTOR,
    });
    await aggregated(harness.schoolId, ratings('TERM_1', tally(LEVELS, null) - 1));
    await aggregated(schoolB, ratings('TERM_1', tally(LEVELS, null) + 1));
    // A: Đạt 3 and Chưa đánh giá 1 are hidden and add up to 4 (the total minus the rest), so Khá
    // is hidden too; then A's Khá would be the district's minus B's, so B's Khá is hidden as well.
    expect((await tables(districtTerm1, 'UNIT')).conductResults.rows).toEqual([
      { label: 'Trường A', values: [tally(LEVELS, 'TOT'), null, null, 0, null, SIZE - 1] },
      { label: 'Trường B', values: [tally(LEVELS, 'TOT'), null, null, 0, null, SIZE + 1] },
      { label: 'Tổng', values: doubled },
    ]);
  });

  it('recounts a student whose term rating a correction clears, though no other event says so', async () => {
    await harness.waitUntilLocksListening();
    // A Khá student of school B, rated in term I only: clearing the rating moves no standing (the
    // year needs both terms), so conduct publishes no conduct.assessed and no outcome.computed.
    const studentId = classB.studentIds[LEVELS.indexOf('KHA')]!;
    await harness.settle();
    const computedBefore = (await harness.published(outcomeComputed.type, { studentId })).length;
    const correctionId = randomUUID();
    await harness.publishSignaturesEvent(correctionApplyRequested, studentId, {
      correctionId,
      owner: 'conduct',
      schoolId: schoolB,
      schoolYear: SCHOOL_YEAR,
      classId: classB.classId,
      studentId,
      subjectCode: null,
      changes: [{ field: 'conduct.term1', value: null }],
      reason: 'Nhập nhầm kết quả rèn luyện học kì I (biên bản ngày 12/11)',
      actor: SIGNATURES_ACTOR,
    });
    // B after the transfer: 3 unrated; now 4, and one Khá fewer.
    await aggregated(schoolB, {
      ...ratings('TERM_1', tally(LEVELS, null) + 2),
      [cellKey({ table: 'conductResults', term: 'TERM_1', grade: 10, column: 'KHA' })]:
        tally(LEVELS, 'KHA') - 1,
    });
    await harness.settle();
    expect(await harness.published(conductCorrectionApplied.type, { correctionId })).toMatchObject([
      { outcome: 'APPLIED', changes: [{ field: 'conduct.term1', before: 'KHA', after: null }] },
    ]);
    expect(await harness.published(outcomeComputed.type, { studentId })).toHaveLength(computedBefore);
  });

  it('answers department analysts of the province and the school board only, each within its reach', async () => {
    const school: Key = { scope: 'SCHOOL', code: harness.schoolId, term: 'YEAR' };
    const code = async (principal: Principal | null, key: Key) =>
      (await query(principal, key)).errors?.[0]?.extensions?.code ?? 'OK';

    expect(await code(harness.homeroomTeacher(randomUUID(), classA.classId), school)).toBe('FORBIDDEN');
    expect(await code(null, school)).toBe('FORBIDDEN');
    const elsewhere = analyst(`T${randomUUID().slice(0, 8)}`);
    expect(await code(elsewhere, school)).toBe('FORBIDDEN');
    expect(await code(elsewhere, { scope: 'DISTRICT', code: district, term: 'YEAR' })).toBe('FORBIDDEN');
    expect(await code(elsewhere, { scope: 'PROVINCE', code: province, term: 'YEAR' })).toBe('FORBIDDEN');

    const principal = harness.principalOfSchool();
    expect(await code(principal, school)).toBe('OK');
    expect(await code(principal, { ...school, code: schoolB })).toBe('FORBIDDEN');
    expect(await code(principal, { scope: 'DISTRICT', code: district, term: 'YEAR' })).toBe('FORBIDDEN');
    expect(await code(analyst(province), { ...school, code: schoolB })).toBe('OK');
  });
});
