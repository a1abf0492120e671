import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  academicsLockConfirmed,
  ACADEMICS_SOURCE,
  classCreated,
  createEvent,
  IDENTITY_SOURCE,
  schoolCreated,
  STUDENTS_SOURCE,
  SYSTEM_ACTOR,
} from '@hocbaso/events';
import { startMinistrySimulator, type MinistrySimulator } from '@hocbaso/ministry-simulator';
import { KafkaEventBus } from '@hocbaso/service-kit';
import { createSchoolPki, sealKeyRef, splitPemChain } from '@hocbaso/signing';
import { eventually, infra, testLogger, uniqueDbName, uniqueId } from '@hocbaso/testkit';
import { academicsConfigSchema } from '../../services/academics/src/env';
import { createAcademicsService, type AcademicsService } from '../../services/academics/src/server';
import { conductConfigSchema } from '../../services/conduct/src/env';
import { createConductService, type ConductService } from '../../services/conduct/src/server';
import { archiveConfigSchema } from '../../services/archive/src/env';
import { createArchiveService, type ArchiveService } from '../../services/archive/src/server';
import { signaturesConfigSchema } from '../../services/signatures/src/env';
import { createSignaturesService, type SignaturesService } from '../../services/signatures/src/server';
import { studentsConfigSchema } from '../../services/students/src/env';
import { createStudentsService, type StudentsService } from '../../services/students/src/server';
import { SYSTEM_CALLER } from '../../services/identity/src/usecases/deps';
import { assignTeaching, grantRole } from '../../services/identity/src/usecases/manage-roles';
import { demoSchoolYear } from '../../services/students/src/seed/demo-data';
import { gradebookRows } from '../../scripts/demo/marks';
import { gatewayConfigSchema, type GatewayConfig } from '../src/env';
import { createGatewayServer } from '../src/server';
import { TestStack } from './stack';

/**
 * Where a stack's data lives: its databases, its consumer groups and identity's key secret. A
 * stack started again with the same stores (after a backup is restored) finds everything it had.
 */
export interface FullStackStores {
  databases: {
    identity: string;
    students: string;
    academics: string;
    conduct: string;
    signatures: string;
    archive: string;
  };
  /** Signatures also reads with `<signatures>-audit`. */
  consumerGroups: {
    studentsLocks: string;
    academics: string;
    academicsLocks: string;
    conduct: string;
    conductLocks: string;
    signatures: string;
    archive: string;
    /** Each contributing service's statistics consumer. */
    studentsStatistics: string;
    academicsStatistics: string;
    conductStatistics: string;
    signaturesStatistics: string;
    archiveStatistics: string;
  };
  /** identity keeps its token-signing keys encrypted with this secret. */
  identityKeySecret: string;
}

type StatisticsService = 'students' | 'academics' | 'conduct' | 'signatures' | 'archive';
const STATISTICS_SERVICES: readonly StatisticsService[] = [
  'students',
  'academics',
  'conduct',
  'signatures',
  'archive',
];

export function newFullStackStores(): FullStackStores {
  return {
    databases: {
      identity: uniqueDbName('identity'),
      students: uniqueDbName('students'),
      academics: uniqueDbName('academics'),
      conduct: uniqueDbName('conduct'),
      signatures: uniqueDbName('signatures'),
      archive: uniqueDbName('archive'),
    },
    consumerGroups: {
      studentsLocks: uniqueId('students-locks-e2e'),
      academics: uniqueId('academics-e2e'),
      academicsLocks: uniqueId('academics-locks-e2e'),
      conduct: uniqueId('conduct-e2e'),
      conductLocks: uniqueId('conduct-locks-e2e'),
      signatures: uniqueId('signatures-e2e'),
      archive: uniqueId('archive-e2e'),
      studentsStatistics: uniqueId('students-statistics-e2e'),
      academicsStatistics: uniqueId('academics-statistics-e2e'),
      conductStatistics: uniqueId('conduct-statistics-e2e'),
      signaturesStatistics: uniqueId('signatures-statistics-e2e'),
      archiveStatistics: uniqueId('archive-statistics-e2e'),
    },
    identityKeySecret: randomBytes(32).toString('hex'),
  };
}

