/**
 * The gradebook as an Excel workbook (.xlsx), in the layout teachers already use: one row per
 * student (STT, Mã học sinh, Họ và tên), one column per assessment (TX1..TXn, GK, CK), the term
 * average on export, then the teacher's comment (Tiến bộ, Ưu điểm, Hạn chế).
 *
 * Import reads the header row by its titles (wherever it is in the first rows, in any column
 * order, with or without diacritics), turns each student row into the same input as
 * `recordGradebook`, and maps every validation error back to its Excel cell (e.g. D5).
 */
import type { CellValue, Workbook, Worksheet } from 'exceljs';

/**
 * exceljs is loaded on the first export or import, not at start: it adds 20 MB to the process.
 * (A CommonJS module: Node's import() gives its exports as `default`; jest's require, directly.)
 */
async function newWorkbook(): Promise<Workbook> {
  const loaded = (await import('exceljs')) as typeof import('exceljs') & {
    default?: typeof import('exceljs');
  };
  return new (loaded.default ?? loaded).Workbook();
}
import type { ErrorCode } from '@hocbaso/errors';
import type { Mark, TeacherComment, TermEntry } from '../model/gradebook.model';
import type { CellError, GradebookRowInput } from './gradebook-validation';
import type { PeriodResult } from './subject-result';
import type { SubjectRules } from './subjects';

export type TermCode = 'TERM_1' | 'TERM_2';

export interface WorkbookIdentity {
  classId: string;
  subjectCode: string;
  schoolYear: string;
  term: TermCode;
}

export interface WorkbookExportInput extends WorkbookIdentity {
  rules: SubjectRules;
  className: string;
  rows: ReadonlyArray<{
    studentId: string;
    fullName: string;
    entry: TermEntry | null;
    result: PeriodResult;
  }>;
}

export const SHEET_NAME = 'Sổ điểm';
const META_SHEET = '_hocbaso';
const HEADER_ROW = 3;
/** The largest file and the most rows an import reads (a class has at most ~50 students). */
export const MAX_WORKBOOK_BYTES = 1_000_000;
export const MAX_WORKBOOK_ROWS = 400;

const TERM_NAMES: Record<TermCode, string> = { TERM_1: 'HỌC KÌ I', TERM_2: 'HỌC KÌ II' };
const COMMENT_HEADERS = { progress: 'Tiến bộ', strengths: 'Ưu điểm', limitations: 'Hạn chế' } as const;
type CommentField = keyof typeof COMMENT_HEADERS;

function showMark(mark: Mark | null): string | number | null {
  if (mark === null) return null;
  if (typeof mark === 'number') return mark;
  return mark === 'DAT' ? 'Đ' : 'CĐ';
}

