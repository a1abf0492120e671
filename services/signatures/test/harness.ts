import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  classCreated,
  CORRECTION_ANSWERS,
  createEvent,
  IDENTITY_SOURCE,
  LOCK_CONFIRMATIONS,
  schoolCreated,
  STUDENTS_SOURCE,
  SYSTEM_ACTOR,
  type EventContract,
  type EventData,
} from '@hocbaso/events';
import { KafkaEventBus, type Principal } from '@hocbaso/service-kit';
import { createSchoolPki, sealKeyRef } from '@hocbaso/signing';
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
import { signaturesConfigSchema, type SignaturesConfig } from '../src/env';
import type { CorrectionDocument } from '../src/model/correction.model';
import type { LockDocument } from '../src/model/lock.model';
import type { SignatureDocument } from '../src/model/signature.model';
import { createSignaturesService, type SignaturesService } from '../src/server';
import { registerCertificateAuthority, registerSigningCertificate } from '../src/usecases/certificates';

export type { GraphQLResult };

export const SCHOOL_YEAR = '2025-2026';

/**
 * One signatures service on the local FerretDB and Kafka, with its own database and consumer
 * groups and a school PKI in a temporary keystore. Other services' facts reach it as their events,
 * published here; the data owners (academics, conduct, students) are played by `answerOwners`,
 * which confirms every lock and applies every correction of the schools it is given, on Kafka.
 */
export class SignaturesHarness {
  readonly secret = randomBytes(32).toString('hex');
  readonly keystoreDir = mkdtempSync(path.join(tmpdir(), 'hocbaso-signatures-keys-'));
  url = '';
  config!: SignaturesConfig;
  service!: SignaturesService;
  /** The service's own database, read directly by tests (never written). */
  db!: Connection;
  private readonly bus = new KafkaEventBus({
    clientId: uniqueId('signatures-test'),
    brokers: infra().kafkaBrokers,
    logger: testLogger('bus'),
  });
  private owners: Promise<void> | undefined;
  private closing = false;

