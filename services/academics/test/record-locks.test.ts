/**
 * The owner's side of the lock protocol, through Kafka and the store: signatures' requests are
 * published on the bus as signatures would, the confirmations arrive on academics' lock topic.
 */
import { Workbook } from 'exceljs';
import {
  academicsLockConfirmed,
  type CloudEvent,
  type LockConfirmation,
  type LockScope,
} from '@hocbaso/events';
import { EventCollector, eventually, uniqueId } from '@hocbaso/testkit';
import { AcademicsHarness, homeroomTeacherOf, SCHOOL_YEAR, teacherOf, type TestClass } from './harness';

jest.setTimeout(120_000);

const RECORD = `mutation($input: RecordGradebookInput!) {
  recordGradebook(input: $input) { ok changedStudents errors { row studentId column cell code message } }
}`;
const FILE = `query($classId: ID!, $subjectCode: String!, $schoolYear: String!, $term: Term!) {
  gradebookFile(classId: $classId, subjectCode: $subjectCode, schoolYear: $schoolYear, term: $term) { base64 }
}`;
const IMPORT = `mutation($input: ImportGradebookInput!) {
  importGradebook(input: $input) { ok changedStudents errors { row studentId column cell code message } }
}`;
const EXEMPT = `mutation($input: RecordExemptionInput!) { recordExemption(input: $input) { exemption { period } } }`;
const REASSESS = `mutation($input: RecordSummerReassessmentInput!) { recordSummerReassessment(input: $input) { final { average } } }`;

interface WritePayload {
  ok: boolean;
  changedStudents: string[];
  errors: Array<{
    row: number;
    studentId: string | null;
    column: string;
    cell: string | null;
    code: string;
    message: string;
  }>;
}

type Row = {
  studentId: string;
  regular?: Array<number | null>;
  midterm?: number | null;
  final?: number | null;
};

