import { createHash, randomBytes } from 'node:crypto';
import { AppError, forbidden, notFound } from '@hocbaso/errors';
import { recordBookExported } from '@hocbaso/events';
import {
  issueRecordBookCredential,
  recordBookOf,
  recordBookToXml,
  renderRecordBookPdf,
  type ExportMeta,
} from '@hocbaso/record-book';
import type { Principal } from '@hocbaso/service-kit';
import { sealKeyRef } from '@hocbaso/signing';
import { familyRelationOf } from '../domain/record-shares';
import type { RecordExportDocument } from '../model/export.model';
import { actorOf, archiveEvent, type ArchiveDeps, type Caller } from './deps';
import { readRecordBook, readWholeRecordBook, type SignedYearView } from './record-book';

export type ExportFormat = RecordExportDocument['format'];

export interface RecordBookExport {
  exportId: string;
  format: ExportFormat;
  fileName: string;
  mediaType: string;
  /** base64 (PDF) or the text itself (XML, JSON). */
  content: string;
  encoding: 'BASE64' | 'UTF8';
  verificationCode: string;
  contentHash: string;
  schoolYears: string[];
}

/** Crockford's base32 without I, L, O, U: a code people read off paper and type without confusion. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function verificationCodeOf(bytes: Uint8Array): string {
  let code = '';
  for (let i = 0; i < 12; i += 1) code += CODE_ALPHABET[(bytes[i] ?? 0) % 32];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}`;
}

/** The role the requester acts in, as the watermark names it. */
const roleOf = (principal: Principal, schoolId: string) =>
  principal.roles.find((g) => g.scope.schoolId === schoolId)?.role ?? principal.roles[0]?.role ?? 'UNKNOWN';

/** Who a copy is for, as the watermark, the credential and the export log name them. */
export interface ExportRequester {
  /** The account, or `record-share:<id>` for a recipient reading through a share. */
  accountId: string;
  name: string;
  role: string;
  /** The share the copy was read through: its recipient and purpose are logged with the copy. */
  share: { shareId: string; recipient: string; purpose: string } | null;
}

/**
 * Bản sao học bạ: the signed record book as a PDF laid out like the national template, as XML with
 * every signature, or as a verifiable credential sealed by the school that manages the student.
 * Only the years the requester may read, only if every one verifies; every export is logged (who,
 * when, what, the file's hash), published, and watermarked with its requester. The student and a
 * parent (verified family link) get their own copy of the whole book.
 */
export async function exportRecordBook(
  deps: ArchiveDeps,
  caller: Caller,
  input: { studentId: string; format: ExportFormat },
): Promise<RecordBookExport> {
  const principal = caller.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  const relation = familyRelationOf(principal, input.studentId);
  // A family account copies its own student's book, never another's.
  if (!relation && principal.roles.every((g) => g.role === 'PARENT' || g.role === 'STUDENT'))
    throw forbidden('Cha mẹ và học sinh chỉ được lấy bản sao học bạ của chính học sinh đó.');
  const years = relation
    ? await readWholeRecordBook(deps, input.studentId)
    : await readRecordBook(deps, caller, input.studentId);
  if (!years) throw notFound('Không có học bạ đã phê duyệt nào của học sinh mà bạn được xem.');
  const student = await deps.facts.student(input.studentId);
  const managingSchoolId = student?.schoolId ?? years.at(-1)!.document.schoolId;
  return issueExport(deps, caller, {
    studentId: input.studentId,
    format: input.format,
    years,
    managingSchoolId,
    requester: {
      accountId: principal.accountId,
      name: principal.username,
      role: relation ?? roleOf(principal, managingSchoolId),
      share: null,
    },
  });
}

/**
 * The copy a share's recipient reads: the whole book as a verifiable credential, logged and
 * published like every export, its requester the share (recipient and purpose), so that every
 * copy that left through a share is attributable to the consents behind it.
 */
export async function exportForShare(
  deps: ArchiveDeps,
  caller: Caller,
  share: { shareId: string; studentId: string; recipient: string; purpose: string },
): Promise<RecordBookExport> {
  const years = await readWholeRecordBook(deps, share.studentId);
  if (!years) throw new AppError('SHARE_INVALID');
  const student = await deps.facts.student(share.studentId);
  return issueExport(deps, caller, {
    studentId: share.studentId,
    format: 'CREDENTIAL',
    years,
    managingSchoolId: student?.schoolId ?? years.at(-1)!.document.schoolId,
    requester: {
      accountId: `record-share:${share.shareId}`,
      name: share.recipient,
      role: 'RECORD_SHARE',
      share: { shareId: share.shareId, recipient: share.recipient, purpose: share.purpose },
    },
  });
}

