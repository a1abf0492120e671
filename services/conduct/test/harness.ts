import { randomBytes, randomUUID } from 'node:crypto';
import {
  classCreated,
  createEvent,
  lockOwnersOf,
  lockReleased,
  lockRequested,
  SIGNATURES_SOURCE,
  STUDENTS_SOURCE,
  ACADEMICS_SOURCE,
  IDENTITY_SOURCE,
  schoolCreated,
  studentEnrolled,
  subjectResultRecorded,
  SYSTEM_ACTOR,
  type CloudEvent,
  type EventContract,
  type EventData,
  type LockScope,
} from '@hocbaso/events';
import { KafkaEventBus, type Principal } from '@hocbaso/service-kit';
import {
  eventually,
  infra,
  type CollectedEvent,
  type EventCollector,
  testLogger,
  uniqueDbName,
  uniqueId,
  forwardedIdentityHeader,
  postGraphQL,
  type GraphQLResult,
} from '@hocbaso/testkit';
import mongoose, { type Connection } from 'mongoose';
import { conductConfigSchema, type ConductConfig } from '../src/env';
import { createConductService, type ConductService } from '../src/server';

export type { GraphQLResult };

export const SCHOOL_YEAR = '2025-2026';

/** The admin who applies corrections through signatures. */
export const SIGNATURES_ACTOR = { accountId: 'admin-signatures', kind: 'user' as const };

/**
 * One conduct service on the local FerretDB and Kafka, with its own database and consumer group.
 * Other services' facts reach it the only way they may: as events on Kafka, published here.
 */
export class ConductHarness {
  readonly secret = randomBytes(32).toString('hex');
  readonly schoolId = randomUUID();
  url = '';
  config!: ConductConfig;
  service!: ConductService;
  /** The service's own database, read directly by tests (never written). */
  db!: Connection;
  private readonly bus = new KafkaEventBus({
    clientId: uniqueId('conduct-test'),
    brokers: infra().kafkaBrokers,
    logger: testLogger('bus'),
  });

  static async start(prefix: string): Promise<ConductHarness> {
    const harness = new ConductHarness();
    harness.config = conductConfigSchema.parse({
      MONGODB_URI: infra().mongodbUri,
      KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      INTERNAL_IDENTITY_SECRET: harness.secret,
      CONDUCT_PORT: '0',
      CONDUCT_METRICS_PORT: '0',
      CONDUCT_DB_NAME: uniqueDbName(prefix),
      CONDUCT_CONSUMER_GROUP: uniqueId('conduct-test'),
      // Each test file reads only what it publishes (not every earlier run's events): see waitUntilListening.
      CONDUCT_CONSUME_FROM_BEGINNING: 'false',
      CONDUCT_LOCKS_CONSUMER_GROUP: uniqueId('conduct-locks-test'),
      CONDUCT_LOCKS_CONSUME_FROM_BEGINNING: 'false',
      CONDUCT_STATISTICS_CONSUMER_GROUP: uniqueId('conduct-statistics-test'),
      CONDUCT_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
      OUTBOX_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    harness.service = await createConductService(harness.config, testLogger('conduct'));
    harness.url = `http://127.0.0.1:${await harness.service.listen()}`;
    harness.db = await mongoose
      .createConnection(harness.config.MONGODB_URI, { dbName: harness.config.CONDUCT_DB_NAME })
      .asPromise();
    await harness.waitUntilListening();
    return harness;
  }

  /**
   * A new group that starts at the latest offsets misses what is published before its partitions
   * are assigned; so announce marker classes until one arrives: from then on nothing is missed.
   */
  private async waitUntilListening(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const marker = randomUUID();
      await this.publish(classCreated, marker, {
        classId: marker,
        schoolId: this.schoolId,
        schoolYear: SCHOOL_YEAR,
        grade: 10,
        name: 'marker',
        homeroomTeacherId: null,
        actor: SYSTEM_ACTOR,
      });
      const seen = await eventually(
        async () => !!(await this.service.deps.repository.findClass(marker)),
        1_500,
        100,
      ).catch(() => false);
      if (seen) return;
    }
    throw new Error('the conduct consumer did not start listening within 60 s');
  }

  /**
   * The lock consumer (its own group) starts at the latest offsets too: request marker window locks
   * of a school of their own until one is applied. Only the lock tests need it.
   */
  async waitUntilLocksListening(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const markerSchool = randomUUID();
      await this.requestLock(
        { unit: 'WINDOW', schoolId: markerSchool, schoolYear: SCHOOL_YEAR, period: 'YEAR', grade: null },
        randomUUID(),
      );
      const seen = await eventually(
        async () => (await this.service.deps.locks.inForce(markerSchool, SCHOOL_YEAR)).length > 0,
        1_500,
        100,
      ).catch(() => false);
      if (seen) return;
    }
    throw new Error('the conduct lock consumer did not start listening within 60 s');
  }

