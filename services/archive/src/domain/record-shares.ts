import { createHash } from 'node:crypto';
import { AppError, fieldProblem, validationFailed, type FieldProblem } from '@hocbaso/errors';
import { hasSchoolRole, type Principal } from '@hocbaso/service-kit';

/**
 * Chia sẻ học bạ cho bên thứ ba (a university, another authority), as pure decisions. The Personal
 * Data Protection Law 2025 and Nghị định 13/2023 ask, for a child aged 7 and over, the consent of
 * the child and of a parent: a share is asked for by one of them (whose consent comes with it) and
 * becomes ACTIVE only once the student and a parent have both consented.
 *
 * AWAITING_CONSENT → ACTIVE (the other party consented; an access code is made) → WITHDRAWN
 * (either party, at once) or EXPIRED (computed on read once validUntil has passed).
 */
export type FamilyRelation = 'PARENT' | 'STUDENT';
export type StoredShareState = 'AWAITING_CONSENT' | 'ACTIVE' | 'WITHDRAWN';
export type RecordShareState = StoredShareState | 'EXPIRED';

export interface ShareConsent {
  relation: FamilyRelation;
  accountId: string;
  givenAt: Date;
}

export interface ShareTerms {
  studentId: string;
  /** Who receives the copy, e.g. "Trường Đại học Bách khoa Hà Nội". */
  recipient: string;
  purpose: string;
  validUntil: Date;
}

export interface ShareProgress {
  state: StoredShareState;
  validUntil: Date;
  consents: ShareConsent[];
}

export const RECIPIENT_MAX = 200;
export const PURPOSE_MAX = 500;
const TEXT_MIN = 2;
/** Control characters and line separators have no place in a name or a purpose. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * The caller's relation to the student through a verified family link (the role's scope names the
 * student), or null: staff never act for the family.
 */
export function familyRelationOf(principal: Principal | null, studentId: string): FamilyRelation | null {
  const grant = principal?.roles.find(
    (g) => (g.role === 'STUDENT' || g.role === 'PARENT') && g.scope.studentId === studentId,
  );
  return grant ? (grant.role as FamilyRelation) : null;
}

/** Who sees a student's shares: the family, and the board and admin of the school managing the student. */
export function canFollowShares(
  principal: Principal | null,
  studentId: string,
  managingSchoolId: string | null,
): boolean {
  if (familyRelationOf(principal, studentId)) return true;
  return (
    !!managingSchoolId &&
    hasSchoolRole(
      principal,
      managingSchoolId,
      'PRINCIPAL',
      'VICE_PRINCIPAL',
      'ACADEMIC_STAFF',
      'SYSTEM_ADMIN',
    )
  );
}

/** The latest a share may run to: one year from now. */
export function latestValidUntil(now: Date): Date {
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + 1);
  return latest;
}

function checkText(field: string, value: string, max: number, what: string): FieldProblem | null {
  if (value.length < TEXT_MIN || value.length > max)
    return fieldProblem(field, 'VALIDATION_FAILED', `${what} cần từ ${TEXT_MIN} đến ${max} ký tự.`);
  if (CONTROL.test(value))
    return fieldProblem(field, 'VALIDATION_FAILED', `${what} không được chứa ký tự điều khiển.`);
  return null;
}

/** The terms of a new share, trimmed, or VALIDATION_FAILED naming each field that is wrong. */
export function checkShareTerms(input: ShareTerms, now: Date): ShareTerms {
  const recipient = input.recipient.trim();
  const purpose = input.purpose.trim();
  const problems = [
    checkText('recipient', recipient, RECIPIENT_MAX, 'Tên bên nhận'),
    checkText('purpose', purpose, PURPOSE_MAX, 'Mục đích chia sẻ'),
  ].filter((p): p is FieldProblem => p !== null);
  const until = input.validUntil.getTime();
  if (Number.isNaN(until) || until <= now.getTime())
    problems.push(fieldProblem('validUntil', 'VALIDATION_FAILED', 'Thời hạn chia sẻ phải ở sau hiện tại.'));
  else if (until > latestValidUntil(now).getTime())
    problems.push(fieldProblem('validUntil', 'VALIDATION_FAILED', 'Thời hạn chia sẻ tối đa là một năm.'));
  if (problems.length) throw validationFailed(problems);
  return { studentId: input.studentId, recipient, purpose, validUntil: input.validUntil };
}

