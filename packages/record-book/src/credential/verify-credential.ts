import { X509Certificate } from 'node:crypto';
import {
  certificateFingerprint,
  describeCertificate,
  verifyCertificateChain,
  type VerificationProblemCode,
} from '@hocbaso/signing';
import { z } from 'zod';
import { verifyRecordBook, type RecordBookVerification, type Trust } from '../record-book';
import { exportMetaSchema, watermarkOf, type ExportMeta } from '../xml/export-meta';
import { DATA_INTEGRITY_PROOF, ECDSA_JCS_2019, verifyProof } from './ecdsa-jcs-2019';
import {
  CREDENTIALS_V2_CONTEXT,
  RECORD_BOOK_CREDENTIAL_CONTEXT,
  RECORD_BOOK_CREDENTIAL_TYPE,
  schoolIdOfUrn,
  studentUrn,
} from './record-book-credential';

export type CredentialProblemCode =
  | VerificationProblemCode
  | 'FORMAT'
  | 'UNSUPPORTED_PROOF'
  | 'PROOF_INVALID'
  | 'VERIFICATION_METHOD_MISMATCH'
  | 'ISSUER_MISMATCH'
  | 'UNTRUSTED_ISSUER'
  | 'CREATED_IN_FUTURE'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'SUBJECT_MISMATCH'
  | 'WATERMARK_MISMATCH'
  | 'RECORD_BOOK_INVALID';

export interface CredentialProblem {
  code: CredentialProblemCode;
  /** Vietnamese, for the person reading the verification. */
  message: string;
}

export interface CredentialVerification {
  valid: boolean;
  /** Problems of the credential itself; the embedded book's own are in `book`. */
  problems: CredentialProblem[];
  /** The embedded record book, every approval and seal verified; null when there is none to read. */
  book: RecordBookVerification | null;
  /** Who issued it, as the credential says; `sealedBy` from the seal certificate (null: unreadable). */
  issuer: { id: string; name: string; sealedBy: string | null; at: string } | null;
  export: (ExportMeta & { watermark: string }) | null;
}

const isoDateTime = z.iso.datetime({ offset: true });
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const credentialShapeSchema = z.object({
  '@context': z.tuple([z.literal(CREDENTIALS_V2_CONTEXT), z.literal(RECORD_BOOK_CREDENTIAL_CONTEXT)]),
  type: z
    .array(z.string())
    .refine((types) => types.includes('VerifiableCredential') && types.includes(RECORD_BOOK_CREDENTIAL_TYPE)),
  issuer: z.object({ id: z.string(), name: z.string() }),
  validFrom: isoDateTime,
  validUntil: isoDateTime.optional(),
  credentialSubject: z.object({ id: z.string(), recordBook: z.unknown() }),
  export: exportMetaSchema.extend({ watermark: z.string() }),
  proof: z.object({
    type: z.string(),
    cryptosuite: z.string(),
    created: isoDateTime,
    verificationMethod: z.string(),
    proofPurpose: z.string(),
    x5c: z.array(z.string().regex(BASE64)).min(1),
    proofValue: z.string(),
  }),
});

/** Clock difference tolerated for a creation time that looks slightly in the future. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Verifies a record book credential with nothing but `trust` (the CA certificates): its shape, the
 * `ecdsa-jcs-2019` proof with the key of the certificate it carries, that this certificate is the
 * issuer school's seal and leads to a trusted CA, valid when the proof was created; then every
 * approval and seal of the record book inside. Never throws; every problem is named.
 */