  static async start(prefix: string): Promise<SignaturesHarness> {
    const harness = new SignaturesHarness();
    const group = uniqueId('signatures-test');
    harness.config = signaturesConfigSchema.parse({
      MONGODB_URI: infra().mongodbUri,
      KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      INTERNAL_IDENTITY_SECRET: harness.secret,
      SIGNATURES_PORT: '0',
      SIGNATURES_METRICS_PORT: '0',
      SIGNATURES_DB_NAME: uniqueDbName(prefix),
      SIGNATURES_CONSUMER_GROUP: group,
      // Each test file reads only what it publishes: see waitUntilListening.
      SIGNATURES_CONSUME_FROM_BEGINNING: 'false',
      SIGNATURES_STATISTICS_CONSUMER_GROUP: `${group}-statistics`,
      SIGNATURES_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
      SIGNING_KEYSTORE_DIR: harness.keystoreDir,
      SIGNING_WAIT_MS: '20000',
      OUTBOX_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    harness.service = await createSignaturesService(harness.config, testLogger('signatures'));
    harness.url = `http://127.0.0.1:${await harness.service.listen()}`;
    harness.db = await mongoose
      .createConnection(harness.config.MONGODB_URI, { dbName: harness.config.SIGNATURES_DB_NAME })
      .asPromise();
    await harness.waitUntilListening();
    return harness;
  }

  /**
   * A new group that starts at the latest offsets misses what is published before its partitions
   * are assigned: announce marker classes and schools until the read models' and the statistics'
   * groups have seen one (the answers' group joined with them, at start-up).
   */
  private async waitUntilListening(): Promise<void> {
    const deadline = Date.now() + 60_000;
    const places = this.db.collection<{ _id: string }>('statistics_school_places');
    while (Date.now() < deadline) {
      const marker = randomUUID();
      await this.publish(classCreated, marker, {
        classId: marker,
        schoolId: marker,
        schoolYear: SCHOOL_YEAR,
        grade: 10,
        name: 'marker',
        homeroomTeacherId: null,
        actor: SYSTEM_ACTOR,
      });
      await this.publish(
        schoolCreated,
        marker,
        { schoolId: marker, code: 'MARKER', name: 'marker', actor: SYSTEM_ACTOR },
        IDENTITY_SOURCE,
      );
      const seen = await eventually(
        async () =>
          !!(await this.service.deps.facts.findClass(marker)) && !!(await places.findOne({ _id: marker })),
        1_500,
        100,
      ).catch(() => false);
      if (seen) return;
    }
    throw new Error('the signatures consumers did not start listening within 60 s');
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

  /**
   * Plays academics, conduct and students for these schools: every lock requested is confirmed by
   * each owner named (with a small canonical content) and every correction applied, on Kafka, as
   * the owners answer. It learns of the requests from the service's database rather than from the
   * broker, so it answers before the owners of any other stack sharing the broker (which would
   * refuse: they do not know these students) and its answer is the one the chain sees first.
   */
  answerOwners(schoolIds: readonly string[]): void {
    const answered = new Set<string>();
    const signatures = this.db.collection<SignatureDocument>('signatures');
    const locks = this.db.collection<LockDocument>('locks');
    const corrections = this.db.collection<CorrectionDocument>('corrections');
    const confirmedAt = () => new Date().toISOString();
    const round = async () => {
      const waiting = await signatures
        .find({ schoolId: { $in: [...schoolIds] }, state: 'LOCKING' }, { projection: { lockId: 1 } })
        .toArray();
      const lockIds = waiting.map((s) => s.lockId).filter((id) => !answered.has(id));
      const requested = lockIds.length ? await locks.find({ _id: { $in: lockIds } }).toArray() : [];
      for (const lock of requested) answered.add(lock._id);
      // One batch for every owner of every lock waiting: the answers leave together, at once.
      const confirmations = requested.flatMap((lock) =>
        lock.owners.map((owner) => ({
          topic: LOCK_CONFIRMATIONS[owner].topic,
          key: lock._id,
          value: JSON.stringify(
            createEvent(LOCK_CONFIRMATIONS[owner], {
              source: `hocbaso/${owner}`,
              subject: `locks/${lock._id}`,
              key: lock._id,
              data: {
                lockId: lock._id,
                owner,
                outcome: 'APPLIED',
                content: { owner, scope: lock.scope },
                refusal: null,
                confirmedAt: confirmedAt(),
              },
            }),
          ),
        })),
      );
      if (confirmations.length) await this.bus.publish(confirmations);
      const applying = await corrections
        .find({ schoolId: { $in: [...schoolIds] }, state: 'APPLYING' })
        .toArray();
      for (const c of applying) {
        if (answered.has(c._id)) continue;
        answered.add(c._id);
        await this.publish(
          CORRECTION_ANSWERS[c.owner],
          c.studentId,
          {
            correctionId: c._id,
            owner: c.owner,
            outcome: 'APPLIED',
            changes: c.changes.map((change) => ({ field: change.field, before: null, after: change.value })),
            refusal: null,
            appliedAt: confirmedAt(),
          },
          `hocbaso/${c.owner}`,
        );
      }
    };
    this.owners = (async () => {
      while (!this.closing) {
        await round().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    })();
  }

  /**
   * The school's PKI in the service's keystore (a CA, the seal, a certificate per staff member),
   * registered by the school's admin through the service.
   */
  async registerSchoolPki(schoolId: string, staff: string[]): Promise<void> {
    const pki = await createSchoolPki({
      outDir: this.keystoreDir,
      schoolId,
      schoolName: `Trường ${schoolId}`,
      staff: staff.map((accountId) => ({ accountId, name: `Cán bộ ${accountId}` })),
    });
    const admin = adminOf(schoolId);
    const deps = this.service.deps;
    await registerCertificateAuthority(deps, admin, { schoolId, certificatePem: pki.caPem });
    const chainOf = async (keyRef: string) =>
      (await readFile(path.join(this.keystoreDir, `${keyRef}.chain.pem`), 'utf8'))
        .split(/(?=-----BEGIN CERTIFICATE-----)/)
        .map((pem) => pem.trim())
        .filter(Boolean);
    for (const accountId of staff)
      await registerSigningCertificate(deps, admin, {
        schoolId,
        accountId,
        certificateChainPem: await chainOf(accountId),
      });
    await registerSigningCertificate(deps, admin, {
      schoolId,
      accountId: null,
      certificateChainPem: await chainOf(sealKeyRef(schoolId)),
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
    this.closing = true;
    await this.owners;
    await this.service.close();
    await this.db.dropDatabase().catch(() => undefined);
    await this.db.close();
    await this.bus.disconnect();
    rmSync(this.keystoreDir, { recursive: true, force: true });
  }
}

export const adminOf = (schoolId: string) => ({
  principal: {
    accountId: `admin-${schoolId}`,
    username: 'quantri',
    schoolId,
    roles: [{ role: 'SYSTEM_ADMIN' as const, scope: { schoolId } }],
    teaching: [],
  },
  requestId: randomUUID(),
});
