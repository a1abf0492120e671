import { randomUUID } from 'node:crypto';
import { AppError, fieldProblem, forbidden, notFound, validationFailed } from '@hocbaso/errors';
import {
  roleGranted,
  roleRevoked,
  roleScopeSchema,
  teachingAssignmentCreated,
  teachingAssignmentRemoved,
  type Actor,
  type Role,
  type RoleScope,
} from '@hocbaso/events';
import { canAdministerSchool, canGrantRole } from '../domain/administration';
import { roleScopePlaceProblems } from '../domain/school-place';
import type { AccountDocument, RoleAssignmentRecord, TeachingAssignmentRecord } from '../model/account.model';
import { actorOf, identityEvent, type Caller, type IdentityDeps } from './deps';
import { loadAdministeredAccount } from './manage-accounts';

export interface GrantRoleInput {
  accountId: string;
  role: Role;
  scope: RoleScope;
}

const SCHOOL_YEAR = /^(\d{4})-(\d{4})$/;

/** What each role's scope must name: a homeroom teacher a class, a parent a student, and so on. */
function scopeProblems(role: Role, scope: RoleScope, account: AccountDocument) {
  const problems = [];
  const parsed = roleScopeSchema.safeParse(scope);
  if (!parsed.success)
    problems.push(fieldProblem('scope', 'VALIDATION_FAILED', 'Phạm vi quyền không hợp lệ.'));
  const schoolBound =
    role !== 'INSPECTOR' &&
    role !== 'DEPARTMENT_ANALYST' &&
    !(role === 'SYSTEM_ADMIN' && scope.schoolId === null);
  if (schoolBound && scope.schoolId !== account.schoolId) {
    problems.push(
      fieldProblem('scope.schoolId', 'VALIDATION_FAILED', 'Quyền phải thuộc đúng trường của tài khoản.'),
    );
  }
  if (role === 'HOMEROOM_TEACHER' && !scope.classId) {
    problems.push(
      fieldProblem('scope.classId', 'VALIDATION_FAILED', 'Giáo viên chủ nhiệm cần được gán một lớp.'),
    );
  }
  if (role === 'VICE_PRINCIPAL' && !scope.grade) {
    problems.push(
      fieldProblem('scope.grade', 'VALIDATION_FAILED', 'Phó Hiệu trưởng cần được phân công một khối lớp.'),
    );
  }
  if ((role === 'STUDENT' || role === 'PARENT') && !scope.studentId) {
    problems.push(
      fieldProblem(
        'scope.studentId',
        'VALIDATION_FAILED',
        'Học sinh và cha mẹ học sinh cần gắn với một học sinh.',
      ),
    );
  }
  problems.push(...roleScopePlaceProblems(role, scope));
  return problems;
}

/** Roles given by a verified family link, never by an administrator. */
export const FAMILY_ROLES: readonly Role[] = ['PARENT', 'STUDENT'];

/**
 * A scope with every field present (null: not narrowed by it). The place codes only appear when
 * set (a department analyst's), so every other role's scope, stored and published, keeps its shape.
 */
export function normalizeScope(scope: RoleScope): RoleScope {
  const provinceCode = scope.provinceCode?.trim() || null;
  const districtCode = scope.districtCode?.trim() || null;
  return {
    schoolId: scope.schoolId ?? null,
    grade: scope.grade ?? null,
    classId: scope.classId ?? null,
    subjectCode: scope.subjectCode ?? null,
    studentId: scope.studentId ?? null,
    ...(provinceCode ? { provinceCode } : {}),
    ...(districtCode ? { districtCode } : {}),
  };
}

export async function grantRole(
  deps: IdentityDeps,
  caller: Caller,
  input: GrantRoleInput,
): Promise<RoleAssignmentRecord> {
  // A parent's or student's access comes only from a link the school verified (family-roles.ts).
  if (FAMILY_ROLES.includes(input.role)) throw new AppError('FAMILY_LINK_REQUIRED');
  const account = await loadAdministeredAccount(deps, caller, input.accountId);
  const scope = normalizeScope(input.scope);
  if (caller.principal && !canGrantRole(caller.principal, input.role, scope.schoolId)) throw forbidden();
  if (caller.principal?.accountId === account._id) {
    throw new AppError('FORBIDDEN', { message: 'Không thể tự cấp quyền cho chính mình.' });
  }
  const problems = scopeProblems(input.role, scope, account);
  if (problems.length) throw validationFailed(problems);
  const duplicate = account.roles.find(
    (r) => r.role === input.role && JSON.stringify(normalizeScope(r.scope)) === JSON.stringify(scope),
  );
  if (duplicate) return duplicate;
  const assignment: RoleAssignmentRecord = {
    _id: randomUUID(),
    role: input.role,
    scope,
    grantedAt: deps.now(),
    grantedBy: caller.principal?.accountId ?? null,
  };
  if (!(await addRoleAssignment(deps, account._id, assignment, actorOf(caller))))
    throw notFound('Không tìm thấy tài khoản.');
  return assignment;
}

/** Adds the role to the account with its `roleGranted` event, in one write; false when the account is gone. */
export async function addRoleAssignment(
  deps: IdentityDeps,
  accountId: string,
  assignment: RoleAssignmentRecord,
  actor: Actor,
): Promise<boolean> {
  const updated = await deps.accounts.update(accountId, { $push: { roles: assignment } }, [
    identityEvent(roleGranted, 'accounts', accountId, {
      accountId,
      roleAssignmentId: assignment._id,
      role: assignment.role,
      scope: normalizeScope(assignment.scope),
      actor,
    }),
  ]);
  if (updated) deps.changed();
  return !!updated;
}