describe('locks in academics', () => {
  let harness: AcademicsHarness;
  let collector: EventCollector;
  /** Grade 10: Toán term I complete for all three, term II for the first only. */
  let cls: TestClass;
  /** Grade 10, same school. */
  let other: TestClass;
  /** Grade 11, same school. */
  let senior: TestClass;
  const id = (position: number) => cls.students[position]!.studentId;

  const record = async (cl: TestClass, subjectCode: string, term: string, rows: Row[]) => {
    const result = await harness.as<{ recordGradebook: WritePayload }>(teacherOf(cl, subjectCode), RECORD, {
      input: { classId: cl.classId, subjectCode, schoolYear: SCHOOL_YEAR, term, rows },
    });
    expect(result.errors).toBeUndefined();
    return result.data!.recordGradebook;
  };
  /** The class's gradebooks as stored, without the outbox (which the relay empties meanwhile). */
  const stored = async (cl: TestClass) =>
    JSON.stringify(
      await harness.db
        .collection('gradebooks')
        .find({ classId: cl.classId }, { projection: { _outbox: 0, _outboxPending: 0, _rev: 0 } })
        .sort({ _id: 1 })
        .toArray(),
    );
  const confirmation = async (lockId: string, outcome: LockConfirmation['outcome'] = 'APPLIED') => {
    const [found] = await collector.waitFor(
      (e: CloudEvent) =>
        e.type === academicsLockConfirmed.type &&
        (e.data as LockConfirmation).lockId === lockId &&
        (e.data as LockConfirmation).outcome === outcome,
    );
    expect(found?.key).toBe(lockId);
    return found!.event.data as LockConfirmation;
  };
  const subjectLock = (
    cl: TestClass,
    subjectCode: string,
    period: 'TERM_1' | 'TERM_2' | 'YEAR',
  ): Extract<LockScope, { unit: 'SUBJECT' }> => ({
    unit: 'SUBJECT',
    schoolId: cl.schoolId,
    schoolYear: SCHOOL_YEAR,
    period,
    classId: cl.classId,
    subjectCode,
  });
  const importTerm1 = async (cl: TestClass, edit: (sheet: import('exceljs').Worksheet) => void) => {
    const key = { classId: cl.classId, subjectCode: 'TOAN', schoolYear: SCHOOL_YEAR, term: 'TERM_1' };
    const file = await harness.as<{ gradebookFile: { base64: string } }>(teacherOf(cl, 'TOAN'), FILE, key);
    const workbook = new Workbook();
    await workbook.xlsx.load(Buffer.from(file.data!.gradebookFile.base64, 'base64') as never);
    edit(workbook.getWorksheet('Sổ điểm')!);
    const base64 = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const result = await harness.as<{ importGradebook: WritePayload }>(teacherOf(cl, 'TOAN'), IMPORT, {
      input: { ...key, file: base64 },
    });
    return result.data!.importGradebook;
  };
  const excelRowOf = (sheet: import('exceljs').Worksheet, studentId: string) =>
    [4, 5, 6, 7, 8].find((r) => sheet.getRow(r).getCell(2).value === studentId)!;

  const comment = { progress: 'Tiến bộ rõ', strengths: 'Tư duy tốt', limitations: null };

  beforeAll(async () => {
    collector = await new EventCollector([academicsLockConfirmed.topic]).start();
    harness = await AcademicsHarness.start('academics_locks');
    cls = await harness.createClass(3);
    other = await harness.createClass(2, { schoolId: cls.schoolId });
    senior = await harness.createClass(1, { schoolId: cls.schoolId, grade: 11 });
    expect(
      await record(cls, 'TOAN', 'TERM_1', [
        { studentId: id(0), regular: [7, 8, 9, 6], midterm: 8, final: 7, comment } as Row,
        { studentId: id(1), regular: [5, 5, 5, 5], midterm: 5, final: 5 },
        { studentId: id(2), regular: [10, 9, 8, 7], midterm: 9, final: 10 },
      ]),
    ).toMatchObject({ ok: true });
    expect(
      await record(cls, 'TOAN', 'TERM_2', [
        { studentId: id(0), regular: [8, 8, 8, 8], midterm: 9, final: 10 },
        { studentId: id(1), regular: [6, null, null, null] },
      ]),
    ).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await harness?.close();
    await collector?.stop();
  });

  let termLockId = '';

  it('confirms a SUBJECT lock with the class’s marks of the term, and then refuses writes to that term', async () => {
    termLockId = uniqueId('lock');
    await harness.requestLock(subjectLock(cls, 'TOAN', 'TERM_1'), termLockId);
    const confirmed = await confirmation(termLockId);
    // Term I averages: (30 + 2×8 + 3×7) / 9 = 7.4; 5.0; (34 + 2×9 + 3×10) / 9 = 9.1.
    const term1 = {
      [id(0)]: { regular: [7, 8, 9, 6], midterm: 8, final: 7, average: 7.4, result: null, comment },
      [id(1)]: { regular: [5, 5, 5, 5], midterm: 5, final: 5, average: 5, result: null, comment: null },
      [id(2)]: { regular: [10, 9, 8, 7], midterm: 9, final: 10, average: 9.1, result: null, comment: null },
    };
    expect(confirmed).toEqual({
      lockId: termLockId,
      owner: 'academics',
      outcome: 'APPLIED',
      refusal: null,
      confirmedAt: expect.any(String),
      content: {
        schoolYear: SCHOOL_YEAR,
        classId: cls.classId,
        subjectCode: 'TOAN',
        subjectName: 'Toán',
        kind: 'SCORE',
        period: 'TERM_1',
        students: [id(0), id(1), id(2)].sort().map((studentId) => ({ studentId, term1: term1[studentId] })),
      },
    });

    const before = await stored(cls);
    const refused = await record(cls, 'TOAN', 'TERM_1', [
      { studentId: id(1), regular: [6, 6, 6, 6], midterm: 6, final: 6 },
    ]);
    expect(refused).toMatchObject({
      ok: false,
      changedStudents: [],
      errors: [{ row: -1, studentId: null, column: 'term', cell: null, code: 'RECORD_LOCKED' }],
    });
    expect(refused.errors[0]?.message).toContain('đã được giáo viên bộ môn ký và khóa');
    const imported = await importTerm1(cls, (sheet) => {
      sheet.getCell(`H${excelRowOf(sheet, id(1))}`).value = 9;
    });
    expect(imported).toMatchObject({ ok: false, errors: [{ column: 'term', code: 'RECORD_LOCKED' }] });
    expect(await stored(cls)).toBe(before);

    // Outside the unit: the other term, another class, another subject.
    expect(
      await record(cls, 'TOAN', 'TERM_2', [{ studentId: id(1), regular: [6, 7, null, null] }]),
    ).toMatchObject({
      ok: true,
      changedStudents: [id(1)],
    });
    expect(
      await record(other, 'TOAN', 'TERM_1', [{ studentId: other.students[0]!.studentId, midterm: 8 }]),
    ).toMatchObject({ ok: true });
    expect(await record(cls, 'NGU_VAN', 'TERM_1', [{ studentId: id(1), midterm: 8 }])).toMatchObject({
      ok: true,
    });
  });

  it('answers a redelivered request once: no second lock, no second confirmation', async () => {
    const again = await harness.requestLock(subjectLock(cls, 'TOAN', 'TERM_1'), termLockId);
    await harness.handled(again);
    await harness.settle();
    expect(await harness.db.collection('record_locks').countDocuments({ _id: termLockId as never })).toBe(1);
    expect(await harness.published(academicsLockConfirmed.type, { lockId: termLockId })).toHaveLength(1);
  });

  it('accepts writes to the term again once the lock is released', async () => {
    await harness.releaseLock(subjectLock(cls, 'TOAN', 'TERM_1'), termLockId);
    expect(await confirmation(termLockId, 'RELEASED')).toMatchObject({ content: null, refusal: null });
    expect(
      await record(cls, 'TOAN', 'TERM_1', [
        { studentId: id(1), regular: [6, 6, 6, 6], midterm: 6, final: 6 },
      ]),
    ).toMatchObject({ ok: true, changedStudents: [id(1)] });
  });

  it('refuses to lock a subject some students have no complete result in, naming them', async () => {
    const lockId = uniqueId('lock');
    await harness.requestLock(subjectLock(cls, 'TOAN', 'TERM_2'), lockId);
    const refused = await confirmation(lockId, 'REFUSED');
    expect(refused).toMatchObject({
      content: null,
      refusal: { code: 'SUBJECT_INCOMPLETE', details: [id(1), id(2)].sort() },
    });
    expect(refused.refusal?.message).toMatch(/còn 2 học sinh chưa có đủ điểm/);
    // Nothing is locked.
    expect(await record(cls, 'TOAN', 'TERM_2', [{ studentId: id(2), midterm: 7 }])).toMatchObject({
      ok: true,
    });

    const unknown = uniqueId('lock');
    await harness.requestLock(
      { ...subjectLock(cls, 'TOAN', 'TERM_1'), classId: uniqueId('no-class') },
      unknown,
    );
    expect(await confirmation(unknown, 'REFUSED')).toMatchObject({ refusal: { code: 'NOT_FOUND' } });
  });

  it('locks a student’s year page: that student’s rows are refused cell by cell, the others still change', async () => {
    const lockId = uniqueId('lock');
    const scope: LockScope = {
      unit: 'STUDENT_YEAR',
      schoolId: cls.schoolId,
      schoolYear: SCHOOL_YEAR,
      classId: cls.classId,
      studentId: id(0),
    };
    await harness.requestLock(scope, lockId);
    const confirmed = await confirmation(lockId);
    const content = confirmed.content as { studentId: string; subjects: Array<{ subjectCode: string }> };
    expect(content.studentId).toBe(id(0));
    expect(content.subjects.map((s) => s.subjectCode)).toEqual(['TOAN']);
    // Term II (32 + 2×9 + 3×10) / 9 = 8.9; year (7.4 + 2×8.9) / 3 = 8.4.
    expect(content.subjects[0]).toEqual({
      subjectCode: 'TOAN',
      kind: 'SCORE',
      term1: { regular: [7, 8, 9, 6], midterm: 8, final: 7, average: 7.4, result: null, comment },
      term2: { regular: [8, 8, 8, 8], midterm: 9, final: 10, average: 8.9, result: null, comment: null },
      year: { average: 8.4, result: null },
      reassessment: null,
      exemption: null,
    });

    const before = await stored(cls);
    const refused = await record(cls, 'TOAN', 'TERM_2', [
      { studentId: id(1), regular: [6, 7, 8, null] },
      { studentId: id(0), regular: [8, 8, 8, 8], midterm: 9, final: 9 },
    ]);
    expect(refused).toMatchObject({
      ok: false,
      errors: [{ row: 1, studentId: id(0), column: 'studentId', code: 'RECORD_LOCKED' }],
    });
    expect(refused.errors).toHaveLength(1);
    const imported = await importTerm1(cls, (sheet) => {
      sheet.getCell(`I${excelRowOf(sheet, id(0))}`).value = 8;
    });
    const lockedRow = imported.errors[0]?.row;
    expect(imported).toMatchObject({
      ok: false,
      errors: [{ studentId: id(0), column: 'studentId', cell: `B${lockedRow}`, code: 'RECORD_LOCKED' }],
    });
    expect(await stored(cls)).toBe(before);

    // The locked student's row sent unchanged is no write: the others' change goes through.
    expect(
      await record(cls, 'TOAN', 'TERM_2', [
        { studentId: id(1), regular: [6, 7, 8, null] },
        { studentId: id(0), regular: [8, 8, 8, 8], midterm: 9, final: 10 },
      ]),
    ).toMatchObject({ ok: true, changedStudents: [id(1)] });

    const exemption = {
      subjectCode: 'GD_THE_CHAT',
      schoolYear: SCHOOL_YEAR,
      period: 'TERM_2',
      reason: 'Chấn thương',
    };
    const exempted = await harness.as(homeroomTeacherOf(cls), EXEMPT, {
      input: { ...exemption, studentId: id(0) },
    });
    expect(exempted.errors?.[0]?.extensions?.code).toBe('RECORD_LOCKED');
    const otherStudent = await harness.as(homeroomTeacherOf(cls), EXEMPT, {
      input: { ...exemption, studentId: id(2) },
    });
    expect(otherStudent.errors).toBeUndefined();
    const summer = await harness.as(teacherOf(cls, 'TOAN'), REASSESS, {
      input: { studentId: id(0), subjectCode: 'TOAN', schoolYear: SCHOOL_YEAR, score: 6 },
    });
    expect(summer.errors?.[0]?.extensions?.code).toBe('RECORD_LOCKED');
  });

  it('applies a lock window to every gradebook of the grade for the period', async () => {
    const lockId = uniqueId('lock');
    const scope: LockScope = {
      unit: 'WINDOW',
      schoolId: cls.schoolId,
      schoolYear: SCHOOL_YEAR,
      period: 'TERM_2',
      grade: 10,
    };
    await harness.requestLock(scope, lockId);
    expect(await confirmation(lockId)).toMatchObject({ content: null, refusal: null });
    const otherId = other.students[0]!.studentId;
    expect(await record(other, 'HOA_HOC', 'TERM_2', [{ studentId: otherId, midterm: 7 }])).toMatchObject({
      ok: false,
      errors: [
        { column: 'term', code: 'RECORD_LOCKED', message: expect.stringContaining('học kì II khối 10') },
      ],
    });
    expect(await record(other, 'HOA_HOC', 'TERM_1', [{ studentId: otherId, midterm: 7 }])).toMatchObject({
      ok: true,
    });
    const seniorId = senior.students[0]!.studentId;
    expect(await record(senior, 'HOA_HOC', 'TERM_2', [{ studentId: seniorId, midterm: 7 }])).toMatchObject({
      ok: true,
    });
    await harness.releaseLock(scope, lockId);
    await confirmation(lockId, 'RELEASED');
    expect(await record(other, 'HOA_HOC', 'TERM_2', [{ studentId: otherId, midterm: 7 }])).toMatchObject({
      ok: true,
    });
  });

  it('lets a write racing the lock either land in the confirmed content or be refused, never in between', async () => {
    const raced = await harness.createClass(5, { schoolId: cls.schoolId });
    const fives = { regular: [5, 5, 5, 5], midterm: 5 };
    expect(
      await record(
        raced,
        'TOAN',
        'TERM_1',
        raced.students.map((s) => ({ studentId: s.studentId, ...fives, final: 5 })),
      ),
    ).toMatchObject({ ok: true });

    // Each writer sets its student's end-of-term mark to 0.1, 0.2, … until a write is refused.
    const acknowledged = new Map<string, number>();
    const refusedAt = new Map<string, number>();
    let writes = 0;
    const writer = async (studentId: string) => {
      for (let tenths = 1; tenths <= 100; tenths++) {
        const final = tenths / 10;
        const result = await record(raced, 'TOAN', 'TERM_1', [{ studentId, ...fives, final }]);
        if (!result.ok) {
          expect(result.errors).toEqual([expect.objectContaining({ column: 'term', code: 'RECORD_LOCKED' })]);
          refusedAt.set(studentId, final);
          return;
        }
        acknowledged.set(studentId, final);
        writes++;
      }
      throw new Error('the lock never arrived');
    };
    const writers = raced.students.map((s) => writer(s.studentId));
    // The lock request goes out while every writer is busy writing.
    await eventually(async () => writes >= 2 * raced.students.length, 30_000, 5);
    const lockId = uniqueId('lock');
    await harness.requestLock(subjectLock(raced, 'TOAN', 'TERM_1'), lockId);
    await Promise.all(writers);

    const confirmed = await confirmation(lockId);
    const content = confirmed.content as { students: Array<{ studentId: string; term1: { final: number } }> };
    const signed = new Map(content.students.map((s) => [s.studentId, s.term1.final]));
    for (const { studentId } of raced.students) {
      // Acknowledged means signed; the refused write is not what was signed.
      expect(signed.get(studentId)).toBe(acknowledged.get(studentId));
      expect(refusedAt.get(studentId)).toBe(Math.round((acknowledged.get(studentId)! + 0.1) * 10) / 10);
    }
    const book = await harness.db.collection('gradebooks').findOne({ classId: raced.classId });
    const rows = book!.rows as Array<{ studentId: string; term1: { final: number } }>;
    expect(new Map(rows.map((r) => [r.studentId, r.term1.final]))).toEqual(signed);
  });
});