async function issueExport(
  deps: ArchiveDeps,
  caller: Caller,
  input: {
    studentId: string;
    format: ExportFormat;
    years: SignedYearView[];
    managingSchoolId: string;
    requester: ExportRequester;
  },
): Promise<RecordBookExport> {
  const { years, requester, managingSchoolId } = input;
  const broken = years.filter((y) => !y.verification.valid);
  if (broken.length > 0) {
    throw new AppError('SIGNATURE_INVALID', {
      message: `Không cấp bản sao: chữ ký học bạ năm học ${broken.map((y) => y.document.schoolYear).join(', ')} không hợp lệ.`,
    });
  }
  const book = recordBookOf(
    input.studentId,
    years.map((y) => y.signed),
  );
  const issuedAt = deps.now();
  const meta: ExportMeta = {
    exportId: deps.newId(),
    issuedAt: issuedAt.toISOString(),
    requester: { accountId: requester.accountId, name: requester.name, role: requester.role },
    verificationCode: verificationCodeOf(randomBytes(12)),
  };
  const file = await render(deps, input.format, book, meta, managingSchoolId, issuedAt);
  const contentHash = createHash('sha256').update(file.bytes).digest('hex');
  const schoolYears = book.years.map((y) => y.schoolYear);
  await deps.exports.create({
    _id: meta.exportId,
    studentId: input.studentId,
    format: input.format,
    schoolYears,
    requestedBy: requester.accountId,
    requesterRole: requester.role,
    share: requester.share,
    verificationCode: meta.verificationCode,
    contentHash,
    issuedAt,
    events: [
      archiveEvent(recordBookExported, `exports/${meta.exportId}`, input.studentId, {
        exportId: meta.exportId,
        studentId: input.studentId,
        format: input.format,
        schoolYears,
        requestedBy: { accountId: requester.accountId, role: requester.role },
        verificationCode: meta.verificationCode,
        contentHash,
        actor: actorOf(caller),
      }),
    ],
  });
  deps.changed();
  return {
    exportId: meta.exportId,
    format: input.format,
    fileName: `hoc-ba-${input.studentId}.${file.extension}`,
    mediaType: file.mediaType,
    content: file.encoding === 'BASE64' ? file.bytes.toString('base64') : file.bytes.toString('utf8'),
    encoding: file.encoding,
    verificationCode: meta.verificationCode,
    contentHash,
    schoolYears,
  };
}

async function render(
  deps: ArchiveDeps,
  format: ExportFormat,
  book: ReturnType<typeof recordBookOf>,
  meta: ExportMeta,
  schoolId: string,
  issuedAt: Date,
): Promise<{ bytes: Buffer; extension: string; mediaType: string; encoding: 'BASE64' | 'UTF8' }> {
  switch (format) {
    case 'PDF':
      return {
        bytes: await renderRecordBookPdf(book, { ...meta, issuedAt, verifyUrl: deps.exportVerifyUrl }),
        extension: 'pdf',
        mediaType: 'application/pdf',
        encoding: 'BASE64',
      };
    case 'XML':
      return {
        bytes: Buffer.from(recordBookToXml(book, meta), 'utf8'),
        extension: 'xml',
        mediaType: 'application/xml',
        encoding: 'UTF8',
      };
    case 'CREDENTIAL': {
      const school = await deps.facts.school(schoolId);
      const credential = await issueRecordBookCredential(book, {
        signer: deps.signer,
        keyRef: sealKeyRef(schoolId),
        issuer: { id: schoolId, name: school?.name ?? schoolId },
        meta,
        now: issuedAt,
      });
      return {
        bytes: Buffer.from(JSON.stringify(credential, null, 2), 'utf8'),
        extension: 'vc.json',
        mediaType: 'application/vc+json',
        encoding: 'UTF8',
      };
    }
  }
}

/** What a code printed on a copy stands for (no personal data): for anyone checking a copy they were shown. */
export async function lookUpExport(deps: ArchiveDeps, verificationCode: string) {
  return deps.exports.byVerificationCode(verificationCode.trim().toUpperCase());
}
