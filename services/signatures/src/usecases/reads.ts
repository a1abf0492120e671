import { forbidden, notFound } from '@hocbaso/errors';
import { verifySignedSnapshot, type VerificationProblem } from '@hocbaso/signing';
import { canOverseeSchool, isHomeroomTeacherOf, isInspector } from '../domain/access';
import type { ClassFacts } from '../model/read-model.model';
import type { SignatureDocument, StoredSignature } from '../model/signature.model';
import { correctionFooter } from './corrections';
import { registeredAuthorities } from './certificates';
import type { Caller, SignaturesDeps } from './deps';
import { subjectsNotSigned } from './signing';

const current = (s: SignatureDocument) => s.state === 'SIGNED' && s.status === 'CURRENT';

export interface SubjectProgress {
  subjectCode: string;
  teacherAccountIds: string[];
  studentCount: number;
  /** Students with every result of the year entered. */
  completeStudents: number;
  entered: boolean;
  signatures: SignatureDocument[];
  signed: boolean;
}

export interface ClassSigningProgress {
  cls: ClassFacts;
  subjects: SubjectProgress[];
  homeroom: SignatureDocument | null;
  approvedStudents: number;
  studentCount: number;
  /** Subjects not entered completely or not signed, with their teachers (R13). */
  outstanding: Array<{ subjectCode: string; teacherAccountIds: string[]; entered: boolean; signed: boolean }>;
  complete: boolean;
}

/** Tiến độ ký của lớp (R13): per subject, who teaches it, whether it is entered and signed. */
export async function classSigningProgress(
  deps: SignaturesDeps,
  cls: ClassFacts,
): Promise<ClassSigningProgress> {
  const [teaching, progress, signatures] = await Promise.all([
    deps.facts.teachingOfClass(cls._id, cls.schoolYear),
    deps.facts.progressOfClass(cls._id, cls.schoolYear),
    deps.records.signaturesOfClass(cls._id, cls.schoolYear),
  ]);
  const codes = [
    ...new Set([...teaching.map((t) => t.subjectCode), ...progress.map((p) => p.subjectCode)]),
  ].sort();
  const studentCount = cls.members.length;
  const subjects = codes.map((subjectCode): SubjectProgress => {
    const students = progress.find((p) => p.subjectCode === subjectCode)?.students ?? {};
    const completeStudents = cls.members.filter((m) => students[m]?.year).length;
    const own = signatures.filter((s) => s.scope.unit === 'SUBJECT' && s.scope.subjectCode === subjectCode);
    return {
      subjectCode,
      teacherAccountIds: teaching.find((t) => t.subjectCode === subjectCode)?.teacherAccountIds ?? [],
      studentCount,
      completeStudents,
      entered: studentCount > 0 && completeStudents === studentCount,
      signatures: own,
      signed: own.some((s) => current(s) && s.scope.unit === 'SUBJECT' && s.scope.period === 'YEAR'),
    };
  });
  const homeroom =
    signatures.find((s) => current(s) && s.scope.unit === 'CLASS_CONDUCT' && s.scope.period === 'YEAR') ??
    null;
  const approvals = await deps.records.signaturesOfStudents(cls.members, cls.schoolYear);
  const approvedStudents = new Set(
    approvals.filter((s) => current(s) && s.scope.unit === 'STUDENT_YEAR').map((s) => s.studentId),
  ).size;
  const outstanding = subjects
    .filter((s) => !s.entered || !s.signed)
    .map(({ subjectCode, teacherAccountIds, entered, signed }) => ({
      subjectCode,
      teacherAccountIds,
      entered,
      signed,
    }));
  return {
    cls,
    subjects,
    homeroom,
    approvedStudents,
    studentCount,
    outstanding,
    complete: outstanding.length === 0 && !!homeroom && approvedStudents === studentCount && studentCount > 0,
  };
}

export async function readClassProgress(
  deps: SignaturesDeps,
  caller: Caller,
  classId: string,
  schoolYear: string,
): Promise<ClassSigningProgress | null> {
  const cls = await deps.facts.findClass(classId);
  if (!cls || cls.schoolYear !== schoolYear) return null;
  const homeroom = isHomeroomTeacherOf(caller.principal, {
    classId: cls._id,
    schoolId: cls.schoolId,
    homeroomTeacherId: cls.homeroomTeacherId,
  });
  if (!homeroom && !canOverseeSchool(caller.principal, cls.schoolId)) throw forbidden();
  return classSigningProgress(deps, cls);
}

