import { verifyRecordBookCredential, type CredentialVerification } from '../credential/verify-credential';
import { verifyRecordBook, type RecordBookVerification, type Trust } from '../record-book';
import type { ExportMeta } from '../xml/export-meta';
import { recordBookFromXml, RecordBookXmlError } from '../xml/record-book-xml';

/** What an exported file turned out to be. */
export type ExportFileKind = 'CREDENTIAL' | 'RECORD_BOOK' | 'XML';

export interface ExportFileVerification {
  kind: ExportFileKind | null;
  valid: boolean;
  /** Problems of the file or the credential; each year's own are in `book`. */
  problems: Array<{ code: string; message: string }>;
  book: RecordBookVerification | null;
  /** The credential's issuer (credentials only). */
  issuer: CredentialVerification['issuer'];
  export: ExportMeta | null;
}

/**
 * Verifies the text of an exported file with nothing but `trust`: a record book credential (JSON
 * with a proof), a plain record book (JSON) or a record book XML export. Never throws.
 */
export function verifyExportText(text: string, trust: Trust, at?: Date): ExportFileVerification {
  const content = text.replace(/^\uFEFF/, '');
  if (content.trimStart().startsWith('<')) return verifyXml(content, trust, at);
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return unreadable(null, 'Tệp không phải JSON hay XML đọc được.');
  }
  if (isCredential(parsed)) {
    const verification = verifyRecordBookCredential(parsed, trust, at);
    return { kind: 'CREDENTIAL', ...verification };
  }
  const book = verifyRecordBook(parsed, trust, at);
  return {
    kind: 'RECORD_BOOK',
    valid: book.valid,
    problems: book.problems,
    book,
    issuer: null,
    export: null,
  };
}

function verifyXml(xml: string, trust: Trust, at?: Date): ExportFileVerification {
  let read: ReturnType<typeof recordBookFromXml>;
  try {
    read = recordBookFromXml(xml);
  } catch (error) {
    const message = error instanceof RecordBookXmlError ? error.message : 'Tệp XML không đọc được.';
    return unreadable('XML', message);
  }
  const book = verifyRecordBook(read.book, trust, at);
  return { kind: 'XML', valid: book.valid, problems: book.problems, book, issuer: null, export: read.meta };
}

function isCredential(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return 'proof' in value || (Array.isArray(type) && type.includes('VerifiableCredential'));
}

const unreadable = (kind: ExportFileKind | null, message: string): ExportFileVerification => ({
  kind,
  valid: false,
  problems: [{ code: 'FORMAT', message }],
  book: null,
  issuer: null,
  export: null,
});

const KIND_NAMES: Record<ExportFileKind, string> = {
  CREDENTIAL: 'chứng chỉ số W3C (Verifiable Credential, bằng chứng ecdsa-jcs-2019)',
  RECORD_BOOK: 'học bạ số dạng JSON (hocbaso.record-book/1)',
  XML: 'học bạ số dạng XML (urn:hocbaso:record-book:1)',
};

/** Vietnam has kept UTC+7 without daylight saving since 1975. */
export function vietnamTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const local = new Date(time.getTime() + 7 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())} ngày ${two(local.getUTCDate())}/` +
    `${two(local.getUTCMonth() + 1)}/${local.getUTCFullYear()}`
  );
}

const isoDate = (date: string) => date.split('-').reverse().join('/');

/** The report a person reads: what was checked, per year who approved and sealed it, the verdict. */
export function describeVerification(result: ExportFileVerification, fileName: string): string {
  const lines: string[] = ['HỌC BẠ SỐ — KẾT QUẢ KIỂM TRA NGOẠI TUYẾN'];
  lines.push(`Tệp: ${fileName}${result.kind ? ` — ${KIND_NAMES[result.kind]}` : ''}`);
  if (result.issuer) {
    lines.push(
      `Đơn vị cấp: ${result.issuer.name} (${result.issuer.id}), đóng dấu số bởi ` +
        `"${result.issuer.sealedBy ?? 'không đọc được chứng thư'}" lúc ${vietnamTime(result.issuer.at)}`,
    );
  }
  if (result.export) {
    const { requester } = result.export;
    lines.push(
      `Bản xuất số ${result.export.exportId} cho ${requester.name} (${requester.role}, tài khoản ` +
        `${requester.accountId}) lúc ${vietnamTime(result.export.issuedAt)}, mã kiểm tra ${result.export.verificationCode}`,
    );
  }
  const years = result.book?.years ?? [];
  const latest = years.map((year) => year.page).findLast((page) => page !== null);
  if (latest) {
    lines.push(
      `Học sinh: ${latest.personal.fullName} (mã học sinh ${latest.studentId}), ` +
        `sinh ngày ${isoDate(latest.personal.dateOfBirth)}`,
    );
  }
  for (const year of years) {
    const where = year.page ? `, lớp ${year.page.className}, phiên bản ${year.page.recordVersion}` : '';
    lines.push(`Năm học ${year.schoolYear}${where}: ${year.valid ? 'HỢP LỆ' : 'KHÔNG HỢP LỆ'}`);
    if (year.approvedBy)
      lines.push(`  Phê duyệt: ${year.approvedBy.name} lúc ${vietnamTime(year.approvedBy.at)}`);
    if (year.sealedBy)
      lines.push(`  Đóng dấu số: ${year.sealedBy.name} lúc ${vietnamTime(year.sealedBy.at)}`);
    for (const problem of year.problems) lines.push(`  - [${problem.code}] ${problem.message}`);
  }
  if (result.book && years.length === 0 && result.problems.length === 0) {
    lines.push('Học bạ không có năm học nào đã phê duyệt.');
  }
  if (result.problems.length > 0) {
    lines.push('Vấn đề:');
    for (const problem of result.problems) lines.push(`  - [${problem.code}] ${problem.message}`);
  }
  lines.push(
    result.valid
      ? 'KẾT LUẬN: HỢP LỆ — mọi chữ ký phê duyệt và con dấu số đều đúng, do tổ chức chứng thực tin cậy cấp.'
      : 'KẾT LUẬN: KHÔNG HỢP LỆ — xem các vấn đề ở trên.',
  );
  return `${lines.join('\n')}\n`;
}
