import { AppError, conflict, fieldProblem, notFound, validationFailed } from '@hocbaso/errors';
import {
  transferImported,
  transferPackageIssued,
  transferRefused,
  type EventData,
  type studentTransferApplied,
} from '@hocbaso/events';
import {
  issueTransferPackage,
  recordBookOf,
  recordKeyOf,
  verifyTransferPackage,
  type TransferPackage,
  type Trust,
} from '@hocbaso/record-book';
import { hasSchoolRole } from '@hocbaso/service-kit';
import { canonicalize, sealKeyRef, sha256Hex } from '@hocbaso/signing';
import type { SignedYearDocument } from '../model/sync.model';
import type { TransferImportDocument } from '../model/transfer.model';
import { actorOf, archiveEvent, type ArchiveDeps, type Caller } from './deps';
import { signedYearOf } from './sync';

/** Who hands a record over and receives one: giáo vụ, the school's admin, the principal. */
const TRANSFER_ROLES = ['ACADEMIC_STAFF', 'SYSTEM_ADMIN', 'PRINCIPAL'] as const;

/** The trust anchors of every school: the CAs registered on the platform, by school. */
export async function platformTrust(deps: ArchiveDeps): Promise<Trust> {
  const registered = new Set((await deps.facts.authorities()).map((a) => `${a.schoolId}/${a._id}`));
  return { isTrustedCa: (schoolId, fingerprint) => registered.has(`${schoolId}/${fingerprint}`) };
}

/** The current approved version of each school year of the student (superseded ones left out). */
export function currentYears(years: readonly SignedYearDocument[]): SignedYearDocument[] {
  const latest = new Map<string, SignedYearDocument>();
  for (const year of years) {
    const seen = latest.get(year.schoolYear);
    if (!seen || seen.recordVersion < year.recordVersion) latest.set(year.schoolYear, year);
  }
  return [...latest.values()].sort((a, b) => (a.schoolYear < b.schoolYear ? -1 : 1));
}

export interface IssuedTransfer {
  transferId: string;
  packageHash: string;
  schoolYears: string[];
  package: TransferPackage;
}

/**
 * Hồ sơ chuyển trường: the sending school (which manages the student now) issues the package: every
 * approved year, sealed by the school. A year whose approval a correction superseded and which is
 * not approved again cannot leave: the package would carry a version that is no longer valid.
 */
export async function issueTransfer(
  deps: ArchiveDeps,
  caller: Caller,
  input: { studentId: string },
): Promise<IssuedTransfer> {
  if (!caller.principal) throw new AppError('UNAUTHENTICATED');
  const student = await deps.facts.student(input.studentId);
  if (!student || !hasSchoolRole(caller.principal, student.schoolId, ...TRANSFER_ROLES)) {
    throw notFound('Không tìm thấy học sinh do trường quản lý.');
  }
  const years = currentYears(await deps.sync.signedYearsOf(input.studentId));
  const reopened = years.filter((y) => y.superseded);
  if (reopened.length > 0) {
    throw conflict(
      `Học bạ năm học ${reopened.map((y) => y.schoolYear).join(', ')} đang được chỉnh sửa và chưa phê duyệt lại: chưa thể lập hồ sơ chuyển trường.`,
    );
  }
  const school = await deps.facts.school(student.schoolId);
  const transferId = deps.newId();
  const issuedAt = deps.now();
  const pkg = await issueTransferPackage({
    transferId,
    fromSchool: { id: student.schoolId, code: school?.code ?? null, name: school?.name ?? student.schoolId },
    issuedBy: { accountId: caller.principal.accountId },
    issuedAt,
    recordBook: recordBookOf(input.studentId, await Promise.all(years.map((y) => signedYearOf(deps, y)))),
    signer: deps.signer,
    sealKeyRef: sealKeyRef(student.schoolId),
  });
  const packageHash = sha256Hex(canonicalize(pkg));
  const schoolYears = years.map((y) => y.schoolYear);
  await deps.transfers.changePackage(transferId, () => ({
    set: {},
    create: {
      _id: transferId,
      studentId: input.studentId,
      fromSchoolId: student.schoolId,
      schoolYears,
      packageHash,
      issuedBy: caller.principal!.accountId,
      issuedAt,
    },
    events: [
      archiveEvent(transferPackageIssued, `transfers/${transferId}`, input.studentId, {
        transferId,
        studentId: input.studentId,
        fromSchoolId: student.schoolId,
        schoolYears,
        packageHash,
        actor: actorOf(caller),
      }),
    ],
  }));
  deps.changed();
  return { transferId, packageHash, schoolYears, package: pkg };
}

