import { forbidden } from '@hocbaso/errors';
import { correctionOwnerOf } from '@hocbaso/events';
import { DateTime, type RequestContext } from '@hocbaso/service-kit';
import { canOverseeSchool } from '../domain/access';
import type { CorrectionDocument } from '../model/correction.model';
import type { CertificateDocument, GradeApproverDocument } from '../model/registry.model';
import type { SignatureDocument, StoredSignature } from '../model/signature.model';
import { readAuditTrail, verifyAuditTrail, type AuditQuery } from '../usecases/audit';
import {
  assignGradeApprover,
  registerCertificateAuthority,
  registerSigningCertificate,
} from '../usecases/certificates';
import {
  applyCorrection,
  approveCorrection,
  fileCorrection,
  rejectCorrection,
  type FileCorrectionInput,
} from '../usecases/corrections';
import type { SignaturesDeps } from '../usecases/deps';
import { applyLockWindow, applyUnlock, decideLockWindow, decideUnlock } from '../usecases/lock-windows';
import {
  classSigningProgress,
  readSignature,
  readCorrections,
  readRecordStatus,
  signingBoard,
  verifySignature,
  visibleClass,
  type ClassSigningProgress,
} from '../usecases/reads';
import {
  approveClassRecords,
  approveStudentRecord,
  signClassConduct,
  signSubjectResults,
  type RecordPeriod,
} from '../usecases/signing';
import { statisticsResolvers } from '@hocbaso/statistics';
import { SIGNATURES_STATISTICS_TABLES } from '../usecases/statistics';

export interface SignaturesContext extends RequestContext {
  deps: SignaturesDeps;
}

const callerOf = (context: SignaturesContext) => ({
  principal: context.principal,
  requestId: context.requestId,
});

const signatureValue = (s: StoredSignature | null) =>
  s && {
    algorithm: s.algorithm,
    value: s.signature,
    contentHash: s.contentHash,
    canonicalSnapshot: s.canonical,
    certificateChain: s.certificateChain,
    certificateFingerprint: s.certificateFingerprint,
    signerName: s.signerName,
    signedAt: new Date(s.signedAt),
  };

const progressView = (p: ClassSigningProgress) => ({
  classId: p.cls._id,
  className: p.cls.name,
  grade: p.cls.grade,
  schoolYear: p.cls.schoolYear,
  homeroomTeacherId: p.cls.homeroomTeacherId,
  subjects: p.subjects,
  outstanding: p.outstanding,
  homeroomSignature: p.homeroom,
  studentCount: p.studentCount,
  approvedStudents: p.approvedStudents,
  complete: p.complete,
});

const text = (value: number | string | null) => (value === null ? null : String(value));

/** A correction value typed as text in the API: a mark (7.5 or 7,5) for marks, else the text; empty: null. */
function parseCorrectionValue(field: string, value: string | null | undefined): number | string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  const mark = trimmed.replace(',', '.');
  return correctionOwnerOf(field) === 'academics' && /^\d+(\.\d+)?$/.test(mark) ? Number(mark) : trimmed;
}

const CORRECTION_PARTS = { academics: 'MARKS', conduct: 'CONDUCT', students: 'PERSONAL_DATA' } as const;

