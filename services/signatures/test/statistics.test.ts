import { randomUUID } from 'node:crypto';
import {
  classCreated,
  IDENTITY_SOURCE,
  schoolCreated,
  studentEnrolled,
  SYSTEM_ACTOR,
  teachingAssignmentCreated,
} from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import { cellKey } from '@hocbaso/statistics';
import { eventually } from '@hocbaso/testkit';
import { assignGradeApprover } from '../src/usecases/certificates';
import { applyCorrection, approveCorrection, fileCorrection } from '../src/usecases/corrections';
import { approveStudentRecord, signClassConduct, signSubjectResults } from '../src/usecases/signing';
import { adminOf, SCHOOL_YEAR, SignaturesHarness } from './harness';

/**
 * Signatures' dashboard tables on the real store and broker: rosters and teaching come as
 * students' and identity's events, the owners confirm locks on Kafka, and the subject teacher,
 * the homeroom teacher and the approver sign through the service's own use cases; one approval
 * is superseded by a correction. The figures are checked against the test's own counts.
 */
let harness: SignaturesHarness;

const provinceCode = `7${Math.floor(Math.random() * 1e6)}`;
const otherProvince = `8${Math.floor(Math.random() * 1e6)}`;
const districtCode = `${provinceCode}-761`;
const schoolA = randomUUID();
const schoolB = randomUUID();
const mathTeacher = `toan-${schoolA}`;
const homeroomTeacher = `gvcn-${schoolA}`;
const approver = `pht-${schoolA}`;

const caller = (principal: Principal) => ({ principal, requestId: randomUUID() });
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
const teacher = (classIds: string[]): Principal => ({
  accountId: mathTeacher,
  username: 'giaovien',
  schoolId: schoolA,
  roles: [{ role: 'SUBJECT_TEACHER', scope: { schoolId: schoolA } }],
  teaching: classIds.map((classId) => ({
    schoolId: schoolA,
    classId,
    subjectCode: 'TOAN',
    schoolYear: SCHOOL_YEAR,
  })),
});
const homeroom = (classId: string): Principal => ({
  accountId: homeroomTeacher,
  username: 'gvcn',
  schoolId: schoolA,
  roles: [{ role: 'HOMEROOM_TEACHER', scope: { schoolId: schoolA, classId } }],
  teaching: [],
});
const approverPrincipal: Principal = {
  accountId: approver,
  username: 'phohieutruong',
  schoolId: schoolA,
  roles: [{ role: 'VICE_PRINCIPAL', scope: { schoolId: schoolA } }],
  teaching: [],
};

beforeAll(async () => {
  harness = await SignaturesHarness.start('signatures-statistics');
  harness.answerOwners([schoolA, schoolB]);
}, 90_000);

afterAll(async () => {
  await harness?.close();
}, 30_000);

async function placeSchool(schoolId: string, name: string) {
  await harness.publish(
    schoolCreated,
    schoolId,
    { schoolId, code: name, name, provinceCode, districtCode, actor: SYSTEM_ACTOR },
    IDENTITY_SOURCE,
  );
}

/** A class of `count` students and the subjects taught in it (TOAN by the maths teacher). */
async function classOf(
  schoolId: string,
  grade: 10 | 11 | 12,
  name: string,
  count: number,
  subjects: Array<{ subjectCode: string; accountId: string }>,
  homeroomTeacherId: string | null = null,
) {
  const classId = randomUUID();
  await harness.publish(classCreated, classId, {
    classId,
    schoolId,
    schoolYear: SCHOOL_YEAR,
    grade,
    name,
    homeroomTeacherId,
    actor: SYSTEM_ACTOR,
  });
  for (const subject of subjects)
    await harness.publish(
      teachingAssignmentCreated,
      `${classId}:${subject.subjectCode}`,
      {
        teachingAssignmentId: randomUUID(),
        accountId: subject.accountId,
        schoolId,
        classId,
        subjectCode: subject.subjectCode,
        schoolYear: SCHOOL_YEAR,
        actor: SYSTEM_ACTOR,
      },
      IDENTITY_SOURCE,
    );
  const studentIds = Array.from({ length: count }, () => randomUUID());
  for (const studentId of studentIds)
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
  await eventually(async () => {
    const [cls, teaching] = await Promise.all([
      harness.service.deps.facts.findClass(classId),
      harness.service.deps.facts.teachingOfClass(classId, SCHOOL_YEAR),
    ]);
    return cls?.members.length === count && cls.name === name && teaching.length === subjects.length;
  }, 60_000);
  return { classId, studentIds };
}

/**
 * Runs a signing (or a correction) until it is done, waiting for one still locking (applying). The
 * broker is shared: the owners of another stack running at the same time may answer this school's
 * lock with a refusal (they do not know its students); that one fails, and it is asked again, as a
 * person would.
 */
