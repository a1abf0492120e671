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

export const uniquePassword = () => `Mat-khau-${randomBytes(4).toString('hex')}-9`;
