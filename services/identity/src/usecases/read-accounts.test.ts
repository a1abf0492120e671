import type { Role } from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import type { AccountDocument } from '../model/account.model';
import { canSeeAccount, canSeePersonalFields, canSeeSchool } from './read-accounts';

const A = 'school-a';
const B = 'school-b';

function principal(
  accountId: string,
  schoolId: string | null,
  ...roles: Array<[Role, string | null]>
): Principal {
  return {
    accountId,
    username: accountId,
    schoolId,
    roles: roles.map(([role, s]) => ({ role, scope: { schoolId: s } })),
    teaching: [],
  };
}

function account(id: string, schoolId: string | null): AccountDocument {
  const now = new Date('2026-01-01T00:00:00Z');
  return {
    _id: id,
    schoolId,
    username: id,
    displayName: id,
    email: null,
    phone: null,
    status: 'ACTIVE',
    passwordHash: 'x',
    passwordChangedAt: now,
    failedLogins: 0,
    lastFailedLoginAt: null,
    lockedUntil: null,
    roles: [],
    teaching: [],
    createdAt: now,
    updatedAt: now,
    _outbox: [],
    _outboxPending: false,
    _rev: 0,
  };
}

const platformAdmin = principal('p-admin', null, ['SYSTEM_ADMIN', null]);
const inspector = principal('inspector', null, ['INSPECTOR', null]);
const analyst = principal('analyst', null, ['DEPARTMENT_ANALYST', null]);
const adminA = principal('admin-a', A, ['SYSTEM_ADMIN', A]);
const teacherA = principal('teacher-a', A, ['SUBJECT_TEACHER', A]);
const studentA = principal('student-a', A, ['STUDENT', A]);
const teacherB = principal('teacher-b', B, ['SUBJECT_TEACHER', B]);

describe('canSeeAccount', () => {
  const inA = account('someone-a', A);
  const platformAccount = account('platform', null);

  it.each([
    ['a platform admin', platformAdmin, true],
    ['an inspector', inspector, true],
    ['an inspector named for the school', principal('inspector-a', null, ['INSPECTOR', A]), true],
    ['an inspector named for another school', principal('inspector-b', null, ['INSPECTOR', B]), false],
    ['an administrator of the school', adminA, true],
    ['a teacher of the school', teacherA, true],
    ['a student of the school', studentA, false],
    ['a teacher of another school', teacherB, false],
    ['nobody', null, false],
  ])('a school account is visible to %s: %s', (_who, p, expected) => {
    expect(canSeeAccount(p, inA)).toBe(expected);
  });

  it('shows an account to itself, and platform accounts only to platform staff', () => {
    expect(canSeeAccount(principal('someone-a', A), inA)).toBe(true);
    expect(canSeeAccount(platformAdmin, platformAccount)).toBe(true);
    expect(canSeeAccount(analyst, platformAccount)).toBe(false);
    expect(canSeeAccount(adminA, platformAccount)).toBe(false);
  });
});

describe('canSeeSchool', () => {
  it.each([
    ['its administrator', adminA, true],
    ['its teacher', teacherA, true],
    ['its student', studentA, true],
    ['someone whose home school it is, without roles', principal('new', A), true],
    ['a platform admin', platformAdmin, true],
    ['an inspector', inspector, true],
    ['a department analyst', analyst, true],
    ['a teacher of another school', teacherB, false],
    ['an administrator of another school', principal('admin-b', B, ['SYSTEM_ADMIN', B]), false],
    ['nobody', null, false],
  ])('shows a school to %s: %s', (_who, p, expected) => {
    expect(canSeeSchool(p, A)).toBe(expected);
  });

  it('follows the roles: a teacher of B with a role in A sees both', () => {
    const both = principal('both', B, ['SUBJECT_TEACHER', B], ['SUBJECT_TEACHER', A]);
    expect(canSeeSchool(both, A)).toBe(true);
    expect(canSeeSchool(both, B)).toBe(true);
    expect(canSeeSchool(both, 'school-c')).toBe(false);
  });
});

describe('canSeePersonalFields', () => {
  const inA = account('someone-a', A);

  it.each([
    ['the account itself', principal('someone-a', A), true],
    ['its school administrator', adminA, true],
    ['a platform admin', platformAdmin, true],
    ['a colleague', teacherA, false],
    ['an inspector', inspector, false],
    ['nobody', null, false],
  ])('are visible to %s: %s', (_who, p, expected) => {
    expect(canSeePersonalFields(p, inA)).toBe(expected);
  });
});
