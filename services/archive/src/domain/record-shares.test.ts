import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '@hocbaso/errors';
import type { Principal } from '@hocbaso/service-kit';
import {
  accessCodeHash,
  accessCodeOf,
  canFollowShares,
  checkShareTerms,
  consentTo,
  familyRelationOf,
  isOpen,
  newShare,
  normalizeAccessCode,
  stateOf,
  withdraw,
  type ShareConsent,
  type ShareProgress,
} from './record-shares';

const NOW = new Date('2026-03-10T03:00:00.000Z');
const LATER = new Date('2026-03-11T03:00:00.000Z');
const UNTIL = new Date('2026-09-30T16:59:59.000Z');
const STUDENT = 'student-1';
const SCHOOL = 'school-1';

const person = (role: string, scope: Record<string, string | null>): Principal => ({
  accountId: `${role.toLowerCase()}-account`,
  username: role.toLowerCase(),
  schoolId: SCHOOL,
  roles: [{ role: role as Principal['roles'][number]['role'], scope: { schoolId: SCHOOL, ...scope } }],
  teaching: [],
});

const parentConsent: ShareConsent = { relation: 'PARENT', accountId: 'me-1', givenAt: NOW };
const studentConsent: ShareConsent = { relation: 'STUDENT', accountId: 'hs-1', givenAt: LATER };

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as AppError).code;
  }
  return undefined;
};

describe('who acts for the student', () => {
  it('is the student or a parent whose role names this student, never staff', () => {
    expect(familyRelationOf(person('PARENT', { studentId: STUDENT }), STUDENT)).toBe('PARENT');
    expect(familyRelationOf(person('STUDENT', { studentId: STUDENT }), STUDENT)).toBe('STUDENT');
    expect(familyRelationOf(person('PARENT', { studentId: 'student-2' }), STUDENT)).toBeNull();
    expect(familyRelationOf(person('PRINCIPAL', {}), STUDENT)).toBeNull();
    expect(familyRelationOf(null, STUDENT)).toBeNull();
  });

  it("lets the family and the managing school's board and admin follow the shares, no one else", () => {
    expect(canFollowShares(person('STUDENT', { studentId: STUDENT }), STUDENT, SCHOOL)).toBe(true);
    for (const role of ['PRINCIPAL', 'VICE_PRINCIPAL', 'ACADEMIC_STAFF', 'SYSTEM_ADMIN'])
      expect(canFollowShares(person(role, {}), STUDENT, SCHOOL)).toBe(true);
    expect(canFollowShares(person('PRINCIPAL', {}), STUDENT, 'another-school')).toBe(false);
    expect(canFollowShares(person('SUBJECT_TEACHER', {}), STUDENT, SCHOOL)).toBe(false);
    expect(canFollowShares(person('PARENT', { studentId: 'student-2' }), STUDENT, SCHOOL)).toBe(false);
    expect(canFollowShares(person('PRINCIPAL', {}), STUDENT, null)).toBe(false);
  });
});

describe('the terms of a share', () => {
  const terms = {
    studentId: STUDENT,
    recipient: '  Trường Đại học Bách khoa Hà Nội ',
    purpose: 'Xét tuyển',
    validUntil: UNTIL,
  };

  it('are trimmed and accepted up to exactly one year ahead', () => {
    expect(checkShareTerms(terms, NOW)).toEqual({ ...terms, recipient: 'Trường Đại học Bách khoa Hà Nội' });
    const oneYear = new Date('2027-03-10T03:00:00.000Z');
    expect(checkShareTerms({ ...terms, validUntil: oneYear }, NOW).validUntil).toEqual(oneYear);
  });

  it('refuse a date in the past or beyond a year, and empty, overlong or control-character texts', () => {
    const fieldsOf = (input: Partial<typeof terms>) => {
      try {
        checkShareTerms({ ...terms, ...input }, NOW);
        return [];
      } catch (error) {
        expect((error as AppError).code).toBe('VALIDATION_FAILED');
        return (error as AppError).fieldErrors.map((f) => f.field);
      }
    };
    expect(fieldsOf({ validUntil: NOW })).toEqual(['validUntil']);
    expect(fieldsOf({ validUntil: new Date('2027-03-10T03:00:01.000Z') })).toEqual(['validUntil']);
    expect(fieldsOf({ validUntil: new Date(NaN) })).toEqual(['validUntil']);
    expect(fieldsOf({ recipient: '   ' })).toEqual(['recipient']);
    expect(fieldsOf({ recipient: 'x'.repeat(201) })).toEqual(['recipient']);
    expect(fieldsOf({ recipient: 'x'.repeat(200) })).toEqual([]);
    expect(fieldsOf({ purpose: 'x'.repeat(501) })).toEqual(['purpose']);
    expect(fieldsOf({ purpose: 'Xét\u0000tuyển' })).toEqual(['purpose']);
    expect(fieldsOf({ recipient: 'Đại học\nBách khoa' })).toEqual(['recipient']);
    expect(fieldsOf({ recipient: '', purpose: '', validUntil: LATER })).toEqual(['recipient', 'purpose']);
  });
});

