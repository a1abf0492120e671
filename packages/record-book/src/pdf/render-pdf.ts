/**
 * The official PDF copy of a student's record book (bản sao học bạ), laid out like the national
 * template of upper secondary (mẫu học bạ THPT, Thông tư 22/2021/TT-BGDĐT), A4 portrait:
 *
 * 1. the cover: HỌC BẠ, TRUNG HỌC PHỔ THÔNG, the student's name, the school(s) and the years;
 * 2. the personal page (sơ yếu lý lịch) read from the newest year's signed page, with the years
 *    studied (quá trình học tập);
 * 3. one page per school year, its newest version only: the subject table (HK I, HK II, cả năm,
 *    kiểm tra lại, the subject teacher who signed it), conduct and learning results, absences, the
 *    outcome, awards and discipline, the homeroom teacher's comment, who signed and approved it and
 *    when (Vietnam time), the seal, and a correction note on a year signed again (version > 1).
 *    A year too long for one page continues on the next, headed as a continuation.
 *
 * Every value comes from what the approver signed (yearPageOf), never from the services. Every
 * page carries the copy's requester, export id and verification code (R11), in its footer and as a
 * faint diagonal watermark. The text is real text in an embedded font (DejaVu Serif, see fonts.ts),
 * normalised to NFC before drawing, so it can be searched, copied and checked by a parser. The
 * renderer does not verify signatures: the caller (the archive) verifies the book before export.
 */
import PDFDocument from 'pdfkit';
import type { RecordBook } from '../record-book';
import { fontFaces, type FontFace } from './fonts';
import { roleLabel, vietnamDate } from './labels';
import {
  RecordBookPdfError,
  recordBookView,
  type PersonalView,
  type RecordBookView,
  type SignerView,
  type YearView,
} from './record-book-view';

export interface PdfExportOptions {
  /** Who asked for this copy (R11: every export is watermarked with its requester). */
  requester: { accountId: string; name: string; role: string };
  /** Printed, with the verification code. */
  exportId: string;
  issuedAt: Date;
  /** Short code a reader types on the verification page to check this copy (printed on every page). */
  verificationCode: string;
  /** Where to verify (printed; optional). */
  verifyUrl?: string | null;
}

const PAGE = { width: 595.28, height: 841.89 };
const LEFT = 45;
const WIDTH = PAGE.width - 2 * LEFT;
const TOP = 42;
/** Content stays above the footer band. */
const CONTENT_BOTTOM = PAGE.height - 74;
const BORDER = '#333333';
const SHADE = '#eeeeee';

const nfc = (text: string) => text.normalize('NFC');

interface TextStyle {
  face?: FontFace;
  size?: number;
  align?: 'left' | 'center' | 'right';
  color?: string;
}

/** A cursor over the document: draws NFC text and boxes, and turns the page when a block does not fit. */
class Writer {
  y = TOP;
  /** Printed at the top of a page a long year continues on. */
  continuation: string | null = null;

  constructor(readonly doc: PDFKit.PDFDocument) {}

  private style({ face = 'regular', size = 10, color = '#000000' }: TextStyle) {
    this.doc.font(face).fontSize(size).fillColor(color);
  }

  height(text: string, width: number, style: TextStyle = {}): number {
    this.style(style);
    return this.doc.heightOfString(nfc(text), { width });
  }

  /** Draws text at (x, y) within width; returns its height. */
  text(text: string, x: number, y: number, width: number, style: TextStyle = {}): number {
    this.style(style);
    const value = nfc(text);
    this.doc.text(value, x, y, { width, align: style.align ?? 'left' });
    return this.doc.heightOfString(value, { width });
  }

  /** Draws a paragraph at the cursor across the page and moves below it. */
  line(text: string, style: TextStyle = {}, after = 4): void {
    this.fit(this.height(text, WIDTH, style));
    this.y += this.text(text, LEFT, this.y, WIDTH, style) + after;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = TOP;
    if (this.continuation)
      this.line(this.continuation, { face: 'condensed', size: 8.5, color: '#555555' }, 8);
  }

