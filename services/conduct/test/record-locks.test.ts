import { randomUUID } from 'node:crypto';
import type { LockConfirmation, LockScope } from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import { eventually } from '@hocbaso/testkit';
import { ConductHarness, SCHOOL_YEAR, type GraphQLResult } from './harness';

jest.setTimeout(120_000);

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

const RECORD_CONDUCT = `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 term2 } }`;
const RECORD_ABSENCE = `mutation($i: RecordAbsenceInput!) { recordAbsence(input: $i) { absences { total } } }`;
const GRANT = `mutation($i: GrantCommendationInput!) { grantCommendation(input: $i) { schoolYear } }`;
const DISCIPLINE = `mutation($i: RecordDisciplineInput!) { recordDiscipline(input: $i) { schoolYear } }`;
const CONFIRM = `mutation($i: ConfirmYearOutcomeInput!) { confirmYearOutcome(input: $i) { outcomeConfirmed } }`;
const PAGE = `query($r: [_Any!]!, $y: String!) {
  _entities(representations: $r) { ... on Student { conduct(schoolYear: $y) {
    term1 term2 year outcome title outcomeConfirmed homeroomComment absences { total excused unexcused }
    commendations { title } discipline { form }
  } } }
}`;

const code = (result: GraphQLResult) => result.errors?.[0]?.extensions?.code;

