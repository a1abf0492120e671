import { Workbook } from 'exceljs';
import type { TermEntry } from '../model/gradebook.model';
import { validateGradebookRows } from './gradebook-validation';
import {
  cellRef,
  exportGradebookWorkbook,
  locateErrors,
  normalizeHeader,
  parseGradebookWorkbook,
  type WorkbookExportInput,
} from './gradebook-workbook';
import { termResult } from './subject-result';
import { subjectRules } from './subjects';

const key = { classId: '10A1', schoolYear: '2025-2026', term: 'TERM_1' as const };
const entry = (
  regular: TermEntry['regular'],
  midterm: TermEntry['midterm'],
  final: TermEntry['final'],
  progress?: string,
): TermEntry => ({
  regular,
  midterm,
  final,
  comment: progress ? { progress, strengths: 'Chăm chỉ', limitations: null } : null,
  recordedAt: new Date(),
  recordedBy: 'gv',
});

function exportInput(subjectCode: string, entries: Array<TermEntry | null>): WorkbookExportInput {
  const rules = subjectRules(subjectCode)!;
  return {
    ...key,
    subjectCode,
    rules,
    className: '10A1',
    rows: entries.map((e, i) => ({
      studentId: `hs-${i + 1}`,
      fullName: `Học Sinh ${i + 1}`,
      entry: e,
      result: termResult(e, rules.subject.kind, rules.regularCount),
    })),
  };
}

async function roundTrip(subjectCode: string, entries: Array<TermEntry | null>) {
  const rules = subjectRules(subjectCode)!;
  const file = await exportGradebookWorkbook(exportInput(subjectCode, entries));
  const parsed = await parseGradebookWorkbook(file, rules, { ...key, subjectCode });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const members = new Set(entries.map((_, i) => `hs-${i + 1}`));
  return validateGradebookRows({
    rules,
    schoolYear: key.schoolYear,
    members,
    rows: parsed.workbook.rows.map((r) => r.input),
  });
}