export interface ImportTransferInput {
  /** The package as the sending school issued it (JSON text). */
  package: string;
  classId: string;
  effectiveOn: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Tiếp nhận hồ sơ chuyển đến: the receiving school verifies every signature of the package against
 * the CAs registered for each school; a package that fails is refused with the reasons (and the
 * refusal is logged). A verified one is kept, and the students service moves the same student into
 * the receiving school's class (`transferImported`), which then manages the record. Waits a little
 * for that answer; the import's state says where it stands.
 */
export async function importTransfer(
  deps: ArchiveDeps,
  caller: Caller,
  input: ImportTransferInput,
): Promise<TransferImportDocument> {
  if (!caller.principal) throw new AppError('UNAUTHENTICATED');
  const target = await deps.facts.classById(input.classId);
  if (!target || !hasSchoolRole(caller.principal, target.schoolId, ...TRANSFER_ROLES)) {
    throw notFound('Không tìm thấy lớp của trường.');
  }
  if (!DAY.test(input.effectiveOn) || Number.isNaN(Date.parse(input.effectiveOn))) {
    throw validationFailed([
      fieldProblem('effectiveOn', 'VALIDATION_FAILED', 'Ngày chuyển đến không hợp lệ.'),
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.package);
  } catch {
    throw new AppError('TRANSFER_INVALID', {
      message: 'Hồ sơ chuyển trường không đọc được (không phải JSON).',
    });
  }
  const verification = verifyTransferPackage(parsed, await platformTrust(deps), deps.now());
  const packageHash = sha256Hex(canonicalize(parsed));
  const now = deps.now();
  const base = {
    toSchoolId: target.schoolId,
    classId: target._id,
    effectiveOn: input.effectiveOn,
    packageHash,
    importedBy: caller.principal.accountId,
    importedAt: now,
    updatedAt: now,
  };
  if (!verification.valid || !verification.package) {
    const problems = [
      ...verification.problems,
      ...(verification.book?.problems ?? []),
      ...(verification.book?.years.flatMap((y) =>
        y.problems.map((p) => ({ ...p, message: `Năm học ${y.schoolYear}: ${p.message}` })),
      ) ?? []),
    ].map((p) => ({ code: p.code, message: p.message }));
    const refusalId = deps.newId();
    const pkg = verification.package;
    await deps.transfers.changeImport(refusalId, () => ({
      set: {},
      create: {
        _id: refusalId,
        ...base,
        transferId: pkg?.transferId ?? null,
        studentId: pkg?.studentId ?? null,
        fromSchoolId: pkg?.fromSchool.id ?? null,
        state: 'INVALID',
        problems,
        schoolYears: pkg?.recordBook.years.map((y) => y.schoolYear) ?? [],
      },
      events: [
        archiveEvent(
          transferRefused,
          `transfers/${pkg?.transferId ?? refusalId}`,
          pkg?.studentId ?? refusalId,
          {
            transferId: pkg?.transferId ?? refusalId,
            studentId: pkg?.studentId ?? null,
            toSchoolId: target.schoolId,
            problems,
            actor: actorOf(caller),
          },
        ),
      ],
    }));
    deps.changed();
    throw new AppError('TRANSFER_INVALID', {
      message: `Hồ sơ chuyển trường bị từ chối: ${problems[0]?.message ?? 'không kiểm tra được.'}`,
      details: { problems: problems.map((p) => `${p.code}: ${p.message}`) },
    });
  }
  const pkg = verification.package;
  const student = await deps.facts.student(pkg.studentId);
  if (!student) throw notFound('Học sinh trong hồ sơ chưa có trên hệ thống.');
  if (pkg.fromSchool.id === target.schoolId || student.schoolId === target.schoolId) {
    const existing = await deps.transfers.importById(pkg.transferId);
    if (existing && existing.classId === target._id) return existing;
    throw conflict('Học sinh đã thuộc trường: không cần tiếp nhận hồ sơ chuyển đến.');
  }
  // The signed years travel with the package; the receiving archive keeps its own copy.
  for (const year of pkg.recordBook.years) {
    await deps.sync.keepSignedYear({
      _id: recordKeyOf(year),
      signatureId: year.signatureId,
      studentId: year.studentId,
      schoolId: year.school.id,
      schoolYear: year.schoolYear,
      classId: year.classId,
      recordVersion: year.recordVersion,
      approval: year.approval,
      seal: year.seal,
      superseded: false,
      receivedAt: now,
    });
  }
  const imported = await deps.transfers.changeImport(pkg.transferId, (current) => {
    if (current) {
      if (current.toSchoolId !== target.schoolId || current.classId !== target._id) {
        throw conflict('Hồ sơ này đã được tiếp nhận vào một lớp khác.');
      }
      return null;
    }
    return {
      set: {},
      create: {
        _id: pkg.transferId,
        ...base,
        transferId: pkg.transferId,
        studentId: pkg.studentId,
        fromSchoolId: pkg.fromSchool.id,
        state: 'IMPORTED',
        problems: [],
        schoolYears: pkg.recordBook.years.map((y) => y.schoolYear),
      },
      events: [
        archiveEvent(transferImported, `transfers/${pkg.transferId}`, pkg.studentId, {
          transferId: pkg.transferId,
          studentId: pkg.studentId,
          fromSchoolId: pkg.fromSchool.id,
          toSchoolId: target.schoolId,
          classId: target._id,
          effectiveOn: input.effectiveOn,
          packageHash,
          actor: actorOf(caller),
        }),
      ],
    };
  });
  deps.changed();
  return waitForAnswer(deps, imported!._id);
}

async function waitForAnswer(deps: ArchiveDeps, id: string): Promise<TransferImportDocument> {
  const deadline = Date.now() + deps.transferWaitMs;
  let current = await deps.transfers.importById(id);
  while (current?.state === 'IMPORTED' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    current = await deps.transfers.importById(id);
  }
  return current!;
}

/** The students service moved the student (COMPLETED), or refused with its reason (REFUSED). */
export async function onStudentTransferApplied(
  deps: ArchiveDeps,
  data: EventData<typeof studentTransferApplied>,
): Promise<void> {
  await deps.transfers.changeImport(data.transferId, (current) => {
    if (!current || current.state !== 'IMPORTED') return null;
    return {
      set:
        data.outcome === 'APPLIED'
          ? { state: 'COMPLETED', updatedAt: deps.now() }
          : {
              state: 'REFUSED',
              problems: data.refusal ? [{ code: data.refusal.code, message: data.refusal.message }] : [],
              updatedAt: deps.now(),
            },
      events: [],
    };
  });
}

/** An import, for the receiving school that made it. */
export async function readTransferImport(deps: ArchiveDeps, caller: Caller, transferId: string) {
  const found = await deps.transfers.importById(transferId);
  if (!found || !hasSchoolRole(caller.principal, found.toSchoolId, ...TRANSFER_ROLES)) return null;
  return found;
}
