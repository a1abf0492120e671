import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Role } from '@hocbaso/events';
import { createSchoolPki, sealKeyRef, splitPemChain } from '@hocbaso/signing';
import { eventually, testLogger } from '@hocbaso/testkit';
import { SYSTEM_CALLER } from '../../services/identity/src/usecases/deps';
import { login } from '../../services/identity/src/usecases/login';
import { assignTeaching, grantRole } from '../../services/identity/src/usecases/manage-roles';
import { demoSchoolYear } from '../../services/students/src/seed/demo-data';
import { gradebookRows } from '../../scripts/demo/marks';
import type { MatrixRole } from '../src/authz/access-matrix';
import { createGatewayServer } from '../src/server';
import { COMPLETE_SUBJECTS, FullStack, recordGradebook, type ClassStudent } from './full-stack';

/**
 * The world the authorization matrix is checked in (issue 6): two schools, every role held by one
 * account of its own (exactly one role each), and enough records behind them (marks, conduct,
 * signatures, an approved and synced year, an export, a correction request, a lock window, a
 * transfer) that every field has rows to show.
 *
 * School A: classes A1 and A2 of grade 10. A1's homeroom teacher leads A1 only; the subject
 * teacher teaches TOAN in A1 only (another teacher enters A1's other subjects and A2's TOAN). The
 * parent and the student are a1's. School B: class B1 with student b1, and its own staff.
 */
export const YEAR = '2025-2026';
export const NEXT_YEAR = '2026-2027';
/** The one subject the SUBJECT_TEACHER teaches in A1; OTHER_SUBJECT is A1's, taught by someone else. */
export const OWN_SUBJECT = 'TOAN';
export const OTHER_SUBJECT = 'NGU_VAN';
/** Schools A and B are in one province, in two districts (the analyst's is A's). */
export const SCHOOL_A_PLACE = { provinceCode: '79', districtCode: '760' };
export const SCHOOL_B_PLACE = { provinceCode: '79', districtCode: '761' };

export interface Person {
  id: string;
  username: string;
  password: string;
  token: string;
  refreshToken: string;
}

export interface StudentFixture {
  id: string;
  fullName: string;
  personalId: string;
  dateOfBirth: string;
  index: number;
}

export interface AccessWorld {
  schoolA: { id: string; name: string };
  schoolB: { id: string; name: string };
  classA1: string;
  classA2: string;
  classB1: string;
  /** Grade 11 of this year in A (the vice principal approves it), with student a11. */
  classA11: string;
  a11: StudentFixture;
  /** School B's class of the next year that received a1c's transfer. */
  classB2: string;
  a1: StudentFixture;
  /** Same class as a1. */
  a1b: StudentFixture;
  /** Transferred from A1 to school B (record book and all). */
  a1c: StudentFixture;
  a2: StudentFixture;
  b1: StudentFixture;
  /** Each matrix role's account in school A (platform roles have no school); ANONYMOUS has none. */
  cast: Record<Exclude<MatrixRole, 'ANONYMOUS'>, Person>;
  /** The token each matrix role sends; undefined for ANONYMOUS. */
  tokenOf(role: MatrixRole): string | undefined;
  /** Supporting accounts: A's second teacher, and school B's staff. */
  otherTeacherA: Person;
  homeroomA2: Person;
  /** A SYSTEM_ADMIN naming no school: the platform administrator (its own scope for platform-only fields). */
  platformAdmin: Person;
  adminB: Person;
  principalB: Person;
  staffB: Person;
  homeroomB: Person;
  teacherB: Person;
  signatures: {
    /** A1's OWN_SUBJECT, signed by the subject teacher. */
    ownSubject: string;
    /** A1's OTHER_SUBJECT, signed by the other teacher. */
    otherSubject: string;
    homeroom: string;
    /** The principal's approval of a1's year page. */
    approvalA1: string;
  };
  correctionRequestId: string;
  lockWindowId: string;
  /** Decided by school B's principal. */
  lockWindowB: string;
  exportCode: string;
  /** The school's CA and A1's subject teacher's certificate chain, to register again. */
  caPem: string;
  teacherChain: string[];
  /** A class of A for moves and new years: grade 11 of the next year. */
  classA3Next: string;
  transferId: string;
  /** a1's ACTIVE share (both consents) and the access code it gave. */
  share: { id: string; accessCode: string };
  /** A comment only b1's TOAN gradebook line carries: must never reach a1's family. */
  b1Comment: string;
  a1Comment: string;
}

const mustSucceed = <T extends { errors?: unknown[]; data?: unknown }>(result: T, what: string): T => {
  if (result.errors?.length) throw new Error(`${what}: ${JSON.stringify(result.errors)}`);
  return result;
};

async function signIn(stack: FullStack, account: { id: string; username: string; password: string }) {
  const session = await stack.login(account.username, account.password);
  return { ...account, token: session.accessToken, refreshToken: session.refreshToken } as Person;
}

/**
 * A verified family link (issue 6): the school issues a code for the student, the account redeems
 * it, and identity grants the role from students' event. Returns the link's id.
 */
export async function linkFamily(
  stack: FullStack,
  accountToken: string,
  studentId: string,
  relation: 'PARENT' | 'STUDENT',
  issuerToken: string,
): Promise<string> {
  const issued = mustSucceed(
    await stack.query<{ issueFamilyLinkCode: { code: string } }>(
      `mutation($s: ID!, $r: FamilyRelation!) { issueFamilyLinkCode(studentId: $s, relation: $r, guardianIndex: ${relation === 'PARENT' ? 0 : 'null'}) { code } }`,
      { s: studentId, r: relation },
      issuerToken,
    ),
    'issueFamilyLinkCode',
  );
  const redeemed = mustSucceed(
    await stack.query<{ redeemFamilyLinkCode: { id: string } }>(
      `mutation($c: String!) { redeemFamilyLinkCode(code: $c) { id } }`,
      { c: issued.data!.issueFamilyLinkCode.code },
      accountToken,
    ),
    'redeemFamilyLinkCode',
  );
  await eventually(async () => {
    const me = await stack.query<{
      me: { roles: Array<{ role: string; scope: { studentId: string | null } }> | null } | null;
    }>(`{ me { roles { role scope { studentId } } } }`, {}, accountToken);
    return me.data?.me?.roles?.some((r) => r.role === relation && r.scope.studentId === studentId) ?? false;
  }, 30_000);
  return redeemed.data!.redeemFamilyLinkCode.id;
}

/**
 * An account holding exactly one role. PARENT and STUDENT come from a verified family link where
 * identity requires one (issue 6): then the school issues a code and the account redeems it.
 */
async function accountWithRole(
  stack: FullStack,
  schoolId: string | null,
  prefix: string,
  role: Role,
  scope: { grade?: number; studentId?: string; provinceCode?: string; districtCode?: string } = {},
  issuerToken?: string,
): Promise<Person> {
  if (role === 'PARENT' || role === 'STUDENT') {
    const person = await signIn(stack, await stack.createAccount(schoolId, prefix));
    await linkFamily(stack, person.token, scope.studentId!, role, issuerToken!);
    return person;
  }
  return signIn(stack, await stack.createAccount(schoolId, prefix, role, scope));
}

async function createClass(
  stack: FullStack,
  token: string,
  input: { schoolId: string; schoolYear: string; grade: number; name: string; homeroomTeacherId?: string },
): Promise<string> {
  const created = mustSucceed(
    await stack.query<{ createClass: { id: string } }>(
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      { i: input },
      token,
    ),
    'createClass',
  );
  return created.data!.createClass.id;
}

type DemoPerson = ReturnType<typeof demoSchoolYear>[number]['students'][number];

async function admit(
  stack: FullStack,
  token: string,
  classId: string,
  person: DemoPerson,
  index: number,
): Promise<StudentFixture> {
  const admitted = mustSucceed(
    await stack.query<{ admitStudent: { id: string; fullName: string } }>(
      `mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id fullName } }`,
      { i: { ...person, classId } },
      token,
    ),
    'admitStudent',
  );
  return {
    id: admitted.data!.admitStudent.id,
    fullName: admitted.data!.admitStudent.fullName,
    personalId: person.personalId,
    dateOfBirth: person.dateOfBirth,
    index,
  };
}