  /** Turns the page when a block of this height does not fit below the cursor. */
  fit(blockHeight: number): void {
    if (this.y + blockHeight > CONTENT_BOTTOM && this.y > TOP + 30) this.newPage();
  }

  box(x: number, y: number, width: number, height: number, fill?: string): void {
    if (fill) this.doc.rect(x, y, width, height).fillAndStroke(fill, BORDER);
    else this.doc.rect(x, y, width, height).strokeColor(BORDER).lineWidth(0.6).stroke();
  }
}

interface Column {
  width: number;
  align?: 'left' | 'center';
}

interface Cell {
  text: string;
  /** A second, smaller line (a signing time under a name). */
  note?: string;
  bold?: boolean;
}

const CELL_PAD = 2.5;
const TABLE_TEXT: TextStyle = { face: 'condensed', size: 9 };
const TABLE_NOTE: TextStyle = { face: 'condensed', size: 7, color: '#333333' };

function cellHeight(w: Writer, cell: Cell, column: Column): number {
  const inner = column.width - 2 * CELL_PAD;
  const main = cell.text ? w.height(cell.text, inner, TABLE_TEXT) : 0;
  const note = cell.note ? w.height(cell.note, inner, TABLE_NOTE) : 0;
  return main + note + 2 * CELL_PAD + 1;
}

function rowHeight(w: Writer, columns: readonly Column[], cells: readonly Cell[]): number {
  return Math.max(18, ...cells.map((c, i) => cellHeight(w, c, columns[i] ?? { width: 40 })));
}

/** One row of bordered cells at the cursor, each cell's text vertically centred. */
function tableRow(w: Writer, columns: readonly Column[], cells: readonly Cell[], fill?: string): void {
  const height = rowHeight(w, columns, cells);
  w.fit(height);
  let x = LEFT;
  columns.forEach((column, i) => {
    const cell = cells[i] ?? { text: '' };
    w.box(x, w.y, column.width, height, fill);
    const inner = column.width - 2 * CELL_PAD;
    const used = cellHeight(w, cell, column) - 2 * CELL_PAD - 1;
    let y = w.y + (height - used) / 2;
    const align = column.align ?? 'left';
    if (cell.text) {
      y += w.text(cell.text, x + CELL_PAD, y, inner, {
        ...TABLE_TEXT,
        face: cell.bold ? 'condensedBold' : 'condensed',
        align,
      });
    }
    if (cell.note) w.text(cell.note, x + CELL_PAD, y, inner, { ...TABLE_NOTE, align });
    x += column.width;
  });
  w.y += height;
}

const signed = (signer: SignerView | null): Cell =>
  signer ? { text: signer.name, note: `Ký số ${signer.signedAt}` } : { text: '' };

function drawCover(w: Writer, view: RecordBookView): void {
  const { doc } = w;
  doc
    .rect(28, 28, PAGE.width - 56, PAGE.height - 100)
    .lineWidth(2)
    .strokeColor(BORDER)
    .stroke();
  doc
    .rect(34, 34, PAGE.width - 68, PAGE.height - 112)
    .lineWidth(0.6)
    .stroke();
  w.text('BỘ GIÁO DỤC VÀ ĐÀO TẠO', LEFT, 80, WIDTH, { face: 'bold', size: 13, align: 'center' });
  w.text('HỌC BẠ', LEFT, 230, WIDTH, { face: 'bold', size: 52, align: 'center' });
  w.text('TRUNG HỌC PHỔ THÔNG', LEFT, 305, WIDTH, { face: 'bold', size: 20, align: 'center' });
  w.text('Họ và tên học sinh', LEFT, 420, WIDTH, { size: 12, align: 'center' });
  let y = 440;
  y += w.text(view.fullName, LEFT, y, WIDTH, { face: 'bold', size: 20, align: 'center' }) + 28;
  for (const school of view.schools) {
    y += w.text(school, LEFT + 40, y, WIDTH - 80, { face: 'bold', size: 13, align: 'center' }) + 6;
  }
  y += 14;
  for (const year of view.years) {
    y +=
      w.text(`Năm học ${year.schoolYear} – Lớp ${year.className}`, LEFT, y, WIDTH, {
        size: 12,
        align: 'center',
      }) + 4;
  }
  w.text(
    'Học bạ số theo mẫu của Thông tư 22/2021/TT-BGDĐT, in từ các trang học bạ đã được phê duyệt và ký số.',
    LEFT + 30,
    PAGE.height - 120,
    WIDTH - 60,
    { face: 'condensed', size: 9, align: 'center', color: '#444444' },
  );
}

