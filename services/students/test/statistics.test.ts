import { randomInt, randomUUID } from 'node:crypto';
import {
  IDENTITY_SOURCE,
  schoolCreated,
  studentEnrolled,
  studentLeftClass,
  studentStatusChanged,
  SYSTEM_ACTOR,
} from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import { eventually } from '@hocbaso/testkit';
import type { ClassDocument } from '../src/model/class.model';
import { admitStudent } from '../src/usecases/admit-student';
import { changeStudentClass } from '../src/usecases/change-student-class';
import { SYSTEM_CALLER } from '../src/usecases/deps';
import { setStudentStatus } from '../src/usecases/set-student-status';
import { transferStudentOut } from '../src/usecases/transfer-student';
import {
  errorCodes,
  principalWith,
  SCHOOL_YEAR,
  StudentsHarness,
  studentInput,
  subjectTeacherOf,
} from './harness';

jest.setTimeout(90_000);

const STATISTICS = `query($scope: StatisticsScope!, $code: ID!, $year: String!, $term: StatisticsTerm, $grade: Int, $rows: StatisticsRows) {
  statistics(scope: $scope, code: $code, schoolYear: $year, term: $term, grade: $grade) {
    scope code schoolYear term grade
    enrolment(rows: $rows) { title columns rows { label values } suppressedCells csv }
  }
}`;

interface Table {
  title: string;
  columns: string[];
  rows: Array<{ label: string; values: Array<number | null> }>;
  suppressedCells: number;
  csv: string;
}
type StatisticsAnswer = {
  statistics: {
    scope: string;
    code: string;
    schoolYear: string;
    term: string;
    grade: number | null;
    enrolment: Table;
  };
};

/** The table's columns after the row label, in the schema's StudentStatus order, then the total. */
const STATUSES = ['STUDYING', 'TRANSFERRED', 'REPEATING', 'COMPLETED', 'GRADUATED', 'DROPPED_OUT'] as const;
type Status = (typeof STATUSES)[number];
/** Students the test put in a grade, by status. */
type Expected = Partial<Record<Status, number>>;

/** The row the test's own data says: one value per status, then their total. */
const rowOf = (counts: Expected) => {
  const values = STATUSES.map((s) => counts[s] ?? 0);
  return [...values, values.reduce((a, b) => a + b, 0)];
};

/**
 * Every figure shown equals the test's count, and every count of 1 to 4 is hidden (null). Which
 * other figures are hidden with them is the package's business (tested there).
 */
function expectFigures(table: Table, expected: Record<string, Expected>) {
  expect(table.rows.map((r) => r.label)).toEqual(Object.keys(expected));
  for (const row of table.rows) {
    const counts = rowOf(expected[row.label]!);
    row.values.forEach((value, i) => {
      const count = counts[i]!;
      if (count > 0 && count < 5) expect([row.label, i, value]).toEqual([row.label, i, null]);
      else if (value !== null) expect([row.label, i, value]).toEqual([row.label, i, count]);
    });
  }
}

