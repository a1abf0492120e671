import { subjectByCode } from '@hocbaso/assessment';
import { AppError, forbidden, notFound, type ErrorCode } from '@hocbaso/errors';
import {
  lockOwnersOf,
  lockReleased,
  lockRequested,
  lockStateChanged,
  recordSigned,
  recordYearApproved,
  type LockConfirmation,
} from '@hocbaso/events';
import {
  sealKeyRef,
  sealStatement,
  signSnapshot,
  verifySignedSnapshot,
  type SignedSnapshot,
  type VerificationProblem,
} from '@hocbaso/signing';
import { isHomeroomOfClass, teaches } from '../domain/access';
import {
  attestationsFor,
  lockStateAfter,
  recordSnapshot,
  roleForUnit,
  subjectsOfClass,
  unitKey,
  type SignedScope,
} from '../domain/units';
import type { LockDocument } from '../model/lock.model';
import type { ClassFacts } from '../model/read-model.model';
import { gradeApproverId } from '../model/registry.model';
import type { ProblemRecord, SignatureDocument, StoredSignature } from '../model/signature.model';
import { actorOf, signaturesEvent, waitFor, type Caller, type SignaturesDeps } from './deps';
import { registeredAuthorities, registeredSignerCertificate } from './certificates';
import { recordVersionFrom, recordVersionOf } from './corrections';

export type RecordPeriod = 'TERM_1' | 'TERM_2' | 'YEAR';

const problem = (code: ErrorCode, message: string, details: string[] = []): ProblemRecord => ({
  code,
  message,
  details,
});

async function knownClass(deps: SignaturesDeps, classId: string, schoolYear: string): Promise<ClassFacts> {
  const cls = await deps.facts.findClass(classId);
  if (!cls || cls.schoolYear !== schoolYear) {
    throw notFound(
      `Lớp học này chưa có trong danh sách ký duyệt năm học ${schoolYear}. Nếu lớp vừa được tạo, vui lòng thử lại sau ít phút.`,
    );
  }
  return cls;
}

const isCurrentSignature = (s: SignatureDocument) => s.state === 'SIGNED' && s.status === 'CURRENT';

/** Ký kết quả môn học: the assigned teacher signs a class's results in a subject for a term or the year. */
export async function signSubjectResults(
  deps: SignaturesDeps,
  caller: Caller,
  input: { classId: string; subjectCode: string; schoolYear: string; period: RecordPeriod },
): Promise<SignatureDocument> {
  const principal = requirePrincipal(caller);
  const cls = await knownClass(deps, input.classId, input.schoolYear);
  if (!teaches(principal, input.classId, input.subjectCode, input.schoolYear, cls.schoolId)) {
    throw forbidden('Chỉ giáo viên được phân công dạy môn này ở lớp này mới được ký kết quả môn học.');
  }
  const scope: SignedScope = { unit: 'SUBJECT', schoolId: cls.schoolId, ...input };
  return requestAndWait(deps, caller, scope, cls);
}

/**
 * Giáo viên chủ nhiệm ký: only when every subject of the class is signed for the period (R12);
 * then signs the class's conduct, absences, outcomes and comments.
 */
export async function signClassConduct(
  deps: SignaturesDeps,
  caller: Caller,
  input: { classId: string; schoolYear: string; period: RecordPeriod },
): Promise<SignatureDocument> {
  requirePrincipal(caller);
  const cls = await knownClass(deps, input.classId, input.schoolYear);
  if (!isHomeroomOfClass(caller.principal, cls)) {
    throw forbidden('Chỉ giáo viên chủ nhiệm của lớp mới được ký phần này.');
  }
  const { subjects, unsigned } = await subjectsNotSigned(deps, cls, input.period);
  if (subjects.length === 0) {
    throw new AppError('SIGNING_ORDER', {
      message: 'Chưa thể ký: lớp chưa có môn học nào được phân công hay nhập điểm.',
    });
  }
  if (unsigned.length > 0) {
    const names = unsigned.map((code) => subjectByCode(code)?.name ?? code);
    throw new AppError('SIGNING_ORDER', {
      message: `Chưa thể ký: còn ${unsigned.length} môn chưa được giáo viên bộ môn ký (${names.join(', ')}).`,
      details: { subjects: unsigned },
    });
  }
  const scope: SignedScope = { unit: 'CLASS_CONDUCT', schoolId: cls.schoolId, ...input };
  return requestAndWait(deps, caller, scope, cls);
}

