import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Attestation } from '@hocbaso/events';
import { recordBookOf, type RecordBook } from '../record-book';
import { createTestSchool, sampleConduct, samplePersonal, signTestYear, type TestSchool } from '../testing';
import type { SubjectPage } from '../year-page';
import { RecordBookPdfError, renderRecordBookPdf, type PdfExportOptions } from './index';

/** Each page's text as PDF.js extracts it (a real parser, in a child process), not normalised. */
function pdfPages(pdf: Buffer): string[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'pdf-text.mjs')], { input: pdf });
  return JSON.parse(out.toString('utf8')) as string[];
}

/** NFC, and every run of white space (line breaks of wrapped text, gaps between cells) as one space. */
const flat = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ');

const term = (average: number) => ({
  regular: [average, average],
  midterm: average,
  final: average,
  average,
  result: null,
  comment: null,
});
const passTerm = (result: 'DAT' | 'CHUA_DAT') => ({
  regular: [result, result],
  midterm: result,
  final: result,
  average: null,
  result,
  comment: null,
});
const scored = (subjectCode: string, t1: number, t2: number, year: number, again?: number): SubjectPage => ({
  subjectCode,
  kind: 'SCORE',
  term1: term(t1),
  term2: term(t2),
  year: { average: year, result: null },
  reassessment: again === undefined ? null : { average: again, result: null },
  exemption: null,
});
const commented = (
  subjectCode: string,
  t1: 'DAT' | 'CHUA_DAT',
  t2: 'DAT' | 'CHUA_DAT',
  again?: 'DAT' | 'CHUA_DAT',
): SubjectPage => ({
  subjectCode,
  kind: 'COMMENT',
  term1: passTerm(t1),
  term2: passTerm(t2),
  year: { average: null, result: t2 },
  reassessment: again === undefined ? null : { average: null, result: again },
  exemption: null,
});

const attestation = (
  school: TestSchool,
  schoolYear: string,
  classId: string,
  signer: string,
  signedAt: string,
  subjectCode: string | null,
): Attestation => ({
  signatureId: `sig-${schoolYear}-${subjectCode ?? 'conduct'}`,
  role: subjectCode ? 'SUBJECT_TEACHER' : 'HOMEROOM_TEACHER',
  unit: subjectCode
    ? { unit: 'SUBJECT', schoolId: school.schoolId, schoolYear, period: 'YEAR', classId, subjectCode }
    : { unit: 'CLASS_CONDUCT', schoolId: school.schoolId, schoolYear, period: 'YEAR', classId },
  recordVersion: 1,
  signerName: signer,
  signedAt,
  contentHash: 'c'.repeat(64),
  certificateFingerprint: 'f'.repeat(64),
});

/**
 * The first year's subjects, given out of the template's order, each with the row the page must
 * print: the national subject name, HK I, HK II, cả năm, then the re-assessment when there is one
 * (written here by hand: one decimal, a decimal comma, Đ/CĐ for comment subjects).
 */
const YEAR_1 = [
  { page: scored('TOAN', 9, 9.5, 9.3), row: 'Toán 9,0 9,5 9,3', teacher: 'Lê Thị Hồng Nhung' },
  {
    page: commented('HD_TRAI_NGHIEM_HUONG_NGHIEP', 'DAT', 'CHUA_DAT', 'DAT'),
    row: 'Hoạt động trải nghiệm, hướng nghiệp Đ CĐ CĐ Đ',
    teacher: 'Ngô Thị Bích Ngọc',
  },
  { page: scored('NGU_VAN', 7.8, 8.3, 8.1), row: 'Ngữ văn 7,8 8,3 8,1', teacher: 'Đặng Quốc Việt' },
  { page: commented('GD_THE_CHAT', 'DAT', 'DAT'), row: 'Giáo dục thể chất Đ Đ Đ', teacher: 'Phạm Văn Dũng' },
  { page: scored('LICH_SU', 4, 4.6, 4.4, 6), row: 'Lịch sử 4,0 4,6 4,4 6,0', teacher: 'Vũ Đình Khải' },
];
/** The order of the national template (and of the assessment catalogue). */
const TEMPLATE_ORDER = ['Ngữ văn', 'Toán', 'Lịch sử', 'Giáo dục thể chất', 'Hoạt động trải nghiệm'];

