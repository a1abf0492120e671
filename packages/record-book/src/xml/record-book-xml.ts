import { isDeepStrictEqual } from 'node:util';
import { SUBJECTS } from '@hocbaso/assessment';
import type { Attestation, SignatureEvidence } from '@hocbaso/events';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { recordBookSchema, type RecordBook, type SignedYear } from '../record-book';
import { yearPageOf, type PersonalPage, type SubjectPage, type YearPage } from '../year-page';
import { exportMetaSchema, watermarkOf, type ExportMeta } from './export-meta';

/**
 * The record book as XML (sector databases treat the PDF and the XML of a record book as equal).
 * One document per export, in the namespace `urn:hocbaso:record-book:1`, unprefixed:
 *
 * ```
 * recordBook            @format="hocbaso.record-book/1"
 *   studentId           the book's student (platform id)
 *   export              exportId, issuedAt, verificationCode, requester (accountId, name, role)
 *   watermark           who the export was made for (R11), the same line as on the PDF
 *   student             readable: @id; personalId, fullName, dateOfBirth, gender, placeOfBirth,
 *                       ethnicity, policyCategory?, address, guardians/guardian*(@relationship;
 *                       fullName, occupation?, phone?), from the latest year
 *   years/year*         oldest first
 *     signatureId, schoolYear, classId, studentId, recordVersion
 *     school            id, code? (absent: none), name
 *     page?             readable, read from the approval (absent when it cannot be read):
 *                       @schoolYear @className @grade; subjects/subject*(@code @name @kind;
 *                       term1?, term2? (@average @result; regular/mark*, midterm?, final?,
 *                       comment?(progress?, strengths?, limitations?)), yearResult(@average
 *                       @result), reassessment?, exemption?(@period)); conduct(@term1 @term2
 *                       @year @summer @learningResult @outcome @outcomeConfirmed @title);
 *                       absences(@total @excused @unexcused); awards/award*(@id @kind
 *                       @grantedOn; title); discipline/measure*(@id @form @decidedOn; reason);
 *                       homeroomComment?; attestations/attestation*(@role @signatureId
 *                       @subjectCode @period @recordVersion @signedAt; signerName, contentHash,
 *                       certificateFingerprint)
 *     approval, seal    every signature verbatim: signerName, signedAt, algorithm,
 *                       certificateFingerprint, contentHash, signature,
 *                       certificateChain/certificate* (PEM, leaf first), canonical (the signed
 *                       RFC 8785 text)
 * ```
 *
 * An absent optional element or attribute means null. Verbatim texts are element content, escaped
 * so that every XML 1.0 parser gives back the same characters (a carriage return as `&#13;`); a
 * text with a character XML 1.0 cannot carry at all is written as `encoding="base64"` (UTF-8), so
 * the signed parts come back byte for byte. The readable parts are for people and sector
 * databases; `recordBookFromXml` rebuilds them from the signed texts and refuses a document whose
 * readable parts differ, so what a reader sees is what was signed. The export block and watermark
 * are not signed here (the credential signs them); the watermark must match the export block.
 */
export const RECORD_BOOK_XML_NAMESPACE = 'urn:hocbaso:record-book:1';

/** The document is not a record book XML export, or its readable parts differ from what was signed. */
export class RecordBookXmlError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'RecordBookXmlError';
  }
}

// Builder input / parser output: attributes are '@name', text beside attributes is '#text'.
type XmlValue = string | XmlElement | XmlValue[];
interface XmlElement {
  [name: string]: XmlValue | undefined;
}

/** Characters XML 1.0 cannot carry, not even as character references (§2.2). */
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'g');
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Entity references XML 1.0 defines; anything else (an HTML entity, say) is not XML. */
const UNKNOWN_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/;

const escapeText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
// Attribute values are normalized by parsers (tab, newline, CR become spaces) unless referenced.
const escapeAttribute = (text: string) =>
  escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  // Escaping is ours (above): the library's leaves a carriage return raw, which parsers normalize.
  processEntities: false,
  tagValueProcessor: (_name, value) => escapeText(String(value)),
  attributeValueProcessor: (_name, value) => escapeAttribute(String(value)),
});