/** The subjects of a class (taught or with marks), and those without a current signature covering the period. */
export async function subjectsNotSigned(
  deps: SignaturesDeps,
  cls: ClassFacts,
  period: RecordPeriod,
): Promise<{ subjects: string[]; unsigned: string[] }> {
  const [teaching, progress, signatures] = await Promise.all([
    deps.facts.teachingOfClass(cls._id, cls.schoolYear),
    deps.facts.progressOfClass(cls._id, cls.schoolYear),
    deps.records.signaturesOfClass(cls._id, cls.schoolYear),
  ]);
  const signed = new Set(
    signatures.flatMap((s) =>
      isCurrentSignature(s) &&
      s.scope.unit === 'SUBJECT' &&
      (s.scope.period === period || s.scope.period === 'YEAR')
        ? [s.scope.subjectCode]
        : [],
    ),
  );
  const subjects = subjectsOfClass(teaching, progress);
  return { subjects, unsigned: subjects.filter((code) => !signed.has(code)) };
}

/** Why the approver may not approve this class's records (null: may). */
async function approvalRefusal(
  deps: SignaturesDeps,
  caller: Caller,
  cls: ClassFacts,
): Promise<AppError | null> {
  const approver = await deps.records.gradeApprover(gradeApproverId(cls.schoolId, cls.schoolYear, cls.grade));
  if (!approver || approver.accountId !== caller.principal?.accountId) {
    return new AppError('NOT_APPROVER', {
      message: approver
        ? `Học bạ khối ${cls.grade} năm học ${cls.schoolYear} do người khác được Hiệu trưởng phân công phê duyệt.`
        : `Hiệu trưởng chưa phân công người phê duyệt học bạ khối ${cls.grade} năm học ${cls.schoolYear}.`,
    });
  }
  const signatures = await deps.records.signaturesOfClass(cls._id, cls.schoolYear);
  const homeroom = signatures.some(
    (s) => isCurrentSignature(s) && s.scope.unit === 'CLASS_CONDUCT' && s.scope.period === 'YEAR',
  );
  if (!homeroom) {
    return new AppError('SIGNING_ORDER', {
      message: `Chưa thể phê duyệt: giáo viên chủ nhiệm lớp ${cls.name || cls._id} chưa ký xác nhận cả năm.`,
    });
  }
  return null;
}

/** Phê duyệt học bạ: the approver of the grade signs one student's year page, then the seal; it locks. */
export async function approveStudentRecord(
  deps: SignaturesDeps,
  caller: Caller,
  input: { classId: string; studentId: string; schoolYear: string },
): Promise<SignatureDocument> {
  requirePrincipal(caller);
  const cls = await knownClass(deps, input.classId, input.schoolYear);
  if (!cls.members.includes(input.studentId)) {
    throw new AppError('STUDENT_NOT_IN_CLASS', {
      message: `Học sinh không thuộc lớp ${cls.name || cls._id}.`,
    });
  }
  const refusal = await approvalRefusal(deps, caller, cls);
  if (refusal) throw refusal;
  const scope: SignedScope = { unit: 'STUDENT_YEAR', schoolId: cls.schoolId, ...input };
  return requestAndWait(deps, caller, scope, cls);
}

export interface StudentApproval {
  studentId: string;
  signature: SignatureDocument | null;
  error: ProblemRecord | null;
}