/** The gradebook of one term as an .xlsx file. */
export async function exportGradebookWorkbook(input: WorkbookExportInput): Promise<Buffer> {
  const { rules } = input;
  const scored = rules.subject.kind === 'SCORE';
  const workbook = await newWorkbook();
  workbook.creator = 'Học bạ số';
  const sheet = workbook.addWorksheet(SHEET_NAME, {
    views: [{ state: 'frozen', xSplit: 3, ySplit: HEADER_ROW }],
  });
  const headers = [
    'STT',
    'Mã học sinh',
    'Họ và tên',
    ...Array.from({ length: rules.regularCount }, (_, i) => `TX${i + 1}`),
    'GK',
    'CK',
    scored ? 'ĐTBhk' : 'KQhk',
    ...Object.values(COMMENT_HEADERS),
  ];
  sheet.mergeCells(1, 1, 1, headers.length);
  sheet.getCell(1, 1).value =
    `SỔ ĐIỂM MÔN ${rules.subject.name.toUpperCase()} - LỚP ${input.className} - ${TERM_NAMES[input.term]} - NĂM HỌC ${input.schoolYear}`;
  sheet.getCell(1, 1).font = { bold: true, size: 13 };
  sheet.getCell(2, 1).value = scored
    ? `Điểm từ 0 đến 10, nhiều nhất một chữ số thập phân; ${rules.regularCount} điểm đánh giá thường xuyên mỗi học kì.`
    : `Ghi Đ (Đạt) hoặc CĐ (Chưa đạt); ${rules.regularCount} lần đánh giá thường xuyên mỗi học kì.`;
  sheet.getCell(2, 1).font = { italic: true, size: 10 };
  const header = sheet.getRow(HEADER_ROW);
  header.values = headers;
  header.font = { bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };

  input.rows.forEach((row, index) => {
    const entry = row.entry;
    const regular = Array.from({ length: rules.regularCount }, (_, i) => showMark(entry?.regular[i] ?? null));
    const average = scored ? row.result.average : showMark(row.result.result);
    const excelRow = sheet.getRow(HEADER_ROW + 1 + index);
    excelRow.values = [
      index + 1,
      row.studentId,
      row.fullName,
      ...regular,
      showMark(entry?.midterm ?? null),
      showMark(entry?.final ?? null),
      average,
      entry?.comment?.progress ?? null,
      entry?.comment?.strengths ?? null,
      entry?.comment?.limitations ?? null,
    ];
    if (scored) excelRow.getCell(3 + rules.regularCount + 3).numFmt = '0.0';
  });

  sheet.getColumn(1).width = 5;
  sheet.getColumn(2).width = 16;
  sheet.getColumn(3).width = 28;
  for (let c = 4; c <= 3 + rules.regularCount + 3; c += 1) sheet.getColumn(c).width = 7;
  for (let c = 3 + rules.regularCount + 4; c <= headers.length; c += 1) sheet.getColumn(c).width = 30;

  // Which gradebook this is, so that importing a file into another class, subject or term is refused.
  const meta = workbook.addWorksheet(META_SHEET, { state: 'veryHidden' });
  meta.addRows([
    ['classId', input.classId],
    ['subjectCode', input.subjectCode],
    ['schoolYear', input.schoolYear],
    ['term', input.term],
    ['layout', 1],
  ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Lower case, without Vietnamese diacritics, single spaces: "Mã  học sinh" → "ma hoc sinh". */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

type ColumnRole =
  | { kind: 'studentId' }
  | { kind: 'fullName' }
  | { kind: 'regular'; index: number }
  | { kind: 'midterm' }
  | { kind: 'final' }
  | { kind: 'comment'; field: CommentField };

function roleOf(header: string): ColumnRole | null {
  const h = normalizeHeader(header);
  if (['ma hoc sinh', 'ma hs', 'id', 'ma dinh danh', 'ma so hoc sinh'].includes(h))
    return { kind: 'studentId' };
  if (['ho va ten', 'ho ten', 'ho va ten hoc sinh'].includes(h)) return { kind: 'fullName' };
  const tx = /^(?:tx|ddgtx|ddg tx)\s?(\d{1,2})$/.exec(h);
  if (tx) return { kind: 'regular', index: Number(tx[1]) };
  if (['gk', 'ddggk', 'ddg gk', 'giua ki', 'giua ky'].includes(h)) return { kind: 'midterm' };
  if (['ck', 'ddgck', 'ddg ck', 'cuoi ki', 'cuoi ky'].includes(h)) return { kind: 'final' };
  if (h.startsWith('tien bo')) return { kind: 'comment', field: 'progress' };
  if (h.startsWith('uu diem')) return { kind: 'comment', field: 'strengths' };
  if (h.startsWith('han che')) return { kind: 'comment', field: 'limitations' };
  return null;
}

/** A cell's value as plain data: formulas by their result, rich text as text. */
function plain(value: CellValue): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('result' in value) return plain((value as { result?: CellValue }).result ?? null);
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String((value as { text: unknown }).text);
    if ('error' in value) return String((value as { error: unknown }).error);
  }
  return String(value);
}

function cellText(value: CellValue): string {
  const v = plain(value);
  return v === null ? '' : String(v).trim();
}

/** A score cell: a number, or text with a decimal comma or point; anything else is kept for validation to refuse. */
function scoreCell(value: CellValue): unknown {
  const v = plain(value);
  if (typeof v === 'string') {
    const text = v.trim();
    if (text === '') return null;
    const normalized = text.replace(',', '.');
    return /^[+-]?\d+(\.\d+)?$/.test(normalized) ? Number(normalized) : text;
  }
  return v;
}

/** A comment-subject cell: Đ / Đạt → DAT, CĐ / Chưa đạt → CHUA_DAT; anything else is kept for validation to refuse. */
function passCell(value: CellValue): unknown {
  const v = plain(value);
  if (v === null) return null;
  const text = String(v).trim();
  if (text === '') return null;
  const h = normalizeHeader(text).replace(/ /g, '');
  if (['d', 'dat'].includes(h)) return 'DAT';
  if (['cd', 'chuadat'].includes(h)) return 'CHUA_DAT';
  return text;
}

function textCell(value: CellValue): string | null {
  const text = cellText(value);
  return text === '' ? null : text;
}

export interface ParsedWorkbookRow {
  /** 1-based worksheet row. */
  excelRow: number;
  input: GradebookRowInput;
}

export interface ParsedWorkbook {
  rows: ParsedWorkbookRow[];
  /** Maps a validation error's column to its cell in a given row (e.g. `regular[1]`, 7 → "E7"). */
  cellOf(column: string, excelRow: number): string;
}

/** An error of the file itself (unreadable, wrong layout, another class's file). */
export interface WorkbookProblem {
  cell: string | null;
  code: ErrorCode;
  message: string;
}

function columnLetter(column: number): string {
  let n = column;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

export function cellRef(column: number, row: number): string {
  return `${columnLetter(column)}${row}`;
}

function findSheet(workbook: Workbook): Worksheet | undefined {
  return (
    workbook.getWorksheet(SHEET_NAME) ??
    workbook.worksheets.find((s) => s.name !== META_SHEET && s.state === 'visible')
  );
}

/** Reads a gradebook workbook; returns its rows as `recordGradebook` input, or what is wrong with the file. */
export async function parseGradebookWorkbook(
  file: Buffer,
  rules: SubjectRules,
  expected: WorkbookIdentity,
): Promise<{ ok: true; workbook: ParsedWorkbook } | { ok: false; problems: WorkbookProblem[] }> {
  const fail = (message: string, cell: string | null = null): { ok: false; problems: WorkbookProblem[] } => ({
    ok: false,
    problems: [{ cell, code: 'INVALID_WORKBOOK', message }],
  });
  if (file.length === 0 || file.length > MAX_WORKBOOK_BYTES) {
    return fail(`Tệp Excel phải có dữ liệu và không quá ${Math.round(MAX_WORKBOOK_BYTES / 1000)} KB.`);
  }
  const workbook = await newWorkbook();
  try {
    await workbook.xlsx.load(file as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch {
    return fail('Không đọc được tệp: cần một tệp Excel .xlsx (không phải .xls hay .csv).');
  }

  const meta = workbook.getWorksheet(META_SHEET);
  if (meta) {
    const facts = new Map<string, string>();
    meta.eachRow((row) => facts.set(cellText(row.getCell(1).value), cellText(row.getCell(2).value)));
    const labels: Record<keyof WorkbookIdentity, string> = {
      classId: 'lớp',
      subjectCode: 'môn học',
      schoolYear: 'năm học',
      term: 'học kì',
    };
    for (const key of Object.keys(labels) as Array<keyof WorkbookIdentity>) {
      const found = facts.get(key);
      if (found !== undefined && found !== expected[key]) {
        return fail(
          `Tệp này là sổ điểm của ${labels[key]} khác (${found}), không phải ${labels[key]} ${expected[key]} đang nhập.`,
        );
      }
    }
  }

  const sheet = findSheet(workbook);
  if (!sheet) return fail('Tệp không có trang tính nào.');
  if (sheet.rowCount > MAX_WORKBOOK_ROWS) {
    return fail(
      `Trang tính có quá nhiều dòng (${sheet.rowCount}); sổ điểm một lớp có tối đa ${MAX_WORKBOOK_ROWS} dòng.`,
    );
  }

  // The header row: the first row (of the first 20) with a student-id column.
  let headerRow = 0;
  const columns = new Map<number, ColumnRole>();
  for (let r = 1; r <= Math.min(20, sheet.rowCount) && !headerRow; r += 1) {
    const row = sheet.getRow(r);
    const roles = new Map<number, ColumnRole>();
    row.eachCell((cell, column) => {
      const role = roleOf(cellText(cell.value));
      if (role) roles.set(column, role);
    });
    if ([...roles.values()].some((role) => role.kind === 'studentId')) {
      headerRow = r;
      roles.forEach((role, column) => columns.set(column, role));
    }
  }
  if (!headerRow) {
    return fail('Không tìm thấy dòng tiêu đề có cột "Mã học sinh" trong 20 dòng đầu của trang tính.', 'A1');
  }
  const find = (kind: ColumnRole['kind']) =>
    [...columns.entries()].filter(([, role]) => role.kind === kind).map(([column]) => column);
  const idColumn = find('studentId')[0] as number;
  const regularColumns = [...columns.entries()]
    .flatMap(([column, role]) => (role.kind === 'regular' ? [{ column, index: role.index }] : []))
    .sort((a, b) => a.index - b.index)
    .map((c) => c.column);
  const midtermColumn = find('midterm')[0];
  const finalColumn = find('final')[0];
  const missing = [
    ...(regularColumns.length ? [] : ['TX1…']),
    ...(midtermColumn ? [] : ['GK']),
    ...(finalColumn ? [] : ['CK']),
  ];
  if (missing.length) {
    return fail(
      `Dòng tiêu đề ${headerRow} thiếu cột ${missing.join(', ')} (cần các cột TX1..TX${rules.regularCount}, GK, CK).`,
      cellRef(1, headerRow),
    );
  }
  const commentColumns = new Map<CommentField, number>();
  columns.forEach((role, column) => {
    if (role.kind === 'comment') commentColumns.set(role.field, column);
  });

  const scored = rules.subject.kind === 'SCORE';
  const read = scored ? scoreCell : passCell;
  const rows: ParsedWorkbookRow[] = [];
  for (let r = headerRow + 1; r <= sheet.rowCount; r += 1) {
    const row = sheet.getRow(r);
    const studentId = cellText(row.getCell(idColumn).value);
    const regular = regularColumns.map((c) => read(row.getCell(c).value));
    const midterm = read(row.getCell(midtermColumn as number).value);
    const final = read(row.getCell(finalColumn as number).value);
    let comment: TeacherComment | undefined;
    if (commentColumns.size > 0) {
      const get = (field: CommentField) => {
        const column = commentColumns.get(field);
        return column ? textCell(row.getCell(column).value) : null;
      };
      comment = { progress: get('progress'), strengths: get('strengths'), limitations: get('limitations') };
    }
    const empty =
      !studentId &&
      [...regular, midterm, final].every((v) => v === null) &&
      (!comment || Object.values(comment).every((v) => v === null));
    if (empty) continue;
    rows.push({
      excelRow: r,
      input: scored
        ? { studentId, regular, midterm, final, comment }
        : { studentId, regularResults: regular, midtermResult: midterm, finalResult: final, comment },
    });
  }

  const cellOf = (column: string, excelRow: number): string => {
    const indexed = /^(regular|regularResults)\[(\d+)\]$/.exec(column);
    if (indexed) {
      const c = regularColumns[Number(indexed[2])];
      if (c) return cellRef(c, excelRow);
    }
    if (indexed || column === 'regular' || column === 'regularResults') {
      const first = regularColumns[0] as number;
      const last = regularColumns[regularColumns.length - 1] as number;
      return first === last
        ? cellRef(first, excelRow)
        : `${cellRef(first, excelRow)}:${cellRef(last, excelRow)}`;
    }
    if (column === 'midterm' || column === 'midtermResult') return cellRef(midtermColumn as number, excelRow);
    if (column === 'final' || column === 'finalResult') return cellRef(finalColumn as number, excelRow);
    const commentField = /^comment\.(\w+)$/.exec(column)?.[1] as CommentField | undefined;
    const commentColumn = commentField ? commentColumns.get(commentField) : undefined;
    if (commentColumn) return cellRef(commentColumn, excelRow);
    return cellRef(idColumn, excelRow);
  };
  return { ok: true, workbook: { rows, cellOf } };
}

/** Validation errors of the parsed rows, with their Excel cells (row = the worksheet row). */
export function locateErrors(
  errors: readonly CellError[],
  workbook: ParsedWorkbook,
): Array<CellError & { cell: string }> {
  return errors.map((error) => {
    const excelRow = workbook.rows[error.row]?.excelRow ?? 0;
    const cell = workbook.cellOf(error.column, excelRow);
    return { ...error, row: excelRow, cell, message: `Ô ${cell}: ${error.message}` };
  });
}
