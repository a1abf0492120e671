// tsyringe, inside @peculiar/x509, needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import { createHash, createPrivateKey, createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { SigningError } from './errors';

// Once per process: @peculiar/x509 runs on Node's WebCrypto.
x509.cryptoProvider.set(webcrypto);

/** ECDSA on P-256 with SHA-256 (ES256) for every key and certificate of the platform. */
const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const CERTIFICATE_SIGNATURE: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

const ACCOUNT_URN = 'urn:hocbaso:account:';
const SEAL_URN = 'urn:hocbaso:seal:';

/** A certificate and its private key, both PEM (the key PKCS#8). */
export interface KeyAndCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

/** What a certificate certifies: a person (teacher, principal) or the school's seal (con dấu). */
export type CertificateKind = 'PERSON' | 'ORGANISATION_SEAL';

export interface CertificateSubject {
  commonName: string;
  organisation: string;
  /** A person's account; written into the certificate as `urn:hocbaso:account:<id>`. */
  accountId?: string;
  /** The school a seal certificate stands for; written as `urn:hocbaso:seal:<id>`. */
  schoolId?: string;
}

export interface CertificateAuthorityInput {
  commonName: string;
  organisation: string;
  validFrom: Date;
  validTo: Date;
}

export interface IssueCertificateInput {
  ca: KeyAndCertificate;
  subject: CertificateSubject;
  kind: CertificateKind;
  validFrom: Date;
  validTo: Date;
}

export interface CertificateDescription {
  commonName: string;
  organisation: string | null;
  /** Distinguished names as RFC 4514 text. */
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprint: string;
  /** `CA` for a certificate authority; null when the certificate carries none of our markings. */
  kind: CertificateKind | 'CA' | null;
  accountId: string | null;
  schoolId: string | null;
}

/** A self-signed school CA: may sign certificates (one level below it), nothing else. */
export async function createCertificateAuthority(
  input: CertificateAuthorityInput,
): Promise<KeyAndCertificate> {
  checkName(input.commonName, 'commonName');
  checkName(input.organisation, 'organisation');
  checkPeriod(input.validFrom, input.validTo);
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: distinguishedName(input.commonName, input.organisation),
    keys,
    serialNumber: randomSerialNumber(),
    notBefore: input.validFrom,
    notAfter: input.validTo,
    signingAlgorithm: CERTIFICATE_SIGNATURE,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificatePem: certificate.toString('pem'), privateKeyPem: privateKeyPem(keys.privateKey) };
}

/**
 * A signing certificate issued by `ca`: key usage digital signature + non-repudiation (the signer
 * cannot later deny having signed), not a CA, the account or school in the subject alternative name.
 */
export async function issueCertificate(input: IssueCertificateInput): Promise<KeyAndCertificate> {
  const { subject, kind } = input;
  checkName(subject.commonName, 'subject.commonName');
  checkName(subject.organisation, 'subject.organisation');
  checkPeriod(input.validFrom, input.validTo);
  const uri = subjectUri(subject, kind);
  const caCertificate = parseCertificate(input.ca.certificatePem);
  if (!isCertificateAuthority(caCertificate)) {
    throw new SigningError('CERTIFICATE_INVALID', 'Chứng thư của tổ chức cấp không phải là chứng thư CA.');
  }
  const caKey = await importSigningKey(input.ca.privateKeyPem, caCertificate);
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.create({
    subject: distinguishedName(subject.commonName, subject.organisation),
    issuer: caCertificate.subjectName,
    publicKey: keys.publicKey,
    signingKey: caKey,
    serialNumber: randomSerialNumber(),
    notBefore: input.validFrom,
    notAfter: input.validTo,
    signingAlgorithm: CERTIFICATE_SIGNATURE,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: uri }]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate),
    ],
  });
  return { certificatePem: certificate.toString('pem'), privateKeyPem: privateKeyPem(keys.privateKey) };
}

/** Hex SHA-256 of the certificate's DER bytes: how a registered certificate is referred to. */
export function certificateFingerprint(pem: string): string {
  return fingerprintOf(parseCertificate(pem));
}