/**
 * Ký hàng loạt: every student of the class not yet approved, each signed on its own; a failure of
 * one is reported with it and does not stop the others.
 */
export async function approveClassRecords(
  deps: SignaturesDeps,
  caller: Caller,
  input: { classId: string; schoolYear: string },
): Promise<StudentApproval[]> {
  requirePrincipal(caller);
  const cls = await knownClass(deps, input.classId, input.schoolYear);
  const refusal = await approvalRefusal(deps, caller, cls);
  if (refusal) throw refusal;
  await requireSignerCertificate(deps, cls.schoolId, caller);
  const batchId = deps.newId();
  const [existing, corrections] = await Promise.all([
    deps.records.signaturesOfStudents(cls.members, cls.schoolYear),
    deps.records.correctionsOf({ studentIds: cls.members, schoolYear: cls.schoolYear }),
  ]);
  const started = await Promise.all(
    [...cls.members].sort().map(async (studentId): Promise<StudentApproval> => {
      const scope: SignedScope = { unit: 'STUDENT_YEAR', schoolId: cls.schoolId, ...input, studentId };
      const current = existing.find((s) => s.unitKey === unitKey(scope) && isCurrentSignature(s));
      if (current) return { studentId, signature: current, error: null };
      try {
        const recordVersion = recordVersionFrom(scope, corrections);
        const signature = await requestSignature(deps, caller, scope, { existing, recordVersion, batchId });
        return { studentId, signature, error: null };
      } catch (error) {
        return { studentId, signature: null, error: problemOf(error) };
      }
    }),
  );
  // One poll for the whole class, not one per student.
  const waiting = started.flatMap((a) => (a.signature?.state === 'LOCKING' ? [a.signature._id] : []));
  const settled = new Map(
    (
      await waitFor(
        () => deps.records.signaturesByIds(waiting),
        (signatures) => signatures.every((s) => s.state !== 'LOCKING'),
        deps.signingWaitMs,
      )
    ).map((s) => [s._id, s]),
  );
  return started.map((approval) => {
    const signature = approval.signature && (settled.get(approval.signature._id) ?? approval.signature);
    return { ...approval, signature, error: approval.error ?? signature?.failure ?? null };
  });
}

function problemOf(error: unknown): ProblemRecord {
  if (error instanceof AppError) return problem(error.code, error.message);
  return problem('INTERNAL', 'Lỗi hệ thống khi ký.');
}

function requirePrincipal(caller: Caller) {
  if (!caller.principal) throw new AppError('UNAUTHENTICATED');
  return caller.principal;
}

/** The signer must hold a registered certificate valid now, before anything is locked. */
async function requireSignerCertificate(deps: SignaturesDeps, schoolId: string, caller: Caller) {
  if (!(await registeredSignerCertificate(deps, schoolId, caller.principal!.accountId, deps.now()))) {
    throw new AppError('CERTIFICATE_MISSING', {
      message: 'Bạn chưa có chứng thư số còn hiệu lực được nhà trường đăng ký; hãy liên hệ quản trị.',
    });
  }
}

/** Requests one signature and waits for the owners' confirmations and the signing (or SIGNING_WAIT_MS: LOCKING). */
async function requestAndWait(
  deps: SignaturesDeps,
  caller: Caller,
  scope: SignedScope,
  cls: ClassFacts,
): Promise<SignatureDocument> {
  await requireSignerCertificate(deps, scope.schoolId, caller);
  const [existing, recordVersion] = await Promise.all([
    scope.unit === 'STUDENT_YEAR'
      ? deps.records.signaturesOfStudents([scope.studentId], scope.schoolYear)
      : deps.records.signaturesOfClass(cls._id, cls.schoolYear),
    recordVersionOf(deps, scope),
  ]);
  const requested = await requestSignature(deps, caller, scope, { existing, recordVersion, batchId: null });
  return waitFor(
    async () => (await deps.records.signature(requested._id))!,
    (s) => s.state !== 'LOCKING',
    deps.signingWaitMs,
  );
}