async function untilDone<T extends { _id: string; state: string }>(
  run: () => Promise<T>,
  reread: (id: string) => Promise<T | null>,
  attempts = 5,
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await run();
    if (last.state === 'LOCKING' || last.state === 'APPLYING') {
      const id = last._id;
      last = await eventually(async () => {
        const now = await reread(id);
        return now && now.state !== 'LOCKING' && now.state !== 'APPLYING' ? now : null;
      }, 60_000);
    }
    if (last.state === 'SIGNED' || last.state === 'APPLIED') return last;
  }
  throw new Error(`not done after ${attempts} attempts: ${JSON.stringify(last)}`);
}

const signatureById = (id: string) => harness.service.deps.records.signature(id);
const correctionById = (id: string) => harness.service.deps.records.correction(id);

type Expected = Record<number, Record<string, number>>;

/** Waits until the school's aggregate holds exactly these counts for the table. */
async function waitForTotals(schoolId: string, table: string, expected: Expected) {
  const want = Object.entries(expected)
    .flatMap(([grade, columns]) =>
      Object.entries(columns).map(([column, value]) => [
        cellKey({ table, term: 'YEAR', grade: Number(grade), column }),
        value,
      ]),
    )
    .sort();
  const totals = harness.db.collection<{ _id: string; totals: Record<string, number> }>(
    'statistics_school_totals',
  );
  await eventually(
    async () => {
      const got = Object.entries((await totals.findOne({ _id: `${schoolId}|${SCHOOL_YEAR}` }))?.totals ?? {})
        .filter(([key]) => key.startsWith(`${table}~`))
        .sort();
      return JSON.stringify(got) === JSON.stringify(want);
    },
    60_000,
    200,
  );
}

interface Table {
  columns: string[];
  rows: Array<{ label: string; values: Array<number | null> }>;
  suppressedCells: number;
  csv: string;
}