/**
 * Every subgraph in this process behind one gateway: identity, students, academics, conduct,
 * signatures and archive (with the Ministry simulator), each with its own database, talking over HTTP and Kafka exactly as in production.
 */
export class FullStack extends TestStack {
  students!: StudentsService;
  academics!: AcademicsService;
  conduct!: ConductService;
  signatures!: SignaturesService;
  archive!: ArchiveService;
  /** The Ministry database's stand-in, which the archive syncs approved records to. */
  ministry!: MinistrySimulator;
  /** The bearer token the archive sends the Ministry (a secret a log must never show). */
  ministryToken = '';
  /** The local signer's keystore: tests create the school's PKI here (scripts/pki). */
  readonly keystoreDir = mkdtempSync(path.join(tmpdir(), 'hocbaso-keystore-'));
  private readonly urls: Record<string, string> = {};

  /** A subgraph's own address, for a test that calls it without the gateway. */
  subgraphUrl(name: 'students' | 'academics' | 'conduct' | 'signatures' | 'archive'): string {
    return this.urls[name]!;
  }

  constructor(readonly stores: FullStackStores = newFullStackStores()) {
    super();
  }

  static async startAll(stores?: FullStackStores): Promise<FullStack> {
    const stack = new FullStack(stores);
    await stack.startIdentity(
      { SIGNING_KEY_ENCRYPTION_SECRET: stack.stores.identityKeySecret },
      stack.stores.databases.identity,
    );
    await stack.startOthers();
    await stack.startGatewayForAll();
    return stack;
  }

  private common() {
    return {
      MONGODB_URI: infra().mongodbUri,
      KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      INTERNAL_IDENTITY_SECRET: this.secret,
      OUTBOX_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };
  }