/** Bảng theo dõi của Ban giám hiệu: every class of the school. */
export async function signingBoard(
  deps: SignaturesDeps,
  caller: Caller,
  schoolId: string,
  schoolYear: string,
) {
  if (!canOverseeSchool(caller.principal, schoolId)) throw forbidden();
  const classes = await deps.facts.findClassesOfSchool(schoolId, schoolYear);
  return Promise.all(classes.map((cls) => classSigningProgress(deps, cls)));
}

export { subjectsNotSigned };

export interface RecordStatus {
  studentId: string;
  schoolYear: string;
  version: number;
  state: 'NOT_APPROVED' | 'APPROVED' | 'REOPENED';
  approval: SignatureDocument | null;
  signatures: SignatureDocument[];
  corrections: Awaited<ReturnType<typeof correctionFooter>>;
}

/** Student.recordStatus: the year's approval, its history and the correction footer. */
export async function recordStatus(
  deps: SignaturesDeps,
  studentId: string,
  schoolYear: string,
): Promise<RecordStatus> {
  const signatures = (await deps.records.signaturesOfStudents([studentId], schoolYear)).filter(
    (s) => s.state === 'SIGNED',
  );
  const approval = signatures.filter(current).at(-1) ?? null;
  const corrections = await correctionFooter(deps, studentId, schoolYear);
  return {
    studentId,
    schoolYear,
    version: 1 + corrections.count,
    state: approval ? 'APPROVED' : signatures.length > 0 ? 'REOPENED' : 'NOT_APPROVED',
    approval,
    signatures,
    corrections,
  };
}

export interface SignatureVerification {
  valid: boolean;
  problems: VerificationProblem[];
  seal: { valid: boolean; problems: VerificationProblem[] } | null;
  checkedAt: Date;
}

async function checkOne(signed: StoredSignature, snapshot: unknown, authorities: string[]) {
  return verifySignedSnapshot({
    signed: {
      canonical: signed.canonical,
      contentHash: signed.contentHash,
      algorithm: signed.algorithm as 'ES256',
      signature: signed.signature,
      certificateChain: signed.certificateChain,
      signedAt: signed.signedAt,
    },
    snapshot,
    registeredCas: authorities,
  });
}

/**
 * Kiểm tra chữ ký: recomputes the canonical snapshot's hash (content unchanged), checks the
 * signature, that the certificate chains to a CA the school registered and was valid when it
 * signed; for an approval, the seal too.
 */
export async function verifySignature(
  deps: SignaturesDeps,
  signature: SignatureDocument,
): Promise<SignatureVerification> {
  const checkedAt = deps.now();
  if (!signature.signed) {
    return {
      valid: false,
      problems: [{ code: 'MALFORMED', message: 'Chưa có chữ ký (đang chờ khóa dữ liệu hoặc đã thất bại).' }],
      seal: null,
      checkedAt,
    };
  }
  const authorities = await registeredAuthorities(deps, signature.schoolId);
  const main = await checkOne(signature.signed, signature.snapshot, authorities);
  let seal: SignatureVerification['seal'] = null;
  if (signature.role === 'APPROVER') {
    if (!signature.seal) {
      seal = { valid: false, problems: [{ code: 'MALFORMED', message: 'Thiếu dấu của nhà trường.' }] };
    } else {
      const sealed = {
        format: 'hocbaso.seal/1',
        approval: {
          signatureId: signature._id,
          contentHash: signature.signed.contentHash,
          signature: signature.signed.signature,
        },
      };
      const result = await checkOne(signature.seal, sealed, authorities);
      seal = { valid: result.valid, problems: result.problems };
    }
  }
  return { valid: main.valid && (seal?.valid ?? true), problems: main.problems, seal, checkedAt };
}

export async function readSignature(
  deps: SignaturesDeps,
  caller: Caller,
  id: string,
): Promise<SignatureDocument> {
  const signature = await deps.records.signature(id);
  if (!signature) throw notFound('Không tìm thấy chữ ký.');
  const own = signature.signerAccountId === caller.principal?.accountId;
  if (!own && !canOverseeSchool(caller.principal, signature.schoolId) && !isInspector(caller.principal)) {
    throw forbidden();
  }
  return signature;
}
