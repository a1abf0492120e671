/**
 * A signing run beside the bulk entry (R4, R12): one more grade-10 class with a whole year of marks
 * and conduct, its school PKI (scripts/pki's local CA, packages/signing) in the stack's keystore;
 * then, while the faults go on, its teacher signs every subject, the homeroom page, and the
 * principal approves every student. Each step is retried until signed, as a signer would; the
 * signatures acknowledged to them must afterwards exist and verify.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Api, ApiError, inParallel, retrying } from '../../bench/src/data/api';
import { admit, demoPeople } from '../../bench/src/data/school';
import type { Credential } from '../../bench/src/platform/stack';
import { createSchoolPki, sealKeyRef, splitPemChain } from '../../packages/signing/src';
import { gradebookRows } from '../../scripts/demo/marks';
import { SCHOOL_YEAR } from './entry';

/** Every compulsory subject and four electives: what a year result needs (gateway/test/full-stack.ts). */
export const COMPLETE_SUBJECTS = [
  'NGU_VAN',
  'TOAN',
  'NGOAI_NGU_1',
  'LICH_SU',
  'GDQP_AN',
  'VAT_LI',
  'HOA_HOC',
  'TIN_HOC',
  'DIA_LI',
  'GD_THE_CHAT',
  'HD_TRAI_NGHIEM_HUONG_NGHIEP',
  'GD_DIA_PHUONG',
];

export interface SigningStepRecord {
  step: string;
  attempts: number;
  failed: number;
  /** Signature ids acknowledged to the signer (SIGNED in the answer). */ signatureIds: string[];
  /** Retries refused with CONFLICT because an earlier, unanswered attempt had signed meanwhile. */
  refusedAsSigned: number;
  /** Answers LOCKING (the owners' lock confirmations later than SIGNING_WAIT_MS), then followed. */
  answeredLocking: number;
  signedAt?: number;
  /** The last error, and every error code answered, with how often. */
  error?: string;
  errors: Record<string, number>;
}

export interface SigningCheck {
  steps: SigningStepRecord[];
  acknowledged: number;
  /** Acknowledged signatures found afterwards, SIGNED, with a valid signature (and seal). */
  verified: number;
  problems: string[];
}

const SIGNATURE = `id state verification { valid sealValid problems { code } }`;

export class SigningRun {
  readonly steps: SigningStepRecord[] = [];
  private classId = '';
  private studentIds: string[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly api: Api,
    private readonly credentials: Credential[],
    private readonly keystoreDir: string,
    private readonly options: { students: number; pauseMs: number; stepTimeoutMs: number },
  ) {}

  private account(username: string): Credential {
    const found = this.credentials.find((c) => c.username === username);
    if (!found) throw new Error(`identity's demo seed has no ${username}`);
    return found;
  }

  private token(c: Credential): Promise<string> {
    return this.api.token(c.username, c.password);
  }

  private get admin() {
    return this.account('admin.demo');
  }
  private get principal() {
    return this.account('hieutruong.demo');
  }
  /** Teaches every subject of the class and is its homeroom teacher (a small cast, as in the e2e test). */
  private get teacher() {
    return this.account('gv.tin.demo');
  }

