import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { classCreated, createEvent, STUDENTS_SOURCE, SYSTEM_ACTOR } from '@hocbaso/events';
import { KafkaEventBus } from '@hocbaso/service-kit';
import { eventually, infra, testLogger, uniqueDbName, uniqueId } from '@hocbaso/testkit';
import { academicsConfigSchema } from '../../services/academics/src/env';
import { createAcademicsService, type AcademicsService } from '../../services/academics/src/server';
import { conductConfigSchema } from '../../services/conduct/src/env';
import { createConductService, type ConductService } from '../../services/conduct/src/server';
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
 * Every subgraph in this process behind one gateway: identity, students, academics, conduct and
 * signatures, each with its own database, talking over HTTP and Kafka exactly as in production.
 */
export class FullStack extends TestStack {
  students!: StudentsService;
  academics!: AcademicsService;
  conduct!: ConductService;
  signatures!: SignaturesService;
  /** The local signer's keystore: tests create the school's PKI here (scripts/pki). */
  readonly keystoreDir = mkdtempSync(path.join(tmpdir(), 'hocbaso-keystore-'));
  private readonly urls: Record<string, string> = {};

  static async startAll(): Promise<FullStack> {
    const stack = new FullStack();
    await stack.startIdentity();
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
        STUDENTS_DB_NAME: uniqueDbName('students'),
        STUDENTS_LOCKS_CONSUMER_GROUP: uniqueId('students-locks-e2e'),
        STUDENTS_LOCKS_CONSUME_FROM_BEGINNING: 'false',
      }),
      testLogger('students'),
    );
    this.urls.students = `http://127.0.0.1:${await this.students.listen()}/graphql`;
    this.academics = await createAcademicsService(
      academicsConfigSchema.parse({
        ...this.common(),
        ACADEMICS_PORT: '0',
        ACADEMICS_DB_NAME: uniqueDbName('academics'),
        ACADEMICS_CONSUMER_GROUP: uniqueId('academics-e2e'),
        ACADEMICS_ROSTER_FROM_BEGINNING: 'false',
        ACADEMICS_LOCKS_CONSUMER_GROUP: uniqueId('academics-locks-e2e'),
        ACADEMICS_LOCKS_CONSUME_FROM_BEGINNING: 'false',
      }),
      testLogger('academics'),
    );
    this.urls.academics = `http://127.0.0.1:${await this.academics.listen()}/graphql`;
    this.conduct = await createConductService(
      conductConfigSchema.parse({
        ...this.common(),
        CONDUCT_PORT: '0',
        CONDUCT_DB_NAME: uniqueDbName('conduct'),
        CONDUCT_CONSUMER_GROUP: uniqueId('conduct-e2e'),
        CONDUCT_CONSUME_FROM_BEGINNING: 'false',
        CONDUCT_LOCKS_CONSUMER_GROUP: uniqueId('conduct-locks-e2e'),
        CONDUCT_LOCKS_CONSUME_FROM_BEGINNING: 'false',
      }),
      testLogger('conduct'),
    );
    this.urls.conduct = `http://127.0.0.1:${await this.conduct.listen()}/graphql`;
    this.signatures = await createSignaturesService(
      signaturesConfigSchema.parse({
        ...this.common(),
        SIGNATURES_PORT: '0',
        SIGNATURES_DB_NAME: uniqueDbName('signatures'),
        SIGNATURES_CONSUMER_GROUP: uniqueId('signatures-e2e'),
        SIGNATURES_CONSUME_FROM_BEGINNING: 'false',
        SIGNING_KEYSTORE_DIR: this.keystoreDir,
      }),
      testLogger('signatures'),
    );
    this.urls.signatures = `http://127.0.0.1:${await this.signatures.listen()}/graphql`;
    await this.untilConsumersListen();
  }

  /**
   * Groups that start at the latest offsets miss what comes before their assignment: announce
   * marker classes until both read models have one.
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
        await bus.publish([{ topic: classCreated.topic, key: marker, value: JSON.stringify(event) }]);
        const seen = await eventually(
          async () =>
            !!(await this.conduct.deps.repository.findClass(marker)) &&
            !!(await this.signatures.deps.facts.findClass(marker)),
          1_500,
          100,
        ).catch(() => false);
        if (seen) return;
      }
      throw new Error('conduct and signatures did not start consuming');
    } finally {
      await bus.disconnect();
    }
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
      GATEWAY_PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    }) as GatewayConfig;
    this.gateway = await createGatewayServer(this.gatewayConfig, testLogger('gateway'));
    this.url = `http://127.0.0.1:${await this.gateway.listen()}/graphql`;
  }

  override async stop(): Promise<void> {
    await this.gateway?.close();
    await Promise.all([
      this.students?.close(),
      this.academics?.close(),
      this.conduct?.close(),
      this.signatures?.close(),
      this.identity?.close(),
    ]);
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