function field(
  w: Writer,
  label: string,
  value: string,
  x: number,
  width: number,
  labelWidth: number,
): number {
  return Math.max(
    w.text(`${label}:`, x, w.y, labelWidth, { size: 10.5, color: '#333333' }),
    w.text(value, x + labelWidth, w.y, width - labelWidth, { size: 10.5, face: 'bold' }),
  );
}

function drawPersonal(w: Writer, view: RecordBookView): void {
  const p: PersonalView = view.personal;
  w.line('SƠ YẾU LÝ LỊCH HỌC SINH', { face: 'bold', size: 15, align: 'center' }, 18);
  const rows: Array<[string, string, string?, string?]> = [
    ['Họ và tên', p.fullName, 'Giới tính', p.gender],
    ['Ngày sinh', p.dateOfBirth, 'Dân tộc', p.ethnicity],
    ['Số định danh cá nhân', p.personalId],
    ['Nơi sinh', p.placeOfBirth],
    ['Đối tượng chính sách', p.policyCategory],
    ['Chỗ ở hiện tại', p.address],
  ];
  const half = WIDTH * 0.62;
  for (const [label, value, label2, value2] of rows) {
    let h = field(w, label, value, LEFT, label2 ? half : WIDTH, 140);
    if (label2 && value2 !== undefined)
      h = Math.max(h, field(w, label2, value2, LEFT + half, WIDTH - half, 85));
    w.y += h + 7;
  }
  w.y += 6;
  if (p.guardians.length === 0) {
    w.y += field(w, 'Cha, mẹ hoặc người giám hộ', 'Không ghi', LEFT, WIDTH, 200) + 7;
  }
  for (const g of p.guardians) {
    const h = Math.max(
      field(w, `Họ và tên ${g.relationship.toLocaleLowerCase('vi')}`, g.fullName, LEFT, half, 140),
      field(w, 'Nghề nghiệp', g.occupation || '—', LEFT + half, WIDTH - half, 85),
    );
    w.y += h + 7;
  }
  w.y += 16;
  w.line('QUÁ TRÌNH HỌC TẬP', { face: 'bold', size: 12, align: 'center' }, 8);
  const columns: Column[] = [
    { width: 85, align: 'center' },
    { width: 60, align: 'center' },
    { width: WIDTH - 85 - 60 - 120 },
    { width: 120, align: 'center' },
  ];
  tableRow(
    w,
    columns,
    ['Năm học', 'Lớp', 'Trường', 'Phê duyệt'].map((text) => ({ text, bold: true })),
    SHADE,
  );
  for (const year of view.years) {
    tableRow(w, columns, [
      { text: year.schoolYear },
      { text: year.className },
      { text: year.schoolName },
      { text: year.approval.signedAt, note: `phiên bản ${year.recordVersion}` },
    ]);
  }
  w.y += 10;
  w.line(
    `Thông tin cá nhân lấy từ trang học bạ năm học ${p.source.schoolYear} (phiên bản ${p.source.recordVersion}) đã được phê duyệt và ký số.`,
    { face: 'condensed', size: 8.5, color: '#444444' },
  );
}

const SUBJECT_COLUMNS: Column[] = [
  { width: 150 },
  { width: 46, align: 'center' },
  { width: 46, align: 'center' },
  { width: 46, align: 'center' },
  { width: 68, align: 'center' },
  { width: WIDTH - 150 - 46 * 3 - 68, align: 'center' },
];

const HEADER: TextStyle = { face: 'condensedBold', size: 8.5, align: 'center' };

