import { evaluatePolicy } from './policies';

const subject = (...scopes: string[]) => ({ authenticated: true, scopes: new Set(scopes) });
const context = (scopes: string[], rootField = 'student') => ({
  subject: subject(...scopes),
  rootField,
  operationType: 'query' as const,
});

describe('gateway policies', () => {
  it("shows an account's personal fields to the account itself through `me`, and to administrators", () => {
    expect(evaluatePolicy('account.personal', context(['SUBJECT_TEACHER'], 'me'))).toBe(true);
    expect(evaluatePolicy('account.personal', context(['SUBJECT_TEACHER'], 'account'))).toBe(false);
    expect(evaluatePolicy('account.personal', context(['PRINCIPAL'], 'account'))).toBe(true);
    expect(
      evaluatePolicy('account.personal', {
        subject: { authenticated: false, scopes: new Set() },
        rootField: 'me',
        operationType: 'query',
      }),
    ).toBe(false);
  });

  it("shows students' personal data to the roles that need it, never to subject teachers or analysts", () => {
    for (const role of [
      'PRINCIPAL',
      'VICE_PRINCIPAL',
      'ACADEMIC_STAFF',
      'HOMEROOM_TEACHER',
      'INSPECTOR',
      'PARENT',
      'STUDENT',
    ]) {
      expect(evaluatePolicy('student.personal', context([role]))).toBe(true);
    }
    expect(evaluatePolicy('student.personal', context(['SUBJECT_TEACHER']))).toBe(false);
    expect(evaluatePolicy('student.personal', context(['DEPARTMENT_ANALYST']))).toBe(false);
  });

  it('shows results to teachers, the board, inspectors and the family, not to analysts or admins', () => {
    for (const role of [
      'SUBJECT_TEACHER',
      'HOMEROOM_TEACHER',
      'PRINCIPAL',
      'INSPECTOR',
      'PARENT',
      'STUDENT',
    ]) {
      expect(evaluatePolicy('academics.results.read', context([role]))).toBe(true);
    }
    expect(evaluatePolicy('academics.results.read', context(['DEPARTMENT_ANALYST']))).toBe(false);
    expect(evaluatePolicy('academics.results.read', context(['SYSTEM_ADMIN']))).toBe(false);
  });

  it('denies a policy nobody defined', () => {
    expect(evaluatePolicy('no.such.policy', context(['PRINCIPAL', 'SYSTEM_ADMIN']))).toBe(false);
  });
});
