import { createHash } from 'node:crypto';
import { Workbook } from 'exceljs';
import type { CloudEvent } from '@hocbaso/events';
import { recordGradebook } from '../src/usecases/record-gradebook';
import {
  AcademicsHarness,
  homeroomTeacherOf,
  parentOf,
  SCHOOL_YEAR,
  teacherOf,
  type TestClass,
} from './harness';

jest.setTimeout(120_000);

const FILE = `query($classId: ID!, $subjectCode: String!, $schoolYear: String!, $term: Term!) {
  gradebookFile(classId: $classId, subjectCode: $subjectCode, schoolYear: $schoolYear, term: $term) { filename contentType base64 }
}`;

const IMPORT = `mutation($input: ImportGradebookInput!) {
  importGradebook(input: $input) {
    ok changedStudents
    errors { row studentId column cell code message }
    gradebook { lines { studentId marks { regular midterm final average comment { progress } } } }
  }
}`;

interface ImportPayload {
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
  gradebook: {
    lines: Array<{
      studentId: string;
      marks: {
        regular: number[];
        midterm: number;
        final: number;
        average: number | null;
        comment: { progress: string | null } | null;
      };
    }>;
  } | null;
}

describe('the gradebook as an Excel file', () => {
  let harness: AcademicsHarness;
  let cls: TestClass;
  const key = () => ({ classId: cls.classId, subjectCode: 'TOAN', schoolYear: SCHOOL_YEAR, term: 'TERM_1' });
  const stored = async () =>
    JSON.stringify(
      await harness.db
        .collection('gradebooks')
        .find({}, { projection: { _outbox: 0, _outboxPending: 0, _rev: 0 } })
        .sort({ _id: 1 })
        .toArray(),
    );

  const exportFile = async (principal = teacherOf(cls, 'TOAN')) => {
    const result = await harness.as<{
      gradebookFile: { filename: string; contentType: string; base64: string } | null;
    }>(principal, FILE, key());
    expect(result.errors).toBeUndefined();
    return result.data!.gradebookFile;
  };
  const load = async (base64: string) => {
    const workbook = new Workbook();
    await workbook.xlsx.load(Buffer.from(base64, 'base64') as never);
    return workbook;
  };
  const toBase64 = async (workbook: Workbook) =>
    Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
  const importFile = (file: string, principal = teacherOf(cls, 'TOAN')) =>
    harness.as<{ importGradebook: ImportPayload }>(principal, IMPORT, { input: { ...key(), file } });

  beforeAll(async () => {
    harness = await AcademicsHarness.start('academics_workbook');
    cls = await harness.createClass(3);
    const [a, b] = cls.students as [TestClass['students'][0], TestClass['students'][0]];
    const result = await recordGradebook(
      harness.deps,
      { principal: teacherOf(cls, 'TOAN') },
      {
        classId: cls.classId,
        subjectCode: 'TOAN',
        schoolYear: SCHOOL_YEAR,
        term: 'TERM_1',
        rows: [
          {
            studentId: a.studentId,
            regular: [7, 8, 9, 6.5],
            midterm: 8,
            final: 7.5,
            comment: { progress: 'Tiến bộ' },
          },
          { studentId: b.studentId, regular: [5, null, null, null] },
        ],
      },
    );
    expect(result.ok).toBe(true);
  });
  afterAll(() => harness?.close());

  it('exports one row per student with TX1..TX4, GK, CK and the term average', async () => {
    const file = (await exportFile())!;
    expect(file.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(file.filename).toMatch(/^so-diem_.+_toan_2025-2026_hk1\.xlsx$/);
    const sheet = (await load(file.base64)).getWorksheet('Sổ điểm')!;
    expect(sheet.getRow(3).values).toEqual([
      undefined,
      'STT',
      'Mã học sinh',
      'Họ và tên',
      'TX1',
      'TX2',
      'TX3',
      'TX4',
      'GK',
      'CK',
      'ĐTBhk',
      'Tiến bộ',
      'Ưu điểm',
      'Hạn chế',
    ]);
    const rows = [4, 5, 6].map((r) => sheet.getRow(r));
    const a = rows.find((r) => r.getCell(2).value === cls.students[0]!.studentId)!;
    // (30.5 + 16 + 22.5) / 9 = 7.666… → 7.7
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((c) => a.getCell(c).value).slice(1)).toEqual([
      cls.students[0]!.studentId,
      cls.students[0]!.fullName,
      7,
      8,
      9,
      6.5,
      8,
      7.5,
      7.7,
      'Tiến bộ',
    ]);
    expect(rows.map((r) => r.getCell(1).value)).toEqual([1, 2, 3]);
  });

  it('serves the same file at GET /gradebooks/…/1.xlsx to readers, 404 to others, 401 without identity', async () => {
    const url = `${harness.url}/gradebooks/${cls.classId}/TOAN/${SCHOOL_YEAR}/1.xlsx`;
    const ok = await fetch(url, { headers: harness.identityHeader(homeroomTeacherOf(cls)) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('spreadsheetml');
    expect(ok.headers.get('content-disposition')).toContain('.xlsx');
    const sheet = (await load(Buffer.from(await ok.arrayBuffer()).toString('base64'))).getWorksheet(
      'Sổ điểm',
    )!;
    expect(sheet.rowCount).toBe(6);
    const denied = await fetch(url, {
      headers: harness.identityHeader(parentOf(cls.schoolId, cls.students[0]!.studentId)),
    });
    expect(denied.status).toBe(404);
    expect((await fetch(url)).status).toBe(401);
    expect(
      (await fetch(url, { headers: harness.identityHeader(teacherOf(cls, 'TOAN'), 'x'.repeat(64)) })).status,
    ).toBe(401);
  });

  it('logs each download with who took it and the hash of the very file handed out; a refused one logs nothing', async () => {
    const exports = () => harness.db.collection('gradebook_exports').find({ classId: cls.classId }).toArray();
    const before = (await exports()).length;
    const teacher = teacherOf(cls, 'TOAN');
    const file = (await exportFile(teacher))!;
    const logged = (await exports()).slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      exportedBy: teacher.accountId,
      classId: cls.classId,
      subjectCode: 'TOAN',
      term: 'TERM_1',
      students: cls.students.length,
      sha256: createHash('sha256').update(Buffer.from(file.base64, 'base64')).digest('hex'),
    });

    const url = `${harness.url}/gradebooks/${cls.classId}/TOAN/${SCHOOL_YEAR}/1.xlsx`;
    const parent = parentOf(cls.schoolId, cls.students[0]!.studentId);
    expect((await fetch(url, { headers: harness.identityHeader(parent) })).status).toBe(404);
    const homeroom = homeroomTeacherOf(cls);
    const downloaded = await fetch(url, { headers: harness.identityHeader(homeroom) });
    const bytes = Buffer.from(await downloaded.arrayBuffer());
    const after = (await exports()).slice(before + 1);
    expect(after.map((e) => [e.exportedBy, e.sha256])).toEqual([
      [homeroom.accountId, createHash('sha256').update(bytes).digest('hex')],
    ]);
  });

  it('imports the exported file unchanged without any change or event', async () => {
    const before = await stored();
    const result = await importFile((await exportFile())!.base64);
    expect(result.data?.importGradebook).toMatchObject({ ok: true, errors: [], changedStudents: [] });
    expect(await stored()).toBe(before);
  });

  it('refuses a file with bad cells, naming each cell, and changes nothing', async () => {
    const workbook = await load((await exportFile())!.base64);
    const sheet = workbook.getWorksheet('Sổ điểm')!;
    const rowOf = (studentId: string) =>
      [4, 5, 6].find((r) => sheet.getRow(r).getCell(2).value === studentId)!;
    const a = rowOf(cls.students[0]!.studentId);
    const c = rowOf(cls.students[2]!.studentId);
    sheet.getCell(`D${a}`).value = 10.5;
    sheet.getCell(`I${a}`).value = '7,25';
    sheet.getCell(`E${c}`).value = 'tám';
    sheet.getRow(7).values = [4, 'hoc-sinh-la', 'Người Lạ', 5, 5, 5, 5, 5, 5];
    const before = await stored();
    const result = await importFile(await toBase64(workbook));
    const payload = result.data!.importGradebook;
    expect(payload.ok).toBe(false);
    expect(payload.errors.map(({ row, column, cell, code }) => ({ row, column, cell, code }))).toEqual([
      { row: a, column: 'regular[0]', cell: `D${a}`, code: 'INVALID_SCORE' },
      { row: a, column: 'final', cell: `I${a}`, code: 'INVALID_SCORE' },
      { row: c, column: 'regular[1]', cell: `E${c}`, code: 'INVALID_SCORE' },
      { row: 7, column: 'studentId', cell: 'B7', code: 'STUDENT_NOT_IN_CLASS' },
    ]);
    expect(payload.errors[0]?.message).toMatch(new RegExp(`^Ô D${a}: .*10,5`));
    expect(await stored()).toBe(before);
  });

  it('imports a teacher’s own layout (columns found by their titles) and publishes one event per changed student', async () => {
    const workbook = new Workbook();
    const sheet = workbook.addWorksheet('HK1');
    sheet.addRow(['Bảng điểm môn Toán']);
    sheet.addRow([
      'Ma HS',
      'Ho va ten',
      'DDGtx 1',
      'DDGtx 2',
      'DDGtx 3',
      'DDGtx 4',
      'Giua ki',
      'Cuoi ki',
      'Tien bo',
    ]);
    const [a, b] = cls.students as [TestClass['students'][0], TestClass['students'][0]];
    sheet.addRow([a.studentId, a.fullName, 7, 8, 9, 6.5, 8, 7.5, 'Tiến bộ']); // unchanged
    sheet.addRow([b.studentId, b.fullName, 5, '6,5', 7, 8, 6, 9, 'Cố gắng hơn']);
    // Earlier downloads' events (gradebook.exported) leave first, so only this import's are counted.
    await harness.settle();
    const eventsBefore = await harness.db.collection('event_log').countDocuments({});
    const result = await importFile(await toBase64(workbook));
    const payload = result.data!.importGradebook;
    expect(payload.errors).toEqual([]);
    expect(payload.changedStudents).toEqual([b.studentId]);
    const line = payload.gradebook!.lines.find((l) => l.studentId === b.studentId)!;
    // (26.5 + 12 + 27) / 9 = 7.277… → 7.3
    expect(line.marks).toEqual({
      regular: [5, 6.5, 7, 8],
      midterm: 6,
      final: 9,
      average: 7.3,
      comment: { progress: 'Cố gắng hơn' },
    });
    await harness.settle();
    const events = await harness.db.collection('event_log').find({}).toArray();
    expect(events.length - eventsBefore).toBe(1);
    expect((events.at(-1) as unknown as { key: string; data: CloudEvent['data'] }).key).toBe(b.studentId);
  });

  it('refuses a file that is not a workbook, or another subject’s file, and a teacher not assigned', async () => {
    const garbage = await importFile(Buffer.from('không phải excel').toString('base64'));
    expect(garbage.data?.importGradebook.errors).toEqual([
      expect.objectContaining({ column: 'file', code: 'INVALID_WORKBOOK', cell: null }),
    ]);
    const vanResult = await recordGradebook(
      harness.deps,
      { principal: teacherOf(cls, 'NGU_VAN') },
      {
        classId: cls.classId,
        subjectCode: 'NGU_VAN',
        schoolYear: SCHOOL_YEAR,
        term: 'TERM_1',
        rows: [],
      },
    );
    expect(vanResult.ok).toBe(true);
    const van = await harness.as<{ gradebookFile: { base64: string } }>(teacherOf(cls, 'NGU_VAN'), FILE, {
      ...key(),
      subjectCode: 'NGU_VAN',
    });
    const wrong = await importFile(van.data!.gradebookFile.base64);
    expect(wrong.data?.importGradebook.errors[0]).toMatchObject({ code: 'INVALID_WORKBOOK' });
    expect(wrong.data?.importGradebook.errors[0]?.message).toContain('NGU_VAN');
    const stranger = await importFile((await exportFile())!.base64, teacherOf(cls, 'NGU_VAN'));
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
