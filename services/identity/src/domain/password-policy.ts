import { fieldProblem, type FieldProblem } from '@hocbaso/errors';

export const MIN_PASSWORD_LENGTH = 10;
/** Long enough for any passphrase; bounded so that hashing a submitted password cannot be made costly. */
export const MAX_PASSWORD_LENGTH = 128;

/** Whether a submitted password is short enough to be worth hashing at all (login, password changes). */
export function isWithinPasswordLength(password: string): boolean {
  return [...password.normalize('NFC')].length <= MAX_PASSWORD_LENGTH;
}

/**
 * A password must be 10 to 128 characters with letters and digits, and must not contain the
 * username. Returns the problem, or null when the password is acceptable.
 */
export function checkPasswordStrength(
  password: string,
  username: string,
  field = 'password',
): FieldProblem | null {
  // Counted and compared in NFC (as the hasher stores it): a decomposed "ậ" is one character, not three.
  if (!isWithinPasswordLength(password))
    return fieldProblem(field, 'VALIDATION_FAILED', `Mật khẩu dài tối đa ${MAX_PASSWORD_LENGTH} ký tự.`);
  const normalized = password.normalize('NFC');
  const name = username.normalize('NFC').toLowerCase();
  const weak =
    [...normalized].length < MIN_PASSWORD_LENGTH ||
    !/\p{L}/u.test(normalized) ||
    !/\p{N}/u.test(normalized) ||
    (name.length >= 3 && normalized.toLowerCase().includes(name));
  return weak ? fieldProblem(field, 'WEAK_PASSWORD') : null;
}