  private async startOthers(): Promise<void> {
    this.students = await createStudentsService(
      studentsConfigSchema.parse({
        ...this.common(),
        STUDENTS_PORT: '0',
        STUDENTS_METRICS_PORT: '0',
        STUDENTS_DB_NAME: this.stores.databases.students,
        STUDENTS_LOCKS_CONSUMER_GROUP: this.stores.consumerGroups.studentsLocks,
        STUDENTS_LOCKS_CONSUME_FROM_BEGINNING: 'false',
        STUDENTS_STATISTICS_CONSUMER_GROUP: this.stores.consumerGroups.studentsStatistics,
        STUDENTS_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
      }),
      this.logger('students'),
    );
    this.urls.students = `http://127.0.0.1:${await this.students.listen()}/graphql`;
    this.academics = await createAcademicsService(
      academicsConfigSchema.parse({
        ...this.common(),
        ACADEMICS_PORT: '0',
        ACADEMICS_METRICS_PORT: '0',
        ACADEMICS_DB_NAME: this.stores.databases.academics,
        ACADEMICS_CONSUMER_GROUP: this.stores.consumerGroups.academics,
        ACADEMICS_ROSTER_FROM_BEGINNING: 'false',
        ACADEMICS_LOCKS_CONSUMER_GROUP: this.stores.consumerGroups.academicsLocks,
        ACADEMICS_LOCKS_CONSUME_FROM_BEGINNING: 'false',
        ACADEMICS_STATISTICS_CONSUMER_GROUP: this.stores.consumerGroups.academicsStatistics,
        ACADEMICS_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
      }),
      this.logger('academics'),
    );
    this.urls.academics = `http://127.0.0.1:${await this.academics.listen()}/graphql`;
    this.conduct = await createConductService(
      conductConfigSchema.parse({
        ...this.common(),
        CONDUCT_PORT: '0',
        CONDUCT_METRICS_PORT: '0',
        CONDUCT_DB_NAME: this.stores.databases.conduct,
        CONDUCT_CONSUMER_GROUP: this.stores.consumerGroups.conduct,
        CONDUCT_CONSUME_FROM_BEGINNING: 'false',
        CONDUCT_LOCKS_CONSUMER_GROUP: this.stores.consumerGroups.conductLocks,
        CONDUCT_LOCKS_CONSUME_FROM_BEGINNING: 'false',
        CONDUCT_STATISTICS_CONSUMER_GROUP: this.stores.consumerGroups.conductStatistics,
        CONDUCT_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
      }),
      this.logger('conduct'),
    );
    this.urls.conduct = `http://127.0.0.1:${await this.conduct.listen()}/graphql`;
    this.signatures = await createSignaturesService(
      signaturesConfigSchema.parse({
        ...this.common(),
        SIGNATURES_PORT: '0',
        SIGNATURES_METRICS_PORT: '0',
        SIGNATURES_DB_NAME: this.stores.databases.signatures,
        SIGNATURES_CONSUMER_GROUP: this.stores.consumerGroups.signatures,
        SIGNATURES_CONSUME_FROM_BEGINNING: 'false',
        SIGNATURES_STATISTICS_CONSUMER_GROUP: this.stores.consumerGroups.signaturesStatistics,
        SIGNATURES_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
        SIGNING_KEYSTORE_DIR: this.keystoreDir,
      }),
      this.logger('signatures'),
    );
    this.urls.signatures = `http://127.0.0.1:${await this.signatures.listen()}/graphql`;
    const ministryToken = randomBytes(24).toString('hex');
    this.ministryToken = ministryToken;
    this.ministry = await startMinistrySimulator({ port: 0, apiToken: ministryToken });
    this.archive = await createArchiveService(
      archiveConfigSchema.parse({
        ...this.common(),
        ARCHIVE_PORT: '0',
        ARCHIVE_METRICS_PORT: '0',
        ARCHIVE_DB_NAME: this.stores.databases.archive,
        ARCHIVE_CONSUMER_GROUP: this.stores.consumerGroups.archive,
        ARCHIVE_CONSUME_FROM_BEGINNING: 'false',
        ARCHIVE_STATISTICS_CONSUMER_GROUP: this.stores.consumerGroups.archiveStatistics,
        ARCHIVE_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
        MINISTRY_API_URL: this.ministry.url,
        MINISTRY_API_TOKEN: ministryToken,
        SYNC_INTERVAL_MS: '200',
        SYNC_BACKOFF_BASE_MS: '200',
        SIGNING_KEYSTORE_DIR: this.keystoreDir,
        TRANSFER_WAIT_MS: '15000',
      }),
      this.logger('archive'),
    );
    this.urls.archive = `http://127.0.0.1:${await this.archive.listen()}/graphql`;
    await this.untilConsumersListen();
  }

  /**
   * Groups that start at the latest offsets miss what comes before their assignment: announce
   * marker classes (and a marker answer) until every group has one.
   */
  private async untilConsumersListen(): Promise<void> {
    const bus = new KafkaEventBus({
      clientId: uniqueId('e2e'),
      brokers: infra().kafkaBrokers,
      logger: testLogger('bus'),
    });
    try {
      for (let attempt = 0; attempt < 40; attempt++) {
        const marker = randomUUID();
        const event = createEvent(classCreated, {
          source: STUDENTS_SOURCE,
          subject: marker,
          key: marker,
          data: {
            classId: marker,
            schoolId: randomUUID(),
            schoolYear: '2025-2026',
            grade: 10,
            name: 'marker',
            homeroomTeacherId: null,
            actor: SYSTEM_ACTOR,
          },
        });
        // Signatures reads the owners' answers in a group of its own: a marker answer (to no lock).
        const answer = createEvent(academicsLockConfirmed, {
          source: ACADEMICS_SOURCE,
          subject: marker,
          key: marker,
          data: {
            lockId: marker,
            owner: 'academics',
            outcome: 'REFUSED',
            content: null,
            refusal: { code: 'NOT_FOUND', message: 'marker', details: [] },
            confirmedAt: new Date().toISOString(),
          },
        });
        // The statistics consumers keep the school directory: a marker school (placed nowhere).
        const school = createEvent(schoolCreated, {
          source: IDENTITY_SOURCE,
          subject: marker,
          key: marker,
          data: { schoolId: marker, code: 'marker', name: 'marker', actor: SYSTEM_ACTOR },
        });
        await bus.publish([
          { topic: classCreated.topic, key: marker, value: JSON.stringify(event) },
          { topic: academicsLockConfirmed.topic, key: marker, value: JSON.stringify(answer) },
          { topic: schoolCreated.topic, key: marker, value: JSON.stringify(school) },
        ]);
        const answers = this.signatures.deps.records.models.signatures.db.collection('processed_events');
        const seen = await eventually(
          async () =>
            !!(await this.conduct.deps.repository.findClass(marker)) &&
            !!(await this.signatures.deps.facts.findClass(marker)) &&
            !!(await this.archive.deps.facts.classById(marker)) &&
            !!(await answers.findOne({ _id: answer.id as never })) &&
            (await this.statisticsPlaced(marker)),
          1_500,
          100,
        ).catch(() => false);
        if (seen) return;
      }
      throw new Error('conduct, signatures and archive did not start consuming');
    } finally {
      await bus.disconnect();
    }
  }