describe('statistics: the enrolment table (sĩ số học sinh)', () => {
  let harness: StudentsHarness;
  // Codes of the test's own (another test file may place schools while this one listens).
  const province = String(randomInt(10, 79));
  const otherProvince = String(Number(province) + 1);
  const district = String(randomInt(100, 1000));
  const schoolA = `school-a-${randomUUID()}`;
  const schoolB = `school-b-${randomUUID()}`;

  const analystOf = (provinceCode: string, districtCode: string | null = null) =>
    principalWith([['DEPARTMENT_ANALYST', { provinceCode, districtCode }]], [], null);
  const principalOf = (schoolId: string) => principalWith([['PRINCIPAL', { schoolId }]]);

  const ask = (
    principal: Principal,
    variables: { scope: string; code: string; term?: string; grade?: number; rows?: string; year?: string },
  ) => harness.as<StatisticsAnswer>(principal, STATISTICS, { year: SCHOOL_YEAR, ...variables });

  /**
   * Waits until the statistics caught up: every student event the service published was handled
   * by its statistics consumer, and no student is waiting to be recomputed.
   */
  const caughtUp = async () => {
    await harness.settle();
    await eventually(async () => {
      const published = await harness.db
        .collection('event_log')
        .find({ type: { $in: [studentEnrolled.type, studentLeftClass.type, studentStatusChanged.type] } })
        .project({ _id: 1 })
        .toArray();
      const handled = await harness.db
        .collection('statistics_processed_events')
        .countDocuments({ _id: { $in: published.map((e) => e._id) } });
      return (
        handled === published.length &&
        (await harness.db.collection('statistics_dirty').countDocuments()) === 0
      );
    }, 30_000);
  };

  const tableAt = async (principal: Principal, variables: Parameters<typeof ask>[1]) => {
    const result = await ask(principal, variables);
    expect(result.errors).toBeUndefined();
    return result.data!.statistics.enrolment;
  };

  const placeSchool = async (schoolId: string) => {
    const { code, name } = { code: schoolId.slice(0, 12), name: `Trường THPT ${schoolId.slice(0, 8)}` };
    await harness.publish(
      schoolCreated,
      schoolId,
      { schoolId, code, name, provinceCode: province, districtCode: district, actor: SYSTEM_ACTOR },
      IDENTITY_SOURCE,
    );
  };
  const placed = (schoolId: string) =>
    harness.db.collection('statistics_school_places').findOne({ _id: schoolId as never });

  /** New records, one write each: no settling in between (see harness.settle). */
  const admitMany = async (schoolClass: ClassDocument, count: number) => {
    const admitted = [];
    for (let i = 0; i < count; i++)
      admitted.push(
        await admitStudent(harness.deps, SYSTEM_CALLER, {
          ...studentInput(schoolClass.grade, schoolClass.schoolYear),
          classId: schoolClass._id,
        }),
      );
    return admitted;
  };

  let a10A1: ClassDocument;
  let a10A2: ClassDocument;
  let a11A1: ClassDocument;

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_statistics');
    // The statistics group reads from now on: place school A until the consumer has seen it, so
    // that every student event after this is read too.
    const deadline = Date.now() + 60_000;
    while (!(await placed(schoolA))) {
      if (Date.now() > deadline) throw new Error('the statistics consumer did not start within 60 s');
      await placeSchool(schoolA);
      await eventually(() => placed(schoolA), 1_500, 100).catch(() => undefined);
    }

    // School A: grade 10, 7 in 10A1 and 2 in 10A2, then one moves from 10A1 to 10A2 and two of
    // 10A1 drop out; grade 11, 7 in 11A1, then one transfers out.
    a10A1 = await harness.createClass(schoolA, '10A1');
    a10A2 = await harness.createClass(schoolA, '10A2');
    a11A1 = await harness.createClass(schoolA, '11A1');
    const in10A1 = await admitMany(a10A1, 7);
    await admitMany(a10A2, 2);
    const in11A1 = await admitMany(a11A1, 7);
    // Each student is written once more below: after the relay is done with their admission.
    await harness.settle();
    await changeStudentClass(harness.deps, SYSTEM_CALLER, {
      studentId: in10A1[0]!._id,
      classId: a10A2._id,
      effectiveOn: '2025-10-01',
    });
    for (const student of in10A1.slice(1, 3))
      await setStudentStatus(harness.deps, SYSTEM_CALLER, {
        studentId: student._id,
        status: 'DROPPED_OUT',
        reason: 'Gia đình chuyển vùng',
        effectiveOn: '2025-11-15',
      });
    await transferStudentOut(harness.deps, SYSTEM_CALLER, {
      studentId: in11A1[0]!._id,
      effectiveOn: '2026-01-05',
      reason: 'Chuyển nơi ở',
    });
    await caughtUp();
  });
  afterAll(() => harness?.close());

  // Counted by hand from the data above.
  const SCHOOL_A = {
    'Khối 10': { STUDYING: 7, DROPPED_OUT: 2 },
    'Khối 11': { STUDYING: 6 },
    'Khối 12': {},
    Tổng: { STUDYING: 13, DROPPED_OUT: 2 },
  };

  it("counts each student of the school's classes once, by status, and hides a count under 5", async () => {
    const table = await tableAt(principalOf(schoolA), { scope: 'SCHOOL', code: schoolA });
    expect(table.title).toBe('Sĩ số học sinh');
    expect(table.columns).toEqual([
      'Khối',
      'Đang học',
      'Đã chuyển trường',
      'Lưu ban',
      'Hoàn thành chương trình lớp học',
      'Tốt nghiệp trung học phổ thông',
      'Thôi học',
      'Tổng số học sinh',
    ]);
    expectFigures(table, SCHOOL_A);
    // The class change counted once (9 in grade 10), the transfer out no more (6 in grade 11).
    expect(table.rows.map((r) => r.values.at(-1))).toEqual([9, 6, 0, 15]);
    // The two who dropped out are hidden, with at least one more figure of their row.
    expect(table.rows[0]!.values[5]).toBeNull();
    expect(table.suppressedCells).toBeGreaterThanOrEqual(2);
    // The same in CSV, with '*' for what is hidden.
    const csvLines = table.csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(csvLines[0]).toBe(table.columns.join(','));
    expect(csvLines[1]).toBe(
      ['Khối 10', ...table.rows[0]!.values.map((v) => (v === null ? '*' : v))].join(','),
    );
  });

  it('gives the same figures for each term and one grade alone', async () => {
    for (const term of ['TERM_1', 'TERM_2']) {
      const result = await ask(principalOf(schoolA), { scope: 'SCHOOL', code: schoolA, term });
      expect(result.data?.statistics.term).toBe(term);
      expectFigures(result.data!.statistics.enrolment, SCHOOL_A);
    }
    const grade11 = await ask(principalOf(schoolA), { scope: 'SCHOOL', code: schoolA, grade: 11 });
    expect(grade11.data?.statistics).toMatchObject({
      scope: 'SCHOOL',
      code: schoolA,
      grade: 11,
      term: 'YEAR',
    });
    expectFigures(grade11.data!.statistics.enrolment, { 'Khối 11': { STUDYING: 6 } });
  });

  it('resolves the entity by its key, as the gateway does (_entities)', async () => {
    const representation = {
      __typename: 'Statistics',
      scope: 'SCHOOL',
      code: schoolA,
      schoolYear: SCHOOL_YEAR,
      term: 'YEAR',
      grade: null,
    };
    const result = await harness.as<{ _entities: Array<{ enrolment: Table }> }>(
      principalOf(schoolA),
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Statistics { enrolment { rows { label values } } } } }`,
      { r: [representation] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities[0]?.enrolment.rows.map((r) => r.values.at(-1))).toEqual([9, 6, 0, 15]);
    const teacher = await harness.as(
      subjectTeacherOf(schoolA, a10A1._id),
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Statistics { code } } }`,
      { r: [representation] },
    );
    expect(errorCodes(teacher)).toEqual(['FORBIDDEN']);
  });

  it("adds a second school of the district to the district's and the province's figures", async () => {
    const analyst = analystOf(province, district);
    const before = await tableAt(analyst, { scope: 'DISTRICT', code: district });
    expectFigures(before, SCHOOL_A);

    await placeSchool(schoolB);
    await eventually(() => placed(schoolB));
    const b10A1 = await harness.createClass(schoolB, '10A1');
    await admitMany(b10A1, 5);
    await caughtUp();

    const both = {
      'Khối 10': { STUDYING: 12, DROPPED_OUT: 2 },
      'Khối 11': { STUDYING: 6 },
      'Khối 12': {},
      Tổng: { STUDYING: 18, DROPPED_OUT: 2 },
    };
    const after = await tableAt(analyst, { scope: 'DISTRICT', code: district });
    expectFigures(after, both);
    expect(after.rows.map((r) => r.values.at(-1))).toEqual([14, 6, 0, 20]);
    const provinceTable = await tableAt(analystOf(province), { scope: 'PROVINCE', code: province });
    expectFigures(provinceTable, both);

    // By school: a row per school of the district, then the district's total.
    const bySchool = await ask(analyst, { scope: 'DISTRICT', code: district, rows: 'UNIT' });
    const table = bySchool.data!.statistics.enrolment;
    expect(table.columns[0]).toBe('Trường');
    expect(table.rows.map((r) => r.label).sort()).toEqual(
      [`Trường THPT ${schoolA.slice(0, 8)}`, `Trường THPT ${schoolB.slice(0, 8)}`, 'Tổng'].sort(),
    );
    const rowB = table.rows.find((r) => r.label === `Trường THPT ${schoolB.slice(0, 8)}`)!;
    rowB.values.forEach((value, i) => {
      if (value !== null) expect(value).toBe(rowOf({ STUDYING: 5 })[i]);
    });
  });

  it('lets an analyst reach its province or district and their schools, a principal only its school', async () => {
    const reaches = async (principal: Principal, scope: string, code: string) => {
      const result = await ask(principal, { scope, code });
      return result.errors ? errorCodes(result)?.[0] : 'OK';
    };
    const provinceAnalyst = analystOf(province);
    const districtAnalyst = analystOf(province, district);
    const otherDistrictAnalyst = analystOf(province, String((Number(district) % 900) + 100));
    const otherProvinceAnalyst = analystOf(otherProvince);
    const principalA = principalOf(schoolA);
    const vicePrincipalA = principalWith([['VICE_PRINCIPAL', { schoolId: schoolA, grade: 10 }]]);
    const teacherA = subjectTeacherOf(schoolA, a11A1._id);

    expect({
      province: await reaches(provinceAnalyst, 'PROVINCE', province),
      provinceToDistrict: await reaches(provinceAnalyst, 'DISTRICT', district),
      provinceToSchool: await reaches(provinceAnalyst, 'SCHOOL', schoolA),
      district: await reaches(districtAnalyst, 'DISTRICT', district),
      districtToSchool: await reaches(districtAnalyst, 'SCHOOL', schoolB),
      districtToProvince: await reaches(districtAnalyst, 'PROVINCE', province),
      otherDistrict: await reaches(otherDistrictAnalyst, 'DISTRICT', district),
      otherDistrictToSchool: await reaches(otherDistrictAnalyst, 'SCHOOL', schoolA),
      otherProvince: await reaches(otherProvinceAnalyst, 'PROVINCE', province),
      otherProvinceToDistrict: await reaches(otherProvinceAnalyst, 'DISTRICT', district),
      otherProvinceToSchool: await reaches(otherProvinceAnalyst, 'SCHOOL', schoolA),
      principal: await reaches(principalA, 'SCHOOL', schoolA),
      vicePrincipal: await reaches(vicePrincipalA, 'SCHOOL', schoolA),
      principalToOtherSchool: await reaches(principalA, 'SCHOOL', schoolB),
      principalToDistrict: await reaches(principalA, 'DISTRICT', district),
      teacher: await reaches(teacherA, 'SCHOOL', schoolA),
      staff: await reaches(principalWith([['ACADEMIC_STAFF', { schoolId: schoolA }]]), 'SCHOOL', schoolA),
    }).toEqual({
      province: 'OK',
      provinceToDistrict: 'OK',
      provinceToSchool: 'OK',
      district: 'OK',
      districtToSchool: 'OK',
      districtToProvince: 'FORBIDDEN',
      otherDistrict: 'FORBIDDEN',
      otherDistrictToSchool: 'FORBIDDEN',
      otherProvince: 'FORBIDDEN',
      otherProvinceToDistrict: 'FORBIDDEN',
      otherProvinceToSchool: 'FORBIDDEN',
      principal: 'OK',
      vicePrincipal: 'OK',
      principalToOtherSchool: 'FORBIDDEN',
      principalToDistrict: 'FORBIDDEN',
      teacher: 'FORBIDDEN',
      staff: 'FORBIDDEN',
    });
  });

  it('refuses a malformed key with VALIDATION_FAILED, and an anonymous caller', async () => {
    const principalA = principalOf(schoolA);
    const badYear = await ask(principalA, { scope: 'SCHOOL', code: schoolA, year: '2025-2027' });
    expect(errorCodes(badYear)).toEqual(['VALIDATION_FAILED']);
    const badGrade = await ask(principalA, { scope: 'SCHOOL', code: schoolA, grade: 9 });
    expect(errorCodes(badGrade)).toEqual(['VALIDATION_FAILED']);
    const anonymous = await harness.as(null, STATISTICS, {
      scope: 'SCHOOL',
      code: schoolA,
      year: SCHOOL_YEAR,
    });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });
});
