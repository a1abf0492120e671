import { fieldProblem, type FieldProblem } from '@hocbaso/errors';

export const MIN_PASSWORD_LENGTH = 10;

/**
 * A password must be at least 10 characters with letters and digits, and must not contain the
 * username. Returns the problem, or null when the password is acceptable.
 */
export function checkPasswordStrength(
  password: string,
  username: string,
  field = 'password',
): FieldProblem | null {
  // Counted and compared in NFC (as the hasher stores it): a decomposed "ậ" is one character, not three.
  const normalized = password.normalize('NFC');
  const name = username.normalize('NFC').toLowerCase();
  const weak =
    [...normalized].length < MIN_PASSWORD_LENGTH ||
    !/\p{L}/u.test(normalized) ||
    !/\p{N}/u.test(normalized) ||
    (name.length >= 3 && normalized.toLowerCase().includes(name));
  return weak ? fieldProblem(field, 'WEAK_PASSWORD') : null;
}