/** Both terms of a subject, retried until academics knows the class's roster. */
async function marks(
  stack: FullStack,
  token: string,
  classId: string,
  subjectCode: string,
  students: ClassStudent[],
  comments: Record<string, string> = {},
) {
  for (const term of [1, 2] as const) {
    const rows = gradebookRows(subjectCode, term, students).map((row) =>
      comments[row.studentId] ? { ...row, comment: { progress: comments[row.studentId] } } : row,
    );
    await eventually(async () => {
      const result = await recordGradebook(
        stack,
        token,
        { classId, subjectCode, schoolYear: YEAR, term },
        rows,
      );
      if (result.data?.recordGradebook.ok) return result;
      // Academics not knowing the roster yet is the only reason to retry.
      if (result.errors?.length) throw new Error(`recordGradebook: ${JSON.stringify(result.errors)}`);
      return null;
    }, 60_000);
  }
}

async function signed(stack: FullStack, token: string, mutation: string, variables: Record<string, unknown>) {
  return eventually(async () => {
    const result = await stack.query<Record<string, { id: string; state: string }>>(
      mutation,
      variables,
      token,
    );
    const signature = Object.values(result.data ?? {})[0];
    return signature?.state === 'SIGNED' ? signature.id : null;
  }, 90_000);
}

/**
 * Restarts the stack's gateway with rate limits out of the way: these tests send a few thousand
 * personal-data reads from one address within minutes, as no person would. Every other limit
 * (depth, aliases, size, cost, time) stays as configured; limits.e2e.test.ts trips the rate limits.
 */
export async function withRoomyRateLimits(stack: FullStack): Promise<void> {
  await stack.gateway.close();
  stack.gatewayConfig = {
    ...stack.gatewayConfig,
    LOGIN_RATE_PER_ADDRESS_PER_MINUTE: 1_000_000,
    LOGIN_RATE_PER_USERNAME_PER_MINUTE: 1_000_000,
    PERSONAL_DATA_READS_PER_ACCOUNT_PER_MINUTE: 1_000_000,
    PERSONAL_DATA_READS_PER_ADDRESS_PER_MINUTE: 1_000_000,
  };
  const logger = testLogger('gateway');
  stack.logs.gateway = logger.lines;
  stack.gateway = await createGatewayServer(stack.gatewayConfig, logger);
  stack.url = `http://127.0.0.1:${await stack.gateway.listen()}/graphql`;
}