const REPEATED = new Set([
  'year',
  'certificate',
  'subject',
  'mark',
  'guardian',
  'award',
  'measure',
  'attestation',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // Signed texts are taken exactly as written.
  trimValues: false,
  // Numeric character references (`&#13;`); the named entities beyond XML's five are refused above.
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name),
});

/** A verbatim text: as is, or base64 when XML 1.0 cannot carry one of its characters. */
function verbatim(text: string): XmlValue {
  return NOT_XML_CHAR.test(text)
    ? { '#text': Buffer.from(text, 'utf8').toString('base64'), '@encoding': 'base64' }
    : text;
}

/** A readable text: a character XML cannot carry becomes U+FFFD (the signed text keeps it). */
const readable = (text: string) => text.replace(NOT_XML_CHARS, '\uFFFD');

const optional = <T>(value: T | null, map: (value: T) => XmlValue): XmlValue | undefined =>
  value === null ? undefined : map(value);
const attribute = (value: string | number | boolean | null): string | undefined =>
  value === null ? undefined : readable(String(value));

/** The XML of a record book and its export: readable parts, watermark and every signature verbatim. */
export function recordBookToXml(book: RecordBook, meta: ExportMeta): string {
  const root: XmlElement = {
    '@xmlns': RECORD_BOOK_XML_NAMESPACE,
    '@format': book.format,
    studentId: verbatim(book.studentId),
    export: exportElement(meta),
    ...readableParts(book, meta),
    years: { year: book.years.map((year) => yearElement(year)) },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ recordBook: root })}`;
}

function exportElement(meta: ExportMeta): XmlElement {
  return {
    exportId: verbatim(meta.exportId),
    issuedAt: verbatim(meta.issuedAt),
    verificationCode: verbatim(meta.verificationCode),
    requester: {
      accountId: verbatim(meta.requester.accountId),
      name: verbatim(meta.requester.name),
      role: verbatim(meta.requester.role),
    },
  };
}

/** What a reader sees besides the verbatim data: rebuilt from the signed texts on import. */
function readableParts(book: RecordBook, meta: ExportMeta): { watermark: XmlValue; student: XmlElement } {
  const latest = book.years.map(readPage).findLast((page) => page !== null) ?? null;
  return {
    watermark: readable(watermarkOf(meta)),
    student: { '@id': readable(book.studentId), ...(latest ? personalElement(latest.personal) : {}) },
  };
}

function readPage(year: SignedYear): YearPage | null {
  try {
    return yearPageOf(year.approval);
  } catch {
    return null;
  }
}

function yearElement(year: SignedYear): XmlElement {
  const page = readPage(year);
  return {
    signatureId: verbatim(year.signatureId),
    schoolYear: verbatim(year.schoolYear),
    classId: verbatim(year.classId),
    studentId: verbatim(year.studentId),
    recordVersion: String(year.recordVersion),
    school: {
      id: verbatim(year.school.id),
      code: optional(year.school.code, verbatim),
      name: verbatim(year.school.name),
    },
    page: page ? pageElement(page) : undefined,
    approval: evidenceElement(year.approval),
    seal: evidenceElement(year.seal),
  };
}

function evidenceElement(evidence: SignatureEvidence): XmlElement {
  return {
    signerName: verbatim(evidence.signerName),
    signedAt: verbatim(evidence.signedAt),
    algorithm: verbatim(evidence.algorithm),
    certificateFingerprint: verbatim(evidence.certificateFingerprint),
    contentHash: verbatim(evidence.contentHash),
    signature: verbatim(evidence.signature),
    certificateChain: { certificate: evidence.certificateChain.map(verbatim) },
    canonical: verbatim(evidence.canonical),
  };
}

function personalElement(personal: PersonalPage): XmlElement {
  return {
    personalId: readable(personal.personalId),
    fullName: readable(personal.fullName),
    dateOfBirth: readable(personal.dateOfBirth),
    gender: readable(personal.gender),
    placeOfBirth: readable(personal.placeOfBirth),
    ethnicity: readable(personal.ethnicity),
    policyCategory: optional(personal.policyCategory, readable),
    address: readable(personal.address),
    guardians: {
      guardian: personal.guardians.map((guardian) => ({
        '@relationship': readable(guardian.relationship),
        fullName: readable(guardian.fullName),
        occupation: optional(guardian.occupation, readable),
        phone: optional(guardian.phone, readable),
      })),
    },
  };
}

const SUBJECT_NAMES = new Map<string, string>(SUBJECTS.map((s) => [s.code, s.name]));

function pageElement(page: YearPage): XmlElement {
  const { conduct } = page;
  return {
    '@schoolYear': attribute(page.schoolYear),
    '@className': attribute(page.className),
    '@grade': attribute(page.grade),
    subjects: { subject: page.subjects.map(subjectElement) },
    conduct: {
      '@term1': attribute(conduct.conductTerm1),
      '@term2': attribute(conduct.conductTerm2),
      '@year': attribute(conduct.conductYear),
      '@summer': attribute(conduct.summerConduct),
      '@learningResult': attribute(conduct.learningResult),
      '@outcome': attribute(conduct.outcome),
      '@outcomeConfirmed': attribute(conduct.outcomeConfirmed),
      '@title': attribute(conduct.title),
    },
    absences: {
      '@total': attribute(conduct.absences.total),
      '@excused': attribute(conduct.absences.excused),
      '@unexcused': attribute(conduct.absences.unexcused),
    },
    awards: {
      award: conduct.awards.map((award) => ({
        '@id': attribute(award.id),
        '@kind': attribute(award.kind),
        '@grantedOn': attribute(award.grantedOn),
        title: readable(award.title),
      })),
    },
    discipline: {
      measure: conduct.discipline.map((measure) => ({
        '@id': attribute(measure.id),
        '@form': attribute(measure.form),
        '@decidedOn': attribute(measure.decidedOn),
        reason: readable(measure.reason),
      })),
    },
    homeroomComment: optional(conduct.homeroomComment, readable),
    attestations: { attestation: page.attestations.map(attestationElement) },
  };
}

type Term = NonNullable<SubjectPage['term1']>;
type Mark = Term['midterm'];
const markText = (mark: Mark): string => (mark === null ? '' : readable(String(mark)));

function subjectElement(subject: SubjectPage): XmlElement {
  const period = (result: { average: number | null; result: string | null }): XmlElement => ({
    '@average': attribute(result.average),
    '@result': attribute(result.result),
  });
  const term = (value: Term): XmlElement => ({
    ...period(value),
    regular: { mark: value.regular.map(markText) },
    midterm: optional(value.midterm, markText),
    final: optional(value.final, markText),
    comment: optional(value.comment, (comment) => ({
      progress: optional(comment.progress, readable),
      strengths: optional(comment.strengths, readable),
      limitations: optional(comment.limitations, readable),
    })),
  });
  return {
    '@code': attribute(subject.subjectCode),
    '@name': attribute(SUBJECT_NAMES.get(subject.subjectCode) ?? subject.subjectCode),
    '@kind': attribute(subject.kind),
    term1: optional(subject.term1, term),
    term2: optional(subject.term2, term),
    yearResult: period(subject.year),
    reassessment: optional(subject.reassessment, period),
    exemption: optional(subject.exemption, (exemption) => ({ '@period': attribute(exemption.period) })),
  };
}

function attestationElement(attestation: Attestation): XmlElement {
  const { unit } = attestation;
  return {
    '@role': attribute(attestation.role),
    '@signatureId': attribute(attestation.signatureId),
    '@subjectCode': attribute(unit.unit === 'SUBJECT' ? unit.subjectCode : null),
    '@period': attribute('period' in unit ? unit.period : null),
    '@recordVersion': attribute(attestation.recordVersion),
    '@signedAt': attribute(attestation.signedAt),
    signerName: readable(attestation.signerName),
    contentHash: readable(attestation.contentHash),
    certificateFingerprint: readable(attestation.certificateFingerprint),
  };
}

/**
 * Reads a record book XML export back: the book exactly as it was exported (verify it with
 * `verifyRecordBook`) and its export block. Throws RecordBookXmlError when the document is not
 * one, or when its readable parts or watermark differ from what the signed texts and export say.
 */
export function recordBookFromXml(xml: string): { book: RecordBook; meta: ExportMeta } {
  const root = parseDocument(xml);
  const years = listOf(child(root, 'years', 'recordBook'), 'year', 'recordBook/years').map((year, index) =>
    readYear(year, `recordBook/years/year[${index + 1}]`),
  );
  const exportNode = child(root, 'export', 'recordBook');
  const requester = child(exportNode, 'requester', 'recordBook/export');
  const parsedBook = recordBookSchema.safeParse({
    format: root['@format'],
    studentId: textOf(child(root, 'studentId', 'recordBook'), 'recordBook/studentId'),
    years,
  });
  if (!parsedBook.success)
    throw new RecordBookXmlError(`Học bạ XML không đúng định dạng: ${issuesOf(parsedBook.error)}`);
  const parsedMeta = exportMetaSchema.safeParse({
    exportId: textOf(child(exportNode, 'exportId', 'recordBook/export'), 'recordBook/export/exportId'),
    issuedAt: textOf(child(exportNode, 'issuedAt', 'recordBook/export'), 'recordBook/export/issuedAt'),
    verificationCode: textOf(
      child(exportNode, 'verificationCode', 'recordBook/export'),
      'recordBook/export/verificationCode',
    ),
    requester: {
      accountId: textOf(child(requester, 'accountId', 'recordBook/export/requester'), 'requester/accountId'),
      name: textOf(child(requester, 'name', 'recordBook/export/requester'), 'requester/name'),
      role: textOf(child(requester, 'role', 'recordBook/export/requester'), 'requester/role'),
    },
  });
  if (!parsedMeta.success) {
    throw new RecordBookXmlError(
      `Thông tin bản xuất trong XML không đúng định dạng: ${issuesOf(parsedMeta.error)}`,
    );
  }
  const book = parsedBook.data;
  const meta = parsedMeta.data;
  checkReadableParts(root, book, meta);
  return { book, meta };
}

function parseDocument(xml: string): XmlElement {
  if (typeof xml !== 'string') throw new RecordBookXmlError('Dữ liệu XML phải là văn bản.');
  // No DTD at all: no entity expansion, no external entities, nothing an export needs.
  if (/<!DOCTYPE/i.test(xml)) throw new RecordBookXmlError('Tệp XML không được chứa khai báo DOCTYPE.');
  if (UNKNOWN_ENTITY.test(xml))
    throw new RecordBookXmlError('Tệp XML chứa tham chiếu thực thể không hợp lệ.');
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    throw new RecordBookXmlError(`Tệp XML không đúng cú pháp (dòng ${line}, cột ${col}): ${msg}`);
  }
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch (error) {
    throw new RecordBookXmlError(
      `Tệp XML không đọc được: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const elements = isElement(document) ? Object.keys(document).filter((name) => !name.startsWith('#')) : [];
  const root = isElement(document) ? document['recordBook'] : undefined;
  if (elements.length !== 1 || !isElement(root) || root['@xmlns'] !== RECORD_BOOK_XML_NAMESPACE) {
    throw new RecordBookXmlError(
      `Không phải học bạ số dạng XML: phần tử gốc phải là <recordBook xmlns="${RECORD_BOOK_XML_NAMESPACE}">.`,
    );
  }
  return root;
}

