import type { PolicyContext } from '../authz';

/**
 * The named policies that `@policy` refers to in the subgraph schemas. The gateway decides them
 * from the caller alone (never from data): an unknown policy denies.
 */
const ADMIN_SCOPES = ['SYSTEM_ADMIN', 'PRINCIPAL'];

const RESULTS_READERS = [
  'SUBJECT_TEACHER',
  'HOMEROOM_TEACHER',
  'PRINCIPAL',
  'VICE_PRINCIPAL',
  'ACADEMIC_STAFF',
  'INSPECTOR',
  'STUDENT',
  'PARENT',
];

/**
 * Roles that may see a student's personal data at all (R9, least privilege). Which students is
 * the owning subgraph's row rule: a homeroom teacher only their class, a parent only their child.
 * Subject teachers and department analysts never see it.
 */
const STUDENT_PERSONAL_SCOPES = [
  'PRINCIPAL',
  'VICE_PRINCIPAL',
  'ACADEMIC_STAFF',
  'SYSTEM_ADMIN',
  'HOMEROOM_TEACHER',
  'INSPECTOR',
  'PARENT',
  'STUDENT',
];

export const POLICIES: Record<string, (context: PolicyContext) => boolean> = {
  /** An account's personal fields: the account itself (reached through `me`) and administrators. */
  'account.personal': ({ subject, rootField }) =>
    subject.authenticated && (rootField === 'me' || ADMIN_SCOPES.some((s) => subject.scopes.has(s))),
  /**
   * Students' results (subject results, learning results, gradebooks): teachers, the school board,
   * inspectors, the student and parents (rows per the academics subgraph); never analysts or the
   * system administrator, who need no one's marks.
   */
  'academics.results.read': ({ subject }) =>
    subject.authenticated && RESULTS_READERS.some((s) => subject.scopes.has(s)),
  /** A student's personal data (ID number, birth, address, guardians' phones, policy category). */
  'student.personal': ({ subject }) =>
    subject.authenticated && STUDENT_PERSONAL_SCOPES.some((s) => subject.scopes.has(s)),
};

export function evaluatePolicy(policy: string, context: PolicyContext): boolean {
  return POLICIES[policy]?.(context) ?? false;
}
