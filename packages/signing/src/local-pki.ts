import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  certificateFingerprint,
  createCertificateAuthority,
  describeCertificate,
  issueCertificate,
  splitPemChain,
  type CertificateKind,
  type KeyAndCertificate,
} from './certificates';
import { SigningError } from './errors';

/** One member of staff who signs: teacher, homeroom teacher, principal or vice principal. */
export interface StaffMember {
  accountId: string;
  /** Full name, the certificate's common name. */
  name: string;
  /** This person's own validity, e.g. an already expired certificate for a test. */
  validFrom?: Date | string;
  validTo?: Date | string;
}

export interface SchoolPkiOptions {
  /** The keystore directory (created 0700 when missing). */
  outDir: string;
  schoolId: string;
  schoolName: string;
  staff: StaffMember[];
  /** Validity of the certificates issued by this run; default one day before `now` to two years after. */
  validFrom?: Date;
  validTo?: Date;
  /** Validity of a newly created CA; default one day before `now` to ten years after. */
  caValidFrom?: Date;
  caValidTo?: Date;
  /** Re-create the CA and every certificate even when the files exist. */
  force?: boolean;
  now?: Date;
}

export interface ManifestCertificate {
  keyRef: string;
  kind: CertificateKind;
  accountId: string | null;
  commonName: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
}

/** `manifest.json`: what the keystore holds, without any key. */
export interface SchoolPkiManifest {
  schoolId: string;
  schoolName: string;
  ca: { commonName: string; fingerprint: string; notBefore: string; notAfter: string };
  certificates: ManifestCertificate[];
}

export interface SchoolPki {
  manifest: SchoolPkiManifest;
  /** The CA certificate (PEM): what the school registers as its trust anchor. */
  caPem: string;
  /** Key refs issued by this run; the others were kept from an earlier run. */
  issued: string[];
  kept: string[];
}

const CA_CERTIFICATE = 'ca.pem';
// Not `<keyRef>.key.pem` with a chain beside it, so the keystore signer never signs with the CA key.
const CA_KEY = 'ca.key.pem';
const KEY_REF = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Key ref of a school's organisational (seal) certificate. */
export function sealKeyRef(schoolId: string): string {
  return `seal-${schoolId}`;
}

/**
 * The local school PKI for development and tests: a school CA, the school's seal certificate
 * (keyRef `seal-<schoolId>`) and one certificate per member of staff (keyRef = account id), written
 * as `ca.pem`, `ca.key.pem`, `<keyRef>.key.pem` (0600), `<keyRef>.chain.pem` (leaf, then CA) and
 * `manifest.json`. Idempotent: existing keys and certificates issued by the current CA are kept, so
 * fingerprints registered elsewhere stay valid; `force` re-creates everything.
 */
export async function createSchoolPki(options: SchoolPkiOptions): Promise<SchoolPki> {
  const now = options.now ?? new Date();
  const entries = plannedEntries(options);
  await mkdir(options.outDir, { recursive: true, mode: 0o700 });

  const ca = await loadOrCreateCa(options, now);
  const caFingerprint = certificateFingerprint(ca.certificatePem);
  const issued: string[] = [];
  const kept: string[] = [];
  const certificates: ManifestCertificate[] = [];
  for (const entry of entries) {
    let leafPem = options.force ? null : await existingLeaf(options.outDir, entry.keyRef, caFingerprint);
    if (leafPem === null) {
      const certificate = await issueCertificate({
        ca,
        kind: entry.kind,
        subject: {
          commonName: entry.commonName,
          organisation: options.schoolName,
          ...(entry.kind === 'PERSON' ? { accountId: entry.keyRef } : { schoolId: options.schoolId }),
        },
        validFrom: entry.validFrom ?? options.validFrom ?? new Date(now.getTime() - DAY_MS),
        validTo: entry.validTo ?? options.validTo ?? new Date(now.getTime() + 2 * 365 * DAY_MS),
      });
      await writeAtomically(
        join(options.outDir, `${entry.keyRef}.key.pem`),
        certificate.privateKeyPem,
        0o600,
      );
      await writeAtomically(
        join(options.outDir, `${entry.keyRef}.chain.pem`),
        certificate.certificatePem.trimEnd() + '\n' + ca.certificatePem.trimEnd() + '\n',
        0o644,
      );
      leafPem = certificate.certificatePem;
      issued.push(entry.keyRef);
    } else {
      kept.push(entry.keyRef);
    }
    const description = describeCertificate(leafPem);
    certificates.push({
      keyRef: entry.keyRef,
      kind: entry.kind,
      accountId: entry.kind === 'PERSON' ? entry.keyRef : null,
      commonName: description.commonName,
      fingerprint: description.fingerprint,
      notBefore: description.notBefore,
      notAfter: description.notAfter,
    });
  }

  const caDescription = describeCertificate(ca.certificatePem);
  const manifest: SchoolPkiManifest = {
    schoolId: options.schoolId,
    schoolName: options.schoolName,
    ca: {
      commonName: caDescription.commonName,
      fingerprint: caFingerprint,
      notBefore: caDescription.notBefore,
      notAfter: caDescription.notAfter,
    },
    certificates,
  };
  await writeAtomically(
    join(options.outDir, 'manifest.json'),
    JSON.stringify(manifest, null, 2) + '\n',
    0o644,
  );
  return { manifest, caPem: ca.certificatePem, issued, kept };
}