/** The two-row header: the three periods under one title, the other columns spanning both rows. */
function subjectTableHeader(w: Writer): void {
  const [name, t1, t2, year, again, teacher] = SUBJECT_COLUMNS as [
    Column,
    Column,
    Column,
    Column,
    Column,
    Column,
  ];
  const marksTitle = 'Điểm trung bình môn học hoặc mức đánh giá';
  const marks = t1.width + t2.width + year.width;
  const labels = {
    name: 'Môn học/Hoạt động giáo dục',
    again: 'Điểm hoặc mức đánh giá lại (nếu có)',
    teacher: 'Giáo viên môn học ký xác nhận (họ tên, thời điểm ký số)',
  };
  const tallCells: Array<[Column, string]> = [
    [name, labels.name],
    [again, labels.again],
    [teacher, labels.teacher],
  ];
  const inner = (c: Column) => c.width - 2 * CELL_PAD;
  const bottom = 16;
  const top = w.height(marksTitle, marks - 2 * CELL_PAD, HEADER) + 6;
  const total = Math.max(top + bottom, ...tallCells.map(([c, text]) => w.height(text, inner(c), HEADER) + 8));
  w.fit(total + 20);
  const y = w.y;
  const tall = (x: number, column: Column, text: string) => {
    w.box(x, y, column.width, total, SHADE);
    w.text(
      text,
      x + CELL_PAD,
      y + (total - w.height(text, inner(column), HEADER)) / 2,
      inner(column),
      HEADER,
    );
  };
  tall(LEFT, name, labels.name);
  const x1 = LEFT + name.width;
  w.box(x1, y, marks, total - bottom, SHADE);
  w.text(marksTitle, x1 + CELL_PAD, y + 3, marks - 2 * CELL_PAD, HEADER);
  let x = x1;
  for (const [column, label] of [
    [t1, 'HK I'],
    [t2, 'HK II'],
    [year, 'Cả năm'],
  ] as const) {
    w.box(x, y + total - bottom, column.width, bottom, SHADE);
    w.text(label, x, y + total - bottom + 3.5, column.width, HEADER);
    x += column.width;
  }
  tall(x, again, labels.again);
  tall(x + again.width, teacher, labels.teacher);
  w.y += total;
}

function resultRow(w: Writer, label: string, value: string): void {
  tableRow(w, [{ width: 170 }, { width: WIDTH - 170 }], [{ text: label, bold: true }, { text: value }]);
}

function signatureBlock(
  w: Writer,
  x: number,
  y: number,
  width: number,
  title: string,
  lines: Array<[string, TextStyle]>,
): number {
  let at = y + w.text(title, x, y, width, { face: 'bold', size: 10, align: 'center' }) + 4;
  for (const [text, style] of lines) at += w.text(text, x, at, width, { align: 'center', ...style }) + 2;
  return at - y;
}

