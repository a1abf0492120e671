import { createHmac, hkdfSync, randomInt } from 'node:crypto';

/**
 * The one-time code a school hands a parent or a student (mã liên kết gia đình) so that their
 * account can be linked to the student's record. Read aloud or typed from paper: 12 characters
 * from an alphabet without look-alikes (no 0/O, 1/I), grouped by four; 32 symbols, so 60 bits.
 * Only a keyed hash is stored: a copy of the database does not reveal a usable code.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 12;
const GROUP = 4;
const WELL_FORMED = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** A new code, e.g. `7KQM-3XHD-P9TA` (uniform over the alphabet: `randomInt` is unbiased). */
export function generateFamilyLinkCode(random: (max: number) => number = randomInt): string {
  const symbols = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[random(CODE_ALPHABET.length)]);
  const groups: string[] = [];
  for (let i = 0; i < CODE_LENGTH; i += GROUP) groups.push(symbols.slice(i, i + GROUP).join(''));
  return groups.join('-');
}

/** What a person typed, as the code is compared: spaces and dashes dropped, upper case. */
export function normalizeFamilyLinkCode(typed: string): string {
  return typed
    .normalize('NFKC')
    .replace(/[\s\-‐-―−]/g, '')
    .toUpperCase();
}

/** Whether a normalised code could have been issued at all (anything else is wrong, not looked up). */
export function isWellFormedFamilyLinkCode(normalized: string): boolean {
  return WELL_FORMED.test(normalized);
}

/**
 * The key of the stored hashes: the configured secret, or one derived from the service's
 * internal secret, so that the stored value is never a plain SHA-256 of a 60-bit code.
 */
export function familyLinkCodeKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'hocbaso-students', 'family-link-code', 32));
}

/** HMAC-SHA256 of the normalised code: what the store keeps and looks a redeemed code up by. */
export function hashFamilyLinkCode(key: Buffer, typed: string): string {
  return createHmac('sha256', key).update(normalizeFamilyLinkCode(typed)).digest('hex');
}

/** The state of an issued code, as redemption judges it. */
export interface IssuedCode {
  id: string;
  state: 'ISSUED' | 'LINKED' | 'REVOKED';
  expiresAt: Date;
}

export type CodeRefusal = 'USED' | 'EXPIRED' | 'SUPERSEDED';

/**
 * Why a code found by its hash cannot be redeemed, or null when it can: used once already, past
 * its expiry, or superseded by a later code for the same student, relation and guardian.
 */
export function codeRefusal(code: IssuedCode, latestCodeId: string, now: Date): CodeRefusal | null {
  if (code.state !== 'ISSUED') return 'USED';
  if (code.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  if (latestCodeId !== code.id) return 'SUPERSEDED';
  return null;
}

/** How many wrong codes an account may try, and for how long it then waits. */
export interface AttemptPolicy {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

/**
 * Until when an account may not try a code, given the times of its failed attempts: after
 * `maxFailures` failures within `windowMs`, for `lockoutMs` from the last one; null when it may.
 * So a 60-bit code cannot be guessed: five tries per quarter hour.
 */
export function redeemBlockedUntil(failures: readonly Date[], now: Date, policy: AttemptPolicy): Date | null {
  const recent = failures
    .map((f) => f.getTime())
    .filter((t) => t > now.getTime() - policy.windowMs - policy.lockoutMs)
    .sort((a, b) => a - b);
  // The last `maxFailures` failures within one window start a lockout from the last of them.
  for (let end = recent.length - 1; end >= policy.maxFailures - 1; end--) {
    const last = recent[end]!;
    const first = recent[end - policy.maxFailures + 1]!;
    if (last - first <= policy.windowMs && last + policy.lockoutMs > now.getTime()) {
      return new Date(last + policy.lockoutMs);
    }
  }
  return null;
}

/** The failures worth keeping (older ones can no longer block anyone). */
export function recentFailures(failures: readonly Date[], now: Date, policy: AttemptPolicy): Date[] {
  return failures.filter((f) => f.getTime() > now.getTime() - policy.windowMs - policy.lockoutMs);
}
