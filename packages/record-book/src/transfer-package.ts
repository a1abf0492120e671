import { signatureEvidenceSchema, type SignatureEvidence } from '@hocbaso/events';
import {
  canonicalize,
  certificateFingerprint,
  sha256Hex,
  signSnapshot,
  verifySignedSnapshot,
  type Signer,
} from '@hocbaso/signing';
import { z } from 'zod';
import {
  anchorsFor,
  recordBookSchema,
  schoolRefSchema,
  verifyRecordBook,
  type RecordBook,
  type RecordBookVerification,
  type SchoolRef,
  type Trust,
  type YearProblem,
} from './record-book';

/**
 * A transfer package (R1, R6): what the sending school hands to the receiving one when a student
 * changes school. The whole signed record book (every approved year with its approval, seal and
 * certificate chains) and the sending school's seal over the package, so the receiving school
 * can verify each year and that the package is the one the sending school issued.
 */
export const TRANSFER_PACKAGE_FORMAT = 'hocbaso.transfer-package/1';

export const transferPackageSchema = z.object({
  format: z.literal(TRANSFER_PACKAGE_FORMAT),
  transferId: z.string(),
  studentId: z.string(),
  fromSchool: schoolRefSchema,
  issuedAt: z.iso.datetime({ offset: true }),
  issuedBy: z.object({ accountId: z.string() }),
  recordBook: recordBookSchema,
  /** The sending school's seal over `transferSealStatement(...)`. */
  seal: signatureEvidenceSchema,
});
export type TransferPackage = z.infer<typeof transferPackageSchema>;

/** What the sending school's seal signs: the package's identity and the hash of the record book. */
export function transferSealStatement(pkg: Omit<TransferPackage, 'seal' | 'format'>) {
  return {
    format: 'hocbaso.transfer-seal/1',
    transferId: pkg.transferId,
    studentId: pkg.studentId,
    fromSchoolId: pkg.fromSchool.id,
    issuedAt: pkg.issuedAt,
    issuedBy: pkg.issuedBy.accountId,
    recordBookHash: sha256Hex(canonicalize(pkg.recordBook)),
  };
}

export interface IssueTransferPackageInput {
  transferId: string;
  fromSchool: SchoolRef;
  issuedBy: { accountId: string };
  issuedAt: Date;
  recordBook: RecordBook;
  signer: Signer;
  /** The sending school's seal key. */
  sealKeyRef: string;
}

export async function issueTransferPackage(input: IssueTransferPackageInput): Promise<TransferPackage> {
  const unsealed = {
    transferId: input.transferId,
    studentId: input.recordBook.studentId,
    fromSchool: input.fromSchool,
    issuedAt: input.issuedAt.toISOString(),
    issuedBy: input.issuedBy,
    recordBook: input.recordBook,
  };
  const signed = await signSnapshot(
    input.signer,
    input.sealKeyRef,
    transferSealStatement(unsealed),
    input.issuedAt,
  );
  const seal: SignatureEvidence = {
    ...signed,
    certificateFingerprint: certificateFingerprint(signed.certificateChain[0] as string),
    signerName: input.fromSchool.name,
  };
  return { format: TRANSFER_PACKAGE_FORMAT, ...unsealed, seal };
}

export interface TransferPackageVerification {
  valid: boolean;
  /** Problems of the package itself (its shape, its seal). */
  problems: YearProblem[];
  book: RecordBookVerification | null;
  /** The package, when its shape is right (even if a signature failed). */
  package: TransferPackage | null;
}

/**
 * Verifies a package without trusting its carrier: its shape, the sending school's seal over this
 * exact record book (trusted through the sending school's CA), and every year of the book.
 */
export function verifyTransferPackage(input: unknown, trust: Trust, at?: Date): TransferPackageVerification {
  const parsed = transferPackageSchema.safeParse(input);
  if (!parsed.success) {
    return {
      valid: false,
      problems: [
        {
          code: 'FORMAT',
          message: `Hồ sơ chuyển trường không đúng định dạng ${TRANSFER_PACKAGE_FORMAT}: ${parsed.error.issues
            .slice(0, 5)
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; ')}`,
        },
      ],
      book: null,
      package: null,
    };
  }
  const pkg = parsed.data;
  const problems: YearProblem[] = [];
  if (pkg.recordBook.studentId !== pkg.studentId) {
    problems.push({ code: 'NOT_THIS_RECORD', message: 'Học bạ trong hồ sơ là của học sinh khác.' });
  }
  const statement = transferSealStatement(pkg);
  if (pkg.seal.canonical !== canonicalize(statement)) {
    problems.push({
      code: 'SEAL_NOT_OVER_APPROVAL',
      message:
        'Con dấu của trường chuyển đi không đóng trên đúng hồ sơ này (hồ sơ đã bị thay đổi sau khi đóng dấu).',
    });
  }
  const anchors = anchorsFor(trust, pkg.fromSchool.id, [pkg.seal.certificateChain]);
  if (anchors.length === 0) {
    problems.push({
      code: 'UNTRUSTED_ISSUER',
      message: `Chứng thư con dấu không do tổ chức cấp chứng thư đã đăng ký của ${pkg.fromSchool.name} cấp.`,
    });
  }
  const seal = verifySignedSnapshot({ signed: pkg.seal, snapshot: statement, registeredCas: anchors, at });
  problems.push(...seal.problems.map((p) => ({ ...p, message: `Con dấu hồ sơ: ${p.message}` })));
  const book = verifyRecordBook(pkg.recordBook, trust, at);
  return { valid: problems.length === 0 && book.valid, problems, book, package: pkg };
}
