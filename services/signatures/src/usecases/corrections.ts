import { AppError, forbidden, notFound, validationFailed } from '@hocbaso/errors';
import {
  correctionApplyRequested,
  correctionStateChanged,
  signatureSuperseded,
  type CorrectionOutcome,
} from '@hocbaso/events';
import { isAdminOf, isHomeroomOfClass, isPrincipalOf, teaches } from '../domain/access';
import { checkCorrectionRequest, type CorrectionRequestInput } from '../domain/corrections';
import {
  lockCoversTarget,
  periodsOfFields,
  supersededBy,
  type CorrectionTarget,
  type SignedScope,
} from '../domain/units';
import type { CorrectionDocument, CorrectionState, CorrectionStep } from '../model/correction.model';
import { actorOf, signaturesEvent, waitFor, type Caller, type SignaturesDeps } from './deps';

export interface FileCorrectionInput extends CorrectionRequestInput {
  classId: string;
  studentId: string;
  schoolYear: string;
}

/** The place in the record book a filed correction changes. */
const targetOf = (c: CorrectionDocument): CorrectionTarget => ({
  owner: c.owner,
  schoolId: c.schoolId,
  schoolYear: c.schoolYear,
  classId: c.classId,
  grade: c.grade,
  studentId: c.studentId,
  subjectCode: c.subjectCode,
  periods: periodsOfFields(c.changes.map((x) => x.field)),
});

/** The states as a teacher reads them. */
const STATE_NAMES: Record<CorrectionState, string> = {
  FILED: 'chờ Hiệu trưởng phê duyệt',
  APPROVED: 'chờ quản trị thực hiện',
  REJECTED: 'đã bị từ chối',
  APPLYING: 'đang được thực hiện',
  APPLIED: 'đã thực hiện',
  FAILED: 'không thực hiện được',
};

const step = (action: CorrectionStep['action'], caller: Caller, at: Date, note: string | null = null) => ({
  action,
  accountId: caller.principal?.accountId ?? null,
  at,
  note,
});

const stateEvent = (correction: CorrectionDocument, state: CorrectionState, caller: Caller) =>
  signaturesEvent(correctionStateChanged, `corrections/${correction._id}`, correction.studentId, {
    correctionId: correction._id,
    schoolId: correction.schoolId,
    schoolYear: correction.schoolYear,
    studentId: correction.studentId,
    subjectCode: correction.subjectCode,
    state,
    actor: actorOf(caller),
  });

/**
 * Lập đề nghị chỉnh sửa (R8): the subject's teacher or the class's homeroom teacher names the
 * values to change (marks of one subject, conduct, or personal data) and why. Locked data needs the principal's approval first; unlocked data goes
 * straight to the admin.
 */
export async function fileCorrection(
  deps: SignaturesDeps,
  caller: Caller,
  input: FileCorrectionInput,
): Promise<CorrectionDocument> {
  if (!caller.principal) throw new AppError('UNAUTHENTICATED');
  const cls = await deps.facts.findClass(input.classId);
  if (!cls || cls.schoolYear !== input.schoolYear) throw notFound('Không tìm thấy lớp trong năm học này.');
  const { owner, problems } = checkCorrectionRequest(input);
  if (problems.length || !owner) throw validationFailed(problems);
  const subjectCode = owner === 'academics' ? input.subjectCode : null;
  // Marks: the subject's teacher or the homeroom teacher; conduct and personal data: the homeroom teacher (R4).
  const allowed =
    isHomeroomOfClass(caller.principal, cls) ||
    (subjectCode !== null && teaches(caller.principal, cls._id, subjectCode, cls.schoolYear, cls.schoolId));
  if (!allowed) {
    throw forbidden(
      owner === 'academics'
        ? 'Chỉ giáo viên dạy môn này hoặc giáo viên chủ nhiệm của lớp được lập đề nghị sửa điểm.'
        : 'Chỉ giáo viên chủ nhiệm của lớp được lập đề nghị sửa rèn luyện hay lí lịch học sinh.',
    );
  }
  if (!cls.members.includes(input.studentId)) throw new AppError('STUDENT_NOT_IN_CLASS');

  const target: CorrectionTarget = {
    owner,
    schoolId: cls.schoolId,
    schoolYear: cls.schoolYear,
    classId: cls._id,
    grade: cls.grade,
    studentId: input.studentId,
    subjectCode,
    periods: periodsOfFields(input.changes.map((c) => c.field)),
  };
  const locks = [
    ...(await deps.records.locksInForce(cls.schoolId, cls.schoolYear)),
    ...(owner === 'students' ? await deps.records.locksOfStudent(input.studentId) : []),
  ];
  const locked = locks.some((l) => lockCoversTarget(l, target));
  const now = deps.now();
  const state: CorrectionState = locked ? 'FILED' : 'APPROVED';
  const document: Omit<CorrectionDocument, '_outbox' | '_outboxPending' | '_rev'> = {
    _id: deps.newId(),
    schoolId: cls.schoolId,
    schoolYear: cls.schoolYear,
    classId: cls._id,
    grade: cls.grade,
    studentId: input.studentId,
    owner,
    subjectCode,
    changes: input.changes.map((c) => ({ field: c.field, value: c.value })),
    reason: input.reason.trim(),
    locked,
    state,
    steps: [step('FILED', caller, now), ...(locked ? [] : [step('NO_APPROVAL_NEEDED', caller, now)])],
    applied: [],
    failure: null,
    filedBy: caller.principal.accountId,
    filedAt: now,
    updatedAt: now,
  };
  const created = await deps.records.create(deps.records.models.corrections, document, [
    stateEvent(document as CorrectionDocument, state, caller),
  ]);
  deps.changed();
  return created;
}