export async function buildAccessWorld(stack: FullStack): Promise<AccessWorld> {
  // ── Schools and school A's people ───────────────────────────────────────────────────────────
  const a = await stack.createSchoolWithAdmin('mtA', SCHOOL_A_PLACE);
  const b = await stack.createSchoolWithAdmin('mtB', SCHOOL_B_PLACE);
  const schoolId = a.school._id;
  const schoolBId = b.school._id;
  const adminA = await signIn(stack, a.admin);
  const platformAdmin = await accountWithRole(stack, null, 'mt.quantri', 'SYSTEM_ADMIN');
  const principal = await accountWithRole(stack, schoolId, 'mtA.hieutruong', 'PRINCIPAL');
  const vice = await accountWithRole(stack, schoolId, 'mtA.phohieutruong', 'VICE_PRINCIPAL', { grade: 11 });
  const staff = await accountWithRole(stack, schoolId, 'mtA.giaovu', 'ACADEMIC_STAFF');
  const inspector = await accountWithRole(stack, null, 'mtA.thanhtra', 'INSPECTOR');
  // The Phòng GD&ĐT of school A's district: A's statistics are its own, B's (another district) not.
  const analyst = await accountWithRole(stack, null, 'mtA.phantich', 'DEPARTMENT_ANALYST', {
    provinceCode: SCHOOL_A_PLACE.provinceCode,
    districtCode: SCHOOL_A_PLACE.districtCode,
  });
  const subjectTeacher = await accountWithRole(stack, schoolId, 'mtA.gvbm', 'SUBJECT_TEACHER');
  const otherTeacherA = await accountWithRole(stack, schoolId, 'mtA.gvbm2', 'SUBJECT_TEACHER');
  // The homeroom teacher holds HOMEROOM_TEACHER only, granted once A1 exists.
  const homeroomAccount = await stack.createAccount(schoolId, 'mtA.gvcn');
  const homeroomA2Account = await stack.createAccount(schoolId, 'mtA.gvcn2');

  // ── School B's people ───────────────────────────────────────────────────────────────────────
  const adminB = await signIn(stack, b.admin);
  const principalB = await accountWithRole(stack, schoolBId, 'mtB.hieutruong', 'PRINCIPAL');
  const staffB = await accountWithRole(stack, schoolBId, 'mtB.giaovu', 'ACADEMIC_STAFF');
  const teacherB = await accountWithRole(stack, schoolBId, 'mtB.gvbm', 'SUBJECT_TEACHER');
  const homeroomBAccount = await stack.createAccount(schoolBId, 'mtB.gvcn');

  // ── Certificates: A's CA, the signers and the seal; the principal approves grade 10 ─────────
  const pki = await createSchoolPki({
    outDir: stack.keystoreDir,
    schoolId,
    schoolName: a.school.name,
    staff: [principal, homeroomAccount, subjectTeacher, otherTeacherA].map((p) => ({
      accountId: p.id,
      name: p.username,
    })),
  });
  mustSucceed(
    await stack.query(
      `mutation($s: ID!, $pem: String!) { registerCertificateAuthority(schoolId: $s, certificatePem: $pem) { fingerprint } }`,
      { s: schoolId, pem: pki.caPem },
      adminA.token,
    ),
    'registerCertificateAuthority',
  );
  for (const keyRef of [
    principal.id,
    homeroomAccount.id,
    subjectTeacher.id,
    otherTeacherA.id,
    sealKeyRef(schoolId),
  ]) {
    const chain = splitPemChain(await readFile(path.join(stack.keystoreDir, `${keyRef}.chain.pem`), 'utf8'));
    mustSucceed(
      await stack.query(
        `mutation($s: ID!, $a: ID, $c: [String!]!) { registerSigningCertificate(schoolId: $s, accountId: $a, certificateChainPem: $c) { kind } }`,
        { s: schoolId, a: keyRef.startsWith('seal-') ? null : keyRef, c: chain },
        adminA.token,
      ),
      'registerSigningCertificate',
    );
  }
  for (const [grade, approver] of [
    [10, principal],
    [11, vice],
  ] as const) {
    mustSucceed(
      await stack.query(
        `mutation($s: ID!, $y: String!, $g: Int!, $a: ID!) { assignGradeApprover(schoolId: $s, schoolYear: $y, grade: $g, accountId: $a) { grade } }`,
        { s: schoolId, y: YEAR, g: grade, a: approver.id },
        principal.token,
      ),
      'assignGradeApprover',
    );
  }

  // ── Classes, homeroom teachers, teaching assignments ───────────────────────────────────────
  const demoA = demoSchoolYear(schoolId, YEAR).filter((c) => c.grade === 10);
  const demoB = demoSchoolYear(schoolBId, YEAR).filter((c) => c.grade === 10);
  const [demoA1, demoA2] = demoA as [(typeof demoA)[number], (typeof demoA)[number]];
  const demoB1 = demoB[0]!;
  const classA1 = await createClass(stack, staff.token, {
    schoolId,
    schoolYear: YEAR,
    grade: 10,
    name: demoA1.name,
    homeroomTeacherId: homeroomAccount.id,
  });
  const classA2 = await createClass(stack, staff.token, {
    schoolId,
    schoolYear: YEAR,
    grade: 10,
    name: demoA2.name,
    homeroomTeacherId: homeroomA2Account.id,
  });
  // Grade 11 of this year, whose records the vice principal approves (the principal: grade 10).
  const classA11 = await createClass(stack, staff.token, {
    schoolId,
    schoolYear: YEAR,
    grade: 11,
    name: '11A1',
  });
  const classB1 = await createClass(stack, staffB.token, {
    schoolId: schoolBId,
    schoolYear: YEAR,
    grade: 10,
    name: demoB1.name,
    homeroomTeacherId: homeroomBAccount.id,
  });
  const classB2 = await createClass(stack, staffB.token, {
    schoolId: schoolBId,
    schoolYear: NEXT_YEAR,
    grade: 11,
    name: '11A2',
  });
  for (const [account, school, classId] of [
    [homeroomAccount, schoolId, classA1],
    [homeroomA2Account, schoolId, classA2],
    [homeroomBAccount, schoolBId, classB1],
  ] as const) {
    await grantRole(stack.identity.deps, SYSTEM_CALLER, {
      accountId: account.id,
      role: 'HOMEROOM_TEACHER',
      scope: { schoolId: school, classId },
    });
  }
  const teach = (accountId: string, classId: string, subjectCode: string) =>
    assignTeaching(stack.identity.deps, SYSTEM_CALLER, { accountId, classId, subjectCode, schoolYear: YEAR });
  await teach(subjectTeacher.id, classA1, OWN_SUBJECT);
  for (const subjectCode of COMPLETE_SUBJECTS.filter((s) => s !== OWN_SUBJECT)) {
    await teach(otherTeacherA.id, classA1, subjectCode);
  }
  await teach(otherTeacherA.id, classA2, OWN_SUBJECT);
  await teach(teacherB.id, classB1, OWN_SUBJECT);
  const homeroom = await signIn(stack, homeroomAccount);
  const homeroomA2 = await signIn(stack, homeroomA2Account);
  const homeroomB = await signIn(stack, homeroomBAccount);
  // Teaching assignments are read into the principal on each request; tokens taken now are fine.
  const otherT = otherTeacherA.token;

  // ── Students ────────────────────────────────────────────────────────────────────────────────
  const a1 = await admit(stack, staff.token, classA1, demoA1.students[0]!, 2);
  const a1b = await admit(stack, staff.token, classA1, demoA1.students[1]!, 3);
  const a1c = await admit(stack, staff.token, classA1, demoA1.students[2]!, 4);
  const a2 = await admit(stack, staff.token, classA2, demoA2.students[0]!, 2);
  const demoA11 = demoSchoolYear(schoolId, YEAR).find((c) => c.grade === 11)!;
  const a11 = await admit(stack, staff.token, classA11, demoA11.students[0]!, 2);
  // b1: a person whose name is not a1's (the isolation test looks for b1's name in answers).
  const b1Person = demoB1.students.find((p) => p.fullName !== demoA1.students[0]!.fullName)!;
  const b1 = await admit(stack, staffB.token, classB1, b1Person, 2);
  const parent = await accountWithRole(
    stack,
    schoolId,
    'mtA.phuhuynh',
    'PARENT',
    { studentId: a1.id },
    homeroom.token,
  );
  const studentAccount = await accountWithRole(
    stack,
    schoolId,
    'mtA.hocsinh',
    'STUDENT',
    { studentId: a1.id },
    homeroom.token,
  );

  // ── Marks: A1's whole year (TOAN by the subject teacher), A2's and B1's TOAN ─────────────────
  const suffix = a1.id.slice(-6);
  const a1Comment = `Tiến bộ rõ A-${suffix}`;
  const b1Comment = `Nhận xét riêng B-${suffix}`;
  const a1Students: ClassStudent[] = [a1, a1b, a1c].map((s) => ({ id: s.id, index: s.index }));
  await marks(stack, subjectTeacher.token, classA1, OWN_SUBJECT, a1Students, { [a1.id]: a1Comment });
  for (const subjectCode of COMPLETE_SUBJECTS.filter((s) => s !== OWN_SUBJECT)) {
    await marks(stack, otherT, classA1, subjectCode, a1Students);
  }
  await marks(stack, otherT, classA2, OWN_SUBJECT, [{ id: a2.id, index: a2.index }]);
  await marks(stack, teacherB.token, classB1, OWN_SUBJECT, [{ id: b1.id, index: b1.index }], {
    [b1.id]: b1Comment,
  });

  // ── Conduct, an absence, a commendation and a discipline measure ────────────────────────────
  const conduct = (token: string, studentId: string, period: string) =>
    eventually(async () => {
      const result = await stack.query(
        `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
        { i: { studentId, schoolYear: YEAR, period, level: 'TOT', comment: 'Ngoan, lễ phép.' } },
        token,
      );
      return !result.errors;
    }, 60_000);
  for (const student of [a1, a1b, a1c]) {
    for (const period of ['TERM_1', 'TERM_2']) await conduct(homeroom.token, student.id, period);
  }
  for (const period of ['TERM_1', 'TERM_2']) {
    await conduct(homeroomA2.token, a2.id, period);
    await conduct(homeroomB.token, b1.id, period);
  }
  mustSucceed(
    await stack.query(
      `mutation($i: RecordAbsenceInput!) { recordAbsence(input: $i) { studentId } }`,
      {
        i: {
          studentId: a1.id,
          schoolYear: YEAR,
          date: '2025-10-06',
          session: 'MORNING',
          excused: true,
          reason: 'Ốm',
        },
      },
      homeroom.token,
    ),
    'recordAbsence',
  );
  mustSucceed(
    await stack.query(
      `mutation($i: GrantCommendationInput!) { grantCommendation(input: $i) { studentId } }`,
      { i: { studentId: a1.id, schoolYear: YEAR, title: 'Học sinh tiêu biểu' } },
      principal.token,
    ),
    'grantCommendation',
  );
  mustSucceed(
    await stack.query(
      `mutation($i: RecordDisciplineInput!) { recordDiscipline(input: $i) { studentId } }`,
      {
        i: {
          studentId: a1b.id,
          schoolYear: YEAR,
          form: 'Khiển trách',
          reason: 'Vi phạm nội quy',
          decidedOn: '2025-11-03',
        },
      },
      principal.token,
    ),
    'recordDiscipline',
  );

  for (const studentId of [a1.id, a1b.id]) {
    mustSucceed(
      await stack.query(
        `mutation($i: RecordDisciplineInput!) { recordDiscipline(input: $i) { studentId } }`,
        {
          i: {
            studentId,
            schoolYear: YEAR,
            form: 'Nhắc nhở',
            reason: 'Quên đồng phục',
            decidedOn: '2025-11-10',
          },
        },
        principal.token,
      ),
      'recordDiscipline',
    );
  }
  // An exemption from the practical part of physical education (Điều 10 TT22), by the homeroom teacher.
  mustSucceed(
    await stack.query(
      `mutation($i: RecordExemptionInput!) { recordExemption(input: $i) { id } }`,
      {
        i: {
          studentId: a1.id,
          subjectCode: 'GD_THE_CHAT',
          schoolYear: YEAR,
          period: 'TERM_1',
          reason: 'Chấn thương chân',
        },
      },
      homeroom.token,
    ),
    'recordExemption',
  );

  // ── Signatures: every subject, the homeroom page, then the principal approves the class ──────
  const SIGN_SUBJECT = `mutation($c: ID!, $s: String!, $y: String!) { signSubjectResults(classId: $c, subjectCode: $s, schoolYear: $y, period: YEAR) { id state } }`;
  const ownSubject = await signed(stack, subjectTeacher.token, SIGN_SUBJECT, {
    c: classA1,
    s: OWN_SUBJECT,
    y: YEAR,
  });
  const bySubject: Record<string, string> = { [OWN_SUBJECT]: ownSubject };
  for (const subjectCode of COMPLETE_SUBJECTS.filter((s) => s !== OWN_SUBJECT)) {
    bySubject[subjectCode] = await signed(stack, otherT, SIGN_SUBJECT, {
      c: classA1,
      s: subjectCode,
      y: YEAR,
    });
  }
  const homeroomSignature = await signed(
    stack,
    homeroom.token,
    `mutation($c: ID!, $y: String!) { signClassConduct(classId: $c, schoolYear: $y, period: YEAR) { id state } }`,
    { c: classA1, y: YEAR },
  );
  // Each student's year page, approved by the principal; asked again after a failed lock (another
  // test's services on the same Kafka may answer a lock first, not knowing this school's students).
  const approve = async (studentId: string): Promise<string> =>
    eventually(async () => {
      const asked = await stack.query<{ approveStudentRecord: { id: string; state: string } }>(
        `mutation($c: ID!, $s: ID!, $y: String!) { approveStudentRecord(classId: $c, studentId: $s, schoolYear: $y) { id state } }`,
        { c: classA1, s: studentId, y: YEAR },
        principal.token,
      );
      const id = asked.data?.approveStudentRecord.id;
      if (!id) return null;
      const state = await eventually(async () => {
        const result = await stack.query<{ signature: { state: string } | null }>(
          `query($id: ID!) { signature(id: $id) { state } }`,
          { id },
          principal.token,
        );
        const now = result.data?.signature?.state;
        return now === 'SIGNED' || now === 'FAILED' ? now : null;
      }, 30_000);
      return state === 'SIGNED' ? id : null;
    }, 120_000);
  const approvalA1 = await approve(a1.id);
  await approve(a1b.id);
  await approve(a1c.id);

  // ── The archive: a1's book synced and exported; a1c transferred to school B ─────────────────
  await eventually(async () => {
    const result = await stack.query<{ student: { syncState: { state: string } | null } | null }>(
      `query($s: ID!) { student(id: $s) { syncState(schoolYear: "${YEAR}") { state } } }`,
      { s: a1.id },
      principal.token,
    );
    return result.data?.student?.syncState?.state === 'ACCEPTED';
  }, 60_000);
  const exported = mustSucceed(
    await stack.query<{ exportRecordBook: { verificationCode: string } }>(
      `mutation($s: ID!) { exportRecordBook(studentId: $s, format: XML) { verificationCode } }`,
      { s: a1.id },
      principal.token,
    ),
    'exportRecordBook',
  );
  mustSucceed(
    await stack.query(
      `mutation($i: TransferStudentOutInput!) { transferStudentOut(input: $i) { status } }`,
      {
        i: { studentId: a1c.id, effectiveOn: '2026-06-30', reason: 'Chuyển nơi ở', destination: 'THPT B' },
      },
      staff.token,
    ),
    'transferStudentOut',
  );
  const issued = mustSucceed(
    await stack.query<{ issueTransferPackage: { transferId: string; package: string } }>(
      `mutation($s: ID!) { issueTransferPackage(studentId: $s) { transferId package } }`,
      { s: a1c.id },
      staff.token,
    ),
    'issueTransferPackage',
  );
  const transferId = issued.data!.issueTransferPackage.transferId;
  await eventually(async () => {
    const result = await stack.query(
      `mutation($i: ImportTransferPackageInput!) { importTransferPackage(input: $i) { state } }`,
      {
        i: {
          package: issued.data!.issueTransferPackage.package,
          classId: classB2,
          effectiveOn: '2026-09-07',
        },
      },
      staffB.token,
    );
    if (result.errors?.[0]?.extensions?.code === 'NOT_FOUND') return null;
    return mustSucceed(result, 'importTransferPackage');
  }, 30_000);
  await eventually(async () => {
    const result = await stack.query<{ transferImport: { state: string } | null }>(
      `query($t: ID!) { transferImport(transferId: $t) { state } }`,
      { t: transferId },
      staffB.token,
    );
    return result.data?.transferImport?.state === 'COMPLETED';
  }, 30_000);

  const exportCode = exported.data!.exportRecordBook.verificationCode;
  // ── a1's record book shared with a university, with the consent of a parent and a1 ─────────
  const requested = mustSucceed(
    await stack.query<{ requestRecordShare: { id: string } }>(
      `mutation($i: RecordShareInput!) { requestRecordShare(input: $i) { id } }`,
      {
        i: {
          studentId: a1.id,
          recipient: 'Đại học Quốc gia Hà Nội',
          purpose: 'Xét tuyển đại học',
          validUntil: '2027-06-30T00:00:00Z',
        },
      },
      parent.token,
    ),
    'requestRecordShare',
  );
  const shareId = requested.data!.requestRecordShare.id;
  let accessCode: string | null = null;
  for (const family of [parent, studentAccount]) {
    const consented = mustSucceed(
      await stack.query<{ consentToRecordShare: { state: string; accessCode: string | null } }>(
        `mutation($id: ID!) { consentToRecordShare(shareId: $id) { state accessCode } }`,
        { id: shareId },
        family.token,
      ),
      'consentToRecordShare',
    );
    accessCode = consented.data!.consentToRecordShare.accessCode ?? accessCode;
  }
  if (!accessCode) throw new Error('the share did not become ACTIVE');

  // ── A correction request on a1's TOAN and a decided lock window ─────────────────────────────
  const filed = mustSucceed(
    await stack.query<{ fileCorrectionRequest: { id: string } }>(
      `mutation($i: FileCorrectionInput!) { fileCorrectionRequest(input: $i) { id } }`,
      {
        i: {
          classId: classA1,
          studentId: a1.id,
          schoolYear: YEAR,
          subjectCode: OWN_SUBJECT,
          changes: [{ field: 'term1.final', value: '8.5' }],
          reason: 'Nhập nhầm điểm cuối kì',
        },
      },
      subjectTeacher.token,
    ),
    'fileCorrectionRequest',
  );
  const window = mustSucceed(
    await stack.query<{ decideLockWindow: { id: string } }>(
      `mutation($s: ID!, $y: String!) { decideLockWindow(schoolId: $s, schoolYear: $y, period: TERM_1, grade: 11) { id } }`,
      { s: schoolId, y: YEAR },
      principal.token,
    ),
    'decideLockWindow',
  );

  const windowB = mustSucceed(
    await stack.query<{ decideLockWindow: { id: string } }>(
      `mutation($s: ID!, $y: String!) { decideLockWindow(schoolId: $s, schoolYear: $y, period: TERM_1, grade: 11) { id } }`,
      { s: schoolBId, y: YEAR },
      principalB.token,
    ),
    'decideLockWindow B',
  );
  const classA3Next = await createClass(stack, staff.token, {
    schoolId,
    schoolYear: NEXT_YEAR,
    grade: 11,
    name: '11A1',
  });
  const teacherChain = splitPemChain(
    await readFile(path.join(stack.keystoreDir, `${subjectTeacher.id}.chain.pem`), 'utf8'),
  );

  const cast: AccessWorld['cast'] = {
    PRINCIPAL: principal,
    VICE_PRINCIPAL: vice,
    HOMEROOM_TEACHER: homeroom,
    SUBJECT_TEACHER: subjectTeacher,
    ACADEMIC_STAFF: staff,
    SYSTEM_ADMIN: adminA,
    STUDENT: studentAccount,
    PARENT: parent,
    INSPECTOR: inspector,
    DEPARTMENT_ANALYST: analyst,
  };
  return {
    schoolA: { id: schoolId, name: a.school.name },
    schoolB: { id: schoolBId, name: b.school.name },
    classA1,
    classA2,
    classB1,
    classA11,
    a11,
    classB2,
    a1,
    a1b,
    a1c,
    a2,
    b1,
    cast,
    tokenOf: (role) => (role === 'ANONYMOUS' ? undefined : cast[role].token),
    otherTeacherA,
    homeroomA2,
    platformAdmin,
    adminB,
    principalB,
    staffB,
    homeroomB,
    teacherB,
    signatures: {
      ownSubject,
      otherSubject: bySubject[OTHER_SUBJECT]!,
      homeroom: homeroomSignature,
      approvalA1,
    },
    correctionRequestId: filed.data!.fileCorrectionRequest.id,
    lockWindowId: window.data!.decideLockWindow.id,
    lockWindowB: windowB.data!.decideLockWindow.id,
    caPem: pki.caPem,
    teacherChain,
    classA3Next,
    exportCode,
    share: { id: shareId, accessCode },
    transferId,
    b1Comment,
    a1Comment,
  };
}

// ── Argument builders: one per root field, aimed at the role's own scope and just outside it ────

/**
 * Where a call's arguments point, seen from a role of school A: its own scope, or another student
 * (same class), another class, another subject (same class), another school; `notPlatform`: a
 * platform-only operation asked by a school's administrator.
 */
export type Reach = 'own' | 'otherStudent' | 'otherClass' | 'otherSubject' | 'otherSchool' | 'notPlatform';

/** What lies outside each role's own scope, for the cast of AccessWorld. */
export const OUTSIDE: Record<MatrixRole, readonly Reach[]> = {
  ANONYMOUS: [],
  PRINCIPAL: ['otherSchool'],
  VICE_PRINCIPAL: ['otherSchool'],
  ACADEMIC_STAFF: ['otherSchool'],
  SYSTEM_ADMIN: ['otherSchool', 'notPlatform'],
  HOMEROOM_TEACHER: ['otherClass', 'otherSchool'],
  SUBJECT_TEACHER: ['otherClass', 'otherSubject', 'otherSchool'],
  PARENT: ['otherStudent', 'otherClass', 'otherSchool'],
  STUDENT: ['otherStudent', 'otherClass', 'otherSchool'],
  // Both name no school: every school is theirs to inspect (or to count).
  INSPECTOR: [],
  DEPARTMENT_ANALYST: [],
};

export interface Variant {
  reach: Reach;
  args: Record<string, unknown>;
  /** Sent with the platform administrator's token instead (for SYSTEM_ADMIN's own scope on platform-only fields). */
  as?: 'platformAdmin';
  /** Roles for which this call is outside their scope whatever OUTSIDE says (e.g. another teacher's signature). */
  outsideFor?: readonly MatrixRole[];
}

/** Throw-away targets for calls that change what they touch, made without the gateway. */
export class Throwaways {
  private admitted = 0;
  private counter = 0;
  constructor(
    private readonly stack: FullStack,
    private readonly world: AccessWorld,
  ) {}

  unique(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}${this.world.a1.id.slice(0, 4)}`.toLowerCase();
  }

  async account(school: 'A' | 'B') {
    const schoolId = school === 'A' ? this.world.schoolA.id : this.world.schoolB.id;
    return this.stack.createAccount(schoolId, `mt.tam${school}`, 'SUBJECT_TEACHER');
  }

  async teaching(school: 'A' | 'B'): Promise<string> {
    const account = await this.account(school);
    const classId = school === 'A' ? this.world.classA2 : this.world.classB1;
    const assignment = await assignTeaching(this.stack.identity.deps, SYSTEM_CALLER, {
      accountId: account.id,
      classId,
      subjectCode: 'VAT_LI',
      schoolYear: YEAR,
    });
    return assignment._id;
  }

  /** A fresh session of a throw-away account, opened by identity directly (not a login through the gateway). */
  async session(school: 'A' | 'B' = 'A', role?: 'none') {
    const schoolId = school === 'A' ? this.world.schoolA.id : this.world.schoolB.id;
    const account =
      role === 'none'
        ? await this.stack.createAccount(schoolId, `mt.tam${school}`)
        : await this.account(school);
    const session = await login(this.stack.identity.deps, SYSTEM_CALLER, {
      username: account.username,
      password: account.password,
    });
    return { ...account, accessToken: session.accessToken, refreshToken: session.refreshToken };
  }

  async refreshToken(): Promise<string> {
    return (await this.session()).refreshToken;
  }

  /** A family link code for the student, issued by its school's principal. */
  async linkCode(studentId: string): Promise<string> {
    const issued = mustSucceed(
      await this.stack.query<{ issueFamilyLinkCode: { code: string } }>(
        `mutation($s: ID!) { issueFamilyLinkCode(studentId: $s, relation: PARENT, guardianIndex: 0) { code } }`,
        { s: studentId },
        this.world.cast.PRINCIPAL.token,
      ),
      'issueFamilyLinkCode',
    );
    return issued.data!.issueFamilyLinkCode.code;
  }

  /** A throw-away parent of the student, verified through a link code its school issued; returns the link and its token. */
  async familyMember(studentId: string, school: 'A' | 'B') {
    const member = await this.session(school, 'none');
    const issuer = school === 'A' ? this.world.cast.PRINCIPAL.token : this.world.principalB.token;
    const linkId = await linkFamily(this.stack, member.accessToken, studentId, 'PARENT', issuer);
    return { linkId, token: member.accessToken };
  }

  /** A share of the student's record book, requested by its family (a1: the cast's parent). */
  async share(studentId: string): Promise<string> {
    const token =
      studentId === this.world.a1.id
        ? this.world.cast.PARENT.token
        : (await this.familyMember(studentId, studentId === this.world.b1.id ? 'B' : 'A')).token;
    const requested = mustSucceed(
      await this.stack.query<{ requestRecordShare: { id: string } }>(
        `mutation($i: RecordShareInput!) { requestRecordShare(input: $i) { id } }`,
        {
          i: {
            studentId,
            recipient: 'Đại học Bách khoa',
            purpose: 'Xét tuyển',
            validUntil: '2027-06-30T00:00:00Z',
          },
        },
        token,
      ),
      'requestRecordShare',
    );
    return requested.data!.requestRecordShare.id;
  }

  private readonly used = new Map<string, number>();
  private readonly shared = new Map<string, string>();

  /** The next demo person of the school's classes of a grade that nobody admitted yet. */
  private nextPerson(school: 'A' | 'B', grade: number, skip = 1) {
    const schoolId = school === 'A' ? this.world.schoolA.id : this.world.schoolB.id;
    const key = `${school}${grade}`;
    const index = (this.used.get(key) ?? skip - 1) + 1;
    this.used.set(key, index);
    const person = demoSchoolYear(schoolId, YEAR)
      .filter((c) => c.grade === grade)
      .flatMap((c) => c.students)[index];
    if (!person) throw new Error(`no demo person left in ${key}`);
    return person;
  }

  /**
   * A student admitted to A2 (or B1) for a move, a status or a transfer: a new one when the
   * caller may succeed (`fresh`), else one shared by the calls that must be refused.
   */
  async student(school: 'A' | 'B', fresh = true): Promise<string> {
    const { world } = this;
    const cached = this.shared.get(school);
    if (!fresh && cached) return cached;
    const token = school === 'A' ? world.cast.ACADEMIC_STAFF.token : world.staffB.token;
    const classId = school === 'A' ? world.classA2 : world.classB1;
    const id = (await admit(this.stack, token, classId, this.nextPerson(school, 11), 2)).id;
    if (!fresh) this.shared.set(school, id);
    return id;
  }

  /** A person not yet admitted anywhere, of the age of a grade-10 class (the fixtures use the first few). */
  person(school: 'A' | 'B', classId: string) {
    return { ...this.nextPerson(school, 10, 10), classId };
  }

  /** A correction request on a1's OWN_SUBJECT, filed by its teacher. */
  async correction(): Promise<string> {
    const { world } = this;
    const filed = mustSucceed(
      await this.stack.query<{ fileCorrectionRequest: { id: string } }>(
        `mutation($i: FileCorrectionInput!) { fileCorrectionRequest(input: $i) { id } }`,
        {
          i: {
            classId: world.classA1,
            studentId: world.a1.id,
            schoolYear: YEAR,
            subjectCode: OWN_SUBJECT,
            changes: [{ field: 'term2.final', value: '9' }],
            reason: 'Cộng nhầm điểm',
          },
        },
        world.cast.SUBJECT_TEACHER.token,
      ),
      'fileCorrectionRequest',
    );
    return filed.data!.fileCorrectionRequest.id;
  }
}

export interface CaseContext {
  world: AccessWorld;
  make: Throwaways;
  /** The role may succeed (its cell is not FORBIDDEN): give it a target of its own. */
  fresh: boolean;
  /** A1's TOAN gradebook of term 1 as an Excel file (base64), for importGradebook. */
  workbook: string;
}

export type RootCase = (context: CaseContext, role: MatrixRole) => Promise<Variant[]> | Variant[];

const v = (reach: Reach, args: Record<string, unknown>, as?: 'platformAdmin'): Variant =>
  as ? { reach, args, as } : { reach, args };

/** The same arguments aimed at a student: a1, then a1b (same class), a2 (another class), b1 (another school). */
function byStudent(w: AccessWorld, make: (studentId: string) => Record<string, unknown>): Variant[] {
  return [
    v('own', make(w.a1.id)),
    v('otherStudent', make(w.a1b.id)),
    v('otherClass', make(w.a2.id)),
    v('otherSchool', make(w.b1.id)),
  ];
}

function bySchool(w: AccessWorld, make: (schoolId: string) => Record<string, unknown>): Variant[] {
  return [v('own', make(w.schoolA.id)), v('otherSchool', make(w.schoolB.id))];
}

/** A1's OWN_SUBJECT; A1's other subject; A2's OWN_SUBJECT; B1's OWN_SUBJECT. */
function byClassSubject(
  w: AccessWorld,
  make: (classId: string, subjectCode: string) => Record<string, unknown>,
) {
  return [
    v('own', make(w.classA1, OWN_SUBJECT)),
    v('otherSubject', make(w.classA1, OTHER_SUBJECT)),
    v('otherClass', make(w.classA2, OWN_SUBJECT)),
    v('otherSchool', make(w.classB1, OWN_SUBJECT)),
  ];
}

function byClass(w: AccessWorld, make: (classId: string) => Record<string, unknown>): Variant[] {
  return [v('own', make(w.classA1)), v('otherClass', make(w.classA2)), v('otherSchool', make(w.classB1))];
}

const rowsOf = (subjectCode: string, students: StudentFixture[]) =>
  gradebookRows(
    subjectCode,
    1,
    students.map((s) => ({ id: s.id, index: s.index })),
  );

const GOOD_PASSWORD = 'Mat-khau-Moi-2026-9';

/**
 * Every root field of the composed API, with the arguments each role sends. A root field missing
 * here fails the matrix test: a new query or mutation cannot slip in unchecked.
 */
export const ROOT_CASES: Record<string, RootCase> = {
  // ── Queries ──────────────────────────────────────────────────────────────────────────────────
  'Query.subjects': () => [v('own', {})],
  'Query.subject': () => [v('own', { code: OWN_SUBJECT })],
  'Query.gradebook': ({ world: w }) =>
    byClassSubject(w, (classId, subjectCode) => ({ classId, subjectCode, schoolYear: YEAR, term: 'TERM_1' })),
  'Query.gradebookFile': ({ world: w }) =>
    byClassSubject(w, (classId, subjectCode) => ({ classId, subjectCode, schoolYear: YEAR, term: 'TERM_1' })),
  'Query.recordBook': ({ world: w }) => byStudent(w, (studentId) => ({ studentId })),
  'Query.exportByCode': ({ world: w }) => [v('own', { verificationCode: w.exportCode })],
  // The import school B made of a1c; for school A's cast it is another school's import.
  'Query.transferImport': ({ world: w }) => [v('otherSchool', { transferId: w.transferId })],
  'Query.syncReport': ({ world: w }) => bySchool(w, (schoolId) => ({ schoolId, schoolYear: YEAR })),
  // The analyst is school A's district's: school B, in another district, is outside its reach.
  'Query.statistics': ({ world: w }) => [
    v('own', { scope: 'SCHOOL', code: w.schoolA.id, schoolYear: YEAR }),
    {
      reach: 'otherSchool',
      args: { scope: 'SCHOOL', code: w.schoolB.id, schoolYear: YEAR },
      outsideFor: ['DEPARTMENT_ANALYST'],
    },
  ],
  'Query.me': () => [v('own', {})],
  'Query.account': ({ world: w }, role) => [
    v('own', { id: role === 'ANONYMOUS' ? w.cast.PRINCIPAL.id : w.cast[role].id }),
    v('otherSchool', { id: w.principalB.id }),
  ],
  'Query.accounts': ({ world: w }) => bySchool(w, (schoolId) => ({ schoolId, first: 5 })),
  'Query.school': ({ world: w }) => bySchool(w, (id) => ({ id })),
  'Query.signature': ({ world: w }, role) => [
    v('own', {
      id:
        role === 'HOMEROOM_TEACHER'
          ? w.signatures.homeroom
          : role === 'PARENT' || role === 'STUDENT'
            ? w.signatures.approvalA1
            : w.signatures.ownSubject,
    }),
    // Another teacher's signature: outside both teachers' scope (they see the signatures they made).
    {
      ...v('otherSubject', { id: w.signatures.otherSubject }),
      outsideFor: ['HOMEROOM_TEACHER', 'SUBJECT_TEACHER'],
    },
  ],
  'Query.signingBoard': ({ world: w }) => bySchool(w, (schoolId) => ({ schoolId, schoolYear: YEAR })),
  'Query.certificates': ({ world: w }) => bySchool(w, (schoolId) => ({ schoolId })),
  'Query.gradeApprovers': ({ world: w }) => bySchool(w, (schoolId) => ({ schoolId, schoolYear: YEAR })),
  'Query.lockWindows': ({ world: w }) => bySchool(w, (schoolId) => ({ schoolId, schoolYear: YEAR })),
  'Query.correctionRequests': ({ world: w }) => bySchool(w, (schoolId) => ({ schoolId, schoolYear: YEAR })),
  'Query.auditTrail': () => [v('own', { limit: 3 }, 'platformAdmin'), v('notPlatform', { limit: 3 })],
  'Query.verifyAuditTrail': () => [v('own', {}, 'platformAdmin'), v('notPlatform', {})],
  'Query.student': ({ world: w }) => byStudent(w, (id) => ({ id })),
  'Query.studentByPersonalId': ({ world: w }) => [
    v('own', { personalId: w.a1.personalId }),
    v('otherSchool', { personalId: w.b1.personalId }),
  ],
  'Query.class': ({ world: w }) => byClass(w, (id) => ({ id })),
  'Query.classes': ({ world: w }) => bySchool(w, (schoolId) => ({ schoolId, schoolYear: YEAR, grade: 10 })),
  'Query.students': ({ world: w }) => byClass(w, (classId) => ({ classId })),

  // ── Mutations: academics ───────────────────────────────────────────────────────────────────────
  'Mutation.recordGradebook': ({ world: w }) => [
    v('own', {
      input: {
        classId: w.classA1,
        subjectCode: OWN_SUBJECT,
        schoolYear: YEAR,
        term: 'TERM_1',
        rows: rowsOf(OWN_SUBJECT, [w.a1, w.a1b, w.a1c]),
      },
    }),
    v('otherSubject', {
      input: {
        classId: w.classA1,
        subjectCode: OTHER_SUBJECT,
        schoolYear: YEAR,
        term: 'TERM_1',
        rows: rowsOf(OTHER_SUBJECT, [w.a1, w.a1b, w.a1c]),
      },
    }),
    v('otherClass', {
      input: {
        classId: w.classA2,
        subjectCode: OWN_SUBJECT,
        schoolYear: YEAR,
        term: 'TERM_1',
        rows: rowsOf(OWN_SUBJECT, [w.a2]),
      },
    }),
    v('otherSchool', {
      input: {
        classId: w.classB1,
        subjectCode: OWN_SUBJECT,
        schoolYear: YEAR,
        term: 'TERM_1',
        rows: rowsOf(OWN_SUBJECT, [w.b1]),
      },
    }),
  ],
  'Mutation.importGradebook': ({ world: w, workbook }) =>
    byClassSubject(w, (classId, subjectCode) => ({
      input: { classId, subjectCode, schoolYear: YEAR, term: 'TERM_1', file: workbook },
    })),
  'Mutation.recordSummerReassessment': ({ world: w }) => [
    v('own', { input: { studentId: w.a1.id, subjectCode: OWN_SUBJECT, schoolYear: YEAR, score: 6 } }),
    v('otherSubject', {
      input: { studentId: w.a1.id, subjectCode: OTHER_SUBJECT, schoolYear: YEAR, score: 6 },
    }),
    v('otherClass', { input: { studentId: w.a2.id, subjectCode: OWN_SUBJECT, schoolYear: YEAR, score: 6 } }),
    v('otherSchool', { input: { studentId: w.b1.id, subjectCode: OWN_SUBJECT, schoolYear: YEAR, score: 6 } }),
  ],
  'Mutation.recordExemption': ({ world: w }) =>
    byStudent(w, (studentId) => ({
      input: {
        studentId,
        subjectCode: 'GD_THE_CHAT',
        schoolYear: YEAR,
        period: 'TERM_1',
        reason: 'Chấn thương',
      },
    })),
  'Mutation.cancelExemption': ({ world: w }) =>
    byStudent(w, (studentId) => ({ input: { studentId, subjectCode: 'GD_THE_CHAT', schoolYear: YEAR } })),

  // ── Mutations: archive ─────────────────────────────────────────────────────────────────────────
  'Mutation.exportRecordBook': ({ world: w }) => byStudent(w, (studentId) => ({ studentId, format: 'XML' })),
  'Mutation.issueTransferPackage': ({ world: w }) => [
    v('own', { studentId: w.a1b.id }),
    v('otherSchool', { studentId: w.b1.id }),
  ],
  'Mutation.importTransferPackage': ({ world: w }) => [
    v('own', { input: { package: '{}', classId: w.classA3Next, effectiveOn: '2026-09-07' } }),
    v('otherSchool', { input: { package: '{}', classId: w.classB2, effectiveOn: '2026-09-07' } }),
  ],

  // ── Mutations: conduct ─────────────────────────────────────────────────────────────────────────
  'Mutation.recordConduct': ({ world: w }) =>
    byStudent(w, (studentId) => ({ input: { studentId, schoolYear: YEAR, period: 'TERM_1', level: 'TOT' } })),
  'Mutation.recordAbsence': ({ world: w }) =>
    byStudent(w, (studentId) => ({
      input: { studentId, schoolYear: YEAR, date: '2025-10-07', session: 'AFTERNOON', excused: false },
    })),
  'Mutation.grantCommendation': ({ world: w }) =>
    byStudent(w, (studentId) => ({ input: { studentId, schoolYear: YEAR, title: 'Học sinh tích cực' } })),
  'Mutation.recordDiscipline': ({ world: w }) =>
    byStudent(w, (studentId) => ({
      input: {
        studentId,
        schoolYear: YEAR,
        form: 'Nhắc nhở',
        reason: 'Đi học muộn',
        decidedOn: '2025-12-01',
      },
    })),
  'Mutation.confirmYearOutcome': ({ world: w }) =>
    byStudent(w, (studentId) => ({ input: { studentId, schoolYear: YEAR } })),

  // ── Mutations: identity ────────────────────────────────────────────────────────────────────────
  'Mutation.login': async ({ make }) => {
    const account = await make.account('A');
    return [v('own', { input: { username: account.username, password: account.password } })];
  },
  'Mutation.refreshSession': async ({ make }) => [v('own', { refreshToken: await make.refreshToken() })],
  'Mutation.logout': async ({ make }) => [v('own', { refreshToken: await make.refreshToken() })],
  // The right current password and a too weak new one: a business refusal, nothing changes.
  'Mutation.changeOwnPassword': ({ world: w }, role) => [
    v('own', {
      input: { currentPassword: role === 'ANONYMOUS' ? 'x' : w.cast[role].password, newPassword: 'yeu' },
    }),
  ],
  'Mutation.createSchool': ({ make }) => [
    v('own', { input: { code: make.unique('mt-'), name: 'Trường THPT Thử' } }, 'platformAdmin'),
    v('notPlatform', { input: { code: make.unique('mt-'), name: 'Trường THPT Thử' } }),
  ],
  'Mutation.createAccount': ({ world: w, make }) =>
    bySchool(w, (schoolId) => ({
      input: {
        schoolId,
        username: make.unique('mt.moi'),
        displayName: 'Giáo viên Mới',
        password: GOOD_PASSWORD,
      },
    })),
  'Mutation.resetPassword': async ({ make }) => [
    v('own', { input: { accountId: (await make.account('A')).id, newPassword: GOOD_PASSWORD } }),
    v('otherSchool', { input: { accountId: (await make.account('B')).id, newPassword: GOOD_PASSWORD } }),
  ],
  'Mutation.disableAccount': async ({ make }) => [
    v('own', { id: (await make.account('A')).id, reason: 'Nghỉ việc' }),
    v('otherSchool', { id: (await make.account('B')).id, reason: 'Nghỉ việc' }),
  ],
  'Mutation.enableAccount': async ({ make }) => [
    v('own', { id: (await make.account('A')).id }),
    v('otherSchool', { id: (await make.account('B')).id }),
  ],
  'Mutation.grantRole': async ({ world: w, make }) => [
    v('own', {
      input: {
        accountId: (await make.account('A')).id,
        role: 'ACADEMIC_STAFF',
        scope: { schoolId: w.schoolA.id },
      },
    }),
    v('otherSchool', {
      input: {
        accountId: (await make.account('B')).id,
        role: 'ACADEMIC_STAFF',
        scope: { schoolId: w.schoolB.id },
      },
    }),
  ],
  'Mutation.revokeRole': async ({ make }) => [
    v('own', { roleAssignmentId: (await make.account('A')).roleAssignmentId }),
    v('otherSchool', { roleAssignmentId: (await make.account('B')).roleAssignmentId }),
  ],
  'Mutation.assignTeaching': async ({ world: w, make }) => [
    v('own', {
      input: {
        accountId: (await make.account('A')).id,
        classId: w.classA2,
        subjectCode: 'HOA_HOC',
        schoolYear: YEAR,
      },
    }),
    v('otherSchool', {
      input: {
        accountId: (await make.account('B')).id,
        classId: w.classB1,
        subjectCode: 'HOA_HOC',
        schoolYear: YEAR,
      },
    }),
  ],
  'Mutation.removeTeachingAssignment': async ({ make }) => [
    v('own', { id: await make.teaching('A') }),
    v('otherSchool', { id: await make.teaching('B') }),
  ],
  'Mutation.rotateSigningKey': () => [v('own', {}, 'platformAdmin'), v('notPlatform', {})],

  // ── Mutations: signatures ──────────────────────────────────────────────────────────────────────
  'Mutation.registerCertificateAuthority': ({ world: w }) =>
    bySchool(w, (schoolId) => ({ schoolId, certificatePem: w.caPem })),
  'Mutation.registerSigningCertificate': ({ world: w }) =>
    bySchool(w, (schoolId) => ({
      schoolId,
      accountId: w.cast.SUBJECT_TEACHER.id,
      certificateChainPem: w.teacherChain,
    })),
  'Mutation.assignGradeApprover': ({ world: w }) => [
    v('own', { schoolId: w.schoolA.id, schoolYear: YEAR, grade: 10, accountId: w.cast.PRINCIPAL.id }),
    v('otherSchool', { schoolId: w.schoolB.id, schoolYear: YEAR, grade: 10, accountId: w.principalB.id }),
  ],
  'Mutation.signSubjectResults': ({ world: w }) =>
    byClassSubject(w, (classId, subjectCode) => ({ classId, subjectCode, schoolYear: YEAR, period: 'YEAR' })),
  'Mutation.signClassConduct': ({ world: w }) =>
    byClass(w, (classId) => ({ classId, schoolYear: YEAR, period: 'YEAR' })),
  // Each approver its own grade: the principal grade 10 (A1), the vice principal grade 11 (A11).
  'Mutation.approveStudentRecord': ({ world: w }, role) => [
    v(
      'own',
      role === 'VICE_PRINCIPAL'
        ? { classId: w.classA11, studentId: w.a11.id, schoolYear: YEAR }
        : { classId: w.classA1, studentId: w.a1.id, schoolYear: YEAR },
    ),
    v('otherSchool', { classId: w.classB1, studentId: w.b1.id, schoolYear: YEAR }),
  ],
  'Mutation.approveClassRecords': ({ world: w }, role) => [
    v('own', { classId: role === 'VICE_PRINCIPAL' ? w.classA11 : w.classA1, schoolYear: YEAR }),
    v('otherSchool', { classId: w.classB1, schoolYear: YEAR }),
  ],
  'Mutation.decideLockWindow': ({ world: w }) =>
    bySchool(w, (schoolId) => ({ schoolId, schoolYear: YEAR, period: 'TERM_2', grade: 12 })),
  'Mutation.applyLockWindow': ({ world: w }) => [
    v('own', { id: w.lockWindowId }),
    v('otherSchool', { id: w.lockWindowB }),
  ],
  'Mutation.decideUnlock': ({ world: w }) => [
    v('own', { id: w.lockWindowId }),
    v('otherSchool', { id: w.lockWindowB }),
  ],
  'Mutation.applyUnlock': ({ world: w }) => [
    v('own', { id: w.lockWindowId }),
    v('otherSchool', { id: w.lockWindowB }),
  ],
  'Mutation.fileCorrectionRequest': ({ world: w }, role) => {
    const input = (classId: string, studentId: string, subjectCode: string | null) => ({
      input: {
        classId,
        studentId,
        schoolYear: YEAR,
        ...(subjectCode ? { subjectCode, changes: [{ field: 'term1.midterm', value: '7' }] } : {}),
        ...(subjectCode ? {} : { changes: [{ field: 'conduct.homeroomComment', value: 'Chăm ngoan' }] }),
        reason: 'Sửa nhầm lẫn',
      },
    });
    // A homeroom teacher corrects its class's conduct; a subject teacher the marks it teaches.
    const subject = role === 'HOMEROOM_TEACHER' ? null : OWN_SUBJECT;
    return [
      v('own', input(w.classA1, w.a1.id, subject)),
      v('otherSubject', input(w.classA1, w.a1.id, OTHER_SUBJECT)),
      v('otherClass', input(w.classA2, w.a2.id, subject)),
      v('otherSchool', input(w.classB1, w.b1.id, subject)),
    ];
  },
  'Mutation.approveCorrectionRequest': async ({ world: w, make, fresh }) => [
    v('own', { id: fresh ? await make.correction() : w.correctionRequestId, note: 'Đồng ý' }),
  ],
  'Mutation.rejectCorrectionRequest': async ({ world: w, make, fresh }) => [
    v('own', { id: fresh ? await make.correction() : w.correctionRequestId, note: 'Không đủ căn cứ' }),
  ],
  'Mutation.applyCorrectionRequest': ({ world: w }) => [v('own', { id: w.correctionRequestId })],

  // ── Mutations: students ────────────────────────────────────────────────────────────────────────
  'Mutation.createClass': ({ world: w, make }) =>
    bySchool(w, (schoolId) => ({
      input: { schoolId, schoolYear: NEXT_YEAR, grade: 12, name: make.unique('12T') },
    })),
  'Mutation.setClassHomeroomTeacher': ({ world: w }) => [
    v('own', { input: { classId: w.classA2, homeroomTeacherId: w.homeroomA2.id } }),
    v('otherSchool', { input: { classId: w.classB1, homeroomTeacherId: w.homeroomB.id } }),
  ],
  'Mutation.admitStudent': ({ world: w, make }) => [
    v('own', { input: make.person('A', w.classA2) }),
    v('otherSchool', { input: make.person('B', w.classB1) }),
  ],
  'Mutation.changeStudentClass': async ({ world: w, make, fresh }) => [
    v('own', {
      input: { studentId: await make.student('A', fresh), classId: w.classA1, effectiveOn: '2025-11-01' },
    }),
    v('otherSchool', {
      input: { studentId: await make.student('B', fresh), classId: w.classB1, effectiveOn: '2025-11-01' },
    }),
  ],
  'Mutation.transferStudentIn': ({ world: w }) => [
    v('own', {
      input: {
        personalId: w.a1c.personalId,
        dateOfBirth: w.a1c.dateOfBirth,
        classId: w.classA2,
        effectiveOn: '2026-03-02',
      },
    }),
    v('otherSchool', {
      input: {
        personalId: w.a1.personalId,
        dateOfBirth: w.a1.dateOfBirth,
        classId: w.classB1,
        effectiveOn: '2026-03-02',
      },
    }),
  ],
  'Mutation.transferStudentOut': async ({ make, fresh }) => [
    v('own', {
      input: { studentId: await make.student('A', fresh), effectiveOn: '2026-01-15', reason: 'Chuyển nhà' },
    }),
    v('otherSchool', {
      input: { studentId: await make.student('B', fresh), effectiveOn: '2026-01-15', reason: 'Chuyển nhà' },
    }),
  ],
  'Mutation.setStudentStatus': async ({ make, fresh }) => [
    v('own', {
      input: {
        studentId: await make.student('A', fresh),
        status: 'DROPPED_OUT',
        reason: 'Gia đình xin thôi học',
        effectiveOn: '2026-01-15',
      },
    }),
    v('otherSchool', {
      input: {
        studentId: await make.student('B', fresh),
        status: 'DROPPED_OUT',
        reason: 'Gia đình xin thôi học',
        effectiveOn: '2026-01-15',
      },
    }),
  ],
  'Mutation.enrolStudentInNewSchoolYear': async ({ world: w, make, fresh }) => [
    v('own', {
      input: { studentId: await make.student('A', fresh), classId: w.classA3Next, effectiveOn: '2026-09-05' },
    }),
    v('otherSchool', {
      input: { studentId: await make.student('B', fresh), classId: w.classB2, effectiveOn: '2026-09-05' },
    }),
  ],

  // ── Family links and shares with consent (issue 6) ─────────────────────────────────────────────
  'Mutation.issueFamilyLinkCode': ({ world: w }) =>
    byStudent(w, (studentId) => ({ studentId, relation: 'PARENT', guardianIndex: 0 })),
  // A real code (the test redeems it last of all: the account becomes a parent); a
  // code nobody issued for the calls that must be refused.
  'Mutation.redeemFamilyLinkCode': async ({ make, fresh }) => [
    // A student of its own per caller: a newer code for the same student and guardian replaces the older.
    v('own', { code: fresh ? await make.linkCode(await make.student('A')) : 'KHONGCOMA1234' }),
  ],
  'Mutation.revokeFamilyLink': async ({ world: w, make, fresh }) => [
    v('own', { linkId: fresh ? (await make.familyMember(w.a1b.id, 'A')).linkId : 'khong-co' }),
    v('otherClass', { linkId: fresh ? (await make.familyMember(w.a2.id, 'A')).linkId : 'khong-co' }),
    v('otherSchool', { linkId: fresh ? (await make.familyMember(w.b1.id, 'B')).linkId : 'khong-co' }),
  ],
  'Mutation.requestRecordShare': ({ world: w }) =>
    byStudent(w, (studentId) => ({
      input: {
        studentId,
        recipient: 'Đại học Sư phạm',
        purpose: 'Xét tuyển',
        validUntil: '2027-06-30T00:00:00Z',
      },
    })),
  'Mutation.consentToRecordShare': async ({ world: w, make, fresh }) => [
    v('own', { shareId: fresh ? await make.share(w.a1.id) : w.share.id }),
    v('otherStudent', { shareId: fresh ? await make.share(w.a1b.id) : w.share.id }),
  ],
  'Mutation.withdrawRecordShare': async ({ world: w, make, fresh }) => [
    v('own', { shareId: fresh ? await make.share(w.a1.id) : w.share.id }),
    v('otherStudent', { shareId: fresh ? await make.share(w.a1b.id) : w.share.id }),
  ],
  'Query.recordShares': ({ world: w }) => byStudent(w, (studentId) => ({ studentId })),
  'Query.sharedRecordBook': ({ world: w }) => [v('own', { accessCode: w.share.accessCode })],

  'Mutation.updateStudentPersonalData': ({ world: w }) =>
    byStudent(w, (studentId) => ({ input: { studentId, placeOfBirth: 'Hà Nội' } })),
};
