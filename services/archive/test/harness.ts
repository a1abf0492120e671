import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  certificateRegistered,
  classCreated,
  CONDUCT_SOURCE,
  createEvent,
  IDENTITY_SOURCE,
  outcomeComputed,
  recordYearApproved,
  schoolCreated,
  SIGNATURES_SOURCE,
  signatureSuperseded,
  STUDENTS_SOURCE,
  studentEnrolled,
  studentTransferApplied,
  SYSTEM_ACTOR,
  type EventContract,
  type EventData,
} from '@hocbaso/events';
import { recordBookTesting, type SignedYear } from '@hocbaso/record-book';
import { describeCertificate } from '@hocbaso/signing';
import { KafkaEventBus, type Principal } from '@hocbaso/service-kit';
import {
  eventually,
  forwardedIdentityHeader,
  infra,
  postGraphQL,
  testLogger,
  uniqueDbName,
  uniqueId,
  type GraphQLResult,
} from '@hocbaso/testkit';
import mongoose, { type Connection } from 'mongoose';
import { archiveConfigSchema, type ArchiveConfig } from '../src/env';
import { createArchiveService, type ArchiveService } from '../src/server';

export type { GraphQLResult };

export const SCHOOL_YEAR = '2025-2026';

/**
 * One archive service on the local FerretDB and Kafka, with its own database and consumer group.
 * Other services' facts and signatures' approvals reach it the only way they may: as events on
 * Kafka, published here.
 */
export class ArchiveHarness {
  readonly secret = randomBytes(32).toString('hex');
  /** The signer's keystore: tests copy the schools' seal keys in (recordBookTesting.copySigningKeys). */
  readonly keystoreDir = mkdtempSync(path.join(tmpdir(), 'hocbaso-archive-keys-'));
  url = '';
  config!: ArchiveConfig;
  service!: ArchiveService;
  /** The service's own database, read directly by tests (never written). */
  db!: Connection;
  private readonly bus = new KafkaEventBus({
    clientId: uniqueId('archive-test'),
    brokers: infra().kafkaBrokers,
    logger: testLogger('bus'),
  });

  static async start(
    prefix: string,
    ministry: { url: string; apiToken: string },
    env: Record<string, string> = {},
    options: { now?: () => Date } = {},
  ): Promise<ArchiveHarness> {
    const harness = new ArchiveHarness();
    harness.config = archiveConfigSchema.parse({
      MONGODB_URI: infra().mongodbUri,
      KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      INTERNAL_IDENTITY_SECRET: harness.secret,
      ARCHIVE_PORT: '0',
      ARCHIVE_METRICS_PORT: '0',
      ARCHIVE_DB_NAME: uniqueDbName(prefix),
      ARCHIVE_CONSUMER_GROUP: uniqueId('archive-test'),
      // Each test file reads only what it publishes (not every earlier run's events): see waitUntilListening.
      ARCHIVE_CONSUME_FROM_BEGINNING: 'false',
      ARCHIVE_STATISTICS_CONSUMER_GROUP: uniqueId('archive-statistics-test'),
      ARCHIVE_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
      OUTBOX_POLL_INTERVAL_MS: '100',
      MINISTRY_API_URL: ministry.url,
      MINISTRY_API_TOKEN: ministry.apiToken,
      MINISTRY_TIMEOUT_MS: '2000',
      SYNC_INTERVAL_MS: '100',
      SYNC_BACKOFF_BASE_MS: '100',
      SYNC_BACKOFF_MAX_MS: '1000',
      SIGNING_KEYSTORE_DIR: harness.keystoreDir,
      TRANSFER_WAIT_MS: '200',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...env,
    });
    harness.service = await createArchiveService(harness.config, testLogger('archive'), options);
    harness.url = `http://127.0.0.1:${await harness.service.listen()}`;
    harness.db = await mongoose
      .createConnection(harness.config.MONGODB_URI, { dbName: harness.config.ARCHIVE_DB_NAME })
      .asPromise();
    await harness.waitUntilListening();
    return harness;
  }