/**
 * Records the signing request and asks the owners to lock the unit. `existing`: the signatures
 * already made of the unit's class or student (one being made, or a current one, refuses this).
 * The lock is written first and without events; the request's event leaves with the signature
 * document, so a confirmation always finds the signature it completes.
 */
async function requestSignature(
  deps: SignaturesDeps,
  caller: Caller,
  scope: SignedScope,
  known: { existing: readonly SignatureDocument[]; recordVersion: number; batchId: string | null },
): Promise<SignatureDocument> {
  const signer = caller.principal!;
  const key = unitKey(scope);
  const pending = known.existing.find(
    (s) => s.unitKey === key && (s.state === 'LOCKING' || isCurrentSignature(s)),
  );
  if (pending) {
    throw new AppError('CONFLICT', {
      message:
        pending.state === 'LOCKING'
          ? 'Phần này đang được ký, vui lòng chờ.'
          : 'Phần này đã được ký; muốn thay đổi hãy lập đề nghị chỉnh sửa.',
    });
  }
  const now = deps.now();
  const lockId = deps.newId();
  const signatureId = deps.newId();
  const owners = lockOwnersOf(scope);
  const actor = actorOf(caller);
  await deps.records.create(
    deps.records.models.locks,
    {
      _id: lockId,
      scope,
      owners,
      reason: 'SIGNATURE',
      state: 'REQUESTED',
      confirmations: [],
      requestedBy: signer.accountId,
      requestedAt: now,
      appliedAt: null,
      releasedAt: null,
    },
    [],
  );
  const document = await deps.records.create(
    deps.records.models.signatures,
    {
      _id: signatureId,
      role: roleForUnit(scope),
      scope,
      unitKey: key,
      schoolId: scope.schoolId,
      schoolYear: scope.schoolYear,
      classId: scope.classId,
      studentId: scope.unit === 'STUDENT_YEAR' ? scope.studentId : null,
      signerAccountId: signer.accountId,
      keyRef: signer.accountId,
      state: 'LOCKING',
      lockId,
      failure: null,
      recordVersion: known.recordVersion,
      snapshot: null,
      signed: null,
      seal: null,
      status: 'CURRENT',
      supersededBy: null,
      supersededAt: null,
      batchId: known.batchId,
      requestedAt: now,
      updatedAt: now,
    },
    [
      signaturesEvent(lockRequested, `locks/${lockId}`, lockId, {
        lockId,
        scope,
        owners,
        reason: 'SIGNATURE',
        actor,
      }),
    ],
  );
  deps.changed();
  return document;
}

/**
 * An owner answered a lock request. When every owner has applied it, the signatures waiting on it
 * are signed over exactly the content they confirmed; when one refused, they fail with its reason
 * and the others release the lock.
 */