/** A new share, with the requester's consent recorded. */
export function newShare(consent: ShareConsent, validUntil: Date): ShareProgress {
  return { state: 'AWAITING_CONSENT', validUntil, consents: [consent] };
}

/** The state as of now: a share past its validUntil that was not withdrawn is EXPIRED. */
export function stateOf(share: ShareProgress, now: Date): RecordShareState {
  if (share.state !== 'WITHDRAWN' && now.getTime() >= share.validUntil.getTime()) return 'EXPIRED';
  return share.state;
}

/** Both the student and a parent have consented. */
export const hasBothConsents = (consents: readonly ShareConsent[]): boolean =>
  consents.some((c) => c.relation === 'STUDENT') && consents.some((c) => c.relation === 'PARENT');

const shareInvalid = () => new AppError('SHARE_INVALID');

/**
 * A member of the family consents. Null: nothing changes (their relation has already consented:
 * the same relation twice does not count twice). `activated`: this consent made the share ACTIVE.
 * A withdrawn or expired share takes no more consents (SHARE_INVALID).
 */
export function consentTo(
  share: ShareProgress,
  consent: ShareConsent,
  now: Date,
): { share: ShareProgress; activated: boolean } | null {
  const state = stateOf(share, now);
  if (state === 'WITHDRAWN' || state === 'EXPIRED') throw shareInvalid();
  if (share.consents.some((c) => c.relation === consent.relation)) return null;
  const consents = [...share.consents, consent];
  const activated = hasBothConsents(consents);
  return { share: { ...share, consents, state: activated ? 'ACTIVE' : share.state }, activated };
}

/** Either party withdraws: the share stops at once. Null: already withdrawn. */
export function withdraw(share: ShareProgress): ShareProgress | null {
  if (share.state === 'WITHDRAWN') return null;
  return { ...share, state: 'WITHDRAWN' };
}

/** Whether a recipient holding the code may read now. */
export const isOpen = (share: ShareProgress, now: Date): boolean => stateOf(share, now) === 'ACTIVE';

/** Crockford's base32 (no I, L, O, U): read off a message and typed without confusion. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 24 characters of 5 bits: 120 random bits, beyond any guessing. */
export const ACCESS_CODE_LENGTH = 24;

/** The access code from random bytes (at least ACCESS_CODE_LENGTH of them), in groups of four. */
export function accessCodeOf(bytes: Uint8Array): string {
  if (bytes.length < ACCESS_CODE_LENGTH) throw new Error('an access code needs 24 random bytes');
  let code = '';
  // 256 is a multiple of 32: each character is uniform.
  for (let i = 0; i < ACCESS_CODE_LENGTH; i += 1) code += CODE_ALPHABET[bytes[i]! % 32];
  return code.match(/.{4}/g)!.join('-');
}

/**
 * A code as typed (any case, spaces or dashes, O for 0, I or L for 1) in its canonical form, or
 * null when it cannot be a code at all.
 */
export function normalizeAccessCode(text: string): string | null {
  if (text.length > 4 * ACCESS_CODE_LENGTH) return null;
  const code = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (code.length !== ACCESS_CODE_LENGTH) return null;
  for (const char of code) if (!CODE_ALPHABET.includes(char)) return null;
  return code;
}

/** Only this is stored: whoever reads the database cannot use a share. */
export const accessCodeHash = (normalizedCode: string): string =>
  createHash('sha256').update(`hocbaso.record-share:${normalizedCode}`).digest('hex');
