import { createHash, verify as verifyBytes, type KeyObject } from 'node:crypto';
import { canonicalize } from '@hocbaso/signing';
import { base58 } from '@scure/base';

/**
 * The `ecdsa-jcs-2019` cryptosuite of W3C Data Integrity ECDSA Cryptosuites v1.0 (§3.3), on P-256:
 * the proof signs SHA-256(JCS(proof configuration)) ‖ SHA-256(JCS(document without its proof)),
 * the configuration being the proof without `proofValue`; the signature is ECDSA P-256 over that
 * (SHA-256 again, inside ECDSA), IEEE P1363 r‖s, written as a base58btc multibase value ('z').
 * RFC 8785 JCS is `canonicalize` from @hocbaso/signing. Only what the record book credential needs:
 * one proof (no proof sets or chains), the verification key given by the caller.
 */
export const DATA_INTEGRITY_PROOF = 'DataIntegrityProof';
export const ECDSA_JCS_2019 = 'ecdsa-jcs-2019';

/** A JSON object as parsed (members of unknown value). */
export type JsonObject = Record<string, unknown>;

export interface ProofOptions extends JsonObject {
  type: typeof DATA_INTEGRITY_PROOF;
  cryptosuite: typeof ECDSA_JCS_2019;
  created: string;
  verificationMethod: string;
  proofPurpose: string;
}

/** The bytes the key signs (§3.3.4): proofConfigHash ‖ transformedDocumentHash, 64 bytes. */
export function hashDataOf(unsecuredDocument: JsonObject, proofConfig: JsonObject): Buffer {
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return Buffer.concat([sha256(canonicalize(proofConfig)), sha256(canonicalize(unsecuredDocument))]);
}

/**
 * Creates the proof (§3.3.1): the options, the document's `@context` (step 2), and the proof value
 * of `sign`, which returns the P1363 r‖s signature of the bytes it is given.
 */
export async function createProof<T extends ProofOptions>(
  unsecuredDocument: JsonObject,
  options: T,
  sign: (data: Buffer) => Promise<Uint8Array>,
): Promise<T & { proofValue: string }> {
  const proof: JsonObject = { ...options };
  if (unsecuredDocument['@context'] !== undefined) proof['@context'] = unsecuredDocument['@context'];
  const signature = await sign(hashDataOf(unsecuredDocument, proof));
  return { ...(proof as T), proofValue: `z${base58.encode(signature)}` };
}

export type ProofCheck =
  { valid: true } | { valid: false; code: 'UNSUPPORTED_PROOF' | 'PROOF_INVALID'; message: string };

/**
 * Verifies the one proof of `securedDocument` with `publicKey` (§3.3.2). Never throws: a document
 * JCS cannot canonicalize, a proof of another kind or a malformed proof value are reported.
 */
export function verifyProof(securedDocument: JsonObject, publicKey: KeyObject): ProofCheck {
  const proof = securedDocument['proof'];
  if (typeof proof !== 'object' || proof === null || Array.isArray(proof)) {
    return {
      valid: false,
      code: 'UNSUPPORTED_PROOF',
      message: 'Tài liệu không có đúng một bằng chứng (proof).',
    };
  }
  const { proofValue, ...proofOptions } = proof as JsonObject;
  if (proofOptions['type'] !== DATA_INTEGRITY_PROOF || proofOptions['cryptosuite'] !== ECDSA_JCS_2019) {
    return {
      valid: false,
      code: 'UNSUPPORTED_PROOF',
      message: `Chỉ hỗ trợ bằng chứng ${DATA_INTEGRITY_PROOF} với bộ mật mã ${ECDSA_JCS_2019}.`,
    };
  }
  const signature = decodeMultibase(proofValue);
  if (signature === null || signature.length !== 64) {
    return {
      valid: false,
      code: 'PROOF_INVALID',
      message: 'Giá trị chữ ký (proofValue) không đúng định dạng.',
    };
  }
  const { proof: _proof, ...unsecuredDocument } = securedDocument;
  // Step 4: a proof's @context must be the start of the document's, and is the one signed.
  const proofContext = proofOptions['@context'];
  if (proofContext !== undefined) {
    if (!startsWith(unsecuredDocument['@context'], proofContext)) {
      return {
        valid: false,
        code: 'PROOF_INVALID',
        message: 'Ngữ cảnh (@context) của bằng chứng không khớp với của tài liệu.',
      };
    }
    unsecuredDocument['@context'] = proofContext;
  }
  try {
    const data = hashDataOf(unsecuredDocument, proofOptions);
    if (verifyBytes('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature))
      return { valid: true };
  } catch {
    // Not canonicalizable, or not an EC key: the proof cannot hold.
  }
  return {
    valid: false,
    code: 'PROOF_INVALID',
    message: 'Chữ ký của bằng chứng không khớp: nội dung hoặc thông tin bằng chứng đã bị sửa sau khi ký.',
  };
}

function decodeMultibase(value: unknown): Buffer | null {
  if (typeof value !== 'string' || !value.startsWith('z')) return null;
  try {
    return Buffer.from(base58.decode(value.slice(1)));
  } catch {
    return null;
  }
}

function startsWith(documentContext: unknown, proofContext: unknown): boolean {
  const list = (value: unknown) => (Array.isArray(value) ? value : [value]);
  const documentItems = list(documentContext);
  const proofItems = list(proofContext);
  try {
    return (
      proofItems.length <= documentItems.length &&
      proofItems.every((item, index) => canonicalize(item) === canonicalize(documentItems[index]))
    );
  } catch {
    return false;
  }
}