export const resolvers = {
  DateTime,
  ...statisticsResolvers(
    (context: SignaturesContext) => context.deps.statisticsReader,
    SIGNATURES_STATISTICS_TABLES,
  ),
  Signature: {
    id: (s: SignatureDocument) => s._id,
    unit: (s: SignatureDocument) => s.scope.unit,
    period: (s: SignatureDocument) => ('period' in s.scope ? s.scope.period : null),
    subjectCode: (s: SignatureDocument) => (s.scope.unit === 'SUBJECT' ? s.scope.subjectCode : null),
    signature: (s: SignatureDocument) => signatureValue(s.signed),
    seal: (s: SignatureDocument) => signatureValue(s.seal),
    verification: async (s: SignatureDocument, _: unknown, context: SignaturesContext) => {
      const result = await verifySignature(context.deps, s);
      return {
        valid: result.valid,
        problems: result.problems.map((p) => ({ ...p, details: [] })),
        sealValid: result.seal?.valid ?? null,
        checkedAt: result.checkedAt,
      };
    },
  },
  Certificate: {
    fingerprint: (c: CertificateDocument) => c._id,
  },
  CorrectionRequest: {
    id: (c: CorrectionDocument) => c._id,
    part: (c: CorrectionDocument) => CORRECTION_PARTS[c.owner],
    changes: (c: CorrectionDocument) => c.changes.map((x) => ({ field: x.field, value: text(x.value) })),
    applied: (c: CorrectionDocument) =>
      c.applied.map((x) => ({ field: x.field, before: text(x.before), after: text(x.after) })),
  },
  AuditEntry: {
    before: (e: { before: unknown }) =>
      e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
    after: (e: { after: unknown }) => JSON.stringify(e.after),
    accountId: (e: { actor?: { accountId?: string | null } }) => e.actor?.accountId ?? null,
    requestId: (e: { actor?: { requestId?: string | null } }) => e.actor?.requestId ?? null,
  },
  Student: {
    __resolveReference: (reference: { id: string }) => reference,
    recordStatus: async (
      { id }: { id: string },
      args: { schoolYear: string },
      context: SignaturesContext,
    ) => {
      const status = await readRecordStatus(context.deps, callerOf(context), id, args.schoolYear);
      return (
        status && {
          ...status,
          history: status.signatures,
          corrections: {
            count: status.corrections.count,
            subjects: status.corrections.subjects,
            conduct: status.corrections.corrections.some((c) => c.owner === 'conduct'),
            personalData: status.corrections.corrections.some((c) => c.owner === 'students'),
          },
        }
      );
    },
  },
  Class: {
    __resolveReference: (reference: { id: string }) => reference,
    signingProgress: async (
      { id }: { id: string },
      args: { schoolYear: string },
      context: SignaturesContext,
    ) => {
      const cls = await visibleClass(context.deps, callerOf(context), id, args.schoolYear);
      return cls && progressView(await classSigningProgress(context.deps, cls));
    },
    signatures: async ({ id }: { id: string }, args: { schoolYear: string }, context: SignaturesContext) =>
      (await visibleClass(context.deps, callerOf(context), id, args.schoolYear))
        ? context.deps.records.signaturesOfClass(id, args.schoolYear)
        : [],
  },
  Query: {
    signature: (_: unknown, args: { id: string }, context: SignaturesContext) =>
      readSignature(context.deps, callerOf(context), args.id),
    signingBoard: async (
      _: unknown,
      args: { schoolId: string; schoolYear: string },
      context: SignaturesContext,
    ) =>
      (await signingBoard(context.deps, callerOf(context), args.schoolId, args.schoolYear)).map(progressView),
    certificates: (_: unknown, args: { schoolId: string }, context: SignaturesContext) => {
      if (!canOverseeSchool(context.principal, args.schoolId)) throw forbidden();
      return context.deps.records.certificatesOf(args.schoolId);
    },
    gradeApprovers: (
      _: unknown,
      args: { schoolId: string; schoolYear: string },
      context: SignaturesContext,
    ): Promise<GradeApproverDocument[]> => {
      // Who approves which grade is the school's own organisation: its board, admin and inspectors.
      if (!canOverseeSchool(context.principal, args.schoolId)) throw forbidden();
      return context.deps.records.gradeApproversOf(args.schoolId, args.schoolYear);
    },
    lockWindows: (_: unknown, args: { schoolId: string; schoolYear: string }, context: SignaturesContext) => {
      if (!canOverseeSchool(context.principal, args.schoolId)) throw forbidden();
      return context.deps.records.lockWindowsOf(args.schoolId, args.schoolYear);
    },
    correctionRequests: (
      _: unknown,
      args: { schoolId: string; schoolYear: string },
      context: SignaturesContext,
    ) => readCorrections(context.deps, callerOf(context), args.schoolId, args.schoolYear),
    auditTrail: (_: unknown, args: AuditQuery, context: SignaturesContext) =>
      readAuditTrail(context.deps, callerOf(context), args),
    verifyAuditTrail: (_: unknown, __: unknown, context: SignaturesContext) =>
      verifyAuditTrail(context.deps, callerOf(context)),
  },
  Mutation: {
    registerCertificateAuthority: (
      _: unknown,
      args: { schoolId: string; certificatePem: string },
      context: SignaturesContext,
    ) => registerCertificateAuthority(context.deps, callerOf(context), args),
    registerSigningCertificate: (
      _: unknown,
      args: { schoolId: string; accountId?: string | null; certificateChainPem: string[] },
      context: SignaturesContext,
    ) =>
      registerSigningCertificate(context.deps, callerOf(context), {
        schoolId: args.schoolId,
        accountId: args.accountId ?? null,
        certificateChainPem: args.certificateChainPem,
      }),
    assignGradeApprover: (
      _: unknown,
      args: { schoolId: string; schoolYear: string; grade: number; accountId: string },
      context: SignaturesContext,
    ) => assignGradeApprover(context.deps, callerOf(context), args),
    signSubjectResults: (
      _: unknown,
      args: { classId: string; subjectCode: string; schoolYear: string; period: RecordPeriod },
      context: SignaturesContext,
    ) => signSubjectResults(context.deps, callerOf(context), args),
    signClassConduct: (
      _: unknown,
      args: { classId: string; schoolYear: string; period: RecordPeriod },
      context: SignaturesContext,
    ) => signClassConduct(context.deps, callerOf(context), args),
    approveStudentRecord: (
      _: unknown,
      args: { classId: string; studentId: string; schoolYear: string },
      context: SignaturesContext,
    ) => approveStudentRecord(context.deps, callerOf(context), args),
    approveClassRecords: async (
      _: unknown,
      args: { classId: string; schoolYear: string },
      context: SignaturesContext,
    ) => {
      const students = await approveClassRecords(context.deps, callerOf(context), args);
      return {
        classId: args.classId,
        approved: students.filter((s) => s.signature?.state === 'SIGNED').length,
        failed: students.filter((s) => s.error || s.signature?.state === 'FAILED').length,
        pending: students.filter((s) => s.signature?.state === 'LOCKING').length,
        students,
      };
    },
    decideLockWindow: (
      _: unknown,
      args: { schoolId: string; schoolYear: string; period: RecordPeriod; grade?: number | null },
      context: SignaturesContext,
    ) => decideLockWindow(context.deps, callerOf(context), { ...args, grade: args.grade ?? null }),
    applyLockWindow: (_: unknown, args: { id: string }, context: SignaturesContext) =>
      applyLockWindow(context.deps, callerOf(context), args.id),
    decideUnlock: (_: unknown, args: { id: string }, context: SignaturesContext) =>
      decideUnlock(context.deps, callerOf(context), args.id),
    applyUnlock: (_: unknown, args: { id: string }, context: SignaturesContext) =>
      applyUnlock(context.deps, callerOf(context), args.id),
    fileCorrectionRequest: (
      _: unknown,
      args: {
        input: Omit<FileCorrectionInput, 'changes'> & {
          changes: Array<{ field: string; value?: string | null }>;
        };
      },
      context: SignaturesContext,
    ) =>
      fileCorrection(context.deps, callerOf(context), {
        ...args.input,
        subjectCode: args.input.subjectCode ?? null,
        changes: args.input.changes.map((c) => ({
          field: c.field,
          value: parseCorrectionValue(c.field, c.value),
        })),
      }),
    approveCorrectionRequest: (
      _: unknown,
      args: { id: string; note?: string | null },
      context: SignaturesContext,
    ) => approveCorrection(context.deps, callerOf(context), args.id, args.note ?? null),
    rejectCorrectionRequest: (
      _: unknown,
      args: { id: string; note?: string | null },
      context: SignaturesContext,
    ) => rejectCorrection(context.deps, callerOf(context), args.id, args.note ?? null),
    applyCorrectionRequest: (_: unknown, args: { id: string }, context: SignaturesContext) =>
      applyCorrection(context.deps, callerOf(context), args.id),
  },
  LockWindow: { id: (w: { _id: string }) => w._id },
};