  /** The PKI, certificates, approver, and the class with its year of marks and conduct. */
  async prepare(log: (line: string) => void): Promise<void> {
    const { admin, principal, teacher } = this;
    const schoolId = admin.schoolId;
    const pki = await createSchoolPki({
      outDir: this.keystoreDir,
      schoolId,
      schoolName: 'Trường THPT Học Bạ Số',
      staff: [principal, teacher].map((a) => ({ accountId: a.accountId, name: a.username })),
    });
    const adminToken = await this.token(admin);
    await this.api.query(
      adminToken,
      `mutation($s: ID!, $pem: String!) { registerCertificateAuthority(schoolId: $s, certificatePem: $pem) { fingerprint } }`,
      { s: schoolId, pem: pki.caPem },
    );
    for (const keyRef of [principal.accountId, teacher.accountId, sealKeyRef(schoolId)]) {
      const chain = splitPemChain(await readFile(path.join(this.keystoreDir, `${keyRef}.chain.pem`), 'utf8'));
      await this.api.query(
        adminToken,
        `mutation($s: ID!, $a: ID, $c: [String!]!) { registerSigningCertificate(schoolId: $s, accountId: $a, certificateChainPem: $c) { kind } }`,
        { s: schoolId, a: keyRef.startsWith('seal-') ? null : keyRef, c: chain },
      );
    }
    await retrying(() =>
      this.token(principal).then((t) =>
        this.api.query(
          t,
          `mutation($s: ID!, $y: String!, $a: ID!) { assignGradeApprover(schoolId: $s, schoolYear: $y, grade: 10, accountId: $a) { grade } }`,
          { s: schoolId, y: SCHOOL_YEAR, a: principal.accountId },
        ),
      ),
    );

    const staffToken = await this.token(this.account('giaovu.demo'));
    const { createClass } = await this.api.query<{ createClass: { id: string } }>(
      staffToken,
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      {
        i: {
          schoolId,
          schoolYear: SCHOOL_YEAR,
          grade: 10,
          name: '10S1',
          homeroomTeacherId: teacher.accountId,
        },
      },
    );
    this.classId = createClass.id;
    await this.api.query(adminToken, `mutation($i: GrantRoleInput!) { grantRole(input: $i) { id } }`, {
      i: {
        accountId: teacher.accountId,
        role: 'HOMEROOM_TEACHER',
        scope: { schoolId, classId: this.classId, grade: 10 },
      },
    });
    for (const subjectCode of COMPLETE_SUBJECTS) {
      await this.api.query(
        adminToken,
        `mutation($i: AssignTeachingInput!) { assignTeaching(input: $i) { id } }`,
        {
          i: { accountId: teacher.accountId, classId: this.classId, subjectCode, schoolYear: SCHOOL_YEAR },
        },
      );
    }
    // Other people than the entry's classes (demo people are drawn by position).
    const people = demoPeople(`${schoolId}#signing`, this.options.students);
    this.studentIds = await inParallel(
      people.map((person) => () => admit(this.api, staffToken, { ...person, classId: this.classId })),
      4,
    );
    const teacherToken = await this.token(teacher);
    const students = this.studentIds.map((id, index) => ({ id, index: index + 2 }));
    // Academics and conduct learn the class from events: each write is retried until they have.
    await inParallel(
      COMPLETE_SUBJECTS.flatMap((subjectCode) =>
        ([1, 2] as const).map(
          (term) => () =>
            retrying(async () => {
              const { recordGradebook } = await this.api.query<{
                recordGradebook: { ok: boolean; errors: unknown[] };
              }>(
                teacherToken,
                `mutation($i: RecordGradebookInput!) { recordGradebook(input: $i) { ok errors { code message } } }`,
                {
                  i: {
                    classId: this.classId,
                    subjectCode,
                    schoolYear: SCHOOL_YEAR,
                    term: `TERM_${term}`,
                    rows: gradebookRows(subjectCode, term, students),
                  },
                },
              );
              if (!recordGradebook.ok) throw new Error(JSON.stringify(recordGradebook.errors));
            }, 180_000),
        ),
      ),
      3,
    );
    await inParallel(
      this.studentIds.flatMap((studentId) =>
        ['TERM_1', 'TERM_2'].map(
          (period) => () =>
            retrying(
              () =>
                this.api.query(
                  teacherToken,
                  `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
                  {
                    i: { studentId, schoolYear: SCHOOL_YEAR, period, level: 'TOT' },
                  },
                ),
              180_000,
            ),
        ),
      ),
      3,
    );
    log(
      `signing run: class 10S1 with ${this.studentIds.length} students, a year of marks in ${COMPLETE_SUBJECTS.length} subjects and conduct`,
    );
  }

  /** Runs the signing steps in the background, `pauseMs` apart, so that they meet the faults. */
  start(log: (line: string) => void): void {
    this.running = this.run(log);
  }

  /** Waits for the steps to finish (each is retried until signed or its time is up). */
  async finish(): Promise<void> {
    await this.running;
  }

  stop(): void {
    this.stopped = true;
  }

  private async run(log: (line: string) => void): Promise<void> {
    const teacherToken = () => this.token(this.teacher);
    const steps: Array<{
      step: string;
      /** Signed ids, or the id of a signature still LOCKING (to follow), or null (ask again). */
      sign: () => Promise<string[] | { locking: string } | null>;
      /** The signature as the signing board shows it (after a retry was refused as already signed). */
      lookup?: () => Promise<string[] | null>;
    }> = [
      ...COMPLETE_SUBJECTS.map((subjectCode) => ({
        step: `signSubjectResults ${subjectCode}`,
        lookup: async () => {
          const progress = await this.board();
          const signed = progress?.subjects
            .find((s) => s.subjectCode === subjectCode)
            ?.signatures.filter((s) => s.state === 'SIGNED');
          return signed?.length ? signed.map((s) => s.id) : null;
        },
        sign: async () => {
          const { signSubjectResults: s } = await this.api.query<{
            signSubjectResults: { id: string; state: string };
          }>(
            await teacherToken(),
            `mutation($c: ID!, $s: String!, $y: String!) { signSubjectResults(classId: $c, subjectCode: $s, schoolYear: $y, period: YEAR) { id state } }`,
            { c: this.classId, s: subjectCode, y: SCHOOL_YEAR },
          );
          return s.state === 'SIGNED' ? [s.id] : s.state === 'LOCKING' ? { locking: s.id } : null;
        },
      })),
      {
        step: 'signClassConduct',
        lookup: async () => {
          const signature = (await this.board())?.homeroomSignature;
          return signature?.state === 'SIGNED' ? [signature.id] : null;
        },
        sign: async () => {
          const { signClassConduct: s } = await this.api.query<{
            signClassConduct: { id: string; state: string };
          }>(
            await teacherToken(),
            `mutation($c: ID!, $y: String!) { signClassConduct(classId: $c, schoolYear: $y, period: YEAR) { id state } }`,
            { c: this.classId, y: SCHOOL_YEAR },
          );
          return s.state === 'SIGNED' ? [s.id] : s.state === 'LOCKING' ? { locking: s.id } : null;
        },
      },
      {
        step: 'approveClassRecords',
        sign: async () => {
          const { approveClassRecords: a } = await this.api.query<{
            approveClassRecords: { students: Array<{ signature: { id: string; state: string } | null }> };
          }>(
            await this.token(this.principal),
            `mutation($c: ID!, $y: String!) { approveClassRecords(classId: $c, schoolYear: $y) { students { signature { id state } } } }`,
            { c: this.classId, y: SCHOOL_YEAR },
          );
          const signed = a.students
            .filter((s) => s.signature?.state === 'SIGNED')
            .map((s) => s.signature!.id);
          // Asking again counts the approvals signed since: done when every student's page is.
          return signed.length === this.studentIds.length ? signed : null;
        },
      },
    ];
    for (const { step, sign, lookup } of steps) {
      const record: SigningStepRecord = {
        step,
        attempts: 0,
        failed: 0,
        refusedAsSigned: 0,
        answeredLocking: 0,
        signatureIds: [],
        errors: {},
      };
      this.steps.push(record);
      const deadline = Date.now() + this.options.stepTimeoutMs;
      // The answer of a signing still LOCKING after SIGNING_WAIT_MS (owners' confirmations late):
      // the signer follows that signature rather than asking again (which is refused meanwhile).
      let locking: string | undefined;
      while (!this.stopped && Date.now() < deadline) {
        record.attempts++;
        try {
          if (locking) {
            const state = await this.signatureState(locking);
            if (state === 'SIGNED') {
              record.signatureIds = [locking];
              record.signedAt = Date.now();
              break;
            }
            if (state !== 'LOCKING') locking = undefined; // failed: sign again
          } else {
            const answer = await sign();
            if (Array.isArray(answer)) {
              record.signatureIds = answer;
              record.signedAt = Date.now();
              break;
            }
            if (answer) {
              locking = answer.locking;
              record.answeredLocking++;
            }
          }
        } catch (error) {
          record.failed++;
          record.error =
            error instanceof ApiError ? error.codes.join(',') : (error as Error).message.slice(0, 80);
          record.errors[record.error] = (record.errors[record.error] ?? 0) + 1;
          // The answer of an attempt was lost (a process killed) and it signed meanwhile: the retry
          // is refused as already signed, and the signer looks at the signing board.
          if (error instanceof ApiError && error.codes.includes('CONFLICT') && lookup) {
            const ids = await lookup().catch(() => null);
            if (ids) {
              record.refusedAsSigned++;
              record.signatureIds = ids;
              record.signedAt = Date.now();
              break;
            }
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      if (!record.signedAt) {
        log(`signing run: ${step} not signed (${record.error ?? 'not SIGNED yet'})`);
        return;
      }
      log(`signing run: ${step} signed after ${record.attempts} attempts`);
      await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
    }
  }

  private async signatureState(id: string): Promise<string | null> {
    const { signature } = await this.api.query<{ signature: { state: string } | null }>(
      await this.token(this.teacher),
      `query($id: ID!) { signature(id: $id) { state } }`,
      { id },
    );
    return signature?.state ?? null;
  }

  /** This class's signing progress, as its teacher sees it (the whole school's board costs too much). */
  private async board(): Promise<{
    subjects: Array<{ subjectCode: string; signatures: Array<{ id: string; state: string }> }>;
    homeroomSignature: { id: string; state: string } | null;
  } | null> {
    const answer = await this.api.query<{
      class: {
        signingProgress: {
          subjects: Array<{ subjectCode: string; signatures: Array<{ id: string; state: string }> }>;
          homeroomSignature: { id: string; state: string } | null;
        } | null;
      } | null;
    }>(
      await this.token(this.teacher),
      `query($c: ID!, $y: String!) { class(id: $c) { signingProgress(schoolYear: $y) { subjects { subjectCode signatures { id state } } homeroomSignature { id state } } } }`,
      { c: this.classId, y: SCHOOL_YEAR },
    );
    return answer.class?.signingProgress ?? null;
  }

  /** Every signature acknowledged to a signer exists, is SIGNED and verifies (its seal too). */
  async check(): Promise<SigningCheck> {
    const problems: string[] = [];
    const ids = this.steps.flatMap((s) => s.signatureIds);
    let verified = 0;
    const token = await this.token(this.principal);
    for (const id of ids) {
      try {
        const { signature } = await retrying(
          () =>
            this.api.query<{
              signature: {
                state: string;
                verification: {
                  valid: boolean;
                  sealValid: boolean | null;
                  problems: Array<{ code: string }>;
                };
              } | null;
            }>(token, `query($id: ID!) { signature(id: $id) { ${SIGNATURE} } }`, { id }),
          30_000,
        );
        if (!signature) problems.push(`signature ${id}, acknowledged, is not found`);
        else if (
          signature.state !== 'SIGNED' ||
          !signature.verification.valid ||
          signature.verification.sealValid === false
        )
          problems.push(
            `signature ${id}: ${signature.state}, valid ${signature.verification.valid}, seal ${signature.verification.sealValid} (${signature.verification.problems.map((p) => p.code).join(',')})`,
          );
        else verified++;
      } catch (error) {
        problems.push(`signature ${id}: ${(error as Error).message.slice(0, 120)}`);
      }
    }
    for (const step of this.steps)
      if (!step.signedAt) problems.push(`${step.step} never signed: ${step.error ?? 'not SIGNED'}`);
    if (this.steps.length < COMPLETE_SUBJECTS.length + 2 && !problems.length)
      problems.push('the signing run stopped before its end');
    return { steps: this.steps, acknowledged: ids.length, verified, problems };
  }
}