  /**
   * A new group that starts at the latest offsets misses what is published before its partitions
   * are assigned; so announce marker schools until one arrives in both groups: from then on
   * nothing is missed.
   * (Every topic the archive reads is joined in the same group, so one topic's marker is enough
   * once the group's assignment covers all of them: the marker is retried until it lands.)
   */
  private async waitUntilListening(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const marker = randomUUID();
      await this.publish(
        schoolCreated,
        marker,
        { schoolId: marker, code: 'MARKER', name: 'marker', actor: SYSTEM_ACTOR },
        IDENTITY_SOURCE,
      );
      // Both groups reading identity's schools: the read models' and the statistics'.
      const places = this.db.collection<{ _id: string }>('statistics_school_places');
      const seen = await eventually(
        async () =>
          !!(await this.service.deps.facts.school(marker)) && !!(await places.findOne({ _id: marker })),
        1_500,
        100,
      ).catch(() => false);
      if (seen) return;
    }
    throw new Error('the archive consumer did not start listening within 60 s');
  }

  async publish<C extends EventContract>(
    contract: C,
    key: string,
    data: EventData<C>,
    source = STUDENTS_SOURCE,
  ): Promise<void> {
    const event = createEvent(contract, { source, subject: key, key, data });
    await this.bus.publish([{ topic: contract.topic, key, value: JSON.stringify(event) }]);
  }

  /** A school, a class and its students, as identity and students announce them. */
  async createSchoolClass(input: {
    schoolId: string;
    schoolName: string;
    className: string;
    students: Array<{ studentId: string; fullName: string; outcome: string | null }>;
  }): Promise<{ classId: string }> {
    const classId = randomUUID();
    await this.publish(
      schoolCreated,
      input.schoolId,
      { schoolId: input.schoolId, code: 'THPT-NT', name: input.schoolName, actor: SYSTEM_ACTOR },
      IDENTITY_SOURCE,
    );
    await this.publish(classCreated, classId, {
      classId,
      schoolId: input.schoolId,
      schoolYear: SCHOOL_YEAR,
      grade: 10,
      name: input.className,
      homeroomTeacherId: null,
      actor: SYSTEM_ACTOR,
    });
    for (const student of input.students) {
      await this.publish(studentEnrolled, student.studentId, {
        studentId: student.studentId,
        fullName: student.fullName,
        schoolId: input.schoolId,
        classId,
        schoolYear: SCHOOL_YEAR,
        grade: 10,
        kind: 'ADMITTED',
        effectiveOn: '2025-09-05',
        actor: SYSTEM_ACTOR,
      });
      await this.publish(
        outcomeComputed,
        student.studentId,
        {
          studentId: student.studentId,
          schoolId: input.schoolId,
          schoolYear: SCHOOL_YEAR,
          learning: 'KHA',
          conduct: 'TOT',
          absences: 2,
          outcome: student.outcome as EventData<typeof outcomeComputed>['outcome'],
          title: null,
          actor: SYSTEM_ACTOR,
        },
        CONDUCT_SOURCE,
      );
    }
    return { classId };
  }

  /** Signatures' approval of a year page, whole, as signatures publishes it. */
  async approve(year: SignedYear): Promise<void> {
    await this.publish(
      recordYearApproved,
      year.studentId,
      {
        signatureId: year.signatureId,
        schoolId: year.school.id,
        schoolYear: year.schoolYear,
        classId: year.classId,
        studentId: year.studentId,
        recordVersion: year.recordVersion,
        approval: year.approval,
        seal: year.seal,
        actor: { accountId: 'approver', kind: 'user' },
      },
      SIGNATURES_SOURCE,
    );
  }

  /** Signatures superseded an approval for a correction. */
  async supersede(year: SignedYear, correctionId: string): Promise<void> {
    await this.publish(
      signatureSuperseded,
      year.studentId,
      {
        signatureId: year.signatureId,
        scope: {
          unit: 'STUDENT_YEAR',
          schoolId: year.school.id,
          schoolYear: year.schoolYear,
          classId: year.classId,
          studentId: year.studentId,
        },
        correctionId,
        actor: { accountId: 'admin', kind: 'user' },
      },
      SIGNATURES_SOURCE,
    );
  }

  /**
   * A school with its CA registered and one student whose year is signed, approved and known to
   * the archive (signed year, CA registry and student read model all caught up).
   */
  async schoolWithApprovedStudent(input: {
    schoolName: string;
    className: string;
    studentId: string;
    fullName: string;
  }): Promise<recordBookTesting.TestSchool> {
    const { studentId } = input;
    const school = await recordBookTesting.createTestSchool({
      schoolId: randomUUID(),
      schoolName: input.schoolName,
    });
    await recordBookTesting.copySigningKeys(school, this.keystoreDir);
    await this.registerCa(school);
    const { classId } = await this.createSchoolClass({
      schoolId: school.schoolId,
      schoolName: school.schoolName,
      className: input.className,
      students: [{ studentId, fullName: input.fullName, outcome: 'PROMOTED' }],
    });
    await this.approve(await recordBookTesting.signTestYear({ school, studentId, classId }));
    const deps = this.service.deps;
    await eventually(async () => (await deps.sync.signedYearsOf(studentId)).length === 1, 20_000);
    await eventually(async () => (await deps.facts.authorities()).length >= 1, 20_000);
    await eventually(async () => !!(await deps.facts.student(studentId)), 20_000);
    return school;
  }

  /** Signatures registered the school's CA (its signatures are trusted from now on). */
  async registerCa(school: { schoolId: string; caPem: string }): Promise<void> {
    const ca = describeCertificate(school.caPem);
    await this.publish(
      certificateRegistered,
      school.schoolId,
      {
        schoolId: school.schoolId,
        kind: 'CERTIFICATE_AUTHORITY',
        fingerprint: ca.fingerprint,
        accountId: null,
        subject: ca.commonName,
        notBefore: ca.notBefore,
        notAfter: ca.notAfter,
        actor: SYSTEM_ACTOR,
      },
      SIGNATURES_SOURCE,
    );
  }

  /** The students service's answer to a transfer, as it publishes it. */
  async answerTransfer(
    transferId: string,
    studentId: string,
    refusal: { code: string; message: string } | null,
  ) {
    await this.publish(studentTransferApplied, studentId, {
      transferId,
      studentId,
      outcome: refusal ? 'REFUSED' : 'APPLIED',
      refusal: refusal && { ...refusal, details: [] },
      appliedAt: new Date().toISOString(),
    });
  }

  async graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    principal: Principal | null,
  ): Promise<GraphQLResult<T>> {
    return postGraphQL<T>(
      `${this.url}/graphql`,
      query,
      variables,
      forwardedIdentityHeader(principal, this.secret),
    );
  }

  async close(): Promise<void> {
    await this.service.close();
    await this.db.dropDatabase().catch(() => undefined);
    await this.db.close();
    await this.bus.disconnect();
    rmSync(this.keystoreDir, { recursive: true, force: true });
  }
}