export function describeCertificate(pem: string): CertificateDescription {
  const certificate = parseCertificate(pem);
  const uris = subjectUris(certificate);
  const accountId = fromUrn(uris, ACCOUNT_URN);
  const schoolId = fromUrn(uris, SEAL_URN);
  let kind: CertificateDescription['kind'] = null;
  if (isCertificateAuthority(certificate)) kind = 'CA';
  else if (accountId !== null) kind = 'PERSON';
  else if (schoolId !== null) kind = 'ORGANISATION_SEAL';
  return {
    commonName: certificate.subjectName.getField('CN')[0] ?? '',
    organisation: certificate.subjectName.getField('O')[0] ?? null,
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    fingerprint: fingerprintOf(certificate),
    kind,
    accountId,
    schoolId,
  };
}

/** The certificates of a PEM bundle (a `.chain.pem` file), in file order. */
export function splitPemChain(text: string): string[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => `${pem}\n`,
  );
}

/** Parses one PEM certificate; a `CERTIFICATE_INVALID` SigningError when it is not one. */
export function parseCertificate(pem: string): x509.X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SigningError('CERTIFICATE_INVALID', 'Chứng thư số không ở định dạng PEM.');
  }
  try {
    return new x509.X509Certificate(pem);
  } catch (cause) {
    throw new SigningError('CERTIFICATE_INVALID', 'Chứng thư số không đọc được (PEM/DER hỏng).', {}, cause);
  }
}

export function fingerprintOf(certificate: x509.X509Certificate): string {
  return createHash('sha256').update(Buffer.from(certificate.rawData)).digest('hex');
}

export function isCertificateAuthority(certificate: x509.X509Certificate): boolean {
  return certificate.getExtension(x509.BasicConstraintsExtension)?.ca === true;
}

/** True when the key usage allows signing documents (digital signature or non-repudiation). */
export function allowsDocumentSigning(certificate: x509.X509Certificate): boolean {
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  if (!usage) return true; // RFC 5280 §4.2.1.3: no extension, no restriction
  return (usage.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation)) !== 0;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

function privateKeyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Imports the CA's private key, refusing one that does not belong to the CA certificate. */
async function importSigningKey(
  pem: string,
  certificate: x509.X509Certificate,
): Promise<webcrypto.CryptoKey> {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw new SigningError('CERTIFICATE_INVALID', 'Khóa bí mật của CA không đọc được.', {}, cause);
  }
  const publicDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (!publicDer.equals(Buffer.from(certificate.publicKey.rawData))) {
    throw new SigningError('CERTIFICATE_INVALID', 'Khóa bí mật không khớp với chứng thư của CA.');
  }
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  return await webcrypto.subtle.importKey('pkcs8', pkcs8, EC_KEY, false, ['sign']);
}

function distinguishedName(commonName: string, organisation: string): x509.JsonName {
  return [{ C: ['VN'] }, { O: [organisation] }, { CN: [commonName] }];
}

/** 16 random bytes, high bit clear so the DER integer stays positive (RFC 5280 §4.1.2.2). */
function randomSerialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function subjectUri(subject: CertificateSubject, kind: CertificateKind): string {
  if (kind === 'PERSON') {
    if (!subject.accountId)
      throw invalid('subject.accountId', 'Chứng thư cá nhân cần mã tài khoản người ký.');
    return ACCOUNT_URN + encodeURIComponent(subject.accountId);
  }
  if (!subject.schoolId) throw invalid('subject.schoolId', 'Chứng thư con dấu cần mã trường.');
  return SEAL_URN + encodeURIComponent(subject.schoolId);
}

function subjectUris(certificate: x509.X509Certificate): string[] {
  const names = certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [];
  return names.filter((name) => name.type === 'url').map((name) => name.value);
}

function fromUrn(uris: string[], prefix: string): string | null {
  const uri = uris.find((value) => value.startsWith(prefix));
  return uri === undefined ? null : decodeURIComponent(uri.slice(prefix.length));
}

function checkName(value: string, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, `Thiếu ${field} của chứng thư.`);
}

function checkPeriod(validFrom: Date, validTo: Date): void {
  const valid = (date: Date) => date instanceof Date && !Number.isNaN(date.getTime());
  if (!valid(validFrom) || !valid(validTo) || validFrom.getTime() >= validTo.getTime()) {
    throw invalid(
      'validFrom',
      'Thời hạn hiệu lực của chứng thư không hợp lệ (ngày bắt đầu phải trước ngày hết hạn).',
    );
  }
}

function invalid(field: string, message: string): SigningError {
  return new SigningError('VALIDATION_FAILED', message, { field });
}
