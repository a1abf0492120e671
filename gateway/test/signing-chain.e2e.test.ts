import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createSchoolPki, sealKeyRef, splitPemChain } from '@hocbaso/signing';
import { eventually } from '@hocbaso/testkit';
import { gradebookRows } from '../../scripts/demo/marks';
import {
  COMPLETE_SUBJECTS,
  FullStack,
  openClassTaughtByItsHomeroomTeacher,
  recordGradebook,
  recordYearOfMarks,
} from './full-stack';

jest.setTimeout(600_000);

const YEAR = '2025-2026';
const SUBJECTS = COMPLETE_SUBJECTS;

const SIGNATURE_FIELDS = `id role state status recordVersion supersededBy
  failure { code message details }
  signature { contentHash canonicalSnapshot signerName signedAt certificateFingerprint }
  seal { contentHash signerName }
  verification { valid sealValid problems { code message } }`;

interface SignatureView {
  id: string;
  role: string;
  state: string;
  status: string;
  recordVersion: number;
  supersededBy: string | null;
  failure: { code: string; message: string } | null;
  signature: { contentHash: string; canonicalSnapshot: string; signerName: string } | null;
  seal: { contentHash: string; signerName: string } | null;
  verification: { valid: boolean; sealValid: boolean | null; problems: Array<{ code: string }> };
}

