import type { Role, RoleScope } from '@hocbaso/events';
import type { Principal, TeachingGrant } from '@hocbaso/service-kit';
import {
  canEditPersonalData,
  canLookUpByPersonalId,
  canManageFamilyLinks,
  familyLinkVisibility,
  canManageEnrolment,
  canReadClass,
  isLoggedPersonalRead,
  studentAccess,
  type StudentPlacement,
} from './access';

const A = 'school-a';
const B = 'school-b';

function principal(
  roles: Array<[Role, Partial<RoleScope>]>,
  teaching: Array<Omit<TeachingGrant, 'schoolYear'>> = [],
): Principal {
  return {
    accountId: 'someone',
    username: 'someone',
    schoolId: null,
    roles: roles.map(([role, scope]) => ({ role, scope: { schoolId: null, ...scope } })),
    teaching: teaching.map((t) => ({ ...t, schoolYear: '2025-2026' })),
  };
}

const inA1: StudentPlacement = { id: 'hs-1', schoolId: A, classId: '10A1' };
const inA2: StudentPlacement = { id: 'hs-2', schoolId: A, classId: '10A2' };
const transferredOut: StudentPlacement = { id: 'hs-3', schoolId: A, classId: null };

const principalOfA = principal([['PRINCIPAL', { schoolId: A, grade: 10 }]]);
const vicePrincipalOfA = principal([['VICE_PRINCIPAL', { schoolId: A, grade: 11 }]]);
const staffOfA = principal([['ACADEMIC_STAFF', { schoolId: A }]]);
const adminOfA = principal([['SYSTEM_ADMIN', { schoolId: A }]]);
const platformAdmin = principal([['SYSTEM_ADMIN', { schoolId: null }]]);
const inspector = principal([['INSPECTOR', { schoolId: null }]]);
const inspectorOfB = principal([['INSPECTOR', { schoolId: B }]]);
const analyst = principal([['DEPARTMENT_ANALYST', { schoolId: null }]]);
const homeroomA1 = principal([['HOMEROOM_TEACHER', { schoolId: A, classId: '10A1' }]]);
const teacherOfA1 = principal(
  [['SUBJECT_TEACHER', { schoolId: A }]],
  [{ schoolId: A, classId: '10A1', subjectCode: 'TOAN' }],
);
const teachingWithoutRole = principal([], [{ schoolId: A, classId: '10A1', subjectCode: 'TOAN' }]);
const parentOf1 = principal([['PARENT', { schoolId: A, studentId: 'hs-1' }]]);
const student1 = principal([['STUDENT', { schoolId: A, studentId: 'hs-1' }]]);
const staffOfB = principal([['ACADEMIC_STAFF', { schoolId: B }]]);
const principalOfB = principal([['PRINCIPAL', { schoolId: B }]]);

describe('studentAccess (who reads which student)', () => {
  it.each([
    ['the principal of the school', principalOfA, 'PERSONAL'],
    ['a vice principal of the school', vicePrincipalOfA, 'PERSONAL'],
    ['academic staff of the school', staffOfA, 'PERSONAL'],
    ['the school’s system admin', adminOfA, 'PERSONAL'],
    ['a platform admin', platformAdmin, 'PERSONAL'],
    ['an inspector', inspector, 'PERSONAL'],
    ['the homeroom teacher of the class', homeroomA1, 'PERSONAL'],
    ['the parent of the student', parentOf1, 'PERSONAL'],
    ['the student', student1, 'PERSONAL'],
    ['a subject teacher teaching the class', teacherOfA1, 'BASIC'],
    ['a teaching assignment without a teacher role', teachingWithoutRole, 'NONE'],
    ['an inspector of another school', inspectorOfB, 'NONE'],
    ['a department analyst', analyst, 'NONE'],
    ['staff of another school', staffOfB, 'NONE'],
    ['the principal of another school', principalOfB, 'NONE'],
    ['nobody', null, 'NONE'],
  ])('a student of class 10A1 of school A: %s reads %s', (_who, p, expected) => {
    expect(studentAccess(p, inA1)).toBe(expected);
  });

  it.each([
    ['the homeroom teacher of 10A1', homeroomA1],
    ['a subject teacher of 10A1', teacherOfA1],
    ['the parent of another student', parentOf1],
  ])('a student of another class (10A2) is absent for %s', (_who, p) => {
    expect(studentAccess(p, inA2)).toBe('NONE');
  });

  it('a student transferred out stays with the school’s leadership, not with class teachers', () => {
    expect(studentAccess(staffOfA, transferredOut)).toBe('PERSONAL');
    expect(studentAccess(homeroomA1, transferredOut)).toBe('NONE');
    expect(
      studentAccess(principal([['HOMEROOM_TEACHER', { schoolId: A, classId: null }]]), transferredOut),
    ).toBe('NONE');
  });

  it('once transferred to school B, the record belongs to B’s staff, no longer to A’s', () => {
    const movedToB: StudentPlacement = { id: 'hs-1', schoolId: B, classId: '10B1' };
    expect(studentAccess(staffOfB, movedToB)).toBe('PERSONAL');
    expect(studentAccess(staffOfA, movedToB)).toBe('NONE');
    expect(studentAccess(homeroomA1, movedToB)).toBe('NONE');
    // The family follows the student.
    expect(studentAccess(parentOf1, movedToB)).toBe('PERSONAL');
  });

  it('a homeroom role for a class id of another school does not reach this school', () => {
    const elsewhere = principal([['HOMEROOM_TEACHER', { schoolId: B, classId: '10A1' }]]);
    expect(studentAccess(elsewhere, inA1)).toBe('NONE');
  });
});