describe('gradebook workbook', () => {
  it('round-trips a scored gradebook: export then import gives the same marks and comments', async () => {
    const entries = [
      entry([7, 8, 9, 10], 8, 7.5, 'Tiến bộ rõ'),
      entry([0, 10, 5.5, 6.1], 9.9, 0),
      entry([6, null, null, null], null, null),
    ];
    const result = await roundTrip('TOAN', [...entries, null]);
    expect(result.errors).toEqual([]);
    expect(
      result.rows.map(({ studentId, regular, midterm, final }) => ({ studentId, regular, midterm, final })),
    ).toEqual([
      ...entries.map((e, i) => ({
        studentId: `hs-${i + 1}`,
        regular: e.regular,
        midterm: e.midterm,
        final: e.final,
      })),
      {
        studentId: 'hs-4',
        regular: [null, null, null, null],
        midterm: null,
        final: null,
      },
    ]);
    expect(result.rows[0]?.comment).toEqual({
      progress: 'Tiến bộ rõ',
      strengths: 'Chăm chỉ',
      limitations: null,
    });
  });

  it('round-trips a comment subject as Đ / CĐ', async () => {
    const entries = [entry(['DAT', 'CHUA_DAT'], 'DAT', null), entry(['DAT', 'DAT'], 'DAT', 'DAT')];
    const file = await exportGradebookWorkbook(exportInput('GD_THE_CHAT', entries));
    const workbook = new Workbook();
    await workbook.xlsx.load(file as never);
    const sheet = workbook.getWorksheet('Sổ điểm')!;
    expect(sheet.getRow(4).values).toEqual([
      undefined,
      1,
      'hs-1',
      'Học Sinh 1',
      'Đ',
      'CĐ',
      'Đ',
      undefined,
      undefined,
    ]);
    expect([7, 8].map((c) => sheet.getRow(5).getCell(c).value)).toEqual(['Đ', 'Đ']); // CK and KQhk
    const result = await roundTrip('GD_THE_CHAT', entries);
    expect(result.rows.map((r) => [r.regular, r.midterm, r.final])).toEqual(
      entries.map((e) => [e.regular, e.midterm, e.final]),
    );
  });

  it('reads a teacher’s own layout: headers without diacritics, decimal commas, Đạt/Chưa đạt words', async () => {
    const workbook = new Workbook();
    const sheet = workbook.addWorksheet('Điểm');
    sheet.addRow(['Trường THPT', '', '']);
    sheet.addRow(['STT', 'Họ và tên', 'Mã HS', 'TX2', 'TX1', 'TX3', 'GK', 'CK']);
    sheet.addRow([1, 'An', 'hs-1', '8,5', 7, { formula: 'E3+1', result: 8 }, ' 9 ', 6]);
    sheet.addRow([]);
    sheet.addRow([2, 'Bình', 'hs-2', 'tám', 7, 10.5, null, 'x']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const rules = subjectRules('VAT_LI')!;
    const parsed = await parseGradebookWorkbook(file, rules, { ...key, subjectCode: 'VAT_LI' });
    if (!parsed.ok) throw new Error('not parsed');
    expect(parsed.workbook.rows.map((r) => [r.excelRow, r.input])).toEqual([
      [3, { studentId: 'hs-1', regular: [7, 8.5, 8], midterm: 9, final: 6, comment: undefined }],
      [5, { studentId: 'hs-2', regular: [7, 'tám', 10.5], midterm: null, final: 'x', comment: undefined }],
    ]);
    const validation = validateGradebookRows({
      rules,
      schoolYear: key.schoolYear,
      members: new Set(['hs-1', 'hs-2']),
      rows: parsed.workbook.rows.map((r) => r.input),
    });
    const located = locateErrors(validation.errors, parsed.workbook);
    // TX1 is column E, TX2 column D (in the file's order), TX3 column F, CK column H.
    expect(located.map((e) => [e.row, e.column, e.cell])).toEqual([
      [5, 'regular[1]', 'D5'],
      [5, 'regular[2]', 'F5'],
      [5, 'final', 'H5'],
    ]);
    expect(located[0]?.message).toMatch(/^Ô D5: /);
  });

  it('names the range of the TX columns for a wrong count, and the id cell for a student not in the class', async () => {
    const rules = subjectRules('TOAN')!;
    const file = await exportGradebookWorkbook(exportInput('TOAN', [entry([7, 7, 7, 7], 7, 7)]));
    const parsed = await parseGradebookWorkbook(file, rules, { ...key, subjectCode: 'TOAN' });
    if (!parsed.ok) throw new Error('not parsed');
    expect(parsed.workbook.cellOf('regular', 4)).toBe('D4:G4');
    expect(parsed.workbook.cellOf('studentId', 4)).toBe('B4');
    expect(parsed.workbook.cellOf('comment.progress', 4)).toBe('K4');
    const validation = validateGradebookRows({
      rules,
      schoolYear: key.schoolYear,
      members: new Set(),
      rows: parsed.workbook.rows.map((r) => r.input),
    });
    expect(locateErrors(validation.errors, parsed.workbook).map((e) => e.cell)).toEqual(['B4']);
  });

  it('refuses what is not a gradebook: garbage, no id column, another class’s or term’s file', async () => {
    const rules = subjectRules('TOAN')!;
    const expected = { ...key, subjectCode: 'TOAN' };
    const garbage = await parseGradebookWorkbook(Buffer.from('PK không phải excel'), rules, expected);
    expect(garbage).toMatchObject({ ok: false, problems: [{ code: 'INVALID_WORKBOOK', cell: null }] });

    const workbook = new Workbook();
    workbook.addWorksheet('x').addRow(['Họ và tên', 'TX1', 'GK', 'CK']);
    const noId = await parseGradebookWorkbook(
      Buffer.from(await workbook.xlsx.writeBuffer()),
      rules,
      expected,
    );
    expect(noId).toMatchObject({ ok: false, problems: [{ code: 'INVALID_WORKBOOK', cell: 'A1' }] });

    const file = await exportGradebookWorkbook(exportInput('TOAN', [null]));
    const otherTerm = await parseGradebookWorkbook(file, rules, { ...expected, term: 'TERM_2' });
    expect(otherTerm.ok).toBe(false);
    if (!otherTerm.ok) expect(otherTerm.problems[0]?.message).toContain('TERM_1');
    const otherClass = await parseGradebookWorkbook(file, rules, { ...expected, classId: '10A2' });
    expect(otherClass.ok).toBe(false);
  });

  it('helpers: normalises Vietnamese headers and builds cell references', () => {
    expect(normalizeHeader('  Mã  học sinh ')).toBe('ma hoc sinh');
    expect(normalizeHeader('ĐĐGtx 1')).toBe('ddgtx 1');
    expect(cellRef(1, 5)).toBe('A5');
    expect(cellRef(26, 1)).toBe('Z1');
    expect(cellRef(28, 10)).toBe('AB10');
  });
});
