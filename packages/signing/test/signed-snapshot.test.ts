// Before @peculiar/x509, whose tsyringe needs it (the library imports it the same way).
import 'reflect-metadata';
import { createPrivateKey, KeyObject, sign, webcrypto, X509Certificate, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import {
  createCertificateAuthority,
  createSchoolPki,
  issueCertificate,
  isSigningError,
  LocalKeystoreSigner,
  signSnapshot,
  verifyCertificateChain,
  verifySignedSnapshot,
  type KeyAndCertificate,
  type SchoolPki,
  type SignedSnapshot,
  type Signer,
} from '../src';
import { at, subjectResultsSnapshot, temporaryDirectory } from './helpers';

const SIGNED_AT = at('2026-05-20T08:00:00.000Z');
const VERIFIED_AT = at('2026-06-01T00:00:00.000Z');

/** Signs with a key held in memory: stands in for a remote signing service behind the Signer boundary. */
class InMemorySigner implements Signer {
  constructor(private readonly holder: { certificate: KeyAndCertificate; chain: string[] }) {}
  async certificateChain(): Promise<string[]> {
    return this.holder.chain;
  }
  async sign(_keyRef: string, data: Uint8Array) {
    const signature = sign('sha256', data, {
      key: this.holder.certificate.privateKeyPem,
      dsaEncoding: 'ieee-p1363',
    });
    return { algorithm: 'ES256' as const, signature: signature.toString('base64url') };
  }
}

const codes = (result: { problems: Array<{ code: string }> }) =>
  result.problems.map((problem) => problem.code);

describe('signing and verifying a snapshot', () => {
  const directories: Array<() => Promise<void>> = [];
  let schoolPath: string;
  let school: SchoolPki;
  let impostor: SchoolPki;
  let signer: LocalKeystoreSigner;
  let impostorSigner: LocalKeystoreSigner;

  beforeAll(async () => {
    const schoolDir = await temporaryDirectory();
    const impostorDir = await temporaryDirectory();
    directories.push(schoolDir.remove, impostorDir.remove);
    schoolPath = schoolDir.path;
    school = await createSchoolPki({
      outDir: schoolDir.path,
      schoolId: 'thpt-nguyen-trai',
      schoolName: 'Trường THPT Nguyễn Trãi',
      staff: [
        { accountId: 'gv-toan-01', name: 'Nguyễn Thị Mai' },
        // Expired three months before the signing time.
        {
          accountId: 'gv-ly-02',
          name: 'Trần Văn Bình',
          validFrom: '2025-02-01T00:00:00Z',
          validTo: '2026-02-01T00:00:00Z',
        },
      ],
      now: at('2025-09-01T00:00:00Z'),
      caValidFrom: at('2025-01-01T00:00:00Z'),
      caValidTo: at('2035-01-01T00:00:00Z'),
    });
    // Another CA with the very same name: only its key differs.
    impostor = await createSchoolPki({
      outDir: impostorDir.path,
      schoolId: 'thpt-nguyen-trai',
      schoolName: 'Trường THPT Nguyễn Trãi',
      staff: [{ accountId: 'gv-toan-01', name: 'Nguyễn Thị Mai' }],
      now: at('2025-09-01T00:00:00Z'),
    });
    signer = new LocalKeystoreSigner(schoolDir.path);
    impostorSigner = new LocalKeystoreSigner(impostorDir.path);
  });

  afterAll(async () => {
    for (const remove of directories) await remove();
  });

  const readKey = (keyRef: string) => readFile(join(schoolPath, `${keyRef}.key.pem`), 'utf8');
  const verifyAgainstSchool = (signed: SignedSnapshot, snapshot: unknown = subjectResultsSnapshot()) =>
    verifySignedSnapshot({ signed, snapshot, registeredCas: [school.caPem], at: VERIFIED_AT });

  it('signs the canonical snapshot with the time and certificate, and verifies it', async () => {
    const snapshot = subjectResultsSnapshot();
    const signed = await signSnapshot(signer, 'gv-toan-01', snapshot, SIGNED_AT);

    expect(JSON.parse(signed.canonical)).toEqual(snapshot);
    expect(signed.signedAt).toBe('2026-05-20T08:00:00.000Z');
    expect(signed.certificateChain).toHaveLength(2);

    // Check the signature without the library: Node's own X.509 parser and the documented statement.
    const leaf = new X509Certificate(signed.certificateChain[0] as string);
    const fingerprint = leaf.fingerprint256.replace(/:/g, '').toLowerCase();
    const statement =
      `{"certificate":"${fingerprint}","contentHash":"${signed.contentHash}",` +
      `"signedAt":"2026-05-20T08:00:00.000Z","type":"hocbaso.signed-snapshot.v1"}`;
    const signature = Buffer.from(signed.signature, 'base64url');
    expect(signature).toHaveLength(64);
    expect(
      verify('sha256', Buffer.from(statement), { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true);

    const result = verifyAgainstSchool(signed, snapshot);
    expect(result).toEqual({
      valid: true,
      problems: [],
      signer: { commonName: 'Nguyễn Thị Mai', accountId: 'gv-toan-01', fingerprint },
    });
    expect(school.manifest.certificates.find((entry) => entry.keyRef === 'gv-toan-01')?.fingerprint).toBe(
      fingerprint,
    );
  });

  it('reports CONTENT_CHANGED when one mark changed after signing (7,5 → 8,5)', async () => {
    const signed = await signSnapshot(signer, 'gv-toan-01', subjectResultsSnapshot(), SIGNED_AT);
    const changed = subjectResultsSnapshot();
    (changed.students[0] as { term1: { midterm: number } }).term1.midterm = 8.5;

    const result = verifyAgainstSchool(signed, changed);
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['CONTENT_CHANGED']);
    expect(result.problems[0]?.message).toMatch(/thay đổi sau khi ký/);
  });

  it('reports CONTENT_CHANGED when the stored canonical copy was edited', async () => {
    const signed = await signSnapshot(signer, 'gv-toan-01', subjectResultsSnapshot(), SIGNED_AT);
    const edited = { ...signed, canonical: signed.canonical.replace('"midterm":7.5', '"midterm":8.5') };
    expect(edited.canonical).not.toBe(signed.canonical);

    expect(codes(verifyAgainstSchool(edited, JSON.parse(edited.canonical)))).toEqual([
      'CONTENT_CHANGED',
      'CONTENT_CHANGED',
    ]);
  });

  it('reports UNTRUSTED_CA for a certificate from another CA, even one with the same name', async () => {
    const signed = await signSnapshot(impostorSigner, 'gv-toan-01', subjectResultsSnapshot(), SIGNED_AT);
    expect(new X509Certificate(impostor.caPem).subject).toBe(new X509Certificate(school.caPem).subject);

    const result = verifyAgainstSchool(signed);
    expect(codes(result)).toEqual(['UNTRUSTED_CA']);
    expect(result.signer?.accountId).toBe('gv-toan-01');

    const bothRegistered = verifySignedSnapshot({
      signed,
      snapshot: subjectResultsSnapshot(),
      registeredCas: [school.caPem, impostor.caPem],
      at: VERIFIED_AT,
    });
    expect(bothRegistered.valid).toBe(true);
  });

  it('reports UNTRUSTED_CA when the chain carries a CA that is not registered', async () => {
    const signed = await signSnapshot(signer, 'gv-toan-01', subjectResultsSnapshot(), SIGNED_AT);
    expect(
      codes(verifySignedSnapshot({ signed, snapshot: subjectResultsSnapshot(), registeredCas: [] })),
    ).toEqual(['UNTRUSTED_CA']);
  });

  it("reports UNTRUSTED_CA for a certificate that a teacher's own key issued", async () => {
    // A teacher (not a CA) makes a certificate in the principal's name with their own key.
    const [teacherPem, caPem] = await signer.certificateChain('gv-toan-01');
    const teacher = new x509.X509Certificate(teacherPem as string);
    const teacherKey = createPrivateKey(await readKey('gv-toan-01'));
    const signingKey = await webcrypto.subtle.importKey(
      'pkcs8',
      teacherKey.export({ type: 'pkcs8', format: 'der' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const forged = await x509.X509CertificateGenerator.create({
      subject: 'C=VN, O=Trường THPT Nguyễn Trãi, CN=Hiệu trưởng',
      issuer: teacher.subjectName,
      publicKey: keys.publicKey,
      signingKey,
      notBefore: at('2025-09-01T00:00:00Z'),
      notAfter: at('2027-09-01T00:00:00Z'),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    const privateKeyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
    const forger = new InMemorySigner({
      certificate: { certificatePem: forged.toString('pem'), privateKeyPem },
      chain: [forged.toString('pem'), teacherPem as string, caPem as string],
    });
    const signed = await signSnapshot(forger, 'principal', subjectResultsSnapshot(), SIGNED_AT);

    expect(codes(verifyAgainstSchool(signed))).toEqual(['UNTRUSTED_CA']);
  });

  it('reports CERTIFICATE_NOT_VALID_AT_SIGNING for a certificate expired at signing time', async () => {
    const signed = await signSnapshot(signer, 'gv-ly-02', subjectResultsSnapshot(), SIGNED_AT);
    const result = verifyAgainstSchool(signed);
    expect(codes(result)).toEqual(['CERTIFICATE_NOT_VALID_AT_SIGNING']);
    expect(result.problems[0]?.message).toContain('2026-02-01T00:00:00.000Z');
  });

  it('reports CA_NOT_VALID_AT_SIGNING when the CA had expired, through any Signer', async () => {
    const ca = await createCertificateAuthority({
      commonName: 'CA ngắn hạn',
      organisation: 'Trường THPT Thử Nghiệm',
      validFrom: at('2025-01-01T00:00:00Z'),
      validTo: at('2026-01-01T00:00:00Z'),
    });
    const certificate = await issueCertificate({
      ca,
      kind: 'PERSON',
      subject: { commonName: 'Lê Văn Cường', organisation: 'Trường THPT Thử Nghiệm', accountId: 'gv-03' },
      validFrom: at('2025-06-01T00:00:00Z'),
      validTo: at('2027-06-01T00:00:00Z'),
    });
    const remote = new InMemorySigner({ certificate, chain: [certificate.certificatePem] });
    const verifyAgainstCa = (signed: SignedSnapshot) =>
      verifySignedSnapshot({
        signed,
        snapshot: subjectResultsSnapshot(),
        registeredCas: [ca.certificatePem],
        at: VERIFIED_AT,
      });

    // The chain holds the leaf only: the registered CA is found by its key.
    const whileValid = await signSnapshot(
      remote,
      'gv-03',
      subjectResultsSnapshot(),
      at('2025-10-01T00:00:00.000Z'),
    );
    expect(verifyAgainstCa(whileValid)).toMatchObject({ valid: true, problems: [] });

    const afterExpiry = await signSnapshot(remote, 'gv-03', subjectResultsSnapshot(), SIGNED_AT);
    const result = verifyAgainstCa(afterExpiry);
    expect(codes(result)).toEqual(['CA_NOT_VALID_AT_SIGNING']);
    expect(result.problems[0]?.message).toContain('CA ngắn hạn');
  });

  it('reports MALFORMED for a signing time later than the moment of verification', async () => {
    const signed = await signSnapshot(signer, 'gv-toan-01', subjectResultsSnapshot(), SIGNED_AT);
    const result = verifySignedSnapshot({
      signed,
      snapshot: subjectResultsSnapshot(),
      registeredCas: [school.caPem],
      at: at('2026-05-19T00:00:00.000Z'),
    });
    expect(codes(result)).toEqual(['MALFORMED']);
  });

  it('reports SIGNATURE_MISMATCH when the signature bytes are altered', async () => {
    const signed = await signSnapshot(signer, 'gv-toan-01', subjectResultsSnapshot(), SIGNED_AT);
    const bytes = Buffer.from(signed.signature, 'base64url');
    bytes[10] = (bytes[10] ?? 0) ^ 0x01;

    expect(codes(verifyAgainstSchool({ ...signed, signature: bytes.toString('base64url') }))).toEqual([
      'SIGNATURE_MISMATCH',
    ]);
  });

  it('reports SIGNATURE_MISMATCH when the signing time is moved', async () => {
    const signed = await signSnapshot(signer, 'gv-ly-02', subjectResultsSnapshot(), SIGNED_AT);
    // Moved back into the expired certificate's validity: the move itself breaks the signature.
    const moved = { ...signed, signedAt: '2026-01-15T08:00:00.000Z' };

    expect(codes(verifyAgainstSchool(moved))).toEqual(['SIGNATURE_MISMATCH']);
  });

  it('reports SIGNATURE_MISMATCH when content and hash are replaced together', async () => {
    const signed = await signSnapshot(signer, 'gv-toan-01', subjectResultsSnapshot(), SIGNED_AT);
    const other = subjectResultsSnapshot();
    other.students[1]!.yearAverage = 6.5;
    const resigned = await signSnapshot(signer, 'gv-toan-01', other, SIGNED_AT);
    const forged = { ...signed, canonical: resigned.canonical, contentHash: resigned.contentHash };

    expect(codes(verifyAgainstSchool(forged, other))).toEqual(['SIGNATURE_MISMATCH']);
  });

  it('reports MALFORMED, never throws, for unreadable input', async () => {
    const signed = await signSnapshot(signer, 'gv-toan-01', subjectResultsSnapshot(), SIGNED_AT);
    const cases: unknown[] = [
      null,
      { ...signed, certificateChain: [] },
      { ...signed, certificateChain: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'] },
      { ...signed, signedAt: '2026-05-20T08:00:00Z' },
      { ...signed, algorithm: 'RS256' },
      { ...signed, contentHash: 'abc' },
    ];
    for (const bad of cases) {
      const result = verifySignedSnapshot({
        signed: bad as SignedSnapshot,
        snapshot: subjectResultsSnapshot(),
        registeredCas: [school.caPem],
        at: VERIFIED_AT,
      });
      expect([bad === null ? 'null' : 'case', result.valid, codes(result)]).toEqual([
        bad === null ? 'null' : 'case',
        false,
        ['MALFORMED'],
      ]);
    }
    const unreadableSnapshot = verifyAgainstSchool(signed, { average: Number.NaN });
    expect(codes(unreadableSnapshot)).toEqual(['MALFORMED']);
    const badRegistry = verifySignedSnapshot({
      signed,
      snapshot: subjectResultsSnapshot(),
      registeredCas: ['not a certificate', school.caPem],
      at: VERIFIED_AT,
    });
    expect(codes(badRegistry)).toEqual(['MALFORMED']);
  });

  it("checks a chain alone, as when a signer's certificate is registered", async () => {
    const chain = await signer.certificateChain('gv-toan-01');
    const [leafFingerprint, caFingerprint] = chain.map((pem) =>
      new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase(),
    );
    expect(verifyCertificateChain({ chain, registeredCas: [school.caPem], at: VERIFIED_AT })).toEqual({
      valid: true,
      problems: [],
      path: [leafFingerprint, caFingerprint],
    });
    const untrusted = verifyCertificateChain({ chain, registeredCas: [impostor.caPem], at: VERIFIED_AT });
    expect([untrusted.valid, codes(untrusted), untrusted.path]).toEqual([false, ['UNTRUSTED_CA'], []]);
    const expired = verifyCertificateChain({
      chain: await signer.certificateChain('gv-ly-02'),
      registeredCas: [school.caPem],
      at: VERIFIED_AT,
    });
    expect(codes(expired)).toEqual(['CERTIFICATE_NOT_VALID_AT_SIGNING']);
    expect(
      codes(verifyCertificateChain({ chain: ['garbage'], registeredCas: [school.caPem], at: VERIFIED_AT })),
    ).toEqual(['MALFORMED']);
  });

  it('refuses to sign with a signer whose key does not match its certificate', async () => {
    const mismatched: Signer = {
      certificateChain: (keyRef) => signer.certificateChain(keyRef),
      sign: (_keyRef, data) => signer.sign('seal-thpt-nguyen-trai', data),
    };
    const error = await signSnapshot(mismatched, 'gv-toan-01', subjectResultsSnapshot(), SIGNED_AT).catch(
      (caught: unknown) => caught,
    );
    expect(isSigningError(error) && error.code).toBe('SIGNATURE_INVALID');
  });

  it('signs with the school seal certificate like any other key', async () => {
    const signed = await signSnapshot(signer, 'seal-thpt-nguyen-trai', subjectResultsSnapshot(), SIGNED_AT);
    const result = verifyAgainstSchool(signed);
    expect(result.valid).toBe(true);
    expect(result.signer).toMatchObject({ commonName: 'Trường THPT Nguyễn Trãi', accountId: null });
  });
});
