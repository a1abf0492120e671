import { XMLParser } from 'fast-xml-parser';
import { recordBookOf, verifyRecordBook, type RecordBook } from '../record-book';
import { createTestSchool, sampleConduct, samplePersonal, signTestYear, type TestSchool } from '../testing';
import type { ExportMeta } from './export-meta';
import { RecordBookXmlError, recordBookFromXml, recordBookToXml } from './record-book-xml';

let school: TestSchool;
let book: RecordBook;

const meta: ExportMeta = {
  exportId: 'export-2026-0001',
  issuedAt: '2026-06-20T02:30:00.000Z',
  requester: { accountId: 'acc-hieutruong', name: 'Lê Văn Thịnh', role: 'PRINCIPAL' },
  verificationCode: 'HB-7Q2K-9XWD',
};

// Characters XML must escape, a carriage return, and Vietnamese in every place people write text.
const awkwardComment = 'Em <ngoan> & "lễ phép"; ghi chú: a > b\r\nđiểm cộng \'thêm\' ]]> hết.';

beforeAll(async () => {
  school = await createTestSchool();
  const first = await signTestYear({ school });
  const second = await signTestYear({
    school,
    schoolYear: '2026-2027',
    grade: 11,
    className: '11A1',
    personal: samplePersonal({ address: 'Số 5 phố Lý Thường Kiệt, Hoàn Kiếm, Hà Nội' }),
    conduct: sampleConduct({ homeroomComment: awkwardComment }),
  });
  book = recordBookOf('student-1', [first, second]);
});

const trusted = () => ({ trustedCas: [school.caPem] });

describe('recordBookToXml / recordBookFromXml', () => {
  it('gives back the same book and export, and the book still verifies', () => {
    const xml = recordBookToXml(book, meta);
    const back = recordBookFromXml(xml);
    expect(back.book).toEqual(book);
    expect(back.meta).toEqual(meta);
    for (const [index, year] of book.years.entries()) {
      expect(back.book.years[index]?.approval.canonical).toBe(year.approval.canonical);
      expect(back.book.years[index]?.seal.canonical).toBe(year.seal.canonical);
    }
    expect(verifyRecordBook(back.book, trusted()).valid).toBe(true);
  });

  it('is readable XML in its namespace, with the watermark, the student and the marks', () => {
    const xml = recordBookToXml(book, meta);
    expect(
      xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<recordBook xmlns="urn:hocbaso:record-book:1"'),
    ).toBe(true);
    const read = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseTagValue: false,
    }).parse(xml);
    const root = read.recordBook;
    expect(root.watermark).toContain('Lê Văn Thịnh');
    expect(root.watermark).toContain('HB-7Q2K-9XWD');
    expect(root.student.fullName).toBe('Nguyễn Thị Ánh Dương');
    expect(root.student.address).toBe('Số 5 phố Lý Thường Kiệt, Hoàn Kiếm, Hà Nội');
    const [firstYear, secondYear] = root.years.year;
    expect(firstYear.page.className).toBe('10A1');
    const math = firstYear.page.subjects.subject.find((s: { code: string }) => s.code === 'TOAN');
    expect(math.name).toBe('Toán');
    expect(math.yearResult.average).toBe('9.1');
    expect(math.term1.midterm).toBe('8.5');
    expect(firstYear.page.conduct.outcome).toBe('PROMOTED');
    expect(firstYear.page.absences).toEqual({ total: '3', excused: '2', unexcused: '1' });
    expect(firstYear.page.awards.award.title).toBe('Học sinh Xuất sắc');
    expect(secondYear.approval.signerName).toBe(school.approverName);
    expect(secondYear.seal.signerName).toBe(school.schoolName);
  });

  it('keeps Vietnamese text and characters XML must escape, byte for byte', () => {
    const xml = recordBookToXml(book, meta);
    expect(xml).toContain('Em &lt;ngoan&gt; &amp; "lễ phép"; ghi chú: a &gt; b&#13;');
    const back = recordBookFromXml(xml);
    const canonical = back.book.years[1]?.approval.canonical ?? '';
    expect(canonical).toContain(JSON.stringify(awkwardComment));
    expect(
      Buffer.from(canonical, 'utf8').equals(Buffer.from(book.years[1]?.approval.canonical ?? '', 'utf8')),
    ).toBe(true);
  });

  it('carries a text XML cannot hold (a control character) as base64 and gives it back', () => {
    const odd = structuredClone(book);
    odd.years[0]!.school.name = 'Trường\u0001THPT';
    odd.years[0]!.school.code = null;
    const xml = recordBookToXml(odd, meta);
    expect(xml).toMatch(/<name encoding="base64">/);
    expect(recordBookFromXml(xml).book).toEqual(odd);
  });

  it('fails verification when a mark is changed inside the signed text', () => {
    const xml = recordBookToXml(book, meta);
    const tamperedXml = xml.replace('"average":9.1', '"average":9.9');
    expect(tamperedXml).not.toBe(xml);
    // The readable page is left alone, so the import refuses the mismatch before verification.
    expect(() => recordBookFromXml(tamperedXml)).toThrow(RecordBookXmlError);

    // Changed both in the signed text and the readable page: reads, but no longer verifies.
    const both = tamperedXml.replace('<yearResult average="9.1"/>', '<yearResult average="9.9"/>');
    const { book: tampered } = recordBookFromXml(both);
    const verification = verifyRecordBook(tampered, trusted());
    expect(verification.valid).toBe(false);
    expect(verification.years[0]?.problems.map((p) => p.code)).toContain('CONTENT_CHANGED');
    expect(verification.years[1]?.valid).toBe(true);
  });

  it('refuses a readable page or watermark that differs from what was signed and exported', () => {
    const xml = recordBookToXml(book, meta);
    const page = xml.replace('<yearResult average="9.1"/>', '<yearResult average="9.9"/>');
    expect(() => recordBookFromXml(page)).toThrow('Trang kết quả năm học 2025-2026');
    const watermark = xml.replace(
      '<watermark>Bản xuất cho Lê Văn Thịnh',
      '<watermark>Bản xuất cho Người Khác',
    );
    expect(() => recordBookFromXml(watermark)).toThrow('watermark');
    const student = xml.replace(
      '<fullName>Nguyễn Thị Ánh Dương</fullName>',
      '<fullName>Nguyễn Văn B</fullName>',
    );
    expect(() => recordBookFromXml(student)).toThrow('Trang thông tin học sinh');
  });

  it('reads a re-indented document the same', () => {
    const xml = recordBookToXml(book, meta);
    const flat = xml.replace(/>\n\s*</g, '><');
    expect(recordBookFromXml(flat).book).toEqual(book);
  });

  it('refuses what is not a record book XML export', () => {
    expect(() => recordBookFromXml('<recordBook><studentId>x</studentId>')).toThrow(RecordBookXmlError);
    expect(() => recordBookFromXml('<recordBook xmlns="urn:other"/>')).toThrow('phần tử gốc');
    expect(() => recordBookFromXml('<!DOCTYPE r [<!ENTITY e "x">]><recordBook/>')).toThrow('DOCTYPE');
    expect(() =>
      recordBookFromXml('<recordBook xmlns="urn:hocbaso:record-book:1">&nbsp;</recordBook>'),
    ).toThrow('thực thể');
    expect(() => recordBookFromXml('<recordBook xmlns="urn:hocbaso:record-book:1"/>')).toThrow(
      'Thiếu phần tử',
    );
  });
});
