import { createPublicKey, verify as verifyBytes } from 'node:crypto';
import type * as x509 from '@peculiar/x509';
import { canonicalize, sha256Hex } from './canonical-json';
import {
  checkChain,
  parseChain,
  parseRegisteredCas,
  type VerificationProblem,
  type VerificationProblemCode,
} from './certificate-chain';
import { describeCertificate, fingerprintOf, parseCertificate } from './certificates';
import { SigningError } from './errors';
import type { Signer } from './signer';

export type { VerificationProblem, VerificationProblemCode } from './certificate-chain';

/** Names what the signed bytes are, so a signature made for anything else cannot be passed off as one. */
export const SIGNED_SNAPSHOT_TYPE = 'hocbaso.signed-snapshot.v1';

/** What is stored for one signature (chữ ký số) over one snapshot. */
export interface SignedSnapshot {
  /** The snapshot in RFC 8785 canonical JSON: exactly what the signer approved, kept readable. */
  canonical: string;
  /** Hex SHA-256 of `canonical` (UTF-8). */
  contentHash: string;
  algorithm: 'ES256';
  /** base64url IEEE P1363 r||s over `signingInput(...)`. */
  signature: string;
  /** The signer's certificate chain, leaf first (PEM). */
  certificateChain: string[];
  /** ISO 8601 UTC with milliseconds (`Date.toISOString`). */
  signedAt: string;
}

export interface SigningInputFields {
  contentHash: string;
  signedAt: string;
  /** Hex SHA-256 of the signer's leaf certificate (DER). */
  certificateFingerprint: string;
}

/**
 * The bytes the signer's key signs: the canonical JSON of
 * `{ certificate, contentHash, signedAt, type }`. Signing this small statement rather than the
 * snapshot itself keeps what a remote signing service receives small and free of personal data,
 * while still covering
 * - the content, through its hash;
 * - the signing time, so it cannot be moved later into (or out of) a certificate's validity;
 * - the signer's certificate, so the signature cannot be re-attributed to another certificate with
 *   the same key (the role of ESS signing-certificate-v2 in CMS).
 */
export function signingInput(fields: SigningInputFields): Uint8Array {
  return Buffer.from(
    canonicalize({
      certificate: fields.certificateFingerprint,
      contentHash: fields.contentHash,
      signedAt: fields.signedAt,
      type: SIGNED_SNAPSHOT_TYPE,
    }),
    'utf8',
  );
}

/**
 * Signs the canonical form of `snapshot` as of `signedAt` with the key `keyRef` of `signer`.
 * Refuses a snapshot that is not I-JSON (`VALIDATION_FAILED`), an unknown key
 * (`CERTIFICATE_MISSING`), and a signer whose signature does not match its own certificate
 * (`SIGNATURE_INVALID`). It does not judge trust or validity dates: run `verifySignedSnapshot`
 * against the school's registered CAs before storing the result.
 */
export async function signSnapshot(
  signer: Signer,
  keyRef: string,
  snapshot: unknown,
  signedAt: Date,
): Promise<SignedSnapshot> {
  if (!(signedAt instanceof Date) || Number.isNaN(signedAt.getTime())) {
    throw new SigningError('VALIDATION_FAILED', 'Thời điểm ký không hợp lệ.', { field: 'signedAt' });
  }
  const canonical = canonicalize(snapshot);
  const contentHash = sha256Hex(canonical);
  const certificateChain = await signer.certificateChain(keyRef);
  const leafPem = certificateChain[0];
  if (leafPem === undefined) {
    throw new SigningError('CERTIFICATE_MISSING', `Khóa "${keyRef}" không có chứng thư số.`, { keyRef });
  }
  const leaf = parseCertificate(leafPem);
  const signed = signedAt.toISOString();
  const data = signingInput({ contentHash, signedAt: signed, certificateFingerprint: fingerprintOf(leaf) });
  const { algorithm, signature } = await signer.sign(keyRef, data);
  if (algorithm !== 'ES256' || !signatureMatches(leaf, data, signature)) {
    throw new SigningError(
      'SIGNATURE_INVALID',
      `Chữ ký tạo bởi khóa "${keyRef}" không khớp với chứng thư của khóa đó.`,
      { keyRef, algorithm },
    );
  }
  return { canonical, contentHash, algorithm, signature, certificateChain, signedAt: signed };
}

export interface SnapshotVerification {
  valid: boolean;
  problems: VerificationProblem[];
  /** Who the leaf certificate names; null when the certificate could not be read. */
  signer: { commonName: string; accountId: string | null; fingerprint: string } | null;
}

export interface VerifySignedSnapshotInput {
  signed: SignedSnapshot;
  /** The content as it is now (to check it is unchanged); `JSON.parse(signed.canonical)` checks the stored copy. */
  snapshot: unknown;
  /** The PEM certificates of the CAs the school registered: the only trust anchors. */
  registeredCas: string[];
  /** When the verification happens (default now): a signing time after it is refused. */
  at?: Date;
}

/** Clock difference between servers tolerated for a signing time that looks slightly in the future. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Checks one stored signature: the content is unchanged (hash of `snapshot` and of the stored
 * canonical copy), the ECDSA signature verifies with the leaf's public key, the chain leads, link
 * by link (issuer name and signature), to one of `registeredCas`, and every certificate on that
 * path was valid at `signedAt`. No revocation check here: the registry of certificates (the
 * signatures service) revokes. Never throws: unreadable input is reported as MALFORMED.
 */