const COMMENT =
  'Em ngoan, lễ phép, chăm chỉ; tiến bộ rõ rệt ở môn Ngữ văn, cần rèn luyện thể lực đều đặn hơn.';
const NEW_ADDRESS = 'Số 5 đường Lê Lợi, phường Bến Nghé, Thành phố Hồ Chí Minh';

const options: PdfExportOptions = {
  requester: { accountId: 'acc-parent-1', name: 'Phạm Minh Đức', role: 'PARENT' },
  exportId: 'exp-7f3a',
  // 18:00 UTC is already the next day in Vietnam.
  issuedAt: new Date('2027-08-01T18:00:00.000Z'),
  verificationCode: 'HB-4K7Q-92XZ',
  verifyUrl: 'https://hocbaso.example/xac-thuc',
};
const WATERMARK = 'Bản sao cấp cho Phạm Minh Đức (Cha mẹ học sinh) ngày 02/08/2027 – mã exp-7f3a';

let first: TestSchool;
let second: TestSchool;
let book: RecordBook;
let pdf: Buffer;
let pages: string[];

beforeAll(async () => {
  first = await createTestSchool({ schoolId: 'school-cva', schoolName: 'Trường THPT Chu Văn An' });
  second = await createTestSchool({
    schoolId: 'school-lqd',
    schoolName: 'Trường THPT Lê Quý Đôn',
    approverName: 'Đỗ Thị Ngọc Hà',
  });
  const year1 = await signTestYear({
    school: first,
    schoolYear: '2025-2026',
    classId: 'class-10a1',
    className: '10A1',
    grade: 10,
    subjects: YEAR_1.map((s) => s.page),
    conduct: sampleConduct({
      conductTerm1: 'KHA',
      conductTerm2: 'TOT',
      conductYear: 'TOT',
      learningResult: 'DAT',
      outcome: 'PROMOTED',
      title: null,
      absences: { total: 7, excused: 5, unexcused: 2 },
      awards: [
        {
          id: 'aw-1',
          kind: 'COMMENDATION',
          title: 'Giải Ba Hội khỏe Phù Đổng cấp tỉnh',
          grantedOn: '2026-04-12',
        },
      ],
      discipline: [],
      // Decomposed, as some keyboards type it: the copy must print the composed letters.
      homeroomComment: COMMENT.normalize('NFD'),
    }),
    attestations: [
      ...YEAR_1.map((s) =>
        attestation(
          first,
          '2025-2026',
          'class-10a1',
          s.teacher,
          '2026-05-20T02:30:00.000Z',
          s.page.subjectCode,
        ),
      ),
      attestation(first, '2025-2026', 'class-10a1', 'Trần Thị Thu Hằng', '2026-05-22T09:00:00.000Z', null),
    ],
    signedAt: new Date('2026-05-28T03:15:00.000Z'),
  });
  const year2 = (recordVersion: number, literature: number, signedAt: string, outcome: string) =>
    signTestYear({
      school: second,
      schoolYear: '2026-2027',
      classId: 'class-11a2',
      className: '11A2',
      grade: 11,
      recordVersion,
      personal: samplePersonal({ address: NEW_ADDRESS, policyCategory: 'Con thương binh' }),
      subjects: [scored('NGU_VAN', 6.5, literature, literature), commented('GD_THE_CHAT', 'DAT', 'DAT')],
      conduct: sampleConduct({
        conductTerm1: 'DAT',
        conductTerm2: 'CHUA_DAT',
        conductYear: 'CHUA_DAT',
        summerConduct: 'DAT',
        learningResult: 'KHA',
        outcome,
        title: null,
        awards: [],
        discipline: [
          { id: 'd-1', form: 'Khiển trách', reason: 'Vi phạm nội quy thi', decidedOn: '2027-03-15' },
        ],
        homeroomComment: 'Em đã tiến bộ sau đợt rèn luyện trong hè.',
      }),
      attestations: [],
      signedAt: new Date(signedAt),
    });
  // The second year was corrected after approval: version 2 replaces version 1.
  const superseded = await year2(1, 6.9, '2027-05-27T01:00:00.000Z', 'RETAINED');
  const corrected = await year2(2, 7.4, '2027-07-10T17:30:00.000Z', 'PROMOTED');
  book = recordBookOf('student-1', [corrected, year1, superseded]);
  pdf = await renderRecordBookPdf(book, options);
  pages = pdfPages(pdf).map(flat);
});

