import { fieldProblem, type FieldProblem } from '@hocbaso/errors';

export const MIN_PASSWORD_LENGTH = 10;

/**
 * A password must be at least 10 characters with letters and digits, and must not contain the
 * username. Returns the problem, or null when the password is acceptable.
 */
export function checkPasswordStrength(password: string, username: string, field = 'password'): FieldProblem | null {
  const weak =
    [...password].length < MIN_PASSWORD_LENGTH ||
    !/\p{L}/u.test(password) ||
    !/\p{N}/u.test(password) ||
    (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase()));
  return weak ? fieldProblem(field, 'WEAK_PASSWORD') : null;
}
