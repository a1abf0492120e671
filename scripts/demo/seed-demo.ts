/**
 * Loads the demo school year through the gateway, as its people would: the academic staff opens
 * the classes and admits the students, the administrator grants homeroom and teaching
 * assignments, each teacher records their gradebooks, each homeroom teacher the conduct and
 * absences; the school's certificates are issued (a local school CA, scripts/pki), registered by
 * the administrator, and the principal names the approver of each grade; the subjects of class
 * 10A1 are signed. Idempotent: re-running reuses what exists.
 *
 * Usage: tsx scripts/demo/seed-demo.ts <demo-credentials.json> <gateway url> <keystore dir>
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSchoolPki, sealKeyRef, splitPemChain } from '@hocbaso/signing';
import { demoSchoolYear } from '../../services/students/src/seed/demo-data';
import { absencesOf, conductOf, gradebookRows } from './marks';

const SCHOOL_YEAR = '2025-2026';

interface Credential {
  accountId: string;
  /** Null for a platform account (the demo's Phòng GD&ĐT). */
  schoolId: string | null;
  username: string;
  password: string;
  subjectCode?: string;
  homeroomOf?: string;
  parentIn?: string;
}

const [credentialsFile, gatewayUrl, keystoreDir] = process.argv.slice(2) as [string, string, string];
const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Credential[];
const byUsername = (name: string) => credentials.find((c) => c.username === name)!;

async function gql<T>(
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: T;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (body.errors?.length) {
    const error = new Error(
      body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '),
    ) as Error & { codes: string[] };
    error.codes = body.errors.map((e) => e.extensions?.code ?? '');
    throw error;
  }
  return body.data as T;
}

const tokens = new Map<string, string>();
async function tokenOf(credential: Credential): Promise<string> {
  const cached = tokens.get(credential.username);
  if (cached) return cached;
  const { login } = await gql<{ login: { accessToken: string } }>(
    null,
    `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`,
    {
      i: { username: credential.username, password: credential.password },
    },
  );
  tokens.set(credential.username, login.accessToken);
  return login.accessToken;
}

