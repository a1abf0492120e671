import { X509Certificate } from 'node:crypto';
import { certificateFingerprint, LocalKeystoreSigner, sealKeyRef } from '@hocbaso/signing';
import { recordBookOf, type RecordBook } from '../record-book';
import { createTestSchool, signTestYear, type TestSchool } from '../testing';
import type { ExportMeta } from '../xml/export-meta';
import { issueRecordBookCredential, type RecordBookCredential } from './record-book-credential';
import { verifyRecordBookCredential } from './verify-credential';

let school: TestSchool;
let other: TestSchool;
let book: RecordBook;
let credential: RecordBookCredential;
let otherCredential: RecordBookCredential;

const meta: ExportMeta = {
  exportId: 'export-2026-0002',
  issuedAt: '2026-06-20T02:30:00.000Z',
  requester: { accountId: 'acc-giaovu', name: 'Phạm Thị Lan', role: 'ACADEMIC_STAFF' },
  verificationCode: 'HB-3MZ8-QP41',
};

const issue = (by: TestSchool, recordBook: RecordBook) =>
  issueRecordBookCredential(recordBook, {
    signer: new LocalKeystoreSigner(by.keystoreDir),
    keyRef: sealKeyRef(by.schoolId),
    issuer: { id: by.schoolId, name: by.schoolName },
    meta,
  });

beforeAll(async () => {
  school = await createTestSchool();
  other = await createTestSchool({ schoolId: 'school-other', schoolName: 'Trường THPT Chu Văn An' });
  book = recordBookOf('student-1', [await signTestYear({ school })]);
  credential = await issue(school, book);
  otherCredential = await issue(other, recordBookOf('student-1', [await signTestYear({ school: other })]));
});

const trusted = () => ({ trustedCas: [school.caPem] });
const codes = (v: { problems: Array<{ code: string }> }) => v.problems.map((p) => p.code);
const tamper = (change: (copy: RecordBookCredential) => void): RecordBookCredential => {
  const copy = structuredClone(credential);
  change(copy);
  return copy;
};

describe('issueRecordBookCredential', () => {
  it('issues a W3C credential sealed by the school with an ecdsa-jcs-2019 proof', () => {
    expect(credential['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://hocbaso.vn/credentials/record-book/v1',
    ]);
    expect(credential.type).toEqual(['VerifiableCredential', 'RecordBookCredential']);
    expect(credential.issuer).toEqual({ id: 'urn:hocbaso:school:school-test', name: school.schoolName });
    expect(credential.credentialSubject.id).toBe('urn:hocbaso:student:student-1');
    expect(credential.credentialSubject.recordBook).toEqual(book);
    expect(credential.export.requester).toEqual(meta.requester);
    expect(credential.export.watermark).toContain('Phạm Thị Lan');
    const { proof } = credential;
    expect(proof).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'ecdsa-jcs-2019',
      proofPurpose: 'assertionMethod',
    });
    expect(proof.proofValue).toMatch(/^z[1-9A-HJ-NP-Za-km-z]+$/);
    // The chain is the seal's, leaf first; the method names that leaf by its fingerprint.
    const leafPem = new X509Certificate(Buffer.from(proof.x5c[0] ?? '', 'base64')).toString();
    expect(proof.verificationMethod).toBe(
      `urn:hocbaso:school:school-test#${certificateFingerprint(leafPem)}`,
    );
    expect(
      certificateFingerprint(new X509Certificate(Buffer.from(proof.x5c[1] ?? '', 'base64')).toString()),
    ).toBe(certificateFingerprint(school.caPem));
  });

  it('refuses to issue with a key that is not the school seal', async () => {
    await expect(
      issueRecordBookCredential(book, {
        signer: new LocalKeystoreSigner(school.keystoreDir),
        keyRef: school.approverAccountId,
        issuer: { id: school.schoolId, name: school.schoolName },
        meta,
      }),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_INVALID' });
  });
});