  /** Whether every service's statistics consumer has the school in its directory. */
  private async statisticsPlaced(schoolId: string): Promise<boolean> {
    const db = this.signatures.deps.records.models.signatures.db;
    const found = await Promise.all(
      STATISTICS_SERVICES.map((service) =>
        db
          .useDb(this.stores.databases[service], { useCache: true })
          .collection('statistics_school_places')
          .findOne({ _id: schoolId as never }),
      ),
    );
    return found.every(Boolean);
  }

  private async startGatewayForAll(): Promise<void> {
    this.gatewayConfig = gatewayConfigSchema.parse({
      INTERNAL_IDENTITY_SECRET: this.secret,
      IDENTITY_BASE_URL: this.identityUrl,
      SUBGRAPH_IDENTITY_URL: `${this.identityUrl}/graphql`,
      SUBGRAPH_STUDENTS_URL: this.urls.students,
      SUBGRAPH_ACADEMICS_URL: this.urls.academics,
      SUBGRAPH_CONDUCT_URL: this.urls.conduct,
      SUBGRAPH_SIGNATURES_URL: this.urls.signatures,
      SUBGRAPH_ARCHIVE_URL: this.urls.archive,
      GATEWAY_PORT: '0',
      GATEWAY_METRICS_PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    }) as GatewayConfig;
    this.gateway = await createGatewayServer(this.gatewayConfig, this.logger('gateway'));
    this.url = `http://127.0.0.1:${await this.gateway.listen()}/graphql`;
  }

  override async stop(): Promise<void> {
    await this.gateway?.close();
    await Promise.all([
      this.students?.close(),
      this.academics?.close(),
      this.conduct?.close(),
      this.signatures?.close(),
      this.archive?.close(),
      this.identity?.close(),
    ]);
    await this.ministry?.close();
    rmSync(this.keystoreDir, { recursive: true, force: true });
  }
}

/** The compulsory subjects and four electives: a complete record book. */
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

/** A student of a test class, with its position in the demo profiles (2..: "good" students). */
export interface ClassStudent {
  id: string;
  index: number;
}

/**
 * The first grade-10 class of the demo year, opened by the academic staff, whose homeroom teacher
 * (granted the role) also teaches every subject given, to keep the cast small; with the first
 * `size` demo students admitted.
 */