function drawYear(w: Writer, view: RecordBookView, year: YearView): void {
  w.continuation = `${view.fullName} – Lớp ${year.className} – Năm học ${year.schoolYear} (tiếp theo)`;
  w.text(`Họ và tên: ${view.fullName}`, LEFT, w.y, WIDTH * 0.55, { face: 'bold', size: 11 });
  w.text(`Lớp: ${year.className}    Năm học: ${year.schoolYear}`, LEFT + WIDTH * 0.55, w.y, WIDTH * 0.45, {
    face: 'bold',
    size: 11,
    align: 'right',
  });
  w.y += 18;
  w.line(`Trường: ${year.schoolName}`, { size: 10.5 }, 10);
  w.line('KẾT QUẢ HỌC TẬP CÁC MÔN HỌC VÀ HOẠT ĐỘNG GIÁO DỤC', { face: 'bold', size: 11, align: 'center' }, 6);

  subjectTableHeader(w);
  for (const s of year.subjects) {
    const row: Cell[] = [
      { text: s.name },
      { text: s.term1 },
      { text: s.term2 },
      { text: s.year, bold: true },
      { text: s.reassessment },
      signed(s.teacher),
    ];
    // A table continued on the next page repeats its header.
    if (w.y + rowHeight(w, SUBJECT_COLUMNS, row) > CONTENT_BOTTOM) {
      w.newPage();
      subjectTableHeader(w);
    }
    tableRow(w, SUBJECT_COLUMNS, row);
  }
  w.y += 4;
  const note = { face: 'condensed', size: 8, color: '#444444' } as const;
  w.line('Môn học đánh giá bằng nhận xét: Đ – Đạt, CĐ – Chưa đạt. Điểm ghi một chữ số thập phân.', note, 2);
  for (const exemption of year.exemptions) w.line(`Ghi chú: ${exemption}`, note, 2);
  w.y += 8;

  w.fit(60);
  w.line('KẾT QUẢ RÈN LUYỆN VÀ HỌC TẬP', { face: 'bold', size: 11, align: 'center' }, 6);
  resultRow(
    w,
    'Kết quả rèn luyện',
    `Học kì I: ${year.conduct.term1 || '—'}; Học kì II: ${year.conduct.term2 || '—'}; Cả năm: ${year.conduct.year || '—'}`,
  );
  if (year.summerConduct) resultRow(w, 'Rèn luyện trong kì nghỉ hè', year.summerConduct);
  resultRow(w, 'Kết quả học tập', `Cả năm: ${year.learningResult || '—'}`);
  resultRow(
    w,
    'Tổng số buổi nghỉ học cả năm',
    `${year.absences.total} (có phép: ${year.absences.excused}, không phép: ${year.absences.unexcused})`,
  );
  resultRow(w, 'Xét lên lớp', year.outcome);
  resultRow(w, 'Khen thưởng', year.awards.length ? year.awards.join('\n') : 'Không');
  resultRow(w, 'Kỷ luật', year.discipline.length ? year.discipline.join('\n') : 'Không');
  w.y += 10;

  const comment = year.homeroomComment ?? 'Không có nhận xét.';
  // The heading stays with the comment (a comment longer than a page starts on a page of its own).
  w.fit(20 + w.height(comment, WIDTH, { size: 10 }));
  w.line('NHẬN XÉT CỦA GIÁO VIÊN CHỦ NHIỆM', { face: 'bold', size: 11 }, 4);
  w.line(comment, { size: 10 }, 12);

  const blockWidth = WIDTH / 2 - 10;
  const left: Array<[string, TextStyle]> = year.homeroom
    ? [
        ['(Đã ký số)', { size: 8.5, color: '#444444' }],
        [year.homeroom.name, { face: 'bold', size: 10.5 }],
        [`Ký lúc ${year.homeroom.signedAt}`, { size: 9 }],
      ]
    : [['(Không có chữ ký số trong trang đã phê duyệt)', { size: 8.5, color: '#444444' }]];
  const right: Array<[string, TextStyle]> = [
    ['(Đã ký số)', { size: 8.5, color: '#444444' }],
    [year.approval.name, { face: 'bold', size: 10.5 }],
    [`Phê duyệt lúc ${year.approval.signedAt}`, { size: 9 }],
    [`Đã đóng dấu số: ${year.seal.name}`, { face: 'bold', size: 9 }],
    [`Đóng dấu lúc ${year.seal.signedAt}`, { size: 9 }],
  ];
  w.fit(110);
  const y = w.y;
  const h = Math.max(
    signatureBlock(w, LEFT, y, blockWidth, 'GIÁO VIÊN CHỦ NHIỆM', left),
    signatureBlock(w, LEFT + WIDTH / 2 + 10, y, blockWidth, 'BAN GIÁM HIỆU PHÊ DUYỆT', right),
  );
  w.y = y + h + 12;

  if (year.correction) {
    const h2 = w.height(year.correction, WIDTH - 12, { face: 'bold', size: 9.5 }) + 10;
    w.fit(h2);
    w.box(LEFT, w.y, WIDTH, h2);
    w.text(year.correction, LEFT + 6, w.y + 5, WIDTH - 12, { face: 'bold', size: 9.5 });
    w.y += h2;
  }
  w.continuation = null;
}