function readYear(node: XmlValue, path: string) {
  const school = child(node, 'school', path);
  const codeNode = isElement(school) ? school['code'] : undefined;
  const recordVersion = textOf(child(node, 'recordVersion', path), `${path}/recordVersion`);
  return {
    signatureId: textOf(child(node, 'signatureId', path), `${path}/signatureId`),
    school: {
      id: textOf(child(school, 'id', `${path}/school`), `${path}/school/id`),
      code: codeNode === undefined ? null : textOf(codeNode, `${path}/school/code`),
      name: textOf(child(school, 'name', `${path}/school`), `${path}/school/name`),
    },
    schoolYear: textOf(child(node, 'schoolYear', path), `${path}/schoolYear`),
    classId: textOf(child(node, 'classId', path), `${path}/classId`),
    studentId: textOf(child(node, 'studentId', path), `${path}/studentId`),
    recordVersion: /^\d{1,15}$/.test(recordVersion) ? Number(recordVersion) : recordVersion,
    approval: readEvidence(child(node, 'approval', path), `${path}/approval`),
    seal: readEvidence(child(node, 'seal', path), `${path}/seal`),
  };
}

function readEvidence(node: XmlValue, path: string) {
  const text = (name: string) => textOf(child(node, name, path), `${path}/${name}`);
  return {
    canonical: text('canonical'),
    contentHash: text('contentHash'),
    algorithm: text('algorithm'),
    signature: text('signature'),
    certificateChain: listOf(
      child(node, 'certificateChain', path),
      'certificate',
      `${path}/certificateChain`,
    ).map((certificate, index) => textOf(certificate, `${path}/certificateChain/certificate[${index + 1}]`)),
    signedAt: text('signedAt'),
    certificateFingerprint: text('certificateFingerprint'),
    signerName: text('signerName'),
  };
}