describe('a share through its consents', () => {
  const requested = () => newShare(parentConsent, UNTIL);

  it('awaits consent when asked for, with the requester’s consent recorded', () => {
    const share = requested();
    expect(share).toEqual({ state: 'AWAITING_CONSENT', validUntil: UNTIL, consents: [parentConsent] });
    expect(isOpen(share, NOW)).toBe(false);
  });

  it('does not count the same relation twice (a second parent is not the student)', () => {
    const secondParent: ShareConsent = { relation: 'PARENT', accountId: 'bo-1', givenAt: LATER };
    expect(consentTo(requested(), secondParent, LATER)).toBeNull();
    expect(consentTo(requested(), parentConsent, LATER)).toBeNull();
  });

  it('becomes ACTIVE once the student consents too, and only then opens', () => {
    const decision = consentTo(requested(), studentConsent, LATER)!;
    expect(decision.activated).toBe(true);
    expect(decision.share.state).toBe('ACTIVE');
    expect(decision.share.consents).toEqual([parentConsent, studentConsent]);
    expect(isOpen(decision.share, LATER)).toBe(true);
    // Consenting again changes nothing.
    expect(consentTo(decision.share, studentConsent, LATER)).toBeNull();
  });

  it('starts from the student as well: the parent’s consent activates it', () => {
    const decision = consentTo(newShare(studentConsent, UNTIL), parentConsent, LATER)!;
    expect(decision).toMatchObject({ activated: true, share: { state: 'ACTIVE' } });
  });

  it('stops at once when withdrawn, and takes no more consents', () => {
    const active = consentTo(requested(), studentConsent, LATER)!.share;
    const withdrawn = withdraw(active)!;
    expect(withdrawn.state).toBe('WITHDRAWN');
    expect(isOpen(withdrawn, LATER)).toBe(false);
    expect(withdraw(withdrawn)).toBeNull();
    expect(codeOf(() => consentTo(withdraw(requested())!, studentConsent, LATER))).toBe('SHARE_INVALID');
  });

  it('expires at validUntil without any job: computed on read', () => {
    const active = consentTo(requested(), studentConsent, LATER)!.share;
    expect(stateOf(active, new Date(UNTIL.getTime() - 1))).toBe('ACTIVE');
    expect(stateOf(active, UNTIL)).toBe('EXPIRED');
    expect(isOpen(active, UNTIL)).toBe(false);
    expect(stateOf(requested(), UNTIL)).toBe('EXPIRED');
    expect(codeOf(() => consentTo(requested(), studentConsent, UNTIL))).toBe('SHARE_INVALID');
    // A withdrawn share stays WITHDRAWN (what the family did is what it shows).
    expect(stateOf(withdraw(active)!, UNTIL)).toBe('WITHDRAWN');
  });

  it('keeps the stored progress unchanged (decisions are new values)', () => {
    const share: ShareProgress = requested();
    consentTo(share, studentConsent, LATER);
    withdraw(share);
    expect(share.state).toBe('AWAITING_CONSENT');
    expect(share.consents).toHaveLength(1);
  });
});

describe('the access code', () => {
  it('carries 120 random bits in 24 unambiguous characters, grouped by four', () => {
    const code = accessCodeOf(randomBytes(24));
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(Math.log2(32) * 24).toBeGreaterThanOrEqual(100);
    expect(() => accessCodeOf(randomBytes(23))).toThrow();
    // Every byte value maps onto the alphabet evenly: 0..31 and 224..255 give the same characters.
    const low = accessCodeOf(Uint8Array.from({ length: 24 }, (_, i) => i));
    const high = accessCodeOf(Uint8Array.from({ length: 24 }, (_, i) => 224 + i));
    expect(low).toBe(high);
    expect(low).toBe('0123-4567-89AB-CDEF-GHJK-MNPQ');
  });

  it('is read as typed: any case, spaces, dashes, O for 0 and I or L for 1', () => {
    const code = '0123-4567-89AB-CDEF-GHJK-MNPQ';
    expect(normalizeAccessCode(code)).toBe('0123456789ABCDEFGHJKMNPQ');
    expect(normalizeAccessCode(' o123 4567 89ab cdef ghjk mnpq ')).toBe('0123456789ABCDEFGHJKMNPQ');
    expect(normalizeAccessCode('Ol23-4567-89AB-CDEF-GHJK-MNPQ')).toBe('0123456789ABCDEFGHJKMNPQ');
    expect(normalizeAccessCode('0123-4567-89AB-CDEF-GHJK-MNP')).toBeNull();
    expect(normalizeAccessCode('0123-4567-89AB-CDEF-GHJK-MNPU')).toBeNull();
    expect(normalizeAccessCode('x'.repeat(10_000))).toBeNull();
    expect(normalizeAccessCode('')).toBeNull();
  });

  it('is kept only as the SHA-256 of its canonical form, under the platform prefix', () => {
    const expected = createHash('sha256')
      .update('hocbaso.record-share:0123456789ABCDEFGHJKMNPQ')
      .digest('hex');
    expect(accessCodeHash('0123456789ABCDEFGHJKMNPQ')).toBe(expected);
  });
});