/** The requester's mark on every page: a faint diagonal line and the footer with the verification code. */
function stampPages(doc: PDFKit.PDFDocument, w: Writer, options: PdfExportOptions): void {
  const issued = `Bản sao cấp cho ${options.requester.name} (${roleLabel(options.requester.role)}) ngày ${vietnamDate(options.issuedAt)} – mã ${options.exportId}`;
  const verify = `Mã xác thực: ${options.verificationCode}${options.verifyUrl ? ` – kiểm tra tại ${options.verifyUrl}` : ''}`;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // The footer sits below the bottom margin; without this pdfkit would turn the page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;

    doc.save();
    doc.rotate(-35, { origin: [PAGE.width / 2, PAGE.height / 2] });
    doc.fillOpacity(0.07);
    const mark = nfc(`Bản sao cấp cho ${options.requester.name}`);
    doc.font('bold').fontSize(30);
    const markWidth = doc.widthOfString(mark);
    doc
      .fillColor('#000000')
      .text(mark, PAGE.width / 2 - markWidth / 2, PAGE.height / 2 - 15, { lineBreak: false });
    doc.restore();

    const footerTop = PAGE.height - 62;
    doc
      .moveTo(LEFT, footerTop)
      .lineTo(LEFT + WIDTH, footerTop)
      .lineWidth(0.5)
      .strokeColor('#777777')
      .stroke();
    w.text(issued, LEFT, footerTop + 5, WIDTH, { face: 'condensed', size: 8, color: '#222222' });
    w.text(verify, LEFT, footerTop + 18, WIDTH - 70, { face: 'condensedBold', size: 8.5 });
    w.text(`Trang ${i - range.start + 1}/${range.count}`, LEFT + WIDTH - 70, footerTop + 18, 70, {
      face: 'condensed',
      size: 8,
      align: 'right',
    });
    doc.page.margins.bottom = bottom;
  }
}

function checkOptions(options: PdfExportOptions): void {
  const missing = [
    ['requester.name', options.requester?.name],
    ['exportId', options.exportId],
    ['verificationCode', options.verificationCode],
  ].filter(([, value]) => !value?.trim());
  if (missing.length) {
    throw new RecordBookPdfError(`Bản sao học bạ cần ${missing.map(([name]) => name).join(', ')}.`);
  }
  if (!(options.issuedAt instanceof Date) || Number.isNaN(options.issuedAt.getTime())) {
    throw new RecordBookPdfError('Bản sao học bạ cần thời điểm cấp (issuedAt).');
  }
}

/**
 * The record book as an A4 PDF (see the top of this file). Throws RecordBookPdfError when there is
 * no approved year or an option is missing, YearPageFormatError when a signed page cannot be read.
 */
export async function renderRecordBookPdf(book: RecordBook, options: PdfExportOptions): Promise<Buffer> {
  checkOptions(options);
  const view = recordBookView(book);
  const faces = fontFaces();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: TOP, bottom: PAGE.height - CONTENT_BOTTOM, left: LEFT, right: LEFT },
    bufferPages: true,
    autoFirstPage: false,
    lang: 'vi-VN',
    displayTitle: true,
    info: {
      Title: nfc(`Học bạ – ${view.fullName}`),
      Author: nfc(view.schools.join('; ')),
      Subject: nfc('Học bạ trung học phổ thông (Thông tư 22/2021/TT-BGDĐT)'),
      Keywords: nfc(`mã xác thực ${options.verificationCode}; mã bản sao ${options.exportId}`),
      Creator: 'Học bạ số',
      CreationDate: options.issuedAt,
      ModDate: options.issuedAt,
    },
  });
  const bytes: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => bytes.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(bytes)));
    doc.on('error', reject);
  });
  for (const face of Object.keys(faces) as FontFace[]) doc.registerFont(face, faces[face]);

  const w = new Writer(doc);
  doc.addPage();
  drawCover(w, view);
  w.newPage();
  drawPersonal(w, view);
  for (const year of view.years) {
    w.newPage();
    drawYear(w, view, year);
  }
  stampPages(doc, w, options);
  doc.end();
  return done;
}
