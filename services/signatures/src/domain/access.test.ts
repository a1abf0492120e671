import type { Principal, RoleGrant } from '@hocbaso/service-kit';
import { canOverseeSchool, isDepartmentInspector } from './access';

const principal = (...roles: RoleGrant[]): Principal => ({
  accountId: 'acc-1',
  username: 'u',
  schoolId: null,
  roles,
  teaching: [],
});

describe('who oversees a school (signing board, signatures, lock windows)', () => {
  it("lets the school's board and admin in, not another school's", () => {
    for (const role of ['PRINCIPAL', 'VICE_PRINCIPAL', 'ACADEMIC_STAFF', 'SYSTEM_ADMIN'] as const) {
      expect(canOverseeSchool(principal({ role, scope: { schoolId: 'a' } }), 'a')).toBe(true);
      expect(canOverseeSchool(principal({ role, scope: { schoolId: 'b' } }), 'a')).toBe(false);
    }
  });

  it('lets an inspector in only where the role reaches: every school at department level, else the one named', () => {
    expect(canOverseeSchool(principal({ role: 'INSPECTOR', scope: { schoolId: null } }), 'a')).toBe(true);
    expect(canOverseeSchool(principal({ role: 'INSPECTOR', scope: { schoolId: 'a' } }), 'a')).toBe(true);
    expect(canOverseeSchool(principal({ role: 'INSPECTOR', scope: { schoolId: 'b' } }), 'a')).toBe(false);
    expect(isDepartmentInspector(principal({ role: 'INSPECTOR', scope: { schoolId: 'b' } }))).toBe(false);
    expect(isDepartmentInspector(principal({ role: 'INSPECTOR', scope: { schoolId: null } }))).toBe(true);
  });

  it('keeps teachers, families and analysts out', () => {
    for (const role of [
      'SUBJECT_TEACHER',
      'HOMEROOM_TEACHER',
      'PARENT',
      'STUDENT',
      'DEPARTMENT_ANALYST',
    ] as const) {
      expect(canOverseeSchool(principal({ role, scope: { schoolId: 'a' } }), 'a')).toBe(false);
    }
    expect(canOverseeSchool(null, 'a')).toBe(false);
  });
});
