import { certificateFingerprint, LocalKeystoreSigner, sealKeyRef } from '@hocbaso/signing';
import { recordBookOf } from './record-book';
import { createTestSchool, signTestYear, type TestSchool } from './testing';
import { issueTransferPackage, verifyTransferPackage, type TransferPackage } from './transfer-package';

let schoolA: TestSchool;
let schoolB: TestSchool;
let pkg: TransferPackage;

beforeAll(async () => {
  schoolA = await createTestSchool({ schoolId: 'school-a', schoolName: 'Trường THPT Lê Quý Đôn' });
  schoolB = await createTestSchool({ schoolId: 'school-b', schoolName: 'Trường THPT Trần Phú' });
  const year10 = await signTestYear({ school: schoolA, studentId: 'st-1' });
  const year11 = await signTestYear({
    school: schoolA,
    studentId: 'st-1',
    schoolYear: '2026-2027',
    grade: 11,
  });
  pkg = await issueTransferPackage({
    transferId: 'transfer-1',
    fromSchool: { id: schoolA.schoolId, code: null, name: schoolA.schoolName },
    issuedBy: { accountId: 'giao-vu-a' },
    issuedAt: new Date(Date.now() - 1_000),
    recordBook: recordBookOf('st-1', [year10, year11]),
    signer: new LocalKeystoreSigner(schoolA.keystoreDir),
    sealKeyRef: sealKeyRef(schoolA.schoolId),
  });
});

/** The platform's registry of school CAs, as the archive keeps it: by school, by fingerprint. */
const registered = (...schools: TestSchool[]) => {
  const known = new Set(schools.map((s) => `${s.schoolId}/${certificateFingerprint(s.caPem)}`));
  return { isTrustedCa: (schoolId: string, fp: string) => known.has(`${schoolId}/${fp}`) };
};
const codes = (v: { problems: Array<{ code: string }> }) => v.problems.map((p) => p.code);

describe('transfer package', () => {
  it('verifies: the sending school sealed this record book, every year verifies', () => {
    const verification = verifyTransferPackage(JSON.parse(JSON.stringify(pkg)), registered(schoolA, schoolB));
    expect(verification.problems).toEqual([]);
    expect(verification.valid).toBe(true);
    expect(verification.book?.years.map((y) => [y.schoolYear, y.valid])).toEqual([
      ['2025-2026', true],
      ['2026-2027', true],
    ]);
  });

  it('is refused when a year was dropped after sealing', () => {
    const tampered = structuredClone(pkg);
    tampered.recordBook.years.pop();
    expect(codes(verifyTransferPackage(tampered, registered(schoolA)))).toContain('SEAL_NOT_OVER_APPROVAL');
  });

  it('is refused when a mark was changed inside a signed year', () => {
    const tampered = structuredClone(pkg);
    const year = tampered.recordBook.years[0]!;
    year.approval.canonical = year.approval.canonical.replace('"average":9.1', '"average":10');
    expect(year.approval.canonical).not.toBe(pkg.recordBook.years[0]!.approval.canonical);
    const verification = verifyTransferPackage(tampered, registered(schoolA));
    expect(verification.valid).toBe(false);
    expect(verification.book?.years[0]?.problems.map((p) => p.code)).toContain('CONTENT_CHANGED');
  });

  it('is refused when the sending school CA is not the one registered for it', () => {
    const verification = verifyTransferPackage(pkg, registered(schoolB));
    expect(verification.valid).toBe(false);
    expect(codes(verification)).toContain('UNTRUSTED_ISSUER');
  });

  it('is refused when it claims another student or is not a package', () => {
    expect(codes(verifyTransferPackage({ ...pkg, studentId: 'st-2' }, registered(schoolA)))).toEqual(
      expect.arrayContaining(['NOT_THIS_RECORD', 'SEAL_NOT_OVER_APPROVAL']),
    );
    expect(codes(verifyTransferPackage({ hello: 'world' }, registered(schoolA)))).toEqual(['FORMAT']);
  });
});