/** Other services learn the roster from events: retry (up to five minutes) while they catch up. */
async function retrying<T>(work: () => Promise<T>, attempts = 600): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function schoolDays(count: number): Array<{ date: string; session: 'MORNING' | 'AFTERNOON' }> {
  const days: Array<{ date: string; session: 'MORNING' | 'AFTERNOON' }> = [];
  const day = new Date('2025-09-08T00:00:00Z');
  while (days.length < count) {
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) {
      days.push({ date: day.toISOString().slice(0, 10), session: 'MORNING' });
      if (days.length < count) days.push({ date: day.toISOString().slice(0, 10), session: 'AFTERNOON' });
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

/** The local school CA and a certificate per signer, registered by the admin; approvers per grade. */
async function setUpSigning(schoolId: string, adminToken: string) {
  const signers = credentials.filter((c) => c.subjectCode || /hieutruong/.test(c.username));
  const pki = await createSchoolPki({
    outDir: keystoreDir,
    schoolId,
    schoolName: 'Trường THPT Demo',
    staff: signers.map((c) => ({ accountId: c.accountId, name: c.username })),
  });
  await gql(
    adminToken,
    `mutation($s: ID!, $p: String!) { registerCertificateAuthority(schoolId: $s, certificatePem: $p) { fingerprint } }`,
    {
      s: schoolId,
      p: pki.caPem,
    },
  );
  for (const keyRef of [...signers.map((c) => c.accountId), sealKeyRef(schoolId)]) {
    const chain = splitPemChain(readFileSync(path.join(keystoreDir, `${keyRef}.chain.pem`), 'utf8'));
    await gql(
      adminToken,
      `mutation($s: ID!, $a: ID, $c: [String!]!) { registerSigningCertificate(schoolId: $s, accountId: $a, certificateChainPem: $c) { fingerprint } }`,
      { s: schoolId, a: keyRef.startsWith('seal-') ? null : keyRef, c: chain },
    );
  }
  const principalToken = await tokenOf(byUsername('hieutruong.demo'));
  for (const [grade, username] of [
    [10, 'hieutruong.demo'],
    [11, 'phohieutruong11.demo'],
    [12, 'phohieutruong12.demo'],
  ] as const) {
    await gql(
      principalToken,
      `mutation($s: ID!, $y: String!, $g: Int!, $a: ID!) { assignGradeApprover(schoolId: $s, schoolYear: $y, grade: $g, accountId: $a) { grade } }`,
      { s: schoolId, y: SCHOOL_YEAR, g: grade, a: byUsername(username).accountId },
    );
  }
  process.stdout.write(`certificates of ${signers.length} signers registered; approvers named\n`);
}

async function main() {
  const admin = byUsername('admin.demo');
  const staff = byUsername('giaovu.demo');
  const schoolId = admin.schoolId!;
  const staffToken = await tokenOf(staff);
  const adminToken = await tokenOf(admin);
  await setUpSigning(schoolId, adminToken);

  // Re-running is safe: existing classes and students are reused; every later step is idempotent.
  const existing = await gql<{
    classes: Array<{ id: string; name: string; students: Array<{ id: string; personalId: string | null }> }>;
  }>(
    staffToken,
    `query($s: ID, $y: String!) { classes(schoolId: $s, schoolYear: $y) { id name students { id personalId } } }`,
    { s: schoolId, y: SCHOOL_YEAR },
  );

  const teachers = credentials.filter((c) => c.subjectCode);
  const classes: Array<{
    id: string;
    name: string;
    grade: number;
    students: Array<{ id: string; index: number }>;
  }> = [];
  for (const demoClass of demoSchoolYear(schoolId, SCHOOL_YEAR)) {
    const homeroom = teachers.find((t) => t.homeroomOf === demoClass.name);
    const found = existing.classes.find((c) => c.name === demoClass.name);
    const classId =
      found?.id ??
      (
        await gql<{ createClass: { id: string } }>(
          staffToken,
          `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
          {
            i: {
              schoolId,
              schoolYear: SCHOOL_YEAR,
              grade: demoClass.grade,
              name: demoClass.name,
              homeroomTeacherId: homeroom?.accountId ?? null,
            },
          },
        )
      ).createClass.id;
    const admitted = new Map((found?.students ?? []).map((s) => [s.personalId, s.id]));
    const students: Array<{ id: string; index: number }> = [];
    for (const [index, person] of demoClass.students.entries()) {
      const id =
        admitted.get(person.personalId) ??
        (
          await gql<{ admitStudent: { id: string } }>(
            staffToken,
            `mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id } }`,
            {
              i: { ...person, classId },
            },
          )
        ).admitStudent.id;
      students.push({ id, index });
    }
    classes.push({ id: classId, name: demoClass.name, grade: demoClass.grade, students });
    if (homeroom) {
      await gql(adminToken, `mutation($i: GrantRoleInput!) { grantRole(input: $i) { id } }`, {
        i: {
          accountId: homeroom.accountId,
          role: 'HOMEROOM_TEACHER',
          scope: { schoolId, classId, grade: demoClass.grade },
        },
      });
    }
    for (const teacher of teachers) {
      await gql(adminToken, `mutation($i: AssignTeachingInput!) { assignTeaching(input: $i) { id } }`, {
        i: {
          accountId: teacher.accountId,
          classId,
          subjectCode: teacher.subjectCode,
          schoolYear: SCHOOL_YEAR,
        },
      });
    }
    process.stdout.write(`class ${demoClass.name}: ${students.length} students\n`);
  }

  // Each teacher records both terms of their subject in every class.
  for (const teacher of teachers) {
    const token = await tokenOf(teacher);
    for (const schoolClass of classes) {
      for (const term of [1, 2] as const) {
        await retrying(async () => {
          const { recordGradebook } = await gql<{
            recordGradebook: { ok: boolean; errors: Array<{ code: string; message: string }> };
          }>(
            token,
            `mutation($i: RecordGradebookInput!) { recordGradebook(input: $i) { ok errors { code message } } }`,
            {
              i: {
                classId: schoolClass.id,
                subjectCode: teacher.subjectCode,
                schoolYear: SCHOOL_YEAR,
                term: `TERM_${term}`,
                rows: gradebookRows(teacher.subjectCode!, term, schoolClass.students),
              },
            },
          );
          // Signed by an earlier run: locked, and already what the demo records.
          if (
            recordGradebook.errors.length > 0 &&
            recordGradebook.errors.every((e) => e.code === 'RECORD_LOCKED')
          )
            return;
          if (!recordGradebook.ok) throw new Error(recordGradebook.errors.map((e) => e.message).join('; '));
        });
      }
    }
    process.stdout.write(`gradebooks of ${teacher.subjectCode} recorded\n`);
  }

  // Each homeroom teacher records conduct and absences.
  for (const schoolClass of classes) {
    const homeroom = teachers.find((t) => t.homeroomOf === schoolClass.name);
    if (!homeroom) continue;
    const token = await tokenOf(homeroom);
    for (const student of schoolClass.students) {
      for (const term of [1, 2] as const) {
        await retrying(() =>
          gql(token, `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`, {
            i: {
              studentId: student.id,
              schoolYear: SCHOOL_YEAR,
              period: `TERM_${term}`,
              level: conductOf(student.index, term),
            },
          }).catch((error: Error & { codes?: string[] }) => {
            // Signed by an earlier run.
            if (!error.codes?.includes('RECORD_LOCKED')) throw error;
          }),
        );
      }
      for (const [n, absence] of schoolDays(absencesOf(student.index)).entries()) {
        await gql(
          token,
          `mutation($i: RecordAbsenceInput!) { recordAbsence(input: $i) { absences { total } } }`,
          {
            i: {
              studentId: student.id,
              schoolYear: SCHOOL_YEAR,
              ...absence,
              excused: n % 2 === 0,
              reason: n % 2 === 0 ? 'Ốm, có giấy phép' : null,
            },
          },
        ).catch((error: Error & { codes?: string[] }) => {
          // Already recorded (or signed) by an earlier run.
          if (!error.codes?.some((code) => code === 'CONFLICT' || code === 'RECORD_LOCKED')) throw error;
        });
      }
    }
    process.stdout.write(`conduct of ${schoolClass.name} recorded\n`);
  }

  for (const parent of credentials.filter((c) => c.parentIn)) {
    const schoolClass = classes.find((c) => c.name === parent.parentIn);
    const homeroom = teachers.find((t) => t.homeroomOf === parent.parentIn);
    if (schoolClass?.students[0] && homeroom) await linkParent(parent, homeroom, schoolClass.students[0].id);
  }

  const first = classes.find((c) => c.name === '10A1');
  if (first) await signAndApprove(first);
}

/**
 * A parent reaches their child only through a verified link: the homeroom teacher issues a
 * one-time code for the student's first recorded guardian (on paper, in real life), and the parent
 * redeems it with their own account. On a re-run the link is already there (CONFLICT).
 */
async function linkParent(parent: Credential, homeroom: Credential, studentId: string) {
  const { issueFamilyLinkCode } = await gql<{ issueFamilyLinkCode: { code: string } }>(
    await tokenOf(homeroom),
    `mutation($s: ID!) { issueFamilyLinkCode(studentId: $s, relation: PARENT, guardianIndex: 0) { code } }`,
    { s: studentId },
  );
  await gql(await tokenOf(parent), `mutation($c: String!) { redeemFamilyLinkCode(code: $c) { id } }`, {
    c: issueFamilyLinkCode.code,
  }).catch((error: Error & { codes?: string[] }) => {
    if (!error.codes?.includes('CONFLICT')) throw error;
  });
  process.stdout.write(`${parent.username} linked to a student of ${parent.parentIn}\n`);
}

/**
 * Class 10A1 goes through the chain as far as its data allows: each subject teacher signs the
 * year; the homeroom teacher signs the conduct page and the principal approves every student
 * (then the archive syncs them to the local Ministry simulator) once no summer case of the class
 * is open. The demo leaves its summer cases open (to try the summer steps), so that step is
 * reported and skipped; nothing else depends on it. A refused step is tried once, not repeated:
 * each try is a signature attempt on record.
 */
async function signAndApprove(schoolClass: { id: string; name: string }) {
  type Signed = Record<string, { state: string; failure: { code: string; message: string } | null }>;
  const sign = async (token: string, mutation: string, variables: Record<string, unknown>) => {
    try {
      const result = await retrying(async () => {
        const answer = Object.values(await gql<Signed>(token, mutation, variables))[0]!;
        if (answer.state === 'LOCKING') throw new Error('still locking');
        return answer;
      }, 120);
      return result.state === 'SIGNED' ? null : (result.failure?.message ?? result.state);
    } catch (error) {
      const codes = (error as Error & { codes?: string[] }).codes ?? [];
      // Signed by an earlier run.
      return codes.includes('CONFLICT') ? null : (error as Error).message;
    }
  };
  const problems: string[] = [];
  for (const teacher of credentials.filter((c) => c.subjectCode)) {
    const problem = await sign(
      await tokenOf(teacher),
      `mutation($c: ID!, $s: String!, $y: String!) { signSubjectResults(classId: $c, subjectCode: $s, schoolYear: $y, period: YEAR) { state failure { code message } } }`,
      { c: schoolClass.id, s: teacher.subjectCode, y: SCHOOL_YEAR },
    );
    if (problem) problems.push(`${teacher.subjectCode}: ${problem}`);
  }
  const homeroom = credentials.find((c) => c.homeroomOf === schoolClass.name);
  if (homeroom && problems.length === 0) {
    const problem = await sign(
      await tokenOf(homeroom),
      `mutation($c: ID!, $y: String!) { signClassConduct(classId: $c, schoolYear: $y, period: YEAR) { state failure { code message } } }`,
      { c: schoolClass.id, y: SCHOOL_YEAR },
    );
    if (problem) problems.push(`homeroom: ${problem}`);
  }
  if (problems.length > 0) {
    process.stdout.write(`signing of ${schoolClass.name} skipped: ${problems.join('; ')}\n`);
    return;
  }
  const { approveClassRecords } = await gql<{ approveClassRecords: { approved: number; failed: number } }>(
    await tokenOf(byUsername('hieutruong.demo')),
    `mutation($c: ID!, $y: String!) { approveClassRecords(classId: $c, schoolYear: $y) { approved failed } }`,
    { c: schoolClass.id, y: SCHOOL_YEAR },
  );
  process.stdout.write(
    `${schoolClass.name} signed; ${approveClassRecords.approved} record books approved and sealed, ${approveClassRecords.failed} not\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`demo data failed: ${(error as Error).message}\n`);
  process.exit(1);
});
