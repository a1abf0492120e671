import { certificateFingerprint } from '@hocbaso/signing';
import { recordBookOf, verifyRecordBook, verifySignedYear, type SignedYear } from './record-book';
import { createTestSchool, sampleConduct, signTestYear, type TestSchool } from './testing';
import { syncWaveOf, yearPageOf } from './year-page';

let school: TestSchool;
let other: TestSchool;
let year: SignedYear;

beforeAll(async () => {
  school = await createTestSchool();
  other = await createTestSchool({ schoolId: 'school-other', schoolName: 'Trường THPT Chu Văn An' });
  year = await signTestYear({ school });
});

const trusted = () => ({ trustedCas: [school.caPem] });
const codes = (v: { problems: Array<{ code: string }> }) => v.problems.map((p) => p.code);

describe('verifySignedYear', () => {
  it('accepts an approval and seal made with the school keys, trusted through its CA', () => {
    const verification = verifySignedYear(year, trusted());
    expect(verification.problems).toEqual([]);
    expect(verification.valid).toBe(true);
    expect(verification.approvedBy?.name).toBe(school.approverName);
    expect(verification.sealedBy?.name).toBe(school.schoolName);
    expect(verification.page?.personal.fullName).toBe('Nguyễn Thị Ánh Dương');
  });

  it('trusts a chain by its root fingerprint when the archive registered that CA for the school', () => {
    const fingerprint = certificateFingerprint(school.caPem);
    const isTrustedCa = (schoolId: string, fp: string) => schoolId === school.schoolId && fp === fingerprint;
    expect(verifySignedYear(year, { isTrustedCa }).valid).toBe(true);
    const elsewhere = (schoolId: string, fp: string) => schoolId === 'school-other' && fp === fingerprint;
    expect(codes(verifySignedYear(year, { isTrustedCa: elsewhere }))).toContain('UNTRUSTED_ISSUER');
  });

  it('refuses a mark changed in the signed text', () => {
    const tampered = {
      ...year,
      approval: {
        ...year.approval,
        canonical: year.approval.canonical.replace('"average":9.1', '"average":9.9'),
      },
    };
    expect(tampered.approval.canonical).not.toBe(year.approval.canonical);
    const verification = verifySignedYear(tampered, trusted());
    expect(verification.valid).toBe(false);
    expect(codes(verification)).toContain('CONTENT_CHANGED');
  });

  it('refuses a signing time moved after signing', () => {
    const moved = { ...year, approval: { ...year.approval, signedAt: '2026-01-01T00:00:00.000Z' } };
    expect(codes(verifySignedYear(moved, trusted()))).toContain('SIGNATURE_MISMATCH');
  });

  it('refuses a seal taken from another approval', async () => {
    const another = await signTestYear({ school, studentId: 'student-2' });
    const swapped = { ...year, seal: another.seal };
    expect(codes(verifySignedYear(swapped, trusted()))).toContain('SEAL_NOT_OVER_APPROVAL');
  });

  it('refuses an approval presented as another student or version', () => {
    expect(codes(verifySignedYear({ ...year, studentId: 'student-9' }, trusted()))).toContain(
      'NOT_THIS_RECORD',
    );
    expect(codes(verifySignedYear({ ...year, recordVersion: 2 }, trusted()))).toContain('NOT_THIS_RECORD');
  });

  it('refuses keys of another school CA', () => {
    const verification = verifySignedYear(year, { trustedCas: [other.caPem] });
    expect(verification.valid).toBe(false);
    expect(codes(verification)).toContain('UNTRUSTED_CA');
  });
});

describe('verifyRecordBook', () => {
  it('verifies every year and names the one that fails', async () => {
    const second = await signTestYear({ school, schoolYear: '2026-2027', grade: 11, className: '11A1' });
    const book = recordBookOf('student-1', [second, year]);
    expect(book.years.map((y) => y.schoolYear)).toEqual(['2025-2026', '2026-2027']);
    expect(verifyRecordBook(book, trusted()).valid).toBe(true);

    const broken = structuredClone(book);
    broken.years[1]!.approval.contentHash = '0'.repeat(64);
    const verification = verifyRecordBook(broken, trusted());
    expect(verification.valid).toBe(false);
    expect(verification.years.map((y) => y.valid)).toEqual([true, false]);
  });

  it('refuses what is not a record book without throwing', () => {
    expect(verifyRecordBook({ format: 'x' }, trusted()).problems[0]?.code).toBe('FORMAT');
    expect(verifyRecordBook(null, trusted()).valid).toBe(false);
  });
});

describe('the year page and its sync wave', () => {
  it('reads the signed page and sends promoted students without a summer step in the first wave', () => {
    const page = yearPageOf(year.approval);
    expect(page.className).toBe('10A1');
    expect(page.subjects.map((s) => s.subjectCode)).toEqual(['NGU_VAN', 'TOAN', 'GD_THE_CHAT']);
    expect(syncWaveOf(page)).toBe('COMPLETED_GRADE');
    expect(syncWaveOf({ ...page, conduct: sampleConduct({ outcome: 'SUMMER_TRAINING' }) })).toBe('REST');
    expect(
      syncWaveOf({ ...page, conduct: sampleConduct({ outcome: 'PROMOTED', summerConduct: 'DAT' }) }),
    ).toBe('REST');
    expect(syncWaveOf({ ...page, conduct: sampleConduct({ outcome: null }) })).toBe('REST');
  });

  it('refuses to read a signature over something other than a year page', () => {
    expect(() => yearPageOf({ canonical: '{"format":"hocbaso.seal/1"}' })).toThrow('Nội dung đã ký');
    expect(() => yearPageOf({ canonical: 'not json' })).toThrow('không đọc được JSON');
  });
});
