import {
  ministryRecordOf,
  recordBookTesting,
  type MinistryRecord,
  type SignedYear,
} from '@hocbaso/record-book';
import { ageAtSchoolYearStart, checkAgainstHolding, checkMinistryRecord } from './record-check';
import { checkAgainstSchema } from './schema-check';

const noUnknownIds = { unknownPersonalIds: new Map<string, string | null>() };
let school: recordBookTesting.TestSchool;
let year: SignedYear;
let record: MinistryRecord;

beforeAll(async () => {
  school = await recordBookTesting.createTestSchool({ schoolId: 'school-check' });
  year = await recordBookTesting.signTestYear({ school });
  record = ministryRecordOf(year, null);
});

/** A copy as a JSON body arrives (structuredClone makes objects of another realm under jest). */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);

describe('ageAtSchoolYearStart', () => {
  it('counts whole years on 5 September of the first year of the school year', () => {
    expect(ageAtSchoolYearStart('2008-03-14', '2025-2026')).toBe(17);
    expect(ageAtSchoolYearStart('2008-09-05', '2025-2026')).toBe(17);
    expect(ageAtSchoolYearStart('2008-09-06', '2025-2026')).toBe(16);
    expect(ageAtSchoolYearStart('2008-02-29', '2025-2026')).toBe(17);
  });

  it('refuses dates that do not exist', () => {
    expect(ageAtSchoolYearStart('2007-02-29', '2025-2026')).toBeNull();
    expect(ageAtSchoolYearStart('2008-13-01', '2025-2026')).toBeNull();
    expect(ageAtSchoolYearStart('2008-04-31', '2025-2026')).toBeNull();
  });
});

describe('checkAgainstSchema', () => {
  it('accepts the payload the platform builds', () => {
    expect(checkAgainstSchema(record)).toEqual([]);
  });

  it('names the path of a wrong type deep inside a nullable object, and of an unknown field', () => {
    const body = copy(record) as unknown as {
      page: { subjects: { term1: { final: unknown } }[] };
      extra?: unknown;
    };
    (body.page.subjects[1] as { term1: { final: unknown } }).term1.final = 'chín';
    body.extra = true;
    const reasons = checkAgainstSchema(body);
    expect(reasons.map((r) => r.path)).toEqual(
      expect.arrayContaining(['page.subjects[1].term1.final', 'extra']),
    );
    expect(reasons.every((r) => r.code === 'SCHEMA_VIOLATION')).toBe(true);
  });
});

describe('checkMinistryRecord', () => {
  it('accepts a signed year whose page and fields are what was signed', () => {
    expect(checkMinistryRecord(record, noUnknownIds)).toEqual([]);
  });

  it('refuses a page that differs from the signed one, naming the section', () => {
    const changed = copy(record);
    changed.page.conduct.conductYear = 'KHA';
    const reasons = checkMinistryRecord(changed, noUnknownIds);
    expect(reasons).toEqual([expect.objectContaining({ code: 'PAGE_MISMATCH', path: 'page.conduct' })]);
  });

  it('refuses top-level fields that differ from the signed page', () => {
    const changed = { ...record, studentId: 'student-other', wave: 'REST' as const };
    const reasons = checkMinistryRecord(changed, noUnknownIds);
    expect(reasons.filter((r) => r.code === 'FIELD_MISMATCH').map((r) => r.path)).toEqual([
      'studentId',
      'wave',
    ]);
  });

  it('with trusted CAs given, refuses a year signed under another CA', async () => {
    const other = await recordBookTesting.createTestSchool({ schoolId: 'school-other' });
    const reasons = checkMinistryRecord(record, { ...noUnknownIds, trustedCas: [other.caPem] });
    expect(codes(reasons)).toContain('SIGNATURE_UNTRUSTED_CA');
    expect(checkMinistryRecord(record, { ...noUnknownIds, trustedCas: [school.caPem] })).toEqual([]);
  });

  it('refuses a student too young or too old at the start of the school year', async () => {
    const young = await recordBookTesting.signTestYear({
      school,
      studentId: 'student-young',
      personal: recordBookTesting.samplePersonal({ dateOfBirth: '2013-09-06' }),
    });
    const reasons = checkMinistryRecord(ministryRecordOf(young, null), noUnknownIds);
    expect(reasons).toEqual([
      expect.objectContaining({ code: 'AGE_OUT_OF_RANGE', path: 'page.personal.dateOfBirth' }),
    ]);
    const old = await recordBookTesting.signTestYear({
      school,
      studentId: 'student-old',
      personal: recordBookTesting.samplePersonal({ dateOfBirth: '1999-01-01' }),
    });
    expect(codes(checkMinistryRecord(ministryRecordOf(old, null), noUnknownIds))).toEqual([
      'AGE_OUT_OF_RANGE',
    ]);
  });

  it('refuses a replaced version that is not older than the one sent', () => {
    const reasons = checkMinistryRecord({ ...record, replacesVersion: 1 }, noUnknownIds);
    expect(codes(reasons)).toEqual(['REPLACES_VERSION_INVALID']);
  });
});

describe('checkAgainstHolding', () => {
  it('accepts a first version, and a newer one that says it replaces', () => {
    expect(checkAgainstHolding(record, undefined)).toEqual([]);
    expect(
      checkAgainstHolding({ ...record, recordVersion: 3, replacesVersion: 2 }, { recordVersion: 2 }),
    ).toEqual([]);
  });

  it('refuses an older or equal version, and a newer one that does not say what it replaces', () => {
    expect(codes(checkAgainstHolding(record, { recordVersion: 1 }))).toEqual(['VERSION_NOT_NEWER']);
    expect(codes(checkAgainstHolding({ ...record, recordVersion: 2 }, { recordVersion: 1 }))).toEqual([
      'REPLACES_VERSION_MISSING',
    ]);
  });
});
