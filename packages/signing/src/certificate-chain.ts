import { createPublicKey, X509Certificate as NodeCertificate } from 'node:crypto';
import type * as x509 from '@peculiar/x509';
import {
  allowsDocumentSigning,
  fingerprintOf,
  isCertificateAuthority,
  parseCertificate,
} from './certificates';

export type VerificationProblemCode =
  | 'CONTENT_CHANGED'
  | 'SIGNATURE_MISMATCH'
  | 'UNTRUSTED_CA'
  | 'CERTIFICATE_NOT_VALID_AT_SIGNING'
  | 'CA_NOT_VALID_AT_SIGNING'
  | 'MALFORMED';

export interface VerificationProblem {
  code: VerificationProblemCode;
  /** Vietnamese, for the inspector, principal or admin who reads the verification. */
  message: string;
}

export interface VerifyCertificateChainInput {
  /** PEM, leaf first; the CA certificate at the end may be left out. */
  chain: string[];
  /** The PEM certificates of the CAs the school registered: the only trust anchors. */
  registeredCas: string[];
  /** The moment every certificate on the path must be valid at. */
  at: Date;
}

export interface ChainVerification {
  valid: boolean;
  problems: VerificationProblem[];
  /** SHA-256 fingerprints of the path leaf → … → registered CA; empty when there is none. */
  path: string[];
}

/**
 * Whether a signing certificate may be trusted at `at`: the leaf is a signing certificate (not a
 * CA, key usage allows signing), each link is issued by the next (issuer name and signature), the
 * path ends at a registered CA, and every certificate on it is valid at `at`. For registering a
 * signer's certificate, and the trust half of `verifySignedSnapshot`. Never throws.
 */
export function verifyCertificateChain(input: VerifyCertificateChainInput): ChainVerification {
  const problems: VerificationProblem[] = [];
  const report = (code: VerificationProblemCode, message: string) => problems.push({ code, message });
  const chain = parseChain(input.chain);
  if (chain === null) {
    report('MALFORMED', 'Chuỗi chứng thư không đọc được.');
    return { valid: false, problems, path: [] };
  }
  if (!(input.at instanceof Date) || Number.isNaN(input.at.getTime())) {
    report('MALFORMED', 'Thời điểm kiểm tra chứng thư không hợp lệ.');
    return { valid: false, problems, path: [] };
  }
  const path = checkChain(
    chain,
    parseRegisteredCas(input.registeredCas, report),
    input.at,
    'thời điểm',
    report,
  );
  return { valid: problems.length === 0, problems, path: path.map(fingerprintOf) };
}

/** Parses a PEM chain; null when it is empty or any certificate is unreadable. */
export function parseChain(pems: unknown): x509.X509Certificate[] | null {
  if (!Array.isArray(pems) || pems.length === 0) return null;
  try {
    return pems.map((pem) => parseCertificate(pem as string));
  } catch {
    return null;
  }
}

export function parseRegisteredCas(
  pems: unknown,
  report: (code: VerificationProblemCode, message: string) => void,
): x509.X509Certificate[] {
  if (!Array.isArray(pems)) {
    report('MALFORMED', 'Danh sách tổ chức chứng thực đã đăng ký không hợp lệ.');
    return [];
  }
  const anchors: x509.X509Certificate[] = [];
  pems.forEach((pem, index) => {
    try {
      anchors.push(parseCertificate(pem as string));
    } catch {
      report('MALFORMED', `Chứng thư CA đã đăng ký thứ ${index + 1} không đọc được.`);
    }
  });
  return anchors;
}

/**
 * Reports what is wrong with `chain` at `at` and returns the trusted path (empty when none):
 * `moment` words the time in messages ("thời điểm ký" when it is a signing time).
 */
export function checkChain(
  chain: x509.X509Certificate[],
  anchors: x509.X509Certificate[],
  at: Date,
  moment: string,
  report: (code: VerificationProblemCode, message: string) => void,
): x509.X509Certificate[] {
  const leaf = chain[0] as x509.X509Certificate;
  if (!withinValidity(leaf, at)) {
    report(
      'CERTIFICATE_NOT_VALID_AT_SIGNING',
      `Chứng thư của người ký "${commonNameOf(leaf)}" không có hiệu lực vào ${moment} ${at.toISOString()} ` +
        `(hiệu lực từ ${leaf.notBefore.toISOString()} đến ${leaf.notAfter.toISOString()}).`,
    );
  }
  const path = pathToRegisteredCa(chain, anchors);
  if (typeof path === 'string') {
    report('UNTRUSTED_CA', path);
    return [];
  }
  for (const authority of path.slice(1)) {
    if (!withinValidity(authority, at)) {
      report(
        'CA_NOT_VALID_AT_SIGNING',
        `Chứng thư của tổ chức chứng thực "${commonNameOf(authority)}" không có hiệu lực vào ${moment} ` +
          `${at.toISOString()} (hiệu lực từ ${authority.notBefore.toISOString()} đến ${authority.notAfter.toISOString()}).`,
      );
    }
  }
  return path;
}

/**
 * The path leaf → … → registered CA, checked link by link, or why there is none. The chain's own
 * certificates are trusted only as links: the anchor must be one of the registered CAs (the same
 * certificate, or the registered CA's key signed the top of the chain), and every issuer must be a
 * CA, so a teacher's key cannot issue a "principal" certificate.
 */
function pathToRegisteredCa(
  chain: x509.X509Certificate[],
  anchors: x509.X509Certificate[],
): x509.X509Certificate[] | string {
  const leaf = chain[0] as x509.X509Certificate;
  if (isCertificateAuthority(leaf) || !allowsDocumentSigning(leaf)) {
    return 'Chứng thư của người ký không được cấp cho mục đích ký tài liệu.';
  }
  const registered = new Map(anchors.filter(isCertificateAuthority).map((ca) => [fingerprintOf(ca), ca]));
  const path: x509.X509Certificate[] = [leaf];
  for (let index = 0; index < chain.length; index += 1) {
    const current = chain[index] as x509.X509Certificate;
    if (index > 0 && registered.has(fingerprintOf(current))) return path;
    for (const anchor of registered.values()) {
      if (current.issuer === anchor.subject && issuedBy(current, anchor)) return [...path, anchor];
    }
    const next = chain[index + 1];
    if (next === undefined) break;
    if (current.issuer !== next.subject || !isCertificateAuthority(next) || !issuedBy(current, next)) {
      return 'Chuỗi chứng thư bị đứt: một chứng thư không được ký bởi chứng thư đứng sau nó.';
    }
    path.push(next);
  }
  return 'Chứng thư của người ký không do tổ chức chứng thực (CA) đã đăng ký của trường cấp.';
}

/** Verifies the certificate's signature with the issuer's key (OpenSSL, synchronously). */
function issuedBy(certificate: x509.X509Certificate, issuer: x509.X509Certificate): boolean {
  try {
    const issuerKey = createPublicKey({
      key: Buffer.from(issuer.publicKey.rawData),
      format: 'der',
      type: 'spki',
    });
    return new NodeCertificate(Buffer.from(certificate.rawData)).verify(issuerKey);
  } catch {
    return false;
  }
}

function withinValidity(certificate: x509.X509Certificate, at: Date): boolean {
  return certificate.notBefore.getTime() <= at.getTime() && at.getTime() <= certificate.notAfter.getTime();
}

function commonNameOf(certificate: x509.X509Certificate): string {
  return certificate.subjectName.getField('CN')[0] ?? certificate.subject;
}