const pageOf = (schoolYear: string) => pages.findIndex((p) => p.includes(`Năm học: ${schoolYear}`));

describe('renderRecordBookPdf', () => {
  it('prints a cover, the personal page and one page per school year, the newest version of each', () => {
    const schoolYears = new Set(book.years.map((y) => y.schoolYear));
    expect(book.years).toHaveLength(3);
    expect(pages).toHaveLength(2 + schoolYears.size);
    expect(pageOf('2025-2026')).toBe(2);
    expect(pageOf('2026-2027')).toBe(3);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // An embedded TrueType font, not a standard PDF font without Vietnamese glyphs.
    expect(pdf.includes('/FontFile2')).toBe(true);
  });

  it('gives back every Vietnamese letter exactly: names, subjects, headings, the comment', () => {
    const all = pages.join(' ');
    for (const text of [
      'Nguyễn Thị Ánh Dương',
      'Đặng Quốc Việt',
      'Trần Thị Thu Hằng',
      'Ngữ văn',
      'Giáo dục thể chất',
      'Kết quả rèn luyện',
      'Trường THPT Lê Quý Đôn',
    ]) {
      expect(all).toContain(text);
    }
    expect(all).toContain(COMMENT);
    expect(all).not.toContain('\uFFFD');
  });

  it('draws text composed (NFC) even when the signed page holds it decomposed', () => {
    const raw = pdfPages(pdf)[2] ?? '';
    expect(raw.replace(/\s+/g, ' ')).toContain(COMMENT);
    expect(raw).not.toContain(COMMENT.normalize('NFD').slice(0, 12));
  });

  it('shows on the cover the student, both schools and the years', () => {
    const cover = pages[0] ?? '';
    expect(cover).toContain('HỌC BẠ');
    expect(cover).toContain('TRUNG HỌC PHỔ THÔNG');
    expect(cover).toContain('Nguyễn Thị Ánh Dương');
    expect(cover).toContain('Trường THPT Chu Văn An');
    expect(cover).toContain('Trường THPT Lê Quý Đôn');
    expect(cover).toContain('Năm học 2025-2026 – Lớp 10A1');
    expect(cover).toContain('Năm học 2026-2027 – Lớp 11A2');
  });

  it('prints the personal page from the newest year', () => {
    const personal = pages[1] ?? '';
    const p = samplePersonal();
    expect(personal).toContain(`Họ và tên: ${p.fullName}`);
    expect(personal).toContain('Ngày sinh: 14/03/2008');
    expect(personal).toContain('Giới tính: Nữ');
    expect(personal).toContain(`Nơi sinh: ${p.placeOfBirth}`);
    expect(personal).toContain(`Dân tộc: ${p.ethnicity}`);
    expect(personal).toContain('Đối tượng chính sách: Con thương binh');
    expect(personal).toContain(`Chỗ ở hiện tại: ${NEW_ADDRESS}`);
    expect(personal).not.toContain(p.address);
    expect(personal).toContain('Họ và tên cha: Nguyễn Văn Đức Nghề nghiệp: Kỹ sư');
    expect(personal).toContain('Họ và tên mẹ: Trần Thị Thủy Nghề nghiệp: Giáo viên');
  });

  it('prints each subject of a year with its marks and the teacher who signed it, in the template order', () => {
    const page = pages[pageOf('2025-2026')] ?? '';
    expect(page).toContain('Lớp: 10A1 Năm học: 2025-2026');
    expect(page).toContain('Trường: Trường THPT Chu Văn An');
    for (const subject of YEAR_1) {
      expect(page).toContain(`${subject.row} ${subject.teacher} Ký số 20/05/2026 09:30`);
    }
    const positions = TEMPLATE_ORDER.map((name) => page.indexOf(name));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('prints the results, absences, outcome, awards, the comment and who signed, approved and sealed', () => {
    const page = pages[pageOf('2025-2026')] ?? '';
    expect(page).toContain('Kết quả rèn luyện Học kì I: Khá; Học kì II: Tốt; Cả năm: Tốt');
    expect(page).toContain('Kết quả học tập Cả năm: Đạt');
    expect(page).toContain('Tổng số buổi nghỉ học cả năm 7 (có phép: 5, không phép: 2)');
    expect(page).toContain('Xét lên lớp Được lên lớp');
    expect(page).toContain('Khen thưởng Giải Ba Hội khỏe Phù Đổng cấp tỉnh (12/04/2026)');
    expect(page).toContain('Kỷ luật Không');
    expect(page).toContain(`NHẬN XÉT CỦA GIÁO VIÊN CHỦ NHIỆM ${COMMENT}`);
    expect(page).toContain('Trần Thị Thu Hằng Ký lúc 22/05/2026 16:00');
    expect(page).toContain('Nguyễn Thị Hương Phê duyệt lúc 28/05/2026 10:15');
    expect(page).toContain('Đã đóng dấu số: Trường THPT Chu Văn An Đóng dấu lúc 28/05/2026 10:15');
  });

  it('prints the corrected version of a year, its summer step and discipline, not the superseded one', () => {
    const page = pages[pageOf('2026-2027')] ?? '';
    expect(page).toContain('Ngữ văn 6,5 7,4 7,4');
    expect(page).not.toContain('6,9');
    expect(page).toContain('Rèn luyện trong kì nghỉ hè Đạt');
    expect(page).toContain('Xét lên lớp Được lên lớp');
    expect(page).not.toContain('Ở lại lớp');
    expect(page).toContain('Kỷ luật Khiển trách: Vi phạm nội quy thi (quyết định ngày 15/03/2027)');
    expect(page).toContain('Đỗ Thị Ngọc Hà Phê duyệt lúc 11/07/2027 00:30');
    expect(page).toContain('Đã đóng dấu số: Trường THPT Lê Quý Đôn');
  });

  it('adds the correction note only to a year signed again after a correction', () => {
    const note =
      'Học bạ năm học này đã được chỉnh sửa theo quyết định, phiên bản 2, phê duyệt lại ngày 11/07/2027.';
    pages.forEach((page, i) => {
      if (i === pageOf('2026-2027')) expect(page).toContain(note);
      else expect(page).not.toContain('đã được chỉnh sửa');
    });
  });

  it('marks every page with its requester, the export id and the verification code', () => {
    pages.forEach((page, i) => {
      expect(page).toContain(WATERMARK);
      expect(page).toContain(`Mã xác thực: ${options.verificationCode}`);
      expect(page).toContain(options.verifyUrl);
      expect(page).toContain(`Trang ${i + 1}/${pages.length}`);
    });
  });

  it('refuses a book with no approved year, and a copy without its verification code', async () => {
    await expect(renderRecordBookPdf(recordBookOf('student-1', []), options)).rejects.toBeInstanceOf(
      RecordBookPdfError,
    );
    await expect(renderRecordBookPdf(book, { ...options, verificationCode: ' ' })).rejects.toThrow(
      'verificationCode',
    );
  });
});
