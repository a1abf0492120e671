import { X509Certificate } from 'node:crypto';
import { describeCertificate, SigningError, type Signer } from '@hocbaso/signing';
import type { RecordBook } from '../record-book';
import { watermarkOf, type ExportMeta } from '../xml/export-meta';
import { createProof, DATA_INTEGRITY_PROOF, ECDSA_JCS_2019, verifyProof } from './ecdsa-jcs-2019';

/**
 * The record book as a W3C Verifiable Credential (Data Model 2.0), secured with a Data Integrity
 * proof (`ecdsa-jcs-2019`) made with the school's seal key, so anyone holding the school's CA
 * certificate can verify it offline (`verifyRecordBookCredential`, the `hocbaso-verify` command):
 *
 * ```json
 * { "@context": ["https://www.w3.org/ns/credentials/v2", "https://hocbaso.vn/credentials/record-book/v1"],
 *   "id": "urn:hocbaso:export:<exportId>",
 *   "type": ["VerifiableCredential", "RecordBookCredential"],
 *   "issuer": { "id": "urn:hocbaso:school:<schoolId>", "name": "Trường THPT …" },
 *   "validFrom": "…",
 *   "credentialSubject": { "id": "urn:hocbaso:student:<studentId>", "recordBook": { …RecordBook… } },
 *   "export": { "exportId", "issuedAt", "requester": { "accountId", "name", "role" },
 *               "verificationCode", "watermark" },
 *   "proof": { "@context": […], "type": "DataIntegrityProof", "cryptosuite": "ecdsa-jcs-2019",
 *              "created": "…", "verificationMethod": "urn:hocbaso:school:<schoolId>#<leaf SHA-256>",
 *              "proofPurpose": "assertionMethod", "x5c": ["<base64 DER leaf>", "<base64 DER CA>"],
 *              "proofValue": "z…" } }
 * ```
 *
 * The verification method: offline there is no DID or URL to resolve, so the proof carries the
 * seal's X.509 chain itself in `x5c` (as in RFC 7515 §4.1.6: base64 DER, leaf first), and
 * `verificationMethod` stays a string URL, as Data Integrity wants: the issuer's id with the leaf
 * certificate's SHA-256 fingerprint as fragment. Being part of the proof options, `x5c` is covered
 * by the signature (like CMS's signing-certificate attribute). A verifier checks that the fragment
 * is the leaf's fingerprint, the leaf is the issuer school's seal certificate, and the chain leads
 * to a CA it trusts; the CA itself is never taken from the credential.
 *
 * The export block names the requester (R11) and is signed with the rest; every year inside the
 * record book keeps its own approval and seal, verified on their own.
 */
export const CREDENTIALS_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const RECORD_BOOK_CREDENTIAL_CONTEXT = 'https://hocbaso.vn/credentials/record-book/v1';
export const RECORD_BOOK_CREDENTIAL_TYPE = 'RecordBookCredential';

/**
 * The JSON-LD context published at RECORD_BOOK_CREDENTIAL_CONTEXT: our terms, the record book and
 * export block as JSON literals (their meaning is our JSON Schema, not RDF).
 */
export const RECORD_BOOK_CREDENTIAL_CONTEXT_DOCUMENT = {
  '@context': {
    '@protected': true,
    RecordBookCredential: 'https://hocbaso.vn/vocab#RecordBookCredential',
    recordBook: { '@id': 'https://hocbaso.vn/vocab#recordBook', '@type': '@json' },
    export: { '@id': 'https://hocbaso.vn/vocab#export', '@type': '@json' },
    x5c: { '@id': 'https://hocbaso.vn/vocab#x5c', '@type': '@json' },
  },
} as const;

const SCHOOL_URN = 'urn:hocbaso:school:';
export const schoolUrn = (schoolId: string) => `${SCHOOL_URN}${schoolId}`;
export const studentUrn = (studentId: string) => `urn:hocbaso:student:${studentId}`;
export const exportUrn = (exportId: string) => `urn:hocbaso:export:${exportId}`;
/** The school id an issuer URN names; null for any other issuer. */
export const schoolIdOfUrn = (urn: string) =>
  urn.startsWith(SCHOOL_URN) && urn.length > SCHOOL_URN.length ? urn.slice(SCHOOL_URN.length) : null;

type CredentialContext = [typeof CREDENTIALS_V2_CONTEXT, typeof RECORD_BOOK_CREDENTIAL_CONTEXT];

