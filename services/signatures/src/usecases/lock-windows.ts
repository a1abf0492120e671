import { forbidden, notFound, validationFailed, AppError } from '@hocbaso/errors';
import { lockOwnersOf, lockRequested, lockWindowChanged, type LockScope } from '@hocbaso/events';
import { isAdminOf, isPrincipalOf } from '../domain/access';
import { gradeProblems, schoolYearProblems } from '../domain/school-input';
import type { LockWindowDocument } from '../model/lock.model';
import { actorOf, signaturesEvent, type Caller, type SignaturesDeps } from './deps';
import { releaseLockOf } from './signing';

type WindowState = LockWindowDocument['state'];

/** The states as a principal or an admin reads them. */
const STATE_NAMES: Record<WindowState, string> = {
  DECIDED: 'đã được Hiệu trưởng quyết định, chờ quản trị khóa',
  APPLYING: 'đang được khóa',
  APPLIED: 'đã khóa',
  UNLOCK_DECIDED: 'đã được Hiệu trưởng cho mở khóa, chờ quản trị mở',
  RELEASED: 'đã mở khóa',
};

const windowEvent = (w: LockWindowDocument, state: WindowState, caller: Caller) =>
  signaturesEvent(lockWindowChanged, `lock-windows/${w._id}`, w.schoolId, {
    windowId: w._id,
    schoolId: w.schoolId,
    schoolYear: w.schoolYear,
    period: w.period,
    grade: w.grade,
    state,
    actor: actorOf(caller),
  });

/** Hiệu trưởng quyết định khóa: the principal decides to lock a period of the school or a grade. */
export async function decideLockWindow(
  deps: SignaturesDeps,
  caller: Caller,
  input: { schoolId: string; schoolYear: string; period: 'TERM_1' | 'TERM_2' | 'YEAR'; grade: number | null },
): Promise<LockWindowDocument> {
  if (!isPrincipalOf(caller.principal, input.schoolId))
    throw forbidden('Chỉ Hiệu trưởng quyết định khóa sổ.');
  const problems = [...schoolYearProblems(input.schoolYear), ...gradeProblems(input.grade)];
  if (problems.length > 0) throw validationFailed(problems);
  const now = deps.now();
  const window = {
    _id: deps.newId(),
    ...input,
    state: 'DECIDED' as const,
    lockId: null,
    steps: [{ action: 'DECIDED', accountId: caller.principal!.accountId, at: now, note: null }],
    updatedAt: now,
  };
  const created = await deps.records.create(deps.records.models.lockWindows, window, [
    windowEvent(window as LockWindowDocument, 'DECIDED', caller),
  ]);
  deps.changed();
  return created;
}

async function step(
  deps: SignaturesDeps,
  caller: Caller,
  id: string,
  may: (w: LockWindowDocument) => boolean,
  from: WindowState,
  to: WindowState,
  extra: (w: LockWindowDocument) => {
    set?: Partial<LockWindowDocument>;
    events?: ReturnType<typeof signaturesEvent>[];
  } = () => ({}),
): Promise<LockWindowDocument> {
  const current = await deps.records.lockWindow(id);
  if (!current) throw notFound('Không tìm thấy quyết định khóa sổ.');
  if (!may(current)) throw forbidden();
  const now = deps.now();
  let wrong = false;
  const updated = await deps.records.change(deps.records.models.lockWindows, id, (w) => {
    if (w.state !== from) {
      wrong = true;
      return null;
    }
    const more = extra(w);
    return {
      set: {
        state: to,
        steps: [
          ...w.steps,
          { action: to, accountId: caller.principal?.accountId ?? null, at: now, note: null },
        ],
        updatedAt: now,
        ...more.set,
      },
      events: [windowEvent(w, to, caller), ...(more.events ?? [])],
    };
  });
  if (wrong || !updated) {
    throw new AppError('CONFLICT', {
      message: `Không thể thực hiện: quyết định khóa sổ ${STATE_NAMES[current.state]}; thao tác này cần quyết định ${STATE_NAMES[from]}.`,
    });
  }
  deps.changed();
  return updated;
}

/** Quản trị thực hiện khóa: the admin applies the principal's decision; the owners confirm. */
export async function applyLockWindow(
  deps: SignaturesDeps,
  caller: Caller,
  id: string,
): Promise<LockWindowDocument> {
  const lockId = deps.newId();
  const current = await deps.records.lockWindow(id);
  if (!current) throw notFound('Không tìm thấy quyết định khóa sổ.');
  if (!isAdminOf(caller.principal, current.schoolId)) throw forbidden();
  const scope: LockScope = {
    unit: 'WINDOW',
    schoolId: current.schoolId,
    schoolYear: current.schoolYear,
    period: current.period,
    grade: current.grade,
  };
  await deps.records.create(
    deps.records.models.locks,
    {
      _id: lockId,
      scope,
      owners: lockOwnersOf(scope),
      reason: 'WINDOW',
      state: 'REQUESTED',
      confirmations: [],
      requestedBy: caller.principal!.accountId,
      requestedAt: deps.now(),
      appliedAt: null,
      releasedAt: null,
    },
    [],
  );
  return step(
    deps,
    caller,
    id,
    () => true,
    'DECIDED',
    'APPLYING',
    () => ({
      set: { lockId },
      events: [
        signaturesEvent(lockRequested, `locks/${lockId}`, lockId, {
          lockId,
          scope,
          owners: lockOwnersOf(scope),
          reason: 'WINDOW',
          actor: actorOf(caller),
        }),
      ],
    }),
  );
}

/** Hiệu trưởng phê duyệt mở khóa (R8). */
export const decideUnlock = (deps: SignaturesDeps, caller: Caller, id: string) =>
  step(deps, caller, id, (w) => isPrincipalOf(caller.principal, w.schoolId), 'APPLIED', 'UNLOCK_DECIDED');

/** Quản trị thực hiện mở khóa: the owners release the lock. */
export async function applyUnlock(
  deps: SignaturesDeps,
  caller: Caller,
  id: string,
): Promise<LockWindowDocument> {
  const window = await step(
    deps,
    caller,
    id,
    (w) => isAdminOf(caller.principal, w.schoolId),
    'UNLOCK_DECIDED',
    'RELEASED',
  );
  if (window.lockId) await releaseLockOf(deps, window.lockId, actorOf(caller));
  return window;
}

/** The owners confirmed a window's lock: the window is applied. */
export async function onWindowLockApplied(deps: SignaturesDeps, lockId: string): Promise<void> {
  const window = await deps.records.lockWindowOfLock(lockId);
  if (!window || window.state !== 'APPLYING') return;
  await step(deps, { principal: null }, window._id, () => true, 'APPLYING', 'APPLIED');
}