export async function onLockConfirmed(
  deps: SignaturesDeps,
  confirmation: LockConfirmation,
): Promise<LockDocument | null> {
  let before: LockDocument['state'] | null = null;
  const lock = await deps.records.change(deps.records.models.locks, confirmation.lockId, (current) => {
    before = current.state;
    if (
      current.confirmations.some((c) => c.owner === confirmation.owner && c.outcome === confirmation.outcome)
    )
      return null;
    const confirmations = [...current.confirmations, confirmation];
    const state = lockStateAfter(current.owners, confirmations);
    const now = deps.now();
    const release =
      state === 'REFUSED' && current.state !== 'REFUSED'
        ? [
            signaturesEvent(lockReleased, `locks/${current._id}`, current._id, {
              lockId: current._id,
              scope: current.scope,
              owners: current.owners,
              actor: { accountId: null, kind: 'system' },
            }),
          ]
        : [];
    return {
      set: {
        confirmations,
        state,
        ...(state === 'APPLIED' && !current.appliedAt ? { appliedAt: now } : {}),
        ...(state === 'RELEASED' ? { releasedAt: now } : {}),
      },
      events: [
        ...(state !== current.state
          ? [
              signaturesEvent(lockStateChanged, `locks/${current._id}`, current._id, {
                lockId: current._id,
                scope: current.scope,
                state,
                actor: { accountId: null, kind: 'system' },
              }),
            ]
          : []),
        ...release,
      ],
    };
  });
  deps.changed();
  if (!lock || lock.state === before) return null;
  if (lock.state === 'APPLIED' || lock.state === 'REFUSED') {
    for (const signature of await deps.records.signaturesOfLock(lock._id)) {
      if (signature.state !== 'LOCKING') continue;
      if (lock.state === 'APPLIED') await completeSignature(deps, signature, lock);
      else {
        const refusal = lock.confirmations.find((c) => c.outcome === 'REFUSED')?.refusal;
        await failSignature(
          deps,
          signature,
          problem(
            (refusal?.code as ErrorCode | undefined) ?? 'CONFLICT',
            refusal?.message ?? 'Dữ liệu chưa thể khóa.',
            refusal?.details,
          ),
          false,
        );
      }
    }
  }
  return lock;
}

const stored = (signed: SignedSnapshot, fingerprint: string, signerName: string): StoredSignature => ({
  canonical: signed.canonical,
  contentHash: signed.contentHash,
  algorithm: signed.algorithm,
  signature: signed.signature,
  certificateChain: signed.certificateChain,
  signedAt: signed.signedAt,
  certificateFingerprint: fingerprint,
  signerName,
});

/** Signs the content the owners locked with the signer's key (and, for an approval, the school's seal). */
async function completeSignature(deps: SignaturesDeps, signature: SignatureDocument, lock: LockDocument) {
  const applied = lock.confirmations.filter((c) => c.outcome === 'APPLIED');
  const attestations =
    signature.scope.unit === 'STUDENT_YEAR'
      ? attestationsFor(
          signature.scope,
          (await deps.records.signaturesOfClass(signature.classId, signature.schoolYear)).map((s) => ({
            ...s,
            current: isCurrentSignature(s),
          })),
        )
      : [];
  const snapshot = recordSnapshot(signature.scope, signature.recordVersion, applied, attestations);
  const now = deps.now();
  const authorities = await registeredAuthorities(deps, signature.schoolId);
  let signed: StoredSignature;
  let seal: StoredSignature | null = null;
  try {
    signed = await signWith(deps, signature.keyRef, snapshot, now, authorities, {
      schoolId: signature.schoolId,
      accountId: signature.signerAccountId,
    });
    if (signature.role === 'APPROVER') {
      seal = await signWith(
        deps,
        sealKeyRef(signature.schoolId),
        sealStatement(signature._id, signed),
        now,
        authorities,
        { schoolId: signature.schoolId, accountId: null },
      );
    }
  } catch (error) {
    await failSignature(deps, signature, problemOf(error), true);
    return;
  }
  const actor = { accountId: signature.signerAccountId, kind: 'user' as const };
  const signedEvent = (
    role: 'SUBJECT_TEACHER' | 'HOMEROOM_TEACHER' | 'APPROVER' | 'SEAL',
    by: StoredSignature,
  ) =>
    signaturesEvent(recordSigned, `signatures/${signature._id}`, signature.studentId ?? signature.classId, {
      signatureId: signature._id,
      scope: signature.scope,
      role,
      signerAccountId: role === 'SEAL' ? null : signature.signerAccountId,
      contentHash: by.contentHash,
      certificateFingerprint: by.certificateFingerprint,
      signedAt: by.signedAt,
      recordVersion: signature.recordVersion,
      actor,
    });
  await deps.records.change(deps.records.models.signatures, signature._id, (current) =>
    current.state !== 'LOCKING'
      ? null
      : {
          set: { state: 'SIGNED' as const, snapshot, signed, seal, updatedAt: now },
          events: [
            signedEvent(signature.role, signed),
            ...(seal ? [signedEvent('SEAL', seal), yearApprovedEvent(signature, signed, seal, actor)] : []),
          ],
        },
  );
  deps.changed();
}