export function verifyRecordBookCredential(
  credential: unknown,
  trust: Trust,
  at?: Date,
): CredentialVerification {
  const now = at ?? new Date();
  const shape = credentialShapeSchema.safeParse(credential);
  if (!shape.success) {
    const issues = shape.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`)
      .join('; ');
    return {
      valid: false,
      problems: [
        { code: 'FORMAT', message: `Không phải chứng chỉ học bạ số (RecordBookCredential): ${issues}` },
      ],
      book: null,
      issuer: null,
      export: null,
    };
  }
  const { issuer, proof, credentialSubject, validFrom, validUntil } = shape.data;
  const problems: CredentialProblem[] = [];
  const report = (code: CredentialProblemCode, message: string) => problems.push({ code, message });

  if (proof.type !== DATA_INTEGRITY_PROOF || proof.cryptosuite !== ECDSA_JCS_2019) {
    report(
      'UNSUPPORTED_PROOF',
      `Chỉ hỗ trợ bằng chứng ${DATA_INTEGRITY_PROOF} với bộ mật mã ${ECDSA_JCS_2019}.`,
    );
  }
  if (proof.proofPurpose !== 'assertionMethod') {
    report(
      'UNSUPPORTED_PROOF',
      `Mục đích của bằng chứng phải là assertionMethod (đang là ${proof.proofPurpose}).`,
    );
  }
  const schoolId = schoolIdOfUrn(issuer.id);
  if (schoolId === null)
    report('ISSUER_MISMATCH', `Đơn vị cấp ${issuer.id} không phải một trường trên Học bạ số.`);

  const chain = pemChainOf(proof.x5c);
  let sealedBy: string | null = null;
  if (chain === null) {
    report('FORMAT', 'Chuỗi chứng thư (x5c) của bằng chứng không đọc được.');
  } else {
    const leaf = describeCertificate(chain.pems[0] as string);
    sealedBy = leaf.commonName;
    if (proof.verificationMethod !== `${issuer.id}#${leaf.fingerprint}`) {
      report(
        'VERIFICATION_METHOD_MISMATCH',
        'Phương thức xác minh (verificationMethod) không chỉ tới chứng thư kèm theo bằng chứng.',
      );
    }
    const check = verifyProof(credential as Record<string, unknown>, chain.leafKey);
    if (!check.valid) report(check.code, check.message);
    if (leaf.kind !== 'ORGANISATION_SEAL' || (schoolId !== null && leaf.schoolId !== schoolId)) {
      report(
        'ISSUER_MISMATCH',
        `Chứng thư ký bằng chứng ("${leaf.commonName}") không phải con dấu số của ${issuer.name}.`,
      );
    }
    checkIssuerChain(chain.pems, schoolId ?? '', issuer.name, trust, new Date(proof.created), report);
  }

  const created = new Date(proof.created);
  if (created.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    report('CREATED_IN_FUTURE', `Thời điểm tạo bằng chứng (${proof.created}) ở sau thời điểm kiểm tra.`);
  }
  if (new Date(validFrom).getTime() > now.getTime() + CLOCK_SKEW_MS) {
    report('NOT_YET_VALID', `Chứng chỉ chỉ có hiệu lực từ ${validFrom}.`);
  }
  if (validUntil !== undefined && new Date(validUntil).getTime() < now.getTime()) {
    report('EXPIRED', `Chứng chỉ đã hết hiệu lực từ ${validUntil}.`);
  }
  const { watermark, ...meta } = shape.data.export;
  if (watermark !== watermarkOf(meta)) {
    report('WATERMARK_MISMATCH', 'Dòng ghi người yêu cầu (watermark) không khớp với thông tin bản xuất.');
  }

  const book = verifyRecordBook(credentialSubject.recordBook, trust, now);
  const studentId = (credentialSubject.recordBook as { studentId?: unknown } | null)?.studentId;
  if (typeof studentId === 'string' && credentialSubject.id !== studentUrn(studentId)) {
    report(
      'SUBJECT_MISMATCH',
      `Chủ thể của chứng chỉ (${credentialSubject.id}) không phải học sinh của học bạ.`,
    );
  }
  if (!book.valid) {
    const failed = book.years.filter((year) => !year.valid).map((year) => year.schoolYear);
    report(
      'RECORD_BOOK_INVALID',
      failed.length > 0
        ? `Học bạ bên trong không hợp lệ: năm học ${failed.join(', ')} có chữ ký hoặc con dấu không đúng.`
        : `Học bạ bên trong không hợp lệ: ${book.problems.map((p) => p.message).join('; ')}`,
    );
  }
  return {
    valid: problems.length === 0,
    problems,
    book,
    issuer: { id: issuer.id, name: issuer.name, sealedBy, at: proof.created },
    export: shape.data.export,
  };
}

/** The x5c chain as PEM, with the leaf's public key; null when a certificate cannot be read. */
function pemChainOf(x5c: string[]): { pems: string[]; leafKey: X509Certificate['publicKey'] } | null {
  try {
    const certificates = x5c.map((der) => new X509Certificate(Buffer.from(der, 'base64')));
    const pems = certificates.map((certificate) => certificate.toString());
    // Read once with the platform's parser too, so later checks see what it sees.
    pems.forEach((pem) => certificateFingerprint(pem));
    return { pems, leafKey: (certificates[0] as X509Certificate).publicKey };
  } catch {
    return null;
  }
}

/** The issuer's chain leads to a CA `trust` accepts for its school, valid when the proof was made. */
function checkIssuerChain(
  chain: string[],
  schoolId: string,
  schoolName: string,
  trust: Trust,
  created: Date,
  report: (code: CredentialProblemCode, message: string) => void,
): void {
  const anchors = anchorsFor(trust, schoolId, chain);
  if (anchors.length === 0) {
    report('UNTRUSTED_ISSUER', `Không có tổ chức cấp chứng thư tin cậy nào cho ${schoolName}.`);
    return;
  }
  const verification = verifyCertificateChain({ chain, registeredCas: anchors, at: created });
  for (const problem of verification.problems) {
    report(problem.code, `Chứng thư con dấu của đơn vị cấp: ${problem.message}`);
  }
}

/** As the record book's verification: the given CAs, or the chain's own root when trusted for the school. */
function anchorsFor(trust: Trust, schoolId: string, chain: string[]): string[] {
  if ('trustedCas' in trust) return [...trust.trustedCas];
  const root = chain.at(-1);
  if (root === undefined) return [];
  try {
    return trust.isTrustedCa(schoolId, certificateFingerprint(root)) ? [root] : [];
  } catch {
    return [];
  }
}