/** The readable parts and watermark must be exactly what the signed texts and export block give. */
function checkReadableParts(root: XmlElement, book: RecordBook, meta: ExportMeta): void {
  const expected = reparse({
    ...readableParts(book, meta),
    years: { year: book.years.map((year) => ({ page: optional(readPage(year), pageElement) })) },
  });
  if (!sameXml(root['watermark'], expected['watermark'])) {
    throw new RecordBookXmlError(
      'Dòng ghi người yêu cầu bản xuất (watermark) không khớp với thông tin bản xuất.',
    );
  }
  if (!sameXml(root['student'], expected['student'])) {
    throw new RecordBookXmlError('Trang thông tin học sinh trong XML không khớp với nội dung đã ký.');
  }
  const expectedYears = listOf(expected['years'] ?? '', 'year', 'years');
  const actualYears = listOf(root['years'] ?? '', 'year', 'years');
  book.years.forEach((year, index) => {
    const actual = actualYears[index];
    const wanted = expectedYears[index];
    const page = (node: XmlValue | undefined) => (isElement(node) ? node['page'] : undefined);
    if (!sameXml(page(actual), page(wanted))) {
      throw new RecordBookXmlError(
        `Trang kết quả năm học ${year.schoolYear} trong XML không khớp với nội dung đã ký (phiên bản ${year.recordVersion}).`,
      );
    }
  });
}