describe('verifyRecordBookCredential', () => {
  it('verifies the credential and every signature of the book inside, offline', () => {
    const verification = verifyRecordBookCredential(JSON.parse(JSON.stringify(credential)), trusted());
    expect(verification.problems).toEqual([]);
    expect(verification.valid).toBe(true);
    expect(verification.book?.valid).toBe(true);
    expect(verification.book?.years[0]?.approvedBy?.name).toBe(school.approverName);
    expect(verification.issuer).toMatchObject({ name: school.schoolName, sealedBy: school.schoolName });
    expect(verification.export?.requester.name).toBe('Phạm Thị Lan');
  });

  it('fails when a mark is changed in the signed text inside the credential', () => {
    const changed = tamper((copy) => {
      const year = copy.credentialSubject.recordBook.years[0]!;
      year.approval.canonical = year.approval.canonical.replace('"average":9.1', '"average":9.9');
    });
    expect(changed.credentialSubject.recordBook.years[0]?.approval.canonical).toContain('"average":9.9');
    const verification = verifyRecordBookCredential(changed, trusted());
    expect(verification.valid).toBe(false);
    expect(codes(verification)).toEqual(expect.arrayContaining(['PROOF_INVALID', 'RECORD_BOOK_INVALID']));
    expect(verification.book?.years[0]?.problems.map((p) => p.code)).toContain('CONTENT_CHANGED');
  });

  it('fails when the requester in the export block is changed', () => {
    const changed = tamper((copy) => {
      copy.export.requester.name = 'Người Khác';
    });
    const verification = verifyRecordBookCredential(changed, trusted());
    expect(verification.valid).toBe(false);
    expect(codes(verification)).toContain('PROOF_INVALID');
    expect(verification.book?.valid).toBe(true);
  });

  it('fails when the proof creation time is changed', () => {
    const changed = tamper((copy) => {
      copy.proof.created = new Date(Date.parse(copy.proof.created) - 3_600_000).toISOString();
    });
    expect(codes(verifyRecordBookCredential(changed, trusted()))).toContain('PROOF_INVALID');
  });

  it("fails with another school's certificate chain swapped in", () => {
    const swapped = tamper((copy) => {
      copy.proof.x5c = otherCredential.proof.x5c;
    });
    const verification = verifyRecordBookCredential(swapped, trusted());
    expect(verification.valid).toBe(false);
    expect(codes(verification)).toEqual(
      expect.arrayContaining([
        'VERIFICATION_METHOD_MISMATCH',
        'PROOF_INVALID',
        'ISSUER_MISMATCH',
        'UNTRUSTED_CA',
      ]),
    );
    // Even with the method renamed to the other seal and both CAs trusted, the proof does not hold.
    const renamed = tamper((copy) => {
      copy.proof.x5c = otherCredential.proof.x5c;
      copy.proof.verificationMethod = `${copy.issuer.id}#${otherCredential.proof.verificationMethod.split('#')[1]}`;
    });
    const both = verifyRecordBookCredential(renamed, { trustedCas: [school.caPem, other.caPem] });
    expect(codes(both)).toEqual(expect.arrayContaining(['PROOF_INVALID', 'ISSUER_MISMATCH']));
    expect(codes(both)).not.toContain('VERIFICATION_METHOD_MISMATCH');
  });

  it('fails when only another CA is trusted', () => {
    const verification = verifyRecordBookCredential(credential, { trustedCas: [other.caPem] });
    expect(verification.valid).toBe(false);
    expect(codes(verification)).toEqual(expect.arrayContaining(['UNTRUSTED_CA', 'RECORD_BOOK_INVALID']));
    expect(codes(verifyRecordBookCredential(otherCredential, trusted()))).toContain('UNTRUSTED_CA');
  });

  it('trusts the issuer by its CA fingerprint registered for the school', () => {
    const fingerprint = certificateFingerprint(school.caPem);
    const isTrustedCa = (schoolId: string, fp: string) => schoolId === school.schoolId && fp === fingerprint;
    expect(verifyRecordBookCredential(credential, { isTrustedCa }).valid).toBe(true);
    const elsewhere = (schoolId: string, fp: string) => schoolId === 'school-other' && fp === fingerprint;
    expect(codes(verifyRecordBookCredential(credential, { isTrustedCa: elsewhere }))).toContain(
      'UNTRUSTED_ISSUER',
    );
  });

  it('refuses what is not a record book credential, and a credential verified before it was made', () => {
    expect(codes(verifyRecordBookCredential({ type: ['VerifiableCredential'] }, trusted()))).toEqual([
      'FORMAT',
    ]);
    expect(verifyRecordBookCredential(null, trusted()).valid).toBe(false);
    const early = new Date(Date.parse(credential.proof.created) - 86_400_000);
    expect(codes(verifyRecordBookCredential(credential, trusted(), early))).toEqual(
      expect.arrayContaining(['CREATED_IN_FUTURE', 'NOT_YET_VALID']),
    );
  });
});
