import type { Role } from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import { canAdministerSchool, canGrantRole, isPlatformAdmin } from './administration';

const SCHOOL_A = 'school-a';
const SCHOOL_B = 'school-b';

function principal(schoolId: string | null, ...roles: Array<[Role, string | null]>): Principal {
  return {
    accountId: `acc-${roles.map(([r]) => r).join('-') || 'none'}`,
    username: 'someone',
    schoolId,
    roles: roles.map(([role, scopeSchoolId]) => ({ role, scope: { schoolId: scopeSchoolId } })),
    teaching: [],
  };
}

const platformAdmin = principal(null, ['SYSTEM_ADMIN', null]);
const schoolAdminA = principal(SCHOOL_A, ['SYSTEM_ADMIN', SCHOOL_A]);
const principalA = principal(SCHOOL_A, ['PRINCIPAL', SCHOOL_A]);
const vicePrincipalA = principal(SCHOOL_A, ['VICE_PRINCIPAL', SCHOOL_A]);
const homeroomA = principal(SCHOOL_A, ['HOMEROOM_TEACHER', SCHOOL_A]);
const subjectTeacherA = principal(SCHOOL_A, ['SUBJECT_TEACHER', SCHOOL_A]);
const academicStaffA = principal(SCHOOL_A, ['ACADEMIC_STAFF', SCHOOL_A]);
const inspector = principal(null, ['INSPECTOR', null]);
const analyst = principal(null, ['DEPARTMENT_ANALYST', null]);
const studentA = principal(SCHOOL_A, ['STUDENT', SCHOOL_A]);
const parentA = principal(SCHOOL_A, ['PARENT', SCHOOL_A]);
// A principal holding a PRINCIPAL role "with no school" is not a platform administrator.
const unscopedPrincipal = principal(null, ['PRINCIPAL', null]);

describe('isPlatformAdmin', () => {
  it('is a SYSTEM_ADMIN whose scope names no school', () => {
    expect(isPlatformAdmin(platformAdmin)).toBe(true);
  });

  it.each([
    ['nobody', null],
    ["a school's system admin", schoolAdminA],
    ['a principal', principalA],
    ['an unscoped principal', unscopedPrincipal],
    ['an inspector', inspector],
    ['a department analyst', analyst],
  ])('is not %s', (_who, p) => {
    expect(isPlatformAdmin(p)).toBe(false);
  });
});

describe('canAdministerSchool', () => {
  it('lets a platform administrator administer any school and the platform accounts', () => {
    expect(canAdministerSchool(platformAdmin, SCHOOL_A)).toBe(true);
    expect(canAdministerSchool(platformAdmin, SCHOOL_B)).toBe(true);
    expect(canAdministerSchool(platformAdmin, null)).toBe(true);
  });

  it.each([
    ['system admin', schoolAdminA],
    ['principal', principalA],
  ])("lets a school's %s administer only its own school", (_who, p) => {
    expect(canAdministerSchool(p, SCHOOL_A)).toBe(true);
    expect(canAdministerSchool(p, SCHOOL_B)).toBe(false);
    expect(canAdministerSchool(p, null)).toBe(false);
  });

  it.each([
    ['nobody', null],
    ['a vice principal', vicePrincipalA],
    ['a homeroom teacher', homeroomA],
    ['a subject teacher', subjectTeacherA],
    ['academic staff', academicStaffA],
    ['a student', studentA],
    ['a parent', parentA],
    ['an inspector', inspector],
    ['a department analyst', analyst],
    ['an unscoped principal', unscopedPrincipal],
  ])('lets %s administer no school', (_who, p) => {
    for (const schoolId of [SCHOOL_A, SCHOOL_B, null]) expect(canAdministerSchool(p, schoolId)).toBe(false);
  });

  it('follows the role, not the account’s home school', () => {
    // Home school A, but administering school B (e.g. seconded): B only.
    const seconded = principal(SCHOOL_A, ['SUBJECT_TEACHER', SCHOOL_A], ['SYSTEM_ADMIN', SCHOOL_B]);
    expect(canAdministerSchool(seconded, SCHOOL_B)).toBe(true);
    expect(canAdministerSchool(seconded, SCHOOL_A)).toBe(false);
  });
});

describe('canGrantRole', () => {
  const SCHOOL_ROLES: Role[] = [
    'VICE_PRINCIPAL',
    'HOMEROOM_TEACHER',
    'SUBJECT_TEACHER',
    'ACADEMIC_STAFF',
    'SYSTEM_ADMIN',
    'STUDENT',
    'PARENT',
  ];
  const ALL_ROLES: Role[] = [...SCHOOL_ROLES, 'PRINCIPAL', 'INSPECTOR', 'DEPARTMENT_ANALYST'];

  it('lets a platform administrator grant any role anywhere', () => {
    for (const role of ALL_ROLES) {
      expect(canGrantRole(platformAdmin, role, SCHOOL_A)).toBe(true);
      expect(canGrantRole(platformAdmin, role, null)).toBe(true);
    }
  });

  it.each([
    ['system admin', schoolAdminA],
    ['principal', principalA],
  ])("lets a school's %s grant school roles in its own school only", (_who, p) => {
    for (const role of SCHOOL_ROLES) {
      expect(canGrantRole(p, role, SCHOOL_A)).toBe(true);
      expect(canGrantRole(p, role, SCHOOL_B)).toBe(false);
    }
  });

  it.each([
    ['system admin', schoolAdminA],
    ['principal', principalA],
  ])(
    "never lets a school's %s grant INSPECTOR or DEPARTMENT_ANALYST, nor anything without a school",
    (_who, p) => {
      for (const role of ['INSPECTOR', 'DEPARTMENT_ANALYST'] as Role[]) {
        expect(canGrantRole(p, role, SCHOOL_A)).toBe(false);
        expect(canGrantRole(p, role, null)).toBe(false);
      }
      for (const role of ALL_ROLES) expect(canGrantRole(p, role, null)).toBe(false);
    },
  );

  it('lets only a principal of that school (or a platform admin) grant PRINCIPAL', () => {
    expect(canGrantRole(principalA, 'PRINCIPAL', SCHOOL_A)).toBe(true);
    expect(canGrantRole(platformAdmin, 'PRINCIPAL', SCHOOL_A)).toBe(true);
    expect(canGrantRole(schoolAdminA, 'PRINCIPAL', SCHOOL_A)).toBe(false);
    expect(canGrantRole(principalA, 'PRINCIPAL', SCHOOL_B)).toBe(false);
    // A system admin of A who is principal of B may make principals in B, not in A.
    const mixed = principal(SCHOOL_A, ['SYSTEM_ADMIN', SCHOOL_A], ['PRINCIPAL', SCHOOL_B]);
    expect(canGrantRole(mixed, 'PRINCIPAL', SCHOOL_A)).toBe(false);
    expect(canGrantRole(mixed, 'PRINCIPAL', SCHOOL_B)).toBe(true);
  });

  it.each([
    ['nobody', null],
    ['a vice principal', vicePrincipalA],
    ['a homeroom teacher', homeroomA],
    ['a subject teacher', subjectTeacherA],
    ['academic staff', academicStaffA],
    ['an inspector', inspector],
    ['a department analyst', analyst],
    ['an unscoped principal', unscopedPrincipal],
  ])('lets %s grant nothing', (_who, p) => {
    for (const role of ALL_ROLES) {
      for (const schoolId of [SCHOOL_A, SCHOOL_B, null]) expect(canGrantRole(p, role, schoolId)).toBe(false);
    }
  });
});
