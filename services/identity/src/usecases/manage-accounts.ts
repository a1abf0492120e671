import { randomUUID } from 'node:crypto';
import {
  AppError,
  fieldProblem,
  forbidden,
  notFound,
  validationFailed,
  type FieldProblem,
} from '@hocbaso/errors';
import { accountCreated, accountPasswordReset, accountStatusChanged } from '@hocbaso/events';
import { canAdministerSchool } from '../domain/administration';
import { checkPasswordStrength } from '../domain/password-policy';
import { checkUsername, normalizeDisplayName, normalizeUsername } from '../domain/username';
import type { AccountDocument, AccountStatus } from '../model/account.model';
import { actorOf, identityEvent, type Caller, type IdentityDeps } from './deps';

export interface CreateAccountInput {
  schoolId: string | null;
  username: string;
  displayName: string;
  password: string;
  email?: string | null;
  phone?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 .-]{8,15}$/;

/** Creates an account (no roles yet: roles are granted one by one, each audited). */
export async function createAccount(
  deps: IdentityDeps,
  caller: Caller,
  input: CreateAccountInput,
): Promise<AccountDocument> {
  if (caller.principal && !canAdministerSchool(caller.principal, input.schoolId)) throw forbidden();
  const username = normalizeUsername(input.username);
  const displayName = normalizeDisplayName(input.displayName);
  const email = input.email?.trim() || null;
  const phone = input.phone?.trim() || null;
  const problems: FieldProblem[] = [];
  const usernameProblem = checkUsername(username);
  if (usernameProblem) problems.push(usernameProblem);
  if (displayName.length < 2 || displayName.length > 120) {
    problems.push(
      fieldProblem('displayName', 'VALIDATION_FAILED', 'Họ tên hiển thị cần từ 2 đến 120 ký tự.'),
    );
  }
  const passwordProblem = checkPasswordStrength(input.password, username);
  if (passwordProblem) problems.push(passwordProblem);
  if (email && !EMAIL.test(email))
    problems.push(fieldProblem('email', 'VALIDATION_FAILED', 'Địa chỉ email không hợp lệ.'));
  if (phone && !PHONE.test(phone))
    problems.push(fieldProblem('phone', 'VALIDATION_FAILED', 'Số điện thoại không hợp lệ.'));
  if (problems.length) throw validationFailed(problems);
  if (input.schoolId !== null && !(await deps.schools.findById(input.schoolId))) {
    throw validationFailed([fieldProblem('schoolId', 'NOT_FOUND', 'Không tìm thấy trường này.')]);
  }

  const now = deps.now();
  const account: Omit<AccountDocument, '_outbox' | '_outboxPending' | '_rev'> = {
    _id: randomUUID(),
    schoolId: input.schoolId,
    username,
    displayName,
    email,
    phone,
    status: 'ACTIVE',
    passwordHash: await deps.hasher.hash(input.password),
    passwordChangedAt: now,
    failedLogins: 0,
    lastFailedLoginAt: null,
    lockedUntil: null,
    roles: [],
    teaching: [],
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.accounts.insert(account, [
      identityEvent(accountCreated, 'accounts', account._id, {
        accountId: account._id,
        after: { username, displayName, status: 'ACTIVE', schoolId: input.schoolId },
        actor: actorOf(caller),
      }),
    ]);
  } catch (error) {
    if ((error as { code?: number }).code === 11000) {
      throw validationFailed([
        fieldProblem('username', 'CONFLICT', `Tên đăng nhập "${username}" đã có người dùng.`),
      ]);
    }
    throw error;
  }
  deps.changed();
  return { ...account, _outbox: [], _outboxPending: false, _rev: 0 };
}

/** Loads an account the caller administers, or explains why not. */
export async function loadAdministeredAccount(
  deps: IdentityDeps,
  caller: Caller,
  accountId: string,
): Promise<AccountDocument> {
  const account = await deps.accounts.findById(accountId);
  if (!account) throw notFound('Không tìm thấy tài khoản.');
  if (caller.principal && !canAdministerSchool(caller.principal, account.schoolId)) throw forbidden();
  return account;
}

/** An administrator sets a new password; the account's sessions end and any lock is lifted. */
export async function resetPassword(
  deps: IdentityDeps,
  caller: Caller,
  input: { accountId: string; newPassword: string },
): Promise<AccountDocument> {
  const account = await loadAdministeredAccount(deps, caller, input.accountId);
  const problem = checkPasswordStrength(input.newPassword, account.username, 'newPassword');
  if (problem) throw validationFailed([problem]);
  return replacePassword(deps, caller, account, input.newPassword);
}

/** The signed-in user changes their own password, proving the current one. */
export async function changeOwnPassword(
  deps: IdentityDeps,
  caller: Caller,
  input: { currentPassword: string; newPassword: string },
): Promise<AccountDocument> {
  if (!caller.principal) throw new AppError('UNAUTHENTICATED');
  const account = await deps.accounts.findById(caller.principal.accountId);
  if (!account) throw new AppError('UNAUTHENTICATED');
  if (!(await deps.hasher.verify(account.passwordHash, input.currentPassword))) {
    throw validationFailed([
      fieldProblem('currentPassword', 'INVALID_CREDENTIALS', 'Mật khẩu hiện tại không đúng.'),
    ]);
  }
  const problem = checkPasswordStrength(input.newPassword, account.username, 'newPassword');
  if (problem) throw validationFailed([problem]);
  return replacePassword(deps, caller, account, input.newPassword);
}

async function replacePassword(
  deps: IdentityDeps,
  caller: Caller,
  account: AccountDocument,
  password: string,
) {
  const now = deps.now();
  const updated = await deps.accounts.update(
    account._id,
    {
      $set: {
        passwordHash: await deps.hasher.hash(password),
        passwordChangedAt: now,
        failedLogins: 0,
        lockedUntil: null,
      },
    },
    [
      identityEvent(accountPasswordReset, 'accounts', account._id, {
        accountId: account._id,
        actor: actorOf(caller),
      }),
    ],
  );
  if (!updated) throw notFound('Không tìm thấy tài khoản.');
  await deps.sessions.revokeAllForAccount(account._id, 'password-changed', now);
  deps.changed();
  return updated;
}

/** Disables or re-enables an account. Disabling ends every session on the next request. */
export async function setAccountStatus(
  deps: IdentityDeps,
  caller: Caller,
  input: { accountId: string; status: AccountStatus; reason?: string | null },
): Promise<AccountDocument> {
  const account = await loadAdministeredAccount(deps, caller, input.accountId);
  if (caller.principal?.accountId === account._id && input.status === 'DISABLED') {
    throw new AppError('FORBIDDEN', { message: 'Không thể tự vô hiệu hóa tài khoản của chính mình.' });
  }
  if (account.status === input.status) return account;
  const now = deps.now();
  const updated = await deps.accounts.update(
    account._id,
    {
      $set: {
        status: input.status,
        ...(input.status === 'ACTIVE' ? { failedLogins: 0, lockedUntil: null } : {}),
      },
    },
    [
      identityEvent(accountStatusChanged, 'accounts', account._id, {
        accountId: account._id,
        before: { status: account.status },
        after: { status: input.status },
        reason: input.reason?.trim() || null,
        actor: actorOf(caller),
      }),
    ],
    { status: account.status },
  );
  if (!updated) throw new AppError('CONFLICT');
  if (input.status === 'DISABLED')
    await deps.sessions.revokeAllForAccount(account._id, 'account-disabled', now);
  deps.changed();
  return updated;
}