  /**
   * Announces a school and where it is, as identity does, until the statistics consumer (its own
   * group, starting at the latest offsets) has placed it: from then on it misses nothing.
   */
  async announceSchool(place: {
    schoolId: string;
    provinceCode: string;
    districtCode: string;
    name?: string;
  }): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await this.publish(
        schoolCreated,
        place.schoolId,
        {
          schoolId: place.schoolId,
          code: place.schoolId.slice(0, 8),
          name: place.name ?? `Trường ${place.schoolId.slice(0, 8)}`,
          provinceCode: place.provinceCode,
          districtCode: place.districtCode,
          actor: SYSTEM_ACTOR,
        },
        IDENTITY_SOURCE,
      );
      const seen = await eventually(
        async () =>
          !!(await this.db.collection('statistics_school_places').findOne({ _id: place.schoolId as never })),
        1_500,
        100,
      ).catch(() => false);
      if (seen) return;
    }
    throw new Error('the conduct statistics consumer did not start listening within 60 s');
  }

  /** Publishes signatures' lock request for this scope (to the owners lockOwnersOf names), keyed by the lock id. */
  async requestLock(scope: LockScope, lockId: string): Promise<void> {
    await this.publish(
      lockRequested,
      lockId,
      { lockId, scope, owners: lockOwnersOf(scope), reason: 'SIGNATURE', actor: SYSTEM_ACTOR },
      SIGNATURES_SOURCE,
    );
  }

  async releaseLock(scope: LockScope, lockId: string): Promise<void> {
    await this.publish(
      lockReleased,
      lockId,
      { lockId, scope, owners: lockOwnersOf(scope), actor: SYSTEM_ACTOR },
      SIGNATURES_SOURCE,
    );
  }

  /** Publishes an event as signatures does (key: `key`); returns it, for `handled`. */
  async publishSignaturesEvent<C extends EventContract>(
    contract: C,
    key: string,
    data: EventData<C>,
  ): Promise<CloudEvent> {
    const event = createEvent(contract, {
      source: SIGNATURES_SOURCE,
      subject: `signatures/${key}`,
      key,
      data,
    });
    await this.bus.publish([{ topic: contract.topic, key, value: JSON.stringify(event) }]);
    return event as CloudEvent;
  }

  /** Waits until the service has handled this consumed event (its id is recorded as processed). */
  async handled(event: CloudEvent): Promise<void> {
    await eventually(
      async () => !!(await this.db.collection('processed_events').findOne({ _id: event.id as never })),
      30_000,
      50,
    );
  }

  /** What the relay published, from the service's own audit trail (event_log). */
  async published<T = Record<string, unknown>>(type: string, data: Record<string, unknown>): Promise<T[]> {
    const filter = Object.fromEntries(Object.entries(data).map(([k, v]) => [`data.${k}`, v]));
    const logged = await this.db
      .collection('event_log')
      .find({ type, ...filter })
      .sort({ time: 1 })
      .toArray();
    return logged.map((e) => e.data as T);
  }

  /**
   * The event of this type this service published with these data (found in its own event log),
   * as the collector received it: another conduct service on the same broker (a benchmark's, a
   * running stack's) answers the same lock and correction requests, from its own database.
   */
  async ownEvent(
    collector: EventCollector,
    type: string,
    data: Record<string, unknown>,
  ): Promise<CollectedEvent> {
    const filter = Object.fromEntries(Object.entries(data).map(([k, v]) => [`data.${k}`, v]));
    const logged = await eventually(
      () => this.db.collection<{ _id: string }>('event_log').findOne({ type, ...filter }),
      30_000,
      50,
    );
    const [found] = await collector.waitFor((event) => event.id === logged._id);
    return found!;
  }

  /** Waits until the outbox relay has published every pending event. */
  async settle(timeoutMs = 20_000): Promise<void> {
    await eventually(
      async () => {
        for (const collection of ['conduct_records', 'record_locks', 'correction_refusals']) {
          const pending = await this.db
            .collection(collection)
            .findOne({ _outboxPending: true }, { projection: { _id: 1 } });
          if (pending) return false;
        }
        return true;
      },
      timeoutMs,
      25,
    );
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

  /** A class with its homeroom teacher and `size` students, announced on Kafka as the students service would. */
  async createClass(size: number, grade: 10 | 11 | 12 = 10, schoolId: string = this.schoolId) {
    const classId = randomUUID();
    const homeroomTeacherId = randomUUID();
    await this.publish(classCreated, classId, {
      classId,
      schoolId,
      schoolYear: SCHOOL_YEAR,
      grade,
      name: `${grade}A${size}`,
      homeroomTeacherId,
      actor: SYSTEM_ACTOR,
    });
    const studentIds = Array.from({ length: size }, () => randomUUID());
    for (const [index, studentId] of studentIds.entries()) {
      await this.publish(studentEnrolled, studentId, {
        studentId,
        fullName: `Học sinh ${index + 1}`,
        schoolId,
        classId,
        schoolYear: SCHOOL_YEAR,
        grade,
        kind: 'ADMITTED',
        effectiveOn: '2025-09-05',
        actor: SYSTEM_ACTOR,
      });
    }
    await eventually(
      // The class and its students come on different topics: wait for both.
      async () =>
        (await this.service.deps.repository.roster(classId)).length === size &&
        !!(await this.service.deps.repository.findClass(classId)),
      60_000,
      100,
    );
    return { classId, homeroomTeacherId, studentIds };
  }

  /** Publishes a subject's year result as academics would. */
  async subjectResult(
    studentId: string,
    classId: string,
    subjectCode: string,
    year: { average?: number; result?: 'DAT' | 'CHUA_DAT' },
    reassessment: { average?: number } | null = null,
  ) {
    const kind = year.result ? 'COMMENT' : 'SCORE';
    const period = { average: year.average ?? null, result: year.result ?? null };
    await this.publish(
      subjectResultRecorded,
      studentId,
      {
        studentId,
        schoolId: this.schoolId,
        classId,
        schoolYear: SCHOOL_YEAR,
        subjectCode,
        kind,
        term1: period,
        term2: period,
        year: period,
        reassessment: reassessment ? { average: reassessment.average ?? null, result: null } : null,
        actor: SYSTEM_ACTOR,
      },
      ACADEMICS_SOURCE,
    );
  }

  homeroomTeacher(accountId: string, classId: string): Principal {
    return {
      accountId,
      username: 'gvcn',
      schoolId: this.schoolId,
      roles: [{ role: 'HOMEROOM_TEACHER', scope: { schoolId: this.schoolId, classId } }],
      teaching: [],
    };
  }

  principalOfSchool(): Principal {
    return {
      accountId: randomUUID(),
      username: 'ht',
      schoolId: this.schoolId,
      roles: [{ role: 'PRINCIPAL', scope: { schoolId: this.schoolId } }],
      teaching: [],
    };
  }

  parentOf(studentId: string): Principal {
    return {
      accountId: randomUUID(),
      username: 'ph',
      schoolId: null,
      roles: [{ role: 'PARENT', scope: { schoolId: this.schoolId, studentId } }],
      teaching: [],
    };
  }

  query<T = Record<string, unknown>>(
    principal: Principal | null,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphQLResult<T>> {
    return postGraphQL<T>(
      `${this.url}/graphql`,
      query,
      variables,
      forwardedIdentityHeader(principal, this.secret),
    );
  }

  async close(): Promise<void> {
    await this.bus.disconnect();
    await this.db?.close();
    await this.service?.close();
  }
}