const QUERY = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Statistics {
      recordApprovals { columns rows { label values } suppressedCells csv }
      subjectSigning { columns rows { label values } suppressedCells csv }
    }
  }
}`;

function statistics(principal: Principal, scope: 'SCHOOL' | 'DISTRICT' | 'PROVINCE', code: string) {
  return harness.graphql<{ _entities: Array<{ recordApprovals: Table; subjectSigning: Table }> }>(
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
 * Every figure shown equals the expected count, every count of 1 to 4 students is hidden, and the
 * grand total is shown. Rows: Khối 10, 11, 12, Tổng; values: the columns in order, then the total.
 */
function expectTable(table: Table, columns: string[], expected: Expected) {
  const grades = [10, 11, 12];
  const of = (g: number, column: string) =>
    column === 'TOTAL'
      ? Object.values(expected[g] ?? {}).reduce((a, b) => a + b, 0)
      : (expected[g]?.[column] ?? 0);
  const want = [...grades, 'ALL' as const].map((grade) =>
    [...columns, 'TOTAL'].map((column) =>
      grade === 'ALL' ? grades.reduce((sum, g) => sum + of(g, column), 0) : of(grade, column),
    ),
  );
  expect(table.rows.map((r) => r.label)).toEqual(['Khối 10', 'Khối 11', 'Khối 12', 'Tổng']);
  table.rows.forEach((row, i) =>
    row.values.forEach((value, j) => {
      const count = want[i]![j]!;
      if (count > 0 && count < 5) expect(value).toBeNull();
      else if (value !== null) expect(value).toBe(count);
    }),
  );
  expect(table.rows[3]!.values[columns.length]).toBe(want[3]![columns.length]);
}

const APPROVALS = ['NOT_APPROVED', 'APPROVED', 'REOPENED'];
const SUBJECTS = ['ALL_SIGNED', 'SOME_SIGNED', 'NONE_SIGNED'];

describe('signing statistics', () => {
  // 10A1 (12 students): maths signed, the homeroom teacher signed, 7 approved, one of them reopened
  // by a correction. 10A2 (6): maths signed, literature not. 11A1 (5): maths not signed.
  const approvalsA: Expected = {
    10: { NOT_APPROVED: 5 + 6, APPROVED: 6, REOPENED: 1 },
    11: { NOT_APPROVED: 5 },
  };
  const subjectsA: Expected = { 10: { ALL_SIGNED: 12, SOME_SIGNED: 6 }, 11: { NONE_SIGNED: 5 } };

  it('counts students by their approval and by their class subject books, hiding small cells', async () => {
    await placeSchool(schoolA, 'THPT A');
    await harness.registerSchoolPki(schoolA, [mathTeacher, homeroomTeacher, approver]);
    const deps = harness.service.deps;
    await assignGradeApprover(deps, caller(principalOf(schoolA)), {
      schoolId: schoolA,
      schoolYear: SCHOOL_YEAR,
      grade: 10,
      accountId: approver,
    });
    const maths = { subjectCode: 'TOAN', accountId: mathTeacher };
    const a1 = await classOf(schoolA, 10, '10A1', 12, [maths], homeroomTeacher);
    const a2 = await classOf(schoolA, 10, '10A2', 6, [maths, { subjectCode: 'NGU_VAN', accountId: 'van' }]);
    await classOf(schoolA, 11, '11A1', 5, [maths]);

    const sign = teacher([a1.classId, a2.classId]);
    for (const classId of [a1.classId, a2.classId])
      await untilDone(
        () =>
          signSubjectResults(deps, caller(sign), {
            classId,
            subjectCode: 'TOAN',
            schoolYear: SCHOOL_YEAR,
            period: 'YEAR',
          }),
        signatureById,
      );
    await untilDone(
      () =>
        signClassConduct(deps, caller(homeroom(a1.classId)), {
          classId: a1.classId,
          schoolYear: SCHOOL_YEAR,
          period: 'YEAR',
        }),
      signatureById,
    );
    const approved = a1.studentIds.slice(0, 7);
    // One at a time, as an approver signs: each answered at once (see untilDone).
    for (const studentId of approved)
      await untilDone(
        () =>
          approveStudentRecord(deps, caller(approverPrincipal), {
            classId: a1.classId,
            studentId,
            schoolYear: SCHOOL_YEAR,
          }),
        signatureById,
      );

    // A correction of one approved student's conduct: approved by the principal, applied.
    await untilDone(async () => {
      const correction = await fileCorrection(deps, caller(homeroom(a1.classId)), {
        classId: a1.classId,
        studentId: approved[0]!,
        schoolYear: SCHOOL_YEAR,
        subjectCode: null,
        changes: [{ field: 'conduct.term2', value: 'KHA' }],
        reason: 'Nhập nhầm hạnh kiểm học kì II',
      });
      // Locked data: the principal approves first (a retry after a refusal may find it unlocked).
      if (correction.state === 'FILED')
        await approveCorrection(deps, caller(principalOf(schoolA)), correction._id, null);
      return applyCorrection(deps, adminOf(schoolA), correction._id);
    }, correctionById);

    await waitForTotals(schoolA, 'recordApprovals', approvalsA);
    await waitForTotals(schoolA, 'subjectSigning', subjectsA);
    const tables = await tablesOf(principalOf(schoolA), 'SCHOOL', schoolA);
    expect(tables.recordApprovals.columns).toEqual([
      'Khối',
      'Chưa phê duyệt',
      'Đã phê duyệt (đã khóa)',
      'Mở lại để chỉnh sửa',
      'Tổng số học sinh',
    ]);
    expectTable(tables.recordApprovals, APPROVALS, approvalsA);
    expectTable(tables.subjectSigning, SUBJECTS, subjectsA);
    // One student reopened: hidden (and so is what would give it away).
    expect(tables.recordApprovals.rows[0]!.values[2]).toBeNull();
    expect(tables.recordApprovals.suppressedCells).toBeGreaterThan(1);
  }, 180_000);

  it('changes the district figures with a second school in the district', async () => {
    const before = await tablesOf(analystOf(provinceCode), 'DISTRICT', districtCode);
    expectTable(before.recordApprovals, APPROVALS, approvalsA);

    await placeSchool(schoolB, 'THPT B');
    await classOf(schoolB, 10, '10B1', 6, []);
    await waitForTotals(schoolB, 'recordApprovals', { 10: { NOT_APPROVED: 6 } });
    const both: Expected = { 10: { NOT_APPROVED: 17, APPROVED: 6, REOPENED: 1 }, 11: { NOT_APPROVED: 5 } };
    // The reader learns of the new school within its directory's cache time.
    const after = await eventually(
      async () => {
        const tables = await tablesOf(analystOf(provinceCode), 'DISTRICT', districtCode);
        return tables.recordApprovals.rows[3]!.values[3] === 29 ? tables : null;
      },
      30_000,
      500,
    );
    expectTable(after.recordApprovals, APPROVALS, both);
    // The class of school B has no subject yet: its students count as none signed.
    expectTable(after.subjectSigning, SUBJECTS, {
      10: { ALL_SIGNED: 12, SOME_SIGNED: 6, NONE_SIGNED: 6 },
      11: { NONE_SIGNED: 5 },
    });
  }, 150_000);

  it('refuses a teacher, an analyst of another province, and a principal outside its school', async () => {
    const refused = async (principal: Principal, scope: 'SCHOOL' | 'DISTRICT' | 'PROVINCE', code: string) => {
      const result = await statistics(principal, scope, code);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    };
    await refused(teacher([]), 'SCHOOL', schoolA);
    await refused(analystOf(otherProvince), 'PROVINCE', provinceCode);
    await refused(analystOf(otherProvince), 'SCHOOL', schoolA);
    await refused(principalOf(schoolA), 'SCHOOL', schoolB);
    await refused(principalOf(schoolA), 'DISTRICT', districtCode);
    const own = await tablesOf(principalOf(schoolB), 'SCHOOL', schoolB);
    expect(own.recordApprovals.rows[3]!.values[3]).toBe(6);
  });
});