describe('the approval chain of one class over a whole year (R4, R8, R12)', () => {
  let stack: FullStack;
  beforeAll(async () => {
    stack = await FullStack.startAll();
  });
  afterAll(() => stack?.stop());

  it('signs subjects, the homeroom page and each student, locks, corrects through the principal and the admin, and signs again', async () => {
    // ── The school, its people and their certificates ───────────────────────────────────────
    const { school, admin } = await stack.createSchoolWithAdmin('kyso');
    const schoolId = school._id;
    const principal = await stack.createAccount(schoolId, 'hieutruong', 'PRINCIPAL');
    const vice = await stack.createAccount(schoolId, 'phohieutruong', 'VICE_PRINCIPAL', { grade: 11 });
    const staff = await stack.createAccount(schoolId, 'giaovu', 'ACADEMIC_STAFF');
    const homeroom = await stack.createAccount(schoolId, 'gvcn', 'SUBJECT_TEACHER');
    const otherTeacher = await stack.createAccount(schoolId, 'gvbm', 'SUBJECT_TEACHER');
    const inspector = await stack.createAccount(null, 'thanhtra', 'INSPECTOR');
    const token = async (a: { username: string; password: string }) =>
      (await stack.login(a.username, a.password)).accessToken;
    const [adminT, principalT, viceT, staffT, inspectorT] = (await Promise.all(
      [admin, principal, vice, staff, inspector].map(token),
    )) as [string, string, string, string, string];

    const pki = await createSchoolPki({
      outDir: stack.keystoreDir,
      schoolId,
      schoolName: school.name,
      staff: [principal, vice, homeroom, otherTeacher].map((a) => ({ accountId: a.id, name: a.username })),
    });
    const registerCa = await stack.query(
      `mutation($s: ID!, $pem: String!) { registerCertificateAuthority(schoolId: $s, certificatePem: $pem) { fingerprint kind } }`,
      { s: schoolId, pem: pki.caPem },
      adminT,
    );
    expect(registerCa.errors).toBeUndefined();
    for (const keyRef of [principal.id, vice.id, homeroom.id, otherTeacher.id, sealKeyRef(schoolId)]) {
      const chainFile = await readFile(path.join(stack.keystoreDir, `${keyRef}.chain.pem`), 'utf8');
      const chain = splitPemChain(chainFile);
      const registered = await stack.query(
        `mutation($s: ID!, $a: ID, $c: [String!]!) { registerSigningCertificate(schoolId: $s, accountId: $a, certificateChainPem: $c) { kind accountId } }`,
        { s: schoolId, a: keyRef.startsWith('seal-') ? null : keyRef, c: chain },
        adminT,
      );
      expect(registered.errors).toBeUndefined();
    }
    // Grade 10: the principal; grade 11: the vice principal (configurable per grade, R12).
    for (const [grade, approver] of [
      [10, principal],
      [11, vice],
    ] as const) {
      const assigned = await stack.query(
        `mutation($s: ID!, $y: String!, $g: Int!, $a: ID!) { assignGradeApprover(schoolId: $s, schoolYear: $y, grade: $g, accountId: $a) { grade accountId } }`,
        { s: schoolId, y: YEAR, g: grade, a: approver.id },
        principalT,
      );
      expect(assigned.data).toEqual({ assignGradeApprover: { grade, accountId: approver.id } });
    }

    // ── A class of grade 10 with two students, every subject taught by the homeroom teacher ──
    const { classId, students } = await openClassTaughtByItsHomeroomTeacher(stack, {
      schoolId,
      schoolYear: YEAR,
      staffToken: staffT,
      teacherId: homeroom.id,
      subjects: SUBJECTS,
      size: 2,
    });
    const teacherT = await token(homeroom);
    const otherT = await token(otherTeacher);
    const [first, second] = students.map((s) => s.id) as [string, string];

    // ── Marks and conduct for the whole year ──────────────────────────────────────────────────
    const recordMarks = (subjectCode: string, term: 1 | 2, rows: unknown[]) =>
      recordGradebook(stack, teacherT, { classId, subjectCode, schoolYear: YEAR, term }, rows);
    await recordYearOfMarks(stack, teacherT, { classId, schoolYear: YEAR, subjects: SUBJECTS, students });
    for (const studentId of [first, second]) {
      for (const period of ['TERM_1', 'TERM_2']) {
        await eventually(async () => {
          const result = await stack.query(
            `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
            { i: { studentId, schoolYear: YEAR, period, level: 'TOT' } },
            teacherT,
          );
          return !result.errors;
        }, 60_000);
      }
    }

    const sign = async (mutation: string, variables: Record<string, unknown>, as: string) => {
      const result = await stack.query<Record<string, SignatureView>>(mutation, variables, as);
      // Each signing mutation answers one Signature under its own name.
      return { ...result, view: Object.values(result.data ?? {})[0] };
    };
    const SIGN_SUBJECT = `mutation($c: ID!, $s: String!, $y: String!) { signSubjectResults(classId: $c, subjectCode: $s, schoolYear: $y, period: YEAR) { ${SIGNATURE_FIELDS} } }`;
    const SIGN_HOMEROOM = `mutation($c: ID!, $y: String!) { signClassConduct(classId: $c, schoolYear: $y, period: YEAR) { ${SIGNATURE_FIELDS} } }`;
    const APPROVE = `mutation($c: ID!, $st: ID!, $y: String!) { approveStudentRecord(classId: $c, studentId: $st, schoolYear: $y) { ${SIGNATURE_FIELDS} } }`;
    const errorCode = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
      result.errors?.[0]?.extensions?.code;

    // ── Out of order, refused with clear errors ───────────────────────────────────────────────
    // The signatures service learns the class from the students events: wait for it.
    const early = await eventually(async () => {
      const result = await sign(SIGN_HOMEROOM, { c: classId, y: YEAR }, teacherT);
      return errorCode(result) === 'NOT_FOUND' ? null : result;
    }, 60_000);
    expect(errorCode(early)).toBe('SIGNING_ORDER');
    expect(early.errors![0]!.message).toMatch(/môn chưa được giáo viên bộ môn ký/);
    const approveEarly = await sign(APPROVE, { c: classId, st: first, y: YEAR }, principalT);
    expect(errorCode(approveEarly)).toBe('SIGNING_ORDER');
    const notMine = await sign(SIGN_SUBJECT, { c: classId, s: 'TOAN', y: YEAR }, otherT);
    expect(errorCode(notMine)).toBe('FORBIDDEN');

    // ── Each subject signed by its teacher over the locked results ───────────────────────────
    const subjectSignatures = new Map<string, SignatureView>();
    for (const subjectCode of SUBJECTS) {
      const signed = await eventually(async () => {
        const result = await sign(SIGN_SUBJECT, { c: classId, s: subjectCode, y: YEAR }, teacherT);
        // Academics may not have every result of the year yet (its events are on their way).
        return result.view?.state === 'SIGNED' ? result.view : null;
      }, 60_000);
      expect(signed.verification).toMatchObject({ valid: true, problems: [] });
      const snapshot = JSON.parse(signed.signature!.canonicalSnapshot);
      expect(snapshot.unit).toMatchObject({ unit: 'SUBJECT', subjectCode, classId, period: 'YEAR' });
      subjectSignatures.set(subjectCode, signed);
    }
    // Academics now refuses marks of a signed subject.
    const locked = await recordMarks('TOAN', 2, gradebookRows('TOAN', 2, students));
    expect(locked.data?.recordGradebook.ok).toBe(false);
    expect(locked.data?.recordGradebook.errors.map((e) => e.code)).toContain('RECORD_LOCKED');

    // ── The homeroom teacher, then the approver of the grade ─────────────────────────────────
    const homeroomSigned = await eventually(async () => {
      const result = await sign(SIGN_HOMEROOM, { c: classId, y: YEAR }, teacherT);
      // Conduct computes the outcomes from academics' events: CONDUCT_INCOMPLETE until then.
      return result.view?.state === 'SIGNED' ? result.view : null;
    }, 90_000);
    expect(homeroomSigned.verification.valid).toBe(true);
    const wrongApprover = await sign(APPROVE, { c: classId, st: first, y: YEAR }, viceT);
    expect(errorCode(wrongApprover)).toBe('NOT_APPROVER');

    const batch = await stack.query<{
      approveClassRecords: {
        approved: number;
        failed: number;
        students: Array<{
          studentId: string;
          signature: SignatureView | null;
          error: { code: string } | null;
        }>;
      };
    }>(
      `mutation($c: ID!, $y: String!) { approveClassRecords(classId: $c, schoolYear: $y) { approved failed students { studentId error { code } signature { ${SIGNATURE_FIELDS} } } } }`,
      { c: classId, y: YEAR },
      principalT,
    );
    expect(batch.errors).toBeUndefined();
    expect(batch.data!.approveClassRecords).toMatchObject({ approved: 2, failed: 0 });
    for (const approval of batch.data!.approveClassRecords.students) {
      // Each student's page is signed on its own, then sealed with the school's certificate.
      expect(approval.signature).toMatchObject({ role: 'APPROVER', state: 'SIGNED', recordVersion: 1 });
      expect(approval.signature!.verification).toMatchObject({ valid: true, sealValid: true });
      const page = JSON.parse(approval.signature!.signature!.canonicalSnapshot);
      expect(page.unit).toMatchObject({ unit: 'STUDENT_YEAR', studentId: approval.studentId });
      expect(Object.keys(page.content).sort()).toEqual(['academics', 'conduct', 'students']);
    }
    const approvalOfFirst = batch.data!.approveClassRecords.students.find(
      (s) => s.studentId === first,
    )!.signature!;

    const board = await stack.query<{
      signingBoard: Array<{
        classId: string;
        complete: boolean;
        approvedStudents: number;
        outstanding: unknown[];
      }>;
    }>(
      `query($s: ID!, $y: String!) { signingBoard(schoolId: $s, schoolYear: $y) { classId complete approvedStudents outstanding { subjectCode } } }`,
      { s: schoolId, y: YEAR },
      principalT,
    );
    expect(board.data!.signingBoard).toEqual([
      { classId, complete: true, approvedStudents: 2, outstanding: [] },
    ]);

    // ── A correction of a locked mark: filed, approved by the principal, applied by the admin ─
    const filed = await stack.query<{
      fileCorrectionRequest: { id: string; state: string; locked: boolean };
    }>(
      `mutation($i: FileCorrectionInput!) { fileCorrectionRequest(input: $i) { id state locked } }`,
      {
        i: {
          classId,
          studentId: first,
          schoolYear: YEAR,
          subjectCode: 'TOAN',
          changes: [{ field: 'term2.final', value: '9.5' }],
          reason: 'Nhập nhầm điểm cuối kì II (bài thi đạt 9,5).',
        },
      },
      teacherT,
    );
    expect(filed.data!.fileCorrectionRequest).toMatchObject({ state: 'FILED', locked: true });
    const correctionId = filed.data!.fileCorrectionRequest.id;
    const applyTooEarly = await stack.query(
      `mutation($id: ID!) { applyCorrectionRequest(id: $id) { state } }`,
      { id: correctionId },
      adminT,
    );
    expect(errorCode(applyTooEarly)).toBe('CORRECTION_STATE');
    const approved = await stack.query<{ approveCorrectionRequest: { state: string } }>(
      `mutation($id: ID!) { approveCorrectionRequest(id: $id, note: "Đồng ý") { state } }`,
      { id: correctionId },
      principalT,
    );
    expect(approved.data!.approveCorrectionRequest.state).toBe('APPROVED');
    const applied = await stack.query<{
      applyCorrectionRequest: {
        state: string;
        applied: Array<{ field: string; before: string | null; after: string | null }>;
        steps: Array<{ action: string; at: string }>;
      };
    }>(
      `mutation($id: ID!) { applyCorrectionRequest(id: $id) { state applied { field before after } steps { action at } } }`,
      { id: correctionId },
      adminT,
    );
    expect(applied.data!.applyCorrectionRequest.state).toBe('APPLIED');
    expect(applied.data!.applyCorrectionRequest.applied).toEqual([
      { field: 'term2.final', before: expect.any(String), after: '9.5' },
    ]);
    expect(applied.data!.applyCorrectionRequest.steps.map((s) => s.action)).toEqual([
      'FILED',
      'APPROVED',
      'APPLY_REQUESTED',
      'APPLIED',
    ]);

    // The signatures over the changed content are superseded; they stay readable and verifiable.
    const SIGNATURE = `query($id: ID!) { signature(id: $id) { ${SIGNATURE_FIELDS} } }`;
    const oldToan = await eventually(async () => {
      const result = await stack.query<{ signature: SignatureView }>(
        SIGNATURE,
        { id: subjectSignatures.get('TOAN')!.id },
        principalT,
      );
      return result.data?.signature.status === 'SUPERSEDED' ? result.data.signature : null;
    }, 30_000);
    expect(oldToan).toMatchObject({ supersededBy: correctionId, verification: { valid: true } });
    const untouched = await stack.query<{ signature: SignatureView }>(
      SIGNATURE,
      { id: subjectSignatures.get('NGU_VAN')!.id },
      principalT,
    );
    expect(untouched.data!.signature.status).toBe('CURRENT');
    const STATUS = `query($id: ID!, $y: String!) { student(id: $id) { recordStatus(schoolYear: $y) { version state corrections { count subjects } approval { id } history { id status } } } }`;
    type Status = {
      student: {
        recordStatus: {
          version: number;
          state: string;
          corrections: { count: number; subjects: string[] };
          approval: { id: string } | null;
          history: Array<{ id: string; status: string }>;
        };
      };
    };
    const reopened = await stack.query<Status>(STATUS, { id: first, y: YEAR }, principalT);
    expect(reopened.data!.student.recordStatus).toMatchObject({
      version: 2,
      state: 'REOPENED',
      corrections: { count: 1, subjects: ['TOAN'] },
      approval: null,
      history: [{ id: approvalOfFirst.id, status: 'SUPERSEDED' }],
    });
    // The other student's approval is untouched.
    const other = await stack.query<Status>(STATUS, { id: second, y: YEAR }, principalT);
    expect(other.data!.student.recordStatus).toMatchObject({ version: 1, state: 'APPROVED' });

    // ── The chain signs again, over the corrected mark ───────────────────────────────────────
    const toanAgain = await sign(SIGN_SUBJECT, { c: classId, s: 'TOAN', y: YEAR }, teacherT);
    expect(toanAgain.view).toMatchObject({ state: 'SIGNED', recordVersion: 2 });
    expect(toanAgain.view!.signature!.contentHash).not.toBe(
      subjectSignatures.get('TOAN')!.signature!.contentHash,
    );
    const homeroomAgain = await eventually(async () => {
      const result = await sign(SIGN_HOMEROOM, { c: classId, y: YEAR }, teacherT);
      return result.view?.state === 'SIGNED' ? result.view : null;
    }, 60_000);
    expect(homeroomAgain.verification.valid).toBe(true);
    const approvedAgain = await sign(APPROVE, { c: classId, st: first, y: YEAR }, principalT);
    expect(approvedAgain.view).toMatchObject({
      state: 'SIGNED',
      recordVersion: 2,
      verification: { valid: true, sealValid: true },
    });
    const page = JSON.parse(approvedAgain.view!.signature!.canonicalSnapshot);
    const toan = page.content.academics.subjects.find(
      (s: { subjectCode: string }) => s.subjectCode === 'TOAN',
    );
    expect(toan.term2.final).toBe(9.5);
    const final = await stack.query<Status>(STATUS, { id: first, y: YEAR }, principalT);
    expect(final.data!.student.recordStatus).toMatchObject({ version: 2, state: 'APPROVED' });

    // ── Conduct and the personal page are corrected the same way, by the homeroom teacher ─────
    const correct = async (changes: Array<{ field: string; value: string }>, reason: string) => {
      const filedNow = await stack.query<{
        fileCorrectionRequest: { id: string; state: string; part: string };
      }>(
        `mutation($i: FileCorrectionInput!) { fileCorrectionRequest(input: $i) { id state part } }`,
        { i: { classId, studentId: first, schoolYear: YEAR, changes, reason } },
        teacherT,
      );
      expect(filedNow.errors).toBeUndefined();
      expect(filedNow.data!.fileCorrectionRequest.state).toBe('FILED');
      const id = filedNow.data!.fileCorrectionRequest.id;
      await stack.query(
        `mutation($id: ID!) { approveCorrectionRequest(id: $id) { state } }`,
        { id },
        principalT,
      );
      const done = await stack.query<{
        applyCorrectionRequest: { state: string; applied: Array<{ field: string }> };
      }>(
        `mutation($id: ID!) { applyCorrectionRequest(id: $id) { state applied { field } } }`,
        { id },
        adminT,
      );
      expect(done.data!.applyCorrectionRequest.state).toBe('APPLIED');
      expect(done.data!.applyCorrectionRequest.applied.map((a) => a.field)).toEqual(
        changes.map((c) => c.field),
      );
      return filedNow.data!.fileCorrectionRequest;
    };
    const conductCorrection = await correct(
      [{ field: 'conduct.term2', value: 'KHA' }],
      'Hội đồng xếp loại lại rèn luyện học kì II.',
    );
    expect(conductCorrection.part).toBe('CONDUCT');
    // The homeroom teacher's page and the student's approval are superseded; the subjects are not.
    const afterConduct = await eventually(async () => {
      const result = await stack.query<Status>(STATUS, { id: first, y: YEAR }, principalT);
      return result.data?.student.recordStatus.state === 'REOPENED' ? result.data.student.recordStatus : null;
    }, 30_000);
    expect(afterConduct).toMatchObject({ version: 3, corrections: { count: 2, subjects: ['TOAN'] } });
    const stillSigned = await stack.query<{ signature: SignatureView }>(
      SIGNATURE,
      { id: toanAgain.view!.id },
      principalT,
    );
    expect(stillSigned.data!.signature.status).toBe('CURRENT');
    const approveTooEarly = await sign(APPROVE, { c: classId, st: first, y: YEAR }, principalT);
    expect(errorCode(approveTooEarly)).toBe('SIGNING_ORDER');
    const homeroomThird = await sign(SIGN_HOMEROOM, { c: classId, y: YEAR }, teacherT);
    expect(homeroomThird.view).toMatchObject({ state: 'SIGNED', recordVersion: 3 });
    const approvedThird = await sign(APPROVE, { c: classId, st: first, y: YEAR }, principalT);
    expect(approvedThird.view).toMatchObject({ state: 'SIGNED', recordVersion: 3 });
    const thirdPage = JSON.parse(approvedThird.view!.signature!.canonicalSnapshot);
    expect(thirdPage.content.conduct.conductTerm2).toBe('KHA');

    // Personal data: only the approvals are superseded; the approver signs again at once.
    const personalCorrection = await correct(
      [{ field: 'personal.address', value: 'Số 12 phố Hàng Bài, Hoàn Kiếm, Hà Nội' }],
      'Gia đình chuyển nơi ở, có xác nhận của địa phương.',
    );
    expect(personalCorrection.part).toBe('PERSONAL_DATA');
    const fourth = await eventually(async () => {
      const result = await sign(APPROVE, { c: classId, st: first, y: YEAR }, principalT);
      return result.view?.state === 'SIGNED' ? result.view : null;
    }, 30_000);
    expect(fourth.recordVersion).toBe(4);
    const fourthPage = JSON.parse(fourth.signature!.canonicalSnapshot);
    expect(fourthPage.content.students.personal.address).toBe('Số 12 phố Hàng Bài, Hoàn Kiếm, Hà Nội');
    const footer = await stack.query<{
      student: { recordStatus: { version: number; state: string; corrections: Record<string, unknown> } };
    }>(
      `query($id: ID!, $y: String!) { student(id: $id) { recordStatus(schoolYear: $y) { version state corrections { count subjects conduct personalData } } } }`,
      { id: first, y: YEAR },
      principalT,
    );
    expect(footer.data!.student.recordStatus).toEqual({
      version: 4,
      state: 'APPROVED',
      corrections: { count: 3, subjects: ['TOAN'], conduct: true, personalData: true },
    });

    // ── A signed snapshot changed in the database no longer verifies ──────────────────────────
    const signatures = stack.signatures.deps.records.models.signatures;
    await signatures.updateOne(
      { _id: subjectSignatures.get('NGU_VAN')!.id },
      { $set: { 'snapshot.recordVersion': 7 } },
    );
    const forged = await stack.query<{ signature: SignatureView }>(
      SIGNATURE,
      { id: subjectSignatures.get('NGU_VAN')!.id },
      principalT,
    );
    expect(forged.data!.signature.verification.valid).toBe(false);
    expect(forged.data!.signature.verification.problems.map((p) => p.code)).toContain('CONTENT_CHANGED');

    // ── The audit trail: intact, then one entry altered in the database is named ─────────────
    const VERIFY = `{ verifyAuditTrail { intact checked firstBroken { seq reason } } }`;
    const trail = await stack.query<{
      auditTrail: Array<{ seq: number; type: string; accountId: string | null }>;
    }>(`{ auditTrail(service: "hocbaso/signatures", limit: 200) { seq type accountId } }`, {}, inspectorT);
    expect(trail.errors).toBeUndefined();
    expect(trail.data!.auditTrail.some((e) => e.type === 'vn.hocbaso.signatures.record.signed')).toBe(true);
    const intact = await stack.query<{ verifyAuditTrail: { intact: boolean; checked: number } }>(
      VERIFY,
      {},
      inspectorT,
    );
    expect(intact.data!.verifyAuditTrail.intact).toBe(true);
    expect(intact.data!.verifyAuditTrail.checked).toBeGreaterThan(50);
    const denied = await stack.query(VERIFY, {}, principalT);
    expect(errorCode(denied)).toBe('FORBIDDEN');

    const tampered = trail.data!.auditTrail[3]!.seq;
    const collection = signatures.db.collection('audit_trail');
    const result = await collection.updateOne({ _id: tampered } as never, {
      $set: { after: '{"tampered":true}' },
    });
    expect(result.modifiedCount).toBe(1);
    const broken = await stack.query<{
      verifyAuditTrail: { intact: boolean; firstBroken: { seq: number; reason: string } };
    }>(VERIFY, {}, inspectorT);
    expect(broken.data!.verifyAuditTrail).toMatchObject({
      intact: false,
      firstBroken: { seq: tampered, reason: 'ALTERED' },
    });
  });

  it('locks a window the principal decided only when the admin applies it and every owner confirmed, and reopens it the same way', async () => {
    const { school, admin } = await stack.createSchoolWithAdmin('khoaso');
    const schoolId = school._id;
    const principal = await stack.createAccount(schoolId, 'hieutruong', 'PRINCIPAL');
    const [adminT, principalT] = (await Promise.all(
      [admin, principal].map(async (a) => (await stack.login(a.username, a.password)).accessToken),
    )) as [string, string];
    const code = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
      result.errors?.[0]?.extensions?.code;

    const refusedToAdmin = await stack.query(
      `mutation($s: ID!, $y: String!) { decideLockWindow(schoolId: $s, schoolYear: $y, period: TERM_1, grade: 11) { id } }`,
      { s: schoolId, y: YEAR },
      adminT,
    );
    expect(code(refusedToAdmin)).toBe('FORBIDDEN');
    const decided = await stack.query<{ decideLockWindow: { id: string; state: string } }>(
      `mutation($s: ID!, $y: String!) { decideLockWindow(schoolId: $s, schoolYear: $y, period: TERM_1, grade: 11) { id state } }`,
      { s: schoolId, y: YEAR },
      principalT,
    );
    expect(decided.data!.decideLockWindow.state).toBe('DECIDED');
    const id = decided.data!.decideLockWindow.id;
    const principalApplies = await stack.query(
      `mutation($id: ID!) { applyLockWindow(id: $id) { state } }`,
      { id },
      principalT,
    );
    expect(code(principalApplies)).toBe('FORBIDDEN');
    const applying = await stack.query<{ applyLockWindow: { state: string } }>(
      `mutation($id: ID!) { applyLockWindow(id: $id) { state } }`,
      { id },
      adminT,
    );
    expect(applying.data!.applyLockWindow.state).toBe('APPLYING');
    const WINDOWS = `query($s: ID!, $y: String!) { lockWindows(schoolId: $s, schoolYear: $y) { id state steps { action accountId } } }`;
    type Windows = {
      lockWindows: Array<{
        id: string;
        state: string;
        steps: Array<{ action: string; accountId: string | null }>;
      }>;
    };
    // Academics and conduct each confirm the lock; only then is the window applied.
    const applied = await eventually(async () => {
      const result = await stack.query<Windows>(WINDOWS, { s: schoolId, y: YEAR }, principalT);
      return result.data?.lockWindows[0]?.state === 'APPLIED' ? result.data.lockWindows[0] : null;
    }, 30_000);
    expect(applied.steps.map((s) => s.action)).toEqual(['DECIDED', 'APPLYING', 'APPLIED']);
    const lock = await stack.signatures.deps.records.models.locks
      .findOne({ 'scope.schoolId': schoolId, 'scope.unit': 'WINDOW' })
      .lean();
    expect(lock!.state).toBe('APPLIED');
    expect(lock!.confirmations.map((c) => c.owner).sort()).toEqual(['academics', 'conduct']);

    const unlockTooEarly = await stack.query(
      `mutation($id: ID!) { applyUnlock(id: $id) { state } }`,
      { id },
      adminT,
    );
    expect(code(unlockTooEarly)).toBe('CONFLICT');
    const unlockDecided = await stack.query<{ decideUnlock: { state: string } }>(
      `mutation($id: ID!) { decideUnlock(id: $id) { state } }`,
      { id },
      principalT,
    );
    expect(unlockDecided.data!.decideUnlock.state).toBe('UNLOCK_DECIDED');
    const released = await stack.query<{ applyUnlock: { state: string } }>(
      `mutation($id: ID!) { applyUnlock(id: $id) { state } }`,
      { id },
      adminT,
    );
    expect(released.data!.applyUnlock.state).toBe('RELEASED');
    await eventually(async () => {
      const current = await stack.signatures.deps.records.lockById(lock!._id);
      return current?.state === 'RELEASED' ? current : null;
    }, 30_000);
  });
});