export async function openClassTaughtByItsHomeroomTeacher(
  stack: FullStack,
  input: {
    schoolId: string;
    schoolYear: string;
    staffToken: string;
    teacherId: string;
    subjects: string[];
    size: number;
  },
): Promise<{ classId: string; students: ClassStudent[] }> {
  const { schoolId, schoolYear, staffToken, teacherId } = input;
  const demo = demoSchoolYear(schoolId, schoolYear).find((c) => c.grade === 10)!;
  const created = await stack.query<{ createClass: { id: string } }>(
    `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
    { i: { schoolId, schoolYear, grade: demo.grade, name: demo.name, homeroomTeacherId: teacherId } },
    staffToken,
  );
  const classId = created.data!.createClass.id;
  await grantRole(stack.identity.deps, SYSTEM_CALLER, {
    accountId: teacherId,
    role: 'HOMEROOM_TEACHER',
    scope: { schoolId, classId },
  });
  for (const subjectCode of input.subjects) {
    await assignTeaching(stack.identity.deps, SYSTEM_CALLER, {
      accountId: teacherId,
      classId,
      subjectCode,
      schoolYear,
    });
  }
  const students: ClassStudent[] = [];
  for (const [index, person] of demo.students.slice(0, input.size).entries()) {
    const admitted = await stack.query<{ admitStudent: { id: string } }>(
      `mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id } }`,
      { i: { ...person, classId } },
      staffToken,
    );
    students.push({ id: admitted.data!.admitStudent.id, index: index + 2 });
  }
  return { classId, students };
}

export interface GradebookAnswer {
  recordGradebook: {
    ok: boolean;
    errors: Array<{ code: string; studentId: string | null; column: string; message: string }>;
  };
}

/** One gradebook write of a class, as its teacher makes it. */
export function recordGradebook(
  stack: FullStack,
  token: string,
  key: { classId: string; subjectCode: string; schoolYear: string; term: 1 | 2 },
  rows: unknown[],
) {
  return stack.query<GradebookAnswer>(
    `mutation($i: RecordGradebookInput!) { recordGradebook(input: $i) { ok errors { code studentId column message } } }`,
    {
      i: {
        classId: key.classId,
        subjectCode: key.subjectCode,
        schoolYear: key.schoolYear,
        term: `TERM_${key.term}`,
        rows,
      },
    },
    token,
  );
}

/** Both terms of every subject given, with the demo profiles' marks (academics learns the roster from events: retried until it knows the class). */
export async function recordYearOfMarks(
  stack: FullStack,
  token: string,
  input: { classId: string; schoolYear: string; subjects: string[]; students: ClassStudent[] },
): Promise<void> {
  for (const subjectCode of input.subjects) {
    for (const term of [1, 2] as const) {
      const written = await eventually(async () => {
        const result = await recordGradebook(
          stack,
          token,
          { classId: input.classId, subjectCode, schoolYear: input.schoolYear, term },
          gradebookRows(subjectCode, term, input.students),
        );
        return result.data?.recordGradebook.ok ? result : null;
      }, 60_000);
      expect(written.errors).toBeUndefined();
    }
  }
}

export const uniquePassword = () => `Mat-khau-${randomBytes(4).toString('hex')}-9`;

/**
 * A school whose grade-10 class went through the whole approval chain for the year: its PKI in the
 * stack's keystore (one school per stack: a keystore holds one CA), certificates registered, the
 * principal approving grade 10, every subject and the homeroom page signed, every student approved
 * and sealed. For tests of what follows an approval (the archive).
 */
export async function schoolWithApprovedClass(
  stack: FullStack,
  input: { prefix: string; schoolYear: string; size: number },
) {
  const { school, admin } = await stack.createSchoolWithAdmin(input.prefix);
  const schoolId = school._id;
  const principal = await stack.createAccount(schoolId, `${input.prefix}.hieutruong`, 'PRINCIPAL');
  const staff = await stack.createAccount(schoolId, `${input.prefix}.giaovu`, 'ACADEMIC_STAFF');
  const homeroom = await stack.createAccount(schoolId, `${input.prefix}.gvcn`, 'SUBJECT_TEACHER');
  const token = async (a: { username: string; password: string }) =>
    (await stack.login(a.username, a.password)).accessToken;
  const [adminT, principalT, staffT] = (await Promise.all([admin, principal, staff].map(token))) as [
    string,
    string,
    string,
  ];
  const pki = await createSchoolPki({
    outDir: stack.keystoreDir,
    schoolId,
    schoolName: school.name,
    staff: [principal, homeroom].map((a) => ({ accountId: a.id, name: a.username })),
  });
  const mustSucceed = (result: { errors?: unknown[] }, what: string) => {
    if (result.errors) throw new Error(`${what}: ${JSON.stringify(result.errors)}`);
  };
  mustSucceed(
    await stack.query(
      `mutation($s: ID!, $pem: String!) { registerCertificateAuthority(schoolId: $s, certificatePem: $pem) { fingerprint } }`,
      { s: schoolId, pem: pki.caPem },
      adminT,
    ),
    'registerCertificateAuthority',
  );
  for (const keyRef of [principal.id, homeroom.id, sealKeyRef(schoolId)]) {
    const chain = splitPemChain(await readFile(path.join(stack.keystoreDir, `${keyRef}.chain.pem`), 'utf8'));
    mustSucceed(
      await stack.query(
        `mutation($s: ID!, $a: ID, $c: [String!]!) { registerSigningCertificate(schoolId: $s, accountId: $a, certificateChainPem: $c) { kind } }`,
        { s: schoolId, a: keyRef.startsWith('seal-') ? null : keyRef, c: chain },
        adminT,
      ),
      'registerSigningCertificate',
    );
  }
  mustSucceed(
    await stack.query(
      `mutation($s: ID!, $y: String!, $a: ID!) { assignGradeApprover(schoolId: $s, schoolYear: $y, grade: 10, accountId: $a) { grade } }`,
      { s: schoolId, y: input.schoolYear, a: principal.id },
      principalT,
    ),
    'assignGradeApprover',
  );
  const { classId, students } = await openClassTaughtByItsHomeroomTeacher(stack, {
    schoolId,
    schoolYear: input.schoolYear,
    staffToken: staffT,
    teacherId: homeroom.id,
    subjects: COMPLETE_SUBJECTS,
    size: input.size,
  });
  const teacherT = await token(homeroom);
  await recordYearOfMarks(stack, teacherT, {
    classId,
    schoolYear: input.schoolYear,
    subjects: COMPLETE_SUBJECTS,
    students,
  });
  for (const student of students) {
    for (const period of ['TERM_1', 'TERM_2']) {
      await eventually(async () => {
        const result = await stack.query(
          `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
          { i: { studentId: student.id, schoolYear: input.schoolYear, period, level: 'TOT' } },
          teacherT,
        );
        return !result.errors;
      }, 60_000);
    }
  }
  const signedState = async (mutation: string, variables: Record<string, unknown>) => {
    const result = await stack.query<Record<string, { state: string }>>(mutation, variables, teacherT);
    return Object.values(result.data ?? {})[0]?.state === 'SIGNED' ? result : null;
  };
  for (const subjectCode of COMPLETE_SUBJECTS) {
    await eventually(
      () =>
        signedState(
          `mutation($c: ID!, $s: String!, $y: String!) { signSubjectResults(classId: $c, subjectCode: $s, schoolYear: $y, period: YEAR) { state } }`,
          { c: classId, s: subjectCode, y: input.schoolYear },
        ),
      60_000,
    );
  }
  await eventually(
    () =>
      signedState(
        `mutation($c: ID!, $y: String!) { signClassConduct(classId: $c, schoolYear: $y, period: YEAR) { state } }`,
        { c: classId, y: input.schoolYear },
      ),
    90_000,
  );
  const approve = () =>
    stack.query<{ approveClassRecords: { approved: number } }>(
      `mutation($c: ID!, $y: String!) { approveClassRecords(classId: $c, schoolYear: $y) { approved } }`,
      { c: classId, y: input.schoolYear },
      principalT,
    );
  let approved = await approve();
  // On a busy machine the owners' lock confirmations can outlast SIGNING_WAIT_MS: asking again
  // counts the approvals signed since (a signature still locking is not requested twice).
  if (approved.data?.approveClassRecords.approved !== students.length) {
    await eventually(
      async () => (approved = await approve()).data?.approveClassRecords.approved === students.length,
      120_000,
      1_000,
    ).catch(() => undefined);
  }
  if (approved.data?.approveClassRecords.approved !== students.length) {
    throw new Error(`approval: ${JSON.stringify(approved)}`);
  }
  return {
    school,
    pki,
    classId,
    students,
    admin,
    principal,
    staff,
    homeroom,
    adminT,
    principalT,
    staffT,
    teacherT,
  };
}