export interface RecordBookCredentialProof {
  '@context': CredentialContext;
  type: typeof DATA_INTEGRITY_PROOF;
  cryptosuite: typeof ECDSA_JCS_2019;
  created: string;
  verificationMethod: string;
  proofPurpose: 'assertionMethod';
  /** The seal's certificate chain: base64 DER, leaf first. */
  x5c: string[];
  proofValue: string;
}

export interface RecordBookCredential {
  '@context': CredentialContext;
  id: string;
  type: ['VerifiableCredential', typeof RECORD_BOOK_CREDENTIAL_TYPE];
  issuer: { id: string; name: string };
  validFrom: string;
  credentialSubject: { id: string; recordBook: RecordBook };
  export: ExportMeta & { watermark: string };
  proof: RecordBookCredentialProof;
}

export interface IssueRecordBookCredentialInput {
  signer: Signer;
  /** The school's seal key (`sealKeyRef(schoolId)`); its certificate must be that school's seal. */
  keyRef: string;
  /** The issuing school: its platform id (written as `urn:hocbaso:school:<id>`) and name. */
  issuer: { id: string; name: string };
  meta: ExportMeta;
  /** Default: the proof's creation time. */
  validFrom?: string;
  /** The proof's creation time; default now. */
  now?: Date;
}

/** Issues the record book as a credential sealed by the school. Throws SigningError when it cannot. */
export async function issueRecordBookCredential(
  book: RecordBook,
  input: IssueRecordBookCredentialInput,
): Promise<RecordBookCredential> {
  const { signer, keyRef, issuer, meta } = input;
  const chain = await signer.certificateChain(keyRef);
  const leafPem = chain[0];
  if (leafPem === undefined) {
    throw new SigningError('CERTIFICATE_MISSING', `Khóa "${keyRef}" không có chứng thư số.`, { keyRef });
  }
  const leaf = describeCertificate(leafPem);
  if (leaf.kind !== 'ORGANISATION_SEAL' || leaf.schoolId !== issuer.id) {
    throw new SigningError(
      'CERTIFICATE_INVALID',
      `Chứng thư của khóa "${keyRef}" không phải con dấu số của ${issuer.name}: chỉ con dấu của trường mới cấp được học bạ số.`,
      { keyRef, schoolId: issuer.id },
    );
  }
  const created = (input.now ?? new Date()).toISOString();
  const context: CredentialContext = [CREDENTIALS_V2_CONTEXT, RECORD_BOOK_CREDENTIAL_CONTEXT];
  const issuerId = schoolUrn(issuer.id);
  const unsecured = {
    '@context': context,
    id: exportUrn(meta.exportId),
    type: ['VerifiableCredential', RECORD_BOOK_CREDENTIAL_TYPE] as RecordBookCredential['type'],
    issuer: { id: issuerId, name: issuer.name },
    validFrom: input.validFrom ?? created,
    credentialSubject: { id: studentUrn(book.studentId), recordBook: book },
    export: { ...meta, watermark: watermarkOf(meta) },
  };
  const certificates = chain.map((pem) => new X509Certificate(pem));
  const proof = await createProof(
    unsecured,
    {
      type: DATA_INTEGRITY_PROOF,
      cryptosuite: ECDSA_JCS_2019,
      created,
      verificationMethod: `${issuerId}#${leaf.fingerprint}`,
      proofPurpose: 'assertionMethod' as const,
      x5c: certificates.map((certificate) => certificate.raw.toString('base64')),
    },
    async (data) => {
      const { algorithm, signature } = await signer.sign(keyRef, data);
      if (algorithm !== 'ES256') {
        throw new SigningError('SIGNATURE_INVALID', `Khóa "${keyRef}" không ký bằng ES256.`, {
          keyRef,
          algorithm,
        });
      }
      return Buffer.from(signature, 'base64url');
    },
  );
  const credential = { ...unsecured, proof: { '@context': context, ...proof } };
  // As signSnapshot does: a signer whose signature does not match its own certificate is refused.
  const check = verifyProof(credential, (certificates[0] as X509Certificate).publicKey);
  if (!check.valid) {
    throw new SigningError(
      'SIGNATURE_INVALID',
      `Chữ ký tạo bởi khóa "${keyRef}" không khớp với chứng thư của khóa đó.`,
      { keyRef },
    );
  }
  return credential;
}