/** The approved and sealed year page, whole, for the archive (Ministry sync, transfers, exports). */
function yearApprovedEvent(
  signature: SignatureDocument,
  approval: StoredSignature,
  seal: StoredSignature,
  actor: { accountId: string; kind: 'user' },
) {
  const scope = signature.scope as Extract<SignedScope, { unit: 'STUDENT_YEAR' }>;
  return signaturesEvent(recordYearApproved, `signatures/${signature._id}`, scope.studentId, {
    signatureId: signature._id,
    schoolId: scope.schoolId,
    schoolYear: scope.schoolYear,
    classId: scope.classId,
    studentId: scope.studentId,
    recordVersion: signature.recordVersion,
    approval: { ...approval, algorithm: 'ES256' as const },
    seal: { ...seal, algorithm: 'ES256' as const },
    actor,
  });
}

/** Signs and checks the result against the registered CAs and the registered certificate of the key's holder. */
async function signWith(
  deps: SignaturesDeps,
  keyRef: string,
  snapshot: unknown,
  at: Date,
  authorities: string[],
  holder: { schoolId: string; accountId: string | null },
): Promise<StoredSignature> {
  let signed: SignedSnapshot;
  try {
    signed = await signSnapshot(deps.signer, keyRef, snapshot, at);
  } catch (error) {
    deps.logger.warn({ keyRef, err: (error as Error).message }, 'signer refused');
    throw new AppError('CERTIFICATE_MISSING', {
      message: 'Không ký được: khóa ký của người ký không sẵn sàng (chưa cấp hoặc thiết bị ký từ chối).',
    });
  }
  const verification = verifySignedSnapshot({ signed, snapshot, registeredCas: authorities });
  const registered = await registeredSignerCertificate(deps, holder.schoolId, holder.accountId, at);
  if (!verification.valid || !registered || registered._id !== verification.signer?.fingerprint) {
    throw new AppError('CERTIFICATE_INVALID', {
      message: verification.valid
        ? 'Chứng thư dùng để ký không phải chứng thư đã đăng ký cho người ký.'
        : `Chữ ký không hợp lệ: ${verification.problems.map((p: VerificationProblem) => p.message).join('; ')}`,
    });
  }
  return stored(signed, registered._id, verification.signer?.commonName ?? registered.subject);
}

async function failSignature(
  deps: SignaturesDeps,
  signature: SignatureDocument,
  failure: ProblemRecord,
  releaseLock: boolean,
): Promise<void> {
  const now = deps.now();
  await deps.records.change(deps.records.models.signatures, signature._id, (current) =>
    current.state !== 'LOCKING'
      ? null
      : { set: { state: 'FAILED' as const, failure, updatedAt: now }, events: [] },
  );
  if (releaseLock) await releaseLockOf(deps, signature.lockId, { accountId: null, kind: 'system' });
  deps.changed();
}

/** Asks the owners to release a lock (they confirm RELEASED; the lock's state follows). */
export async function releaseLockOf(
  deps: SignaturesDeps,
  lockId: string,
  actor: { accountId: string | null; kind: 'user' | 'system' },
): Promise<void> {
  await deps.records.change(deps.records.models.locks, lockId, (current) =>
    current.state === 'RELEASED'
      ? null
      : {
          set: { releasedAt: deps.now() },
          events: [
            signaturesEvent(lockReleased, `locks/${lockId}`, lockId, {
              lockId,
              scope: current.scope,
              owners: current.owners,
              actor,
            }),
          ],
        },
  );
  deps.changed();
}
