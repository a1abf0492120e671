import { schoolYearSchema, signatureEvidenceSchema, type SignatureEvidence } from '@hocbaso/events';
import {
  canonicalize,
  certificateFingerprint,
  sealStatement,
  verifySignedSnapshot,
  type VerificationProblem,
} from '@hocbaso/signing';
import { z } from 'zod';
import { yearPageOf, YearPageFormatError, type YearPage } from './year-page';

export const RECORD_BOOK_FORMAT = 'hocbaso.record-book/1';

/** The school a year was studied at, as the platform names it (not part of what was signed). */
export const schoolRefSchema = z.object({ id: z.string(), code: z.string().nullable(), name: z.string() });
export type SchoolRef = z.infer<typeof schoolRefSchema>;

/**
 * One approved and sealed year of a student: the approver's signature over the year page and the
 * school's seal over that approval, verbatim as signatures made them.
 */
export const signedYearSchema = z.object({
  signatureId: z.string(),
  school: schoolRefSchema,
  schoolYear: schoolYearSchema,
  classId: z.string(),
  studentId: z.string(),
  recordVersion: z.number().int().positive(),
  approval: signatureEvidenceSchema,
  seal: signatureEvidenceSchema,
});
export type SignedYear = z.infer<typeof signedYearSchema>;

/**
 * A student's whole record book (R1: one per student, across schools and years): every approved
 * year, oldest first, each verifiable on its own.
 */
export const recordBookSchema = z.object({
  format: z.literal(RECORD_BOOK_FORMAT),
  studentId: z.string(),
  years: z.array(signedYearSchema),
});
export type RecordBook = z.infer<typeof recordBookSchema>;

export function recordBookOf(studentId: string, years: readonly SignedYear[]): RecordBook {
  const sorted = [...years].sort((a, b) =>
    a.schoolYear === b.schoolYear ? a.recordVersion - b.recordVersion : a.schoolYear < b.schoolYear ? -1 : 1,
  );
  return { format: RECORD_BOOK_FORMAT, studentId, years: sorted };
}

export type YearProblemCode =
  VerificationProblem['code'] | 'FORMAT' | 'NOT_THIS_RECORD' | 'SEAL_NOT_OVER_APPROVAL' | 'UNTRUSTED_ISSUER';

export interface YearProblem {
  code: YearProblemCode;
  /** Vietnamese, for the person reading the verification. */
  message: string;
}

export interface YearVerification {
  schoolYear: string;
  valid: boolean;
  problems: YearProblem[];
  page: YearPage | null;
  approvedBy: { name: string; at: string } | null;
  sealedBy: { name: string; at: string } | null;
}

/**
 * Whom to trust: the CA certificates (PEM) of the schools. Pass `trustedCas` when you hold them
 * (the offline verifier: given on its command line), or `isTrustedCa` to decide on the chain's own
 * root by its fingerprint (the archive: the CAs registered on the platform, per school).
 */
export type Trust =
  { trustedCas: readonly string[] } | { isTrustedCa: (schoolId: string, caFingerprint: string) => boolean };

/**
 * The CA certificates to verify against: those given, or the roots of these chains that the
 * registry trusts for the school.
 */
export function anchorsFor(trust: Trust, schoolId: string, chains: readonly string[][]): string[] {
  if ('trustedCas' in trust) return [...trust.trustedCas];
  const roots = chains.flatMap((chain) => {
    const root = chain.at(-1);
    return root ? [root] : [];
  });
  return [...new Set(roots)].filter((pem) => {
    try {
      return trust.isTrustedCa(schoolId, certificateFingerprint(pem));
    } catch {
      return false;
    }
  });
}

const asSigned = (evidence: SignatureEvidence) => ({
  canonical: evidence.canonical,
  contentHash: evidence.contentHash,
  algorithm: evidence.algorithm,
  signature: evidence.signature,
  certificateChain: evidence.certificateChain,
  signedAt: evidence.signedAt,
});