async function transition(
  deps: SignaturesDeps,
  caller: Caller,
  id: string,
  may: (c: CorrectionDocument) => boolean,
  from: CorrectionState,
  to: CorrectionState,
  action: CorrectionStep['action'],
  note: string | null,
  extraEvents: (c: CorrectionDocument) => ReturnType<typeof signaturesEvent>[] = () => [],
): Promise<CorrectionDocument> {
  const current = await deps.records.correction(id);
  if (!current) throw notFound('Không tìm thấy đề nghị chỉnh sửa.');
  if (!may(current)) throw forbidden();
  let wrongState = false;
  const now = deps.now();
  const updated = await deps.records.change(deps.records.models.corrections, id, (c) => {
    if (c.state !== from) {
      wrongState = true;
      return null;
    }
    return {
      set: { state: to, steps: [...c.steps, step(action, caller, now, note)], updatedAt: now },
      events: [stateEvent(c, to, caller), ...extraEvents(c)],
    };
  });
  if (wrongState || !updated) {
    throw new AppError('CORRECTION_STATE', {
      message: `Không thể thực hiện: đề nghị chỉnh sửa đang ${STATE_NAMES[current.state]}, thao tác này chỉ làm được khi đề nghị ${STATE_NAMES[from]}.`,
    });
  }
  deps.changed();
  return updated;
}

/** The principal approves reopening locked data for this correction (R8). */
export const approveCorrection = (deps: SignaturesDeps, caller: Caller, id: string, note: string | null) =>
  transition(
    deps,
    caller,
    id,
    (c) => isPrincipalOf(caller.principal, c.schoolId),
    'FILED',
    'APPROVED',
    'APPROVED',
    note,
  );

export const rejectCorrection = (deps: SignaturesDeps, caller: Caller, id: string, note: string | null) =>
  transition(
    deps,
    caller,
    id,
    (c) => isPrincipalOf(caller.principal, c.schoolId),
    'FILED',
    'REJECTED',
    'REJECTED',
    note,
  );

/** The admin applies an approved correction: the owner changes the values and answers; waits for it. */
export async function applyCorrection(
  deps: SignaturesDeps,
  caller: Caller,
  id: string,
): Promise<CorrectionDocument> {
  await transition(
    deps,
    caller,
    id,
    (c) => isAdminOf(caller.principal, c.schoolId),
    'APPROVED',
    'APPLYING',
    'APPLY_REQUESTED',
    null,
    (c) => [
      signaturesEvent(correctionApplyRequested, `corrections/${c._id}`, c.studentId, {
        correctionId: c._id,
        owner: c.owner,
        schoolId: c.schoolId,
        schoolYear: c.schoolYear,
        classId: c.classId,
        studentId: c.studentId,
        subjectCode: c.subjectCode,
        changes: c.changes,
        reason: c.reason,
        actor: actorOf(caller),
      }),
    ],
  );
  return waitFor(
    async () => (await deps.records.correction(id))!,
    (c) => c.state !== 'APPLYING',
    deps.signingWaitMs,
  );
}