describe('canReadClass', () => {
  const a1 = { id: '10A1', schoolId: A };
  it.each([
    ['staff of the school', staffOfA, true],
    ['the principal', principalOfA, true],
    ['an inspector', inspector, true],
    ['its homeroom teacher', homeroomA1, true],
    ['a teacher assigned to it', teacherOfA1, true],
    [
      'the homeroom teacher of another class',
      principal([['HOMEROOM_TEACHER', { schoolId: A, classId: '10A2' }]]),
      false,
    ],
    ['a parent', parentOf1, false],
    ['staff of another school', staffOfB, false],
    ['a department analyst', analyst, false],
    ['nobody', null, false],
  ])('%s: %s', (_who, p, expected) => {
    expect(canReadClass(p, a1)).toBe(expected);
  });
});

describe('writes', () => {
  it('administrative records: academic staff and the system admin of that school only', () => {
    expect(canManageEnrolment(staffOfA, A)).toBe(true);
    expect(canManageEnrolment(adminOfA, A)).toBe(true);
    expect(canManageEnrolment(staffOfB, A)).toBe(false);
    expect(canManageEnrolment(principalOfA, A)).toBe(false);
    expect(canManageEnrolment(homeroomA1, A)).toBe(false);
    expect(canManageEnrolment(inspector, A)).toBe(false);
    expect(canManageEnrolment(platformAdmin, A)).toBe(false);
    expect(canManageEnrolment(null, A)).toBe(false);
  });

  it('personal data: the homeroom teacher of the student’s current class only', () => {
    expect(canEditPersonalData(homeroomA1, inA1)).toBe(true);
    expect(canEditPersonalData(homeroomA1, inA2)).toBe(false);
    expect(canEditPersonalData(homeroomA1, transferredOut)).toBe(false);
    expect(canEditPersonalData(staffOfA, inA1)).toBe(false);
    expect(canEditPersonalData(parentOf1, inA1)).toBe(false);
    expect(canEditPersonalData(teacherOfA1, inA1)).toBe(false);
    expect(canEditPersonalData(inspector, inA1)).toBe(false);
  });

  it('finding by personal ID: the school’s leadership and administration', () => {
    expect(canLookUpByPersonalId(staffOfA, inA1)).toBe(true);
    expect(canLookUpByPersonalId(principalOfA, inA1)).toBe(true);
    expect(canLookUpByPersonalId(homeroomA1, inA1)).toBe(false);
    expect(canLookUpByPersonalId(parentOf1, inA1)).toBe(false);
    expect(canLookUpByPersonalId(staffOfB, inA1)).toBe(false);
  });

  it('logs personal-data reads of staff, not of the student or their parents', () => {
    expect(
      isLoggedPersonalRead(principal([['HOMEROOM_TEACHER', { schoolId: A, classId: '10A1' }]]), 'hs-1'),
    ).toBe(true);
    expect(isLoggedPersonalRead(principal([['PRINCIPAL', { schoolId: A }]]), 'hs-1')).toBe(true);
    expect(isLoggedPersonalRead(principal([['INSPECTOR', {}]]), 'hs-1')).toBe(true);
    expect(isLoggedPersonalRead(principal([['PARENT', { schoolId: A, studentId: 'hs-1' }]]), 'hs-1')).toBe(
      false,
    );
    expect(isLoggedPersonalRead(principal([['STUDENT', { schoolId: A, studentId: 'hs-1' }]]), 'hs-1')).toBe(
      false,
    );
    // A parent of another child reading this one would be staff (if they may read at all).
    expect(isLoggedPersonalRead(principal([['PARENT', { schoolId: A, studentId: 'hs-2' }]]), 'hs-1')).toBe(
      true,
    );
    expect(isLoggedPersonalRead(null, 'hs-1')).toBe(false);
  });
});

describe('family links (who issues and revokes codes, who sees the links)', () => {
  it.each([
    ['the principal of the school', principalOfA, true, 'ALL'],
    ['a vice principal of the school', vicePrincipalOfA, true, 'ALL'],
    ['academic staff of the school', staffOfA, true, 'ALL'],
    ['the school’s system admin', adminOfA, true, 'ALL'],
    ['the homeroom teacher of the class', homeroomA1, true, 'ALL'],
    ['a platform admin', platformAdmin, false, 'NONE'],
    ['an inspector', inspector, false, 'NONE'],
    ['a subject teacher of the class', teacherOfA1, false, 'NONE'],
    [
      'the homeroom teacher of another class',
      principal([['HOMEROOM_TEACHER', { schoolId: A, classId: '10A2' }]]),
      false,
      'NONE',
    ],
    ['staff of another school', staffOfB, false, 'NONE'],
    ['a parent of the student', parentOf1, false, 'OWN'],
    ['the student', student1, false, 'OWN'],
    [
      'a parent of another student',
      principal([['PARENT', { schoolId: A, studentId: 'hs-2' }]]),
      false,
      'NONE',
    ],
    ['a department analyst', analyst, false, 'NONE'],
  ] as const)('%s', (_who, who, manages, sees) => {
    expect(canManageFamilyLinks(who, inA1)).toBe(manages);
    expect(familyLinkVisibility(who, inA1)).toBe(sees);
  });

  it('follows the student: after a transfer out, no homeroom teacher manages them', () => {
    expect(canManageFamilyLinks(homeroomA1, transferredOut)).toBe(false);
    expect(canManageFamilyLinks(staffOfA, transferredOut)).toBe(true);
    expect(canManageFamilyLinks(null, inA1)).toBe(false);
    expect(familyLinkVisibility(null, inA1)).toBe('NONE');
  });
});