/**
 * Removes the role from the account with its `roleRevoked` event, in one write. Matched on the
 * role still being there, so two concurrent revocations publish one event; false for the loser.
 */
export async function removeRoleAssignment(
  deps: IdentityDeps,
  account: AccountDocument,
  assignment: RoleAssignmentRecord,
  actor: Actor,
): Promise<boolean> {
  const updated = await deps.accounts.update(
    account._id,
    { $set: { roles: account.roles.filter((r) => r._id !== assignment._id) } },
    [
      identityEvent(roleRevoked, 'accounts', account._id, {
        accountId: account._id,
        roleAssignmentId: assignment._id,
        role: assignment.role,
        scope: normalizeScope(assignment.scope),
        actor,
      }),
    ],
    { 'roles._id': assignment._id },
  );
  if (updated) deps.changed();
  return !!updated;
}

export async function revokeRole(
  deps: IdentityDeps,
  caller: Caller,
  roleAssignmentId: string,
): Promise<RoleAssignmentRecord> {
  const owner = await deps.accounts.findByRoleAssignmentId(roleAssignmentId);
  const assignment = owner?.roles.find((r) => r._id === roleAssignmentId);
  if (!owner || !assignment) throw notFound('Không tìm thấy quyền này.');
  if (caller.principal && !canAdministerSchool(caller.principal, owner.schoolId)) throw forbidden();
  if (caller.principal && !canGrantRole(caller.principal, assignment.role, assignment.scope.schoolId))
    throw forbidden();
  if (!(await removeRoleAssignment(deps, owner, assignment, actorOf(caller))))
    throw notFound('Không tìm thấy quyền này.');
  return assignment;
}

export interface AssignTeachingInput {
  accountId: string;
  classId: string;
  subjectCode: string;
  schoolYear: string;
}

export async function assignTeaching(
  deps: IdentityDeps,
  caller: Caller,
  input: AssignTeachingInput,
): Promise<TeachingAssignmentRecord> {
  const account = await loadAdministeredAccount(deps, caller, input.accountId);
  if (!account.schoolId)
    throw validationFailed([
      fieldProblem('accountId', 'VALIDATION_FAILED', 'Tài khoản không thuộc trường nào.'),
    ]);
  const years = SCHOOL_YEAR.exec(input.schoolYear);
  const problems = [
    ...(years && Number(years[2]) === Number(years[1]) + 1
      ? []
      : [fieldProblem('schoolYear', 'VALIDATION_FAILED', 'Năm học có dạng 2025-2026.')]),
    ...(input.classId.trim() ? [] : [fieldProblem('classId', 'VALIDATION_FAILED', 'Cần chọn lớp.')]),
    ...(/^[A-Z0-9_]{2,32}$/.test(input.subjectCode)
      ? []
      : [fieldProblem('subjectCode', 'VALIDATION_FAILED', 'Mã môn học không hợp lệ.')]),
  ];
  if (problems.length) throw validationFailed(problems);
  const existing = account.teaching.find(
    (t) =>
      t.classId === input.classId && t.subjectCode === input.subjectCode && t.schoolYear === input.schoolYear,
  );
  if (existing) return existing;
  const assignment: TeachingAssignmentRecord = {
    _id: randomUUID(),
    schoolId: account.schoolId,
    classId: input.classId.trim(),
    subjectCode: input.subjectCode,
    schoolYear: input.schoolYear,
    assignedAt: deps.now(),
  };
  const updated = await deps.accounts.update(account._id, { $push: { teaching: assignment } }, [
    identityEvent(teachingAssignmentCreated, 'accounts', account._id, {
      teachingAssignmentId: assignment._id,
      accountId: account._id,
      schoolId: assignment.schoolId,
      classId: assignment.classId,
      subjectCode: assignment.subjectCode,
      schoolYear: assignment.schoolYear,
      actor: actorOf(caller),
    }),
  ]);
  if (!updated) throw notFound('Không tìm thấy tài khoản.');
  deps.changed();
  return assignment;
}

export async function removeTeachingAssignment(
  deps: IdentityDeps,
  caller: Caller,
  id: string,
): Promise<TeachingAssignmentRecord> {
  const owner = await deps.accounts.findByTeachingAssignmentId(id);
  const assignment = owner?.teaching.find((t) => t._id === id);
  if (!owner || !assignment) throw notFound('Không tìm thấy phân công này.');
  if (caller.principal && !canAdministerSchool(caller.principal, owner.schoolId)) throw forbidden();
  const updated = await deps.accounts.update(
    owner._id,
    { $set: { teaching: owner.teaching.filter((t) => t._id !== id) } },
    [
      identityEvent(teachingAssignmentRemoved, 'accounts', owner._id, {
        teachingAssignmentId: id,
        accountId: owner._id,
        schoolId: assignment.schoolId,
        classId: assignment.classId,
        subjectCode: assignment.subjectCode,
        schoolYear: assignment.schoolYear,
        actor: actorOf(caller),
      }),
    ],
    { 'teaching._id': id },
  );
  if (!updated) throw notFound('Không tìm thấy phân công này.');
  deps.changed();
  return assignment;
}