describe('conduct confirms, enforces and releases signatures’ locks', () => {
  let harness: ConductHarness;

  beforeAll(async () => {
    harness = await ConductHarness.start('conduct_locks');
    await harness.waitUntilLocksListening();
  });
  afterAll(async () => {
    await harness?.close();
  });

  /** This service's answers to a lock, from its own event log (other conduct services on the broker answer too). */
  const confirmations = (lockId: string) =>
    harness.published<LockConfirmation>('vn.hocbaso.conduct.lock.confirmed', { lockId });
  const confirmation = (lockId: string, outcome: LockConfirmation['outcome']) =>
    eventually(async () => (await confirmations(lockId)).find((c) => c.outcome === outcome), 30_000, 50);

  const record = (teacher: Principal, studentId: string, period: string, level: string, comment?: string) =>
    harness.query(teacher, RECORD_CONDUCT, {
      i: { studentId, schoolYear: SCHOOL_YEAR, period, level, ...(comment ? { comment } : {}) },
    });
  const absence = (teacher: Principal, studentId: string, date: string, excused = true) =>
    harness.query(teacher, RECORD_ABSENCE, {
      i: { studentId, schoolYear: SCHOOL_YEAR, date, session: 'MORNING', excused, reason: 'Ốm' },
    });
  const pageOf = async (studentId: string) => {
    const result = await harness.query<{ _entities: Array<{ conduct: Record<string, unknown> | null }> }>(
      harness.principalOfSchool(),
      PAGE,
      { r: [{ __typename: 'Student', id: studentId }], y: SCHOOL_YEAR },
    );
    expect(result.errors).toBeUndefined();
    return result.data!._entities[0]!.conduct!;
  };
  /** Year results that make a student promoted with the GOOD title (or, with `weak`, re-assessed in summer). */
  const publishResults = async (studentId: string, classId: string, weak = false) => {
    for (const [index, subject] of SCORED.entries()) {
      const average = weak && index < 2 ? 3.0 : index < 6 ? 8.5 : 7.0;
      await harness.subjectResult(studentId, classId, subject, { average });
    }
    for (const subject of COMMENT_SUBJECTS)
      await harness.subjectResult(studentId, classId, subject, { result: 'DAT' });
  };

  it('a term of a class: confirms each rating, refuses covered writes, lets others through, unlocks on release', async () => {
    const { classId, homeroomTeacherId, studentIds } = await harness.createClass(3);
    const teacher = harness.homeroomTeacher(homeroomTeacherId, classId);
    const levels = ['TOT', 'KHA', 'DAT'];
    for (const [index, studentId] of studentIds.entries())
      expect((await record(teacher, studentId, 'TERM_1', levels[index]!)).errors).toBeUndefined();
    const other = await harness.createClass(1);
    const otherTeacher = harness.homeroomTeacher(other.homeroomTeacherId, other.classId);

    const scope: LockScope = {
      unit: 'CLASS_CONDUCT',
      schoolId: harness.schoolId,
      schoolYear: SCHOOL_YEAR,
      period: 'TERM_1',
      classId,
    };
    const lockId = randomUUID();
    await harness.requestLock(scope, lockId);
    const applied = await confirmation(lockId, 'APPLIED');
    const expected = studentIds
      .map((studentId, index) => ({ studentId, conductTerm1: levels[index] }))
      .sort((a, b) => (a.studentId < b.studentId ? -1 : 1));
    expect(applied).toMatchObject({ owner: 'conduct', refusal: null });
    expect(applied.content).toEqual({
      schoolYear: SCHOOL_YEAR,
      classId,
      period: 'TERM_1',
      students: expected,
    });

    // The locked rating cannot change; nothing of it changed.
    const first = studentIds[0]!;
    expect(code(await record(teacher, first, 'TERM_1', 'CHUA_DAT'))).toBe('RECORD_LOCKED');
    expect((await pageOf(first)).term1).toBe('TOT');
    // Outside the unit: the other term, an absence, another class.
    expect((await record(teacher, first, 'TERM_2', 'KHA')).errors).toBeUndefined();
    expect((await absence(teacher, first, '2025-10-06')).errors).toBeUndefined();
    expect((await record(otherTeacher, other.studentIds[0]!, 'TERM_1', 'TOT')).errors).toBeUndefined();

    // A redelivered request (same lock id) locks nothing twice; the release, after it on the same
    // key, shows it was handled.
    await harness.requestLock(scope, lockId);
    await harness.releaseLock(scope, lockId);
    await confirmation(lockId, 'RELEASED');
    expect((await confirmations(lockId)).map((c) => c.outcome)).toEqual(['APPLIED', 'RELEASED']);
    expect(await harness.service.deps.locks.inForce(harness.schoolId, SCHOOL_YEAR)).not.toContainEqual(scope);

    expect((await record(teacher, first, 'TERM_1', 'CHUA_DAT')).errors).toBeUndefined();
    expect((await pageOf(first)).term1).toBe('CHUA_DAT');
  });

  it('the year: refuses an incomplete class, locks a student’s whole page, then the class’s; recomputation still runs', async () => {
    const { classId, homeroomTeacherId, studentIds } = await harness.createClass(2, 11);
    const [ana, binh] = [...studentIds].sort() as [string, string];
    const teacher = harness.homeroomTeacher(homeroomTeacherId, classId);
    const principal = harness.principalOfSchool();
    expect((await record(teacher, ana, 'TERM_1', 'KHA')).errors).toBeUndefined();
    expect((await record(teacher, ana, 'TERM_2', 'TOT', 'Chăm ngoan, tích cực.')).errors).toBeUndefined();
    expect((await absence(teacher, ana, '2025-10-01', true)).errors).toBeUndefined();
    expect((await absence(teacher, ana, '2025-10-02', false)).errors).toBeUndefined();
    expect(
      (
        await harness.query(principal, GRANT, {
          i: { studentId: ana, schoolYear: SCHOOL_YEAR, title: 'Giải Nhất Olympic Toán cấp tỉnh' },
        })
      ).errors,
    ).toBeUndefined();
    expect((await record(teacher, binh, 'TERM_1', 'TOT')).errors).toBeUndefined();
    await publishResults(ana, classId);
    await publishResults(binh, classId);
    await eventually(async () => (await pageOf(ana)).outcome === 'PROMOTED', 60_000);

    const classScope: LockScope = {
      unit: 'CLASS_CONDUCT',
      schoolId: harness.schoolId,
      schoolYear: SCHOOL_YEAR,
      period: 'YEAR',
      classId,
    };
    const refusedId = randomUUID();
    await harness.requestLock(classScope, refusedId);
    const refused = await confirmation(refusedId, 'REFUSED');
    expect(refused.content).toBeNull();
    expect(refused.refusal).toMatchObject({
      code: 'CONDUCT_INCOMPLETE',
      details: [`${binh}: conductTerm2, conductYear, outcome`],
    });
    // A refused lock refuses nothing.
    expect((await record(teacher, binh, 'TERM_2', 'KHA')).errors).toBeUndefined();
    await eventually(async () => (await pageOf(binh)).outcome === 'PROMOTED', 60_000);

    // The approver's unit: Ana's whole year.
    const anaScope: LockScope = {
      unit: 'STUDENT_YEAR',
      schoolId: harness.schoolId,
      schoolYear: SCHOOL_YEAR,
      classId,
      studentId: ana,
    };
    const anaLock = randomUUID();
    await harness.requestLock(anaScope, anaLock);
    const anaContent = (await confirmation(anaLock, 'APPLIED')).content as Record<string, unknown>;
    // Six subjects at 8.5, none under 6.5, conduct KHÁ then TỐT: TỐT, TỐT, promoted, Học sinh Giỏi.
    expect(anaContent).toMatchObject({
      schoolYear: SCHOOL_YEAR,
      classId,
      studentId: ana,
      conductTerm1: 'KHA',
      conductTerm2: 'TOT',
      conductYear: 'TOT',
      summerConduct: null,
      absences: { total: 2, excused: 1, unexcused: 1 },
      awards: [{ kind: 'COMMENDATION', title: 'Giải Nhất Olympic Toán cấp tỉnh' }],
      discipline: [],
      learningResult: 'TOT',
      outcome: 'PROMOTED',
      title: 'GOOD',
      outcomeConfirmed: false,
      homeroomComment: 'Chăm ngoan, tích cực.',
    });
    const before = await pageOf(ana);
    const refusals = await Promise.all([
      record(teacher, ana, 'TERM_1', 'TOT'),
      absence(teacher, ana, '2025-10-03'),
      harness.query(principal, GRANT, {
        i: { studentId: ana, schoolYear: SCHOOL_YEAR, title: 'Giải Nhì Olympic Vật lí' },
      }),
      harness.query(principal, DISCIPLINE, {
        i: {
          studentId: ana,
          schoolYear: SCHOOL_YEAR,
          form: 'Khiển trách',
          reason: 'Vi phạm nội quy',
          decidedOn: '2025-11-02',
        },
      }),
      harness.query(teacher, CONFIRM, { i: { studentId: ana, schoolYear: SCHOOL_YEAR } }),
    ]);
    expect(refusals.map(code)).toEqual(Array(5).fill('RECORD_LOCKED'));
    expect(await pageOf(ana)).toEqual(before);
    // Bình is in the same class but not in Ana's page.
    expect(
      (await harness.query(teacher, CONFIRM, { i: { studentId: binh, schoolYear: SCHOOL_YEAR } })).errors,
    ).toBeUndefined();

    // The homeroom teacher's unit: the whole class's year.
    const classLock = randomUUID();
    await harness.requestLock(classScope, classLock);
    const classContent = (await confirmation(classLock, 'APPLIED')).content as {
      students: Array<Record<string, unknown>>;
    };
    expect(classContent.students.map((s) => s.studentId)).toEqual([ana, binh]);
    expect(classContent.students[0]).toEqual(
      Object.fromEntries(Object.entries(anaContent).filter(([k]) => !['schoolYear', 'classId'].includes(k))),
    );
    expect(classContent.students[1]).toMatchObject({
      studentId: binh,
      conductTerm1: 'TOT',
      conductTerm2: 'KHA',
      // Term II KHÁ after term I TỐT: KHÁ for the year (Điều 8).
      conductYear: 'KHA',
      outcome: 'PROMOTED',
      outcomeConfirmed: true,
      absences: { total: 0, excused: 0, unexcused: 0 },
    });
    expect(code(await absence(teacher, binh, '2025-10-03'))).toBe('RECORD_LOCKED');

    // Academics corrects two marks: the outcome is derived data and is recomputed under the lock.
    await publishResults(ana, classId, true);
    await eventually(async () => (await pageOf(ana)).outcome === 'SUMMER_REASSESSMENT', 60_000);
  });

  it('a window of a grade and term: covers that grade’s term ratings only, and confirms no content', async () => {
    const grade12 = await harness.createClass(1, 12);
    const grade10 = await harness.createClass(1, 10);
    const teacher12 = harness.homeroomTeacher(grade12.homeroomTeacherId, grade12.classId);
    const teacher10 = harness.homeroomTeacher(grade10.homeroomTeacherId, grade10.classId);
    const scope: LockScope = {
      unit: 'WINDOW',
      schoolId: harness.schoolId,
      schoolYear: SCHOOL_YEAR,
      period: 'TERM_2',
      grade: 12,
    };
    const lockId = randomUUID();
    await harness.requestLock(scope, lockId);
    expect(await confirmation(lockId, 'APPLIED')).toMatchObject({ content: null, refusal: null });
    const student12 = grade12.studentIds[0]!;
    expect(code(await record(teacher12, student12, 'TERM_2', 'TOT'))).toBe('RECORD_LOCKED');
    expect((await pageOf(student12)).term2).toBeNull();
    expect((await record(teacher12, student12, 'TERM_1', 'TOT')).errors).toBeUndefined();
    expect((await record(teacher10, grade10.studentIds[0]!, 'TERM_2', 'TOT')).errors).toBeUndefined();
    await harness.releaseLock(scope, lockId);
    await confirmation(lockId, 'RELEASED');
    expect((await record(teacher12, student12, 'TERM_2', 'TOT')).errors).toBeUndefined();
  });

  it('a write racing the lock is either in the confirmed content or refused, never acknowledged and missing', async () => {
    const size = 40;
    const { classId, homeroomTeacherId, studentIds } = await harness.createClass(size);
    const teacher = harness.homeroomTeacher(homeroomTeacherId, classId);
    const initial = await Promise.all(studentIds.map((id) => record(teacher, id, 'TERM_1', 'KHA')));
    expect(initial.every((r) => r.errors === undefined)).toBe(true);

    const scope: LockScope = {
      unit: 'CLASS_CONDUCT',
      schoolId: harness.schoolId,
      schoolYear: SCHOOL_YEAR,
      period: 'TERM_1',
      classId,
    };
    const lockId = randomUUID();
    const locked = async () =>
      (await harness.service.deps.locks.inForce(harness.schoolId, SCHOOL_YEAR)).some(
        (s) => s.unit === 'CLASS_CONDUCT' && s.classId === classId,
      );
    // Each student is set to TỐT once, a write every 25 ms; the lock is requested after the fifth,
    // and writes keep starting until a few have started after the lock was recorded.
    const writes: Array<{ studentId: string; result: Promise<GraphQLResult> }> = [];
    let afterLock = 0;
    for (const studentId of studentIds) {
      writes.push({ studentId, result: record(teacher, studentId, 'TERM_1', 'TOT') });
      if (writes.length === 5) await harness.requestLock(scope, lockId);
      if (writes.length > 5 && (afterLock > 0 || (await locked())) && ++afterLock >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const outcomes = await Promise.all(
      writes.map(async (w) => ({ studentId: w.studentId, code: code(await w.result) ?? 'OK' })),
    );
    const content = (await confirmation(lockId, 'APPLIED')).content as {
      students: Array<{ studentId: string; conductTerm1: string }>;
    };
    const confirmed = new Map(content.students.map((s) => [s.studentId, s.conductTerm1]));
    expect(confirmed.size).toBe(size);
    for (const { studentId, code: outcome } of outcomes) {
      expect(['OK', 'RECORD_LOCKED']).toContain(outcome);
      expect({ studentId, term1: confirmed.get(studentId) }).toEqual({
        studentId,
        term1: outcome === 'OK' ? 'TOT' : 'KHA',
      });
    }
    // Both sides of the race happened, and what is stored now is exactly what was confirmed.
    expect(outcomes.some((o) => o.code === 'OK')).toBe(true);
    expect(outcomes.some((o) => o.code === 'RECORD_LOCKED')).toBe(true);
    const stored = await harness.service.deps.repository.findRecordsOfYear(studentIds, SCHOOL_YEAR);
    expect(new Map(stored.map((r) => [r.studentId, r.conductTerm1]))).toEqual(confirmed);
  });
});