export function verifySignedSnapshot(input: VerifySignedSnapshotInput): SnapshotVerification {
  const problems: VerificationProblem[] = [];
  const report = (code: VerificationProblemCode, message: string) => problems.push({ code, message });
  const done = (signer: SnapshotVerification['signer']): SnapshotVerification => ({
    valid: problems.length === 0,
    problems,
    signer,
  });
  try {
    const { signed } = input;
    const shapeProblem = describeShapeProblem(signed);
    if (shapeProblem) {
      report('MALFORMED', `Dữ liệu chữ ký không đúng định dạng: ${shapeProblem}.`);
      return done(null);
    }
    const chain = parseChain(signed.certificateChain);
    if (chain === null) {
      report('MALFORMED', 'Chuỗi chứng thư kèm chữ ký không đọc được.');
      return done(null);
    }
    const leaf = chain[0] as x509.X509Certificate;
    const leafDescription = describeCertificate(signed.certificateChain[0] as string);
    const signer = {
      commonName: leafDescription.commonName,
      accountId: leafDescription.accountId,
      fingerprint: leafDescription.fingerprint,
    };
    const signedAt = new Date(signed.signedAt);
    const at = input.at ?? new Date();
    if (signedAt.getTime() > at.getTime() + CLOCK_SKEW_MS) {
      report(
        'MALFORMED',
        `Thời điểm ký (${signed.signedAt}) ở sau thời điểm kiểm tra (${at.toISOString()}).`,
      );
    }

    checkContent(input.snapshot, signed, report);

    const data = signingInput({
      contentHash: signed.contentHash,
      signedAt: signed.signedAt,
      certificateFingerprint: signer.fingerprint,
    });
    if (!signatureMatches(leaf, data, signed.signature)) {
      report(
        'SIGNATURE_MISMATCH',
        'Chữ ký số không khớp với khóa công khai trong chứng thư của người ký: chữ ký, thời điểm ký hoặc mã băm nội dung đã bị sửa.',
      );
    }

    checkChain(chain, parseRegisteredCas(input.registeredCas, report), signedAt, 'thời điểm ký', report);
    return done(signer);
  } catch {
    // Whatever slipped past the checks above is still bad input, never an exception for the caller.
    problems.push({ code: 'MALFORMED', message: 'Dữ liệu chữ ký không kiểm tra được.' });
    return { valid: false, problems, signer: null };
  }
}

function describeShapeProblem(signed: unknown): string | null {
  if (typeof signed !== 'object' || signed === null) return 'thiếu dữ liệu chữ ký';
  const value = signed as Partial<Record<keyof SignedSnapshot, unknown>>;
  if (typeof value.canonical !== 'string') return 'thiếu nội dung chuẩn hóa';
  if (typeof value.contentHash !== 'string' || !HEX_SHA256.test(value.contentHash))
    return 'mã băm nội dung sai';
  if (value.algorithm !== 'ES256') return `thuật toán ${String(value.algorithm)} không được hỗ trợ`;
  if (typeof value.signature !== 'string' || !BASE64URL.test(value.signature))
    return 'chữ ký không phải base64url';
  const chain = value.certificateChain;
  if (!Array.isArray(chain) || chain.length === 0 || chain.some((pem) => typeof pem !== 'string')) {
    return 'thiếu chuỗi chứng thư';
  }
  if (typeof value.signedAt !== 'string') return 'thiếu thời điểm ký';
  const time = new Date(value.signedAt);
  // Only the exact toISOString() form, so one instant has one spelling in the signed bytes.
  if (Number.isNaN(time.getTime()) || time.toISOString() !== value.signedAt)
    return 'thời điểm ký sai định dạng';
  return null;
}

function checkContent(
  snapshot: unknown,
  signed: SignedSnapshot,
  report: (code: VerificationProblemCode, message: string) => void,
): void {
  if (sha256Hex(signed.canonical) !== signed.contentHash) {
    report('CONTENT_CHANGED', 'Bản nội dung lưu kèm chữ ký đã bị thay đổi: không khớp với mã băm đã ký.');
  }
  let current: string;
  try {
    current = sha256Hex(canonicalize(snapshot));
  } catch (error) {
    const reason = error instanceof SigningError ? error.message : 'không chuẩn hóa được';
    report('MALFORMED', `Dữ liệu hiện tại không kiểm tra được: ${reason}`);
    return;
  }
  if (current !== signed.contentHash) {
    report('CONTENT_CHANGED', 'Nội dung đã bị thay đổi sau khi ký: dữ liệu hiện tại khác với dữ liệu đã ký.');
  }
}

function signatureMatches(leaf: x509.X509Certificate, data: Uint8Array, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(leaf.publicKey.rawData), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return false;
    const bytes = Buffer.from(signature, 'base64url');
    if (bytes.length !== 64) return false;
    return verifyBytes('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, bytes);
  } catch {
    return false;
  }
}

/**
 * What the school's seal signs over an approval: the approval's identity, content hash and
 * signature, so the seal vouches for that one signature of that one content. Here, not in the
 * signatures service, because every verifier of an exported record book rebuilds it.
 */
export function sealStatement(signatureId: string, approval: { contentHash: string; signature: string }) {
  return {
    format: 'hocbaso.seal/1',
    approval: { signatureId, contentHash: approval.contentHash, signature: approval.signature },
  };
}
