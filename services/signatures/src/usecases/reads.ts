import { forbidden, notFound } from '@hocbaso/errors';
import { sealStatement, verifySignedSnapshot, type VerificationProblem } from '@hocbaso/signing';
import { canOverseeSchool, isDepartmentInspector, isHomeroomOfClass, teaches } from '../domain/access';
import { recordApprovalState } from '../domain/statistics';
import { subjectsOfClass } from '../domain/units';
import type { ClassFacts } from '../model/read-model.model';
import type { SignatureDocument, StoredSignature } from '../model/signature.model';
import { correctionFooter } from './corrections';
import { registeredAuthorities } from './certificates';
import type { Caller, SignaturesDeps } from './deps';

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
  const codes = subjectsOfClass(teaching, progress);
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

/**
 * The class of that school year when the caller may see its signing (its homeroom teacher, the
 * school's board and admin, inspectors); null otherwise, as if it did not exist.
 */
export async function visibleClass(
  deps: SignaturesDeps,
  caller: Caller,
  classId: string,
  schoolYear: string,
): Promise<ClassFacts | null> {
  const cls = await deps.facts.findClass(classId);
  if (!cls || cls.schoolYear !== schoolYear) return null;
  const allowed =
    isHomeroomOfClass(caller.principal, cls) || canOverseeSchool(caller.principal, cls.schoolId);
  return allowed ? cls : null;
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

export interface RecordStatus {
  studentId: string;
  schoolYear: string;
  version: number;
  state: 'NOT_APPROVED' | 'APPROVED' | 'REOPENED';
  approval: SignatureDocument | null;
  signatures: SignatureDocument[];
  corrections: Awaited<ReturnType<typeof correctionFooter>>;
}

/** Who may see a student's record status: the school board and admin, the homeroom teacher, inspectors, the student or a parent. */
async function mayReadRecordStatus(
  caller: Caller,
  deps: SignaturesDeps,
  studentId: string,
  schoolYear: string,
) {
  const principal = caller.principal;
  if (!principal) return false;
  const own = principal.roles.some(
    (g) => (g.role === 'STUDENT' || g.role === 'PARENT') && g.scope.studentId === studentId,
  );
  if (own) return true;
  const cls = await deps.facts.findClassOfStudent(studentId, schoolYear);
  if (!cls) return isDepartmentInspector(principal);
  return canOverseeSchool(principal, cls.schoolId) || isHomeroomOfClass(principal, cls);
}

/** Student.recordStatus for those who may see it (null for the others, as if absent). */
export async function readRecordStatus(
  deps: SignaturesDeps,
  caller: Caller,
  studentId: string,
  schoolYear: string,
): Promise<RecordStatus | null> {
  if (!(await mayReadRecordStatus(caller, deps, studentId, schoolYear))) return null;
  return recordStatus(deps, studentId, schoolYear);
}

/**
 * Correction requests of a school year: all of them for the school's board, admin and inspectors;
 * for a teacher, those they filed or that concern a subject they teach or a class they lead.
 */
export async function readCorrections(
  deps: SignaturesDeps,
  caller: Caller,
  schoolId: string,
  schoolYear: string,
) {
  const all = await deps.records.correctionsOf({ schoolId, schoolYear });
  if (canOverseeSchool(caller.principal, schoolId)) return all;
  const classIds = [...new Set(all.map((c) => c.classId))];
  const led = new Set(
    (await Promise.all(classIds.map((id) => deps.facts.findClass(id))))
      .filter((cls) => !!cls && isHomeroomOfClass(caller.principal, cls))
      .map((cls) => cls!._id),
  );
  return all.filter(
    (c) =>
      c.filedBy === caller.principal?.accountId ||
      (c.subjectCode !== null &&
        teaches(caller.principal, c.classId, c.subjectCode, c.schoolYear, c.schoolId)) ||
      led.has(c.classId),
  );
}

/** Student.recordStatus: the year's approval, its history and the correction footer. */
async function recordStatus(
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
    state: recordApprovalState(signatures),
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

function checkOne(signed: StoredSignature, snapshot: unknown, authorities: string[]) {
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
  const main = checkOne(signature.signed, signature.snapshot, authorities);
  let seal: SignatureVerification['seal'] = null;
  if (signature.role === 'APPROVER') {
    if (!signature.seal) {
      seal = { valid: false, problems: [{ code: 'MALFORMED', message: 'Thiếu dấu của nhà trường.' }] };
    } else {
      const result = checkOne(signature.seal, sealStatement(signature._id, signature.signed), authorities);
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
  if (!own && !canOverseeSchool(caller.principal, signature.schoolId)) {
    throw forbidden();
  }
  return signature;
}