/**
 * Verifies one year without the system: the approval signs exactly this student's year page of this
 * school and year; its signature and certificate chain hold and lead to a trusted CA; the seal signs
 * exactly this approval and holds too. Never throws; every problem is named.
 */
export function verifySignedYear(year: SignedYear, trust: Trust, at?: Date): YearVerification {
  const problems: YearProblem[] = [];
  let page: YearPage | null = null;
  try {
    page = yearPageOf(year.approval);
  } catch (error) {
    problems.push({
      code: 'FORMAT',
      message: error instanceof YearPageFormatError ? error.message : 'Nội dung đã ký không đọc được.',
    });
  }
  if (
    page &&
    (page.studentId !== year.studentId ||
      page.schoolYear !== year.schoolYear ||
      page.schoolId !== year.school.id ||
      page.classId !== year.classId ||
      page.recordVersion !== year.recordVersion)
  ) {
    problems.push({
      code: 'NOT_THIS_RECORD',
      message: `Chữ ký phê duyệt không phải của học bạ học sinh ${year.studentId} năm học ${year.schoolYear} (phiên bản ${year.recordVersion}).`,
    });
  }
  const approvalSigned = asSigned(year.approval);
  const sealSigned = asSigned(year.seal);
  const anchors = anchorsFor(trust, year.school.id, [
    approvalSigned.certificateChain,
    sealSigned.certificateChain,
  ]);
  if (anchors.length === 0) {
    problems.push({
      code: 'UNTRUSTED_ISSUER',
      message: `Không có tổ chức cấp chứng thư tin cậy nào cho trường ${year.school.name}.`,
    });
  }
  let snapshot: unknown = null;
  try {
    snapshot = JSON.parse(year.approval.canonical);
  } catch {
    // Reported above as FORMAT; the hash check below fails too.
  }
  const approval = verifySignedSnapshot({ signed: approvalSigned, snapshot, registeredCas: anchors, at });
  problems.push(...approval.problems.map((p) => ({ ...p, message: `Chữ ký phê duyệt: ${p.message}` })));
  const statement = sealStatement(year.signatureId, year.approval);
  if (year.seal.canonical !== canonicalize(statement)) {
    problems.push({
      code: 'SEAL_NOT_OVER_APPROVAL',
      message: 'Con dấu số không đóng trên chữ ký phê duyệt này.',
    });
  }
  const seal = verifySignedSnapshot({ signed: sealSigned, snapshot: statement, registeredCas: anchors, at });
  problems.push(...seal.problems.map((p) => ({ ...p, message: `Con dấu số: ${p.message}` })));
  return {
    schoolYear: year.schoolYear,
    valid: problems.length === 0,
    problems,
    page,
    approvedBy: approval.signer ? { name: approval.signer.commonName, at: year.approval.signedAt } : null,
    sealedBy: seal.signer ? { name: seal.signer.commonName, at: year.seal.signedAt } : null,
  };
}

export interface RecordBookVerification {
  valid: boolean;
  /** Problems of the book itself (its shape, a year of another student). */
  problems: YearProblem[];
  years: YearVerification[];
}

/** Verifies a whole record book: its shape, then every year on its own. Never throws. */
export function verifyRecordBook(input: unknown, trust: Trust, at?: Date): RecordBookVerification {
  const parsed = recordBookSchema.safeParse(input);
  if (!parsed.success) {
    return {
      valid: false,
      problems: [
        {
          code: 'FORMAT',
          message: `Học bạ không đúng định dạng ${RECORD_BOOK_FORMAT}: ${parsed.error.issues
            .slice(0, 5)
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; ')}`,
        },
      ],
      years: [],
    };
  }
  const book = parsed.data;
  const problems: YearProblem[] = book.years
    .filter((y) => y.studentId !== book.studentId)
    .map((y) => ({
      code: 'NOT_THIS_RECORD' as const,
      message: `Năm học ${y.schoolYear} thuộc học sinh khác (${y.studentId}).`,
    }));
  const years = book.years.map((y) => verifySignedYear(y, trust, at));
  return { valid: problems.length === 0 && years.every((y) => y.valid), problems, years };
}
