import { X509Certificate } from 'node:crypto';
import {
  certificateFingerprint,
  createCertificateAuthority,
  describeCertificate,
  isSigningError,
  issueCertificate,
  splitPemChain,
  type KeyAndCertificate,
} from '../src';
import { at } from './helpers';

describe('certificates', () => {
  let ca: KeyAndCertificate;
  const validity = { validFrom: at('2025-08-01T00:00:00Z'), validTo: at('2027-08-01T00:00:00Z') };

  beforeAll(async () => {
    ca = await createCertificateAuthority({
      commonName: 'CA Trường THPT Trần Phú',
      organisation: 'Trường THPT Trần Phú',
      validFrom: at('2025-01-01T00:00:00Z'),
      validTo: at('2035-01-01T00:00:00Z'),
    });
  });

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'issued',
      (error: unknown) => (isSigningError(error) ? error.code : String(error)),
    );

  it('creates a self-signed P-256 CA that OpenSSL reads as a CA', () => {
    const certificate = new X509Certificate(ca.certificatePem);
    expect(certificate.ca).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(certificate.validFrom).toBe('Jan  1 00:00:00 2025 GMT');
    expect(describeCertificate(ca.certificatePem)).toMatchObject({
      commonName: 'CA Trường THPT Trần Phú',
      organisation: 'Trường THPT Trần Phú',
      kind: 'CA',
      accountId: null,
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter: '2035-01-01T00:00:00.000Z',
    });
  });

  it('issues a person certificate for signing, not for issuing, naming the account', async () => {
    const issued = await issueCertificate({
      ca,
      kind: 'PERSON',
      subject: { commonName: 'Bùi Thị Hoa', organisation: 'Trường THPT Trần Phú', accountId: 'acc 42/ä' },
      ...validity,
    });
    const certificate = new X509Certificate(issued.certificatePem);
    expect(certificate.ca).toBe(false);
    expect(certificate.verify(new X509Certificate(ca.certificatePem).publicKey)).toBe(true);
    const description = describeCertificate(issued.certificatePem);
    expect(description).toMatchObject({
      commonName: 'Bùi Thị Hoa',
      kind: 'PERSON',
      accountId: 'acc 42/ä',
      schoolId: null,
      serialNumber: certificate.serialNumber.toLowerCase(),
      issuer: describeCertificate(ca.certificatePem).subject,
    });
    expect(certificateFingerprint(issued.certificatePem)).toBe(
      certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
    );
    expect(description.fingerprint).toBe(certificateFingerprint(issued.certificatePem));
  });

  it('issues a seal certificate naming the school', async () => {
    const seal = await issueCertificate({
      ca,
      kind: 'ORGANISATION_SEAL',
      subject: {
        commonName: 'Trường THPT Trần Phú',
        organisation: 'Trường THPT Trần Phú',
        schoolId: 'thpt-tran-phu',
      },
      ...validity,
    });
    expect(describeCertificate(seal.certificatePem)).toMatchObject({
      kind: 'ORGANISATION_SEAL',
      schoolId: 'thpt-tran-phu',
    });
  });

  it('refuses incomplete subjects, an empty validity and a CA key that is not the CA’s', async () => {
    const person = { commonName: 'Bùi Thị Hoa', organisation: 'Trường THPT Trần Phú' };
    expect(await codeOf(issueCertificate({ ca, kind: 'PERSON', subject: person, ...validity }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      await codeOf(issueCertificate({ ca, kind: 'ORGANISATION_SEAL', subject: person, ...validity })),
    ).toBe('VALIDATION_FAILED');
    expect(
      await codeOf(
        issueCertificate({
          ca,
          kind: 'PERSON',
          subject: { ...person, accountId: 'a' },
          validFrom: validity.validTo,
          validTo: validity.validFrom,
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    const other = await createCertificateAuthority({
      commonName: 'CA khác',
      organisation: 'Khác',
      validFrom: validity.validFrom,
      validTo: validity.validTo,
    });
    expect(
      await codeOf(
        issueCertificate({
          ca: { certificatePem: ca.certificatePem, privateKeyPem: other.privateKeyPem },
          kind: 'PERSON',
          subject: { ...person, accountId: 'a' },
          ...validity,
        }),
      ),
    ).toBe('CERTIFICATE_INVALID');
    // A person's certificate cannot issue certificates.
    const leaf = await issueCertificate({
      ca,
      kind: 'PERSON',
      subject: { ...person, accountId: 'a' },
      ...validity,
    });
    expect(
      await codeOf(
        issueCertificate({ ca: leaf, kind: 'PERSON', subject: { ...person, accountId: 'b' }, ...validity }),
      ),
    ).toBe('CERTIFICATE_INVALID');
  });

  it('splits a PEM bundle and refuses what is not a certificate', () => {
    expect(splitPemChain(`${ca.certificatePem}\n${ca.certificatePem}`)).toHaveLength(2);
    expect(splitPemChain('nothing here')).toEqual([]);
    expect(() => certificateFingerprint('nothing here')).toThrow(/PEM/);
  });
});