interface PlannedEntry {
  keyRef: string;
  kind: CertificateKind;
  commonName: string;
  validFrom?: Date;
  validTo?: Date;
}

function plannedEntries(options: SchoolPkiOptions): PlannedEntry[] {
  if (!options.schoolName?.trim()) throw invalid('schoolName', 'Thiếu tên trường.');
  const seal = sealKeyRef(options.schoolId ?? '');
  if (!options.schoolId || !KEY_REF.test(seal)) throw invalid('schoolId', 'Mã trường không hợp lệ.');
  const entries: PlannedEntry[] = [
    { keyRef: seal, kind: 'ORGANISATION_SEAL', commonName: options.schoolName },
  ];
  const seen = new Set([seal, 'ca']);
  options.staff.forEach((member, index) => {
    const field = `staff[${index}]`;
    if (typeof member.accountId !== 'string' || !KEY_REF.test(member.accountId)) {
      throw invalid(
        `${field}.accountId`,
        `Mã tài khoản "${String(member.accountId)}" không dùng làm tên khóa được.`,
      );
    }
    if (seen.has(member.accountId)) {
      throw invalid(`${field}.accountId`, `Mã tài khoản "${member.accountId}" trùng hoặc là tên dành riêng.`);
    }
    if (typeof member.name !== 'string' || !member.name.trim())
      throw invalid(`${field}.name`, 'Thiếu họ tên.');
    seen.add(member.accountId);
    entries.push({
      keyRef: member.accountId,
      kind: 'PERSON',
      commonName: member.name,
      validFrom: optionalDate(member.validFrom, `${field}.validFrom`),
      validTo: optionalDate(member.validTo, `${field}.validTo`),
    });
  });
  return entries;
}

async function loadOrCreateCa(options: SchoolPkiOptions, now: Date): Promise<KeyAndCertificate> {
  const certificateFile = join(options.outDir, CA_CERTIFICATE);
  const keyFile = join(options.outDir, CA_KEY);
  if (!options.force) {
    const [certificatePem, privateKeyPem] = await Promise.all([
      readIfExists(certificateFile),
      readIfExists(keyFile),
    ]);
    if (certificatePem !== null && privateKeyPem !== null) return { certificatePem, privateKeyPem };
  }
  const ca = await createCertificateAuthority({
    commonName: `CA nội bộ ${options.schoolName}`,
    organisation: options.schoolName,
    validFrom: options.caValidFrom ?? new Date(now.getTime() - DAY_MS),
    validTo: options.caValidTo ?? new Date(now.getTime() + 10 * 365 * DAY_MS),
  });
  await writeAtomically(keyFile, ca.privateKeyPem, 0o600);
  await writeAtomically(certificateFile, ca.certificatePem, 0o644);
  return ca;
}

/** The stored leaf of `keyRef` when its key is there and its chain was issued by the current CA. */
async function existingLeaf(outDir: string, keyRef: string, caFingerprint: string): Promise<string | null> {
  const [key, chainText] = await Promise.all([
    readIfExists(join(outDir, `${keyRef}.key.pem`)),
    readIfExists(join(outDir, `${keyRef}.chain.pem`)),
  ]);
  if (key === null || chainText === null) return null;
  const [leaf, issuer] = splitPemChain(chainText);
  if (leaf === undefined || issuer === undefined) return null;
  try {
    return certificateFingerprint(issuer) === caFingerprint ? leaf : null;
  } catch {
    return null;
  }
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Write then rename, so an interrupted run never leaves half a key behind. */
async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode });
  await chmod(temporary, mode); // the umask may have narrowed or the file may have existed
  await rename(temporary, file);
}

function optionalDate(value: Date | string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(field, `Ngày "${String(value)}" không hợp lệ.`);
  return date;
}

function invalid(field: string, message: string): SigningError {
  return new SigningError('VALIDATION_FAILED', message, { field });
}