/**
 * The owner applied (or refused) a correction. Applied: a new version of the record; every
 * current signature over the changed content is superseded and the chain signs again.
 */
export async function onCorrectionApplied(deps: SignaturesDeps, outcome: CorrectionOutcome): Promise<void> {
  const correction = await deps.records.correction(outcome.correctionId);
  if (!correction || correction.state !== 'APPLYING' || correction.owner !== outcome.owner) return;
  const now = deps.now();
  // Superseded first: once the admin sees APPLIED, the chain already shows what to sign again.
  // A redelivery after a crash between the two steps supersedes nothing more and then finishes.
  if (outcome.outcome === 'APPLIED') await supersedeSignatures(deps, correction, now);
  const state: CorrectionState = outcome.outcome === 'APPLIED' ? 'APPLIED' : 'FAILED';
  const failure = outcome.refusal ? { ...outcome.refusal } : null;
  await deps.records.change(deps.records.models.corrections, correction._id, (c) =>
    c.state !== 'APPLYING'
      ? null
      : {
          set: {
            state,
            applied: outcome.changes,
            failure,
            steps: [...c.steps, { action: state, accountId: null, at: now, note: failure?.message ?? null }],
            updatedAt: now,
          },
          events: [stateEvent(c, state, { principal: null })],
        },
  );
  deps.changed();
}

/** Marks every current signature over what the correction changed as superseded by it. */
async function supersedeSignatures(deps: SignaturesDeps, correction: CorrectionDocument, now: Date) {
  const target = targetOf(correction);
  const candidates = [
    ...(await deps.records.signaturesOfClass(correction.classId, correction.schoolYear)),
    // Personal data is on every year's page: the student's approvals of every year.
    ...(await deps.records.signaturesOfStudents(
      [correction.studentId],
      correction.owner === 'students' ? undefined : correction.schoolYear,
    )),
  ];
  const affected = new Map(
    candidates
      .filter((s) => s.state === 'SIGNED' && s.status === 'CURRENT' && supersededBy(s.scope, target))
      .map((s) => [s._id, s]),
  );
  for (const signature of affected.values()) {
    await deps.records.change(deps.records.models.signatures, signature._id, (s) =>
      s.status !== 'CURRENT'
        ? null
        : {
            set: { status: 'SUPERSEDED' as const, supersededBy: correction._id, supersededAt: now },
            events: [
              signaturesEvent(signatureSuperseded, `signatures/${s._id}`, s.studentId ?? s.classId, {
                signatureId: s._id,
                scope: s.scope,
                correctionId: correction._id,
                actor: { accountId: null, kind: 'system' },
              }),
            ],
          },
    );
  }
}

/** 1, then one more per applied correction of the unit's content (the record's version). */
export function recordVersionFrom(scope: SignedScope, corrections: readonly CorrectionDocument[]): number {
  const applied = corrections.filter((c) => c.state === 'APPLIED' && supersededBy(scope, targetOf(c)));
  return 1 + applied.length;
}

export async function recordVersionOf(deps: SignaturesDeps, scope: SignedScope): Promise<number> {
  const corrections = await deps.records.correctionsOf(
    scope.unit === 'STUDENT_YEAR'
      ? { studentIds: [scope.studentId], schoolYear: scope.schoolYear }
      : { schoolId: scope.schoolId, schoolYear: scope.schoolYear },
  );
  return recordVersionFrom(scope, corrections);
}

/** The paper book's correction footer: per year, how many corrections and in which subjects. */
export async function correctionFooter(deps: SignaturesDeps, studentId: string, schoolYear: string) {
  const corrections = (await deps.records.correctionsOf({ studentIds: [studentId], schoolYear })).filter(
    (c) => c.state === 'APPLIED',
  );
  return {
    count: corrections.length,
    subjects: [...new Set(corrections.flatMap((c) => (c.subjectCode ? [c.subjectCode] : [])))].sort(),
    corrections,
  };
}