/** Builds then parses, so expected and actual parts compare in the parser's terms. */
function reparse(element: XmlElement): XmlElement {
  const parsed: unknown = parser.parse(builder.build({ parts: element }));
  const parts = isElement(parsed) ? parsed['parts'] : undefined;
  return isElement(parts) ? parts : {};
}

/** Equal up to indentation: whitespace between child elements is layout, not data. */
function sameXml(a: XmlValue | undefined, b: XmlValue | undefined): boolean {
  return isDeepStrictEqual(withoutLayout(a), withoutLayout(b));
}

function withoutLayout(value: XmlValue | undefined): XmlValue | undefined {
  if (Array.isArray(value)) return value.map((item) => withoutLayout(item) ?? '');
  if (!isElement(value)) return value;
  const result: XmlElement = {};
  for (const [name, item] of Object.entries(value)) {
    if (name === '#text' && typeof item === 'string' && item.trim() === '' && Object.keys(value).length > 1)
      continue;
    result[name] = withoutLayout(item);
  }
  return result;
}

function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(node: XmlValue | undefined, name: string, path: string): XmlValue {
  const value = isElement(node) ? node[name] : undefined;
  if (value === undefined || Array.isArray(value)) {
    throw new RecordBookXmlError(`Thiếu phần tử <${name}> (hoặc có nhiều hơn một) trong ${path}.`);
  }
  return value;
}

/** The repeated `name` children of a list element (`<years>` with its `<year>`s); empty list: none. */
function listOf(node: XmlValue, name: string, path: string): XmlValue[] {
  if (node === '') return [];
  const items = isElement(node) ? node[name] : undefined;
  if (items === undefined) return [];
  if (!Array.isArray(items)) throw new RecordBookXmlError(`Phần tử <${name}> trong ${path} không đọc được.`);
  return items;
}

/** The text of a verbatim element, decoding `encoding="base64"`. */
function textOf(node: XmlValue, path: string): string {
  if (typeof node === 'string') return node;
  if (isElement(node)) {
    const names = Object.keys(node);
    const text = node['#text'] ?? '';
    if (names.every((name) => name === '#text' || name === '@encoding') && typeof text === 'string') {
      if (node['@encoding'] === undefined) return text;
      if (node['@encoding'] === 'base64' && BASE64.test(text))
        return Buffer.from(text, 'base64').toString('utf8');
    }
  }
  throw new RecordBookXmlError(`Phần tử ${path} phải chứa văn bản.`);
}

function issuesOf(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`)
    .join('; ');
}
