import { randomBytes, randomUUID } from 'node:crypto';
import {
  classCreated,
  createEvent,
  IDENTITY_SOURCE,
  lockReleased,
  lockRequested,
  schoolCreated,
  SIGNATURES_SOURCE,
  STUDENTS_SOURCE,
  studentEnrolled,
  studentLeftClass,
  studentPersonalDataChanged,
  studentStatusChanged,
  subjectResultRecorded,
  SYSTEM_ACTOR,
  type CloudEvent,
  type EventContract,
  type EventData,
  type LockOwner,
  type LockScope,
} from '@hocbaso/events';
import { KafkaEventBus, type Principal, type TeachingGrant } from '@hocbaso/service-kit';
import type { Role, RoleScope } from '@hocbaso/events';
import {
  eventually,
  infra,
  testLogger,
  uniqueDbName,
  uniqueId,
  forwardedIdentityHeader,
  postGraphQL,
  type GraphQLResult,
} from '@hocbaso/testkit';
import mongoose, { type Connection } from 'mongoose';
import { academicsConfigSchema, type AcademicsConfig } from '../src/env';
import { createAcademicsService, type AcademicsService } from '../src/server';

export const SCHOOL_YEAR = '2025-2026';

/** The admin who applies locks and corrections in signatures. */
export const SIGNATURES_ACTOR = { accountId: 'admin-signatures', kind: 'user' as const };

export type { GraphQLResult };

export interface TestClass {
  classId: string;
  schoolId: string;
  grade: 10 | 11 | 12;
  name: string;
  homeroomTeacherId: string;
  students: Array<{ studentId: string; fullName: string }>;
}

const GIVEN_NAMES = [
  'An',
  'Bình',
  'Chi',
  'Dũng',
  'Giang',
  'Hà',
  'Khánh',
  'Linh',
  'Minh',
  'Nam',
  'Oanh',
  'Phúc',
];

/**
 * One academics service on the local FerretDB and Kafka, with its own database and its own
 * consumer group, listening on a free port. The roster comes from students events the test
 * publishes on Kafka (a real round trip through the service's consumer); the subgraph is called
 * as the gateway would, with a signed forwarded identity.
 */
export class AcademicsHarness {
  readonly secret = randomBytes(32).toString('hex');
  url = '';
  config!: AcademicsConfig;
  service!: AcademicsService;
  /** A connection of the test's own to the service's database. */
  db!: Connection;
  private bus!: KafkaEventBus;

  static async start(prefix: string): Promise<AcademicsHarness> {
    const harness = new AcademicsHarness();
    harness.config = academicsConfigSchema.parse({
      MONGODB_URI: infra().mongodbUri,
      KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      INTERNAL_IDENTITY_SECRET: harness.secret,
      ACADEMICS_PORT: '0',
      ACADEMICS_METRICS_PORT: '0',
      ACADEMICS_DB_NAME: uniqueDbName(prefix),
      ACADEMICS_CONSUMER_GROUP: uniqueId(`academics-test-${prefix}`),
      // A new group reads from the end of the topics: other tests' history is not this test's roster.
      ACADEMICS_ROSTER_FROM_BEGINNING: 'false',
      ACADEMICS_LOCKS_CONSUMER_GROUP: uniqueId(`academics-test-locks-${prefix}`),
      ACADEMICS_LOCKS_CONSUME_FROM_BEGINNING: 'false',
      ACADEMICS_STATISTICS_CONSUMER_GROUP: uniqueId(`academics-test-statistics-${prefix}`),
      ACADEMICS_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
      OUTBOX_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    harness.service = await createAcademicsService(harness.config, testLogger('academics'));
    harness.url = `http://127.0.0.1:${await harness.service.listen()}`;
    harness.db = await mongoose
      .createConnection(harness.config.MONGODB_URI, { dbName: harness.config.ACADEMICS_DB_NAME })
      .asPromise();
    harness.bus = new KafkaEventBus({
      clientId: uniqueId('students-test-producer'),
      brokers: infra().kafkaBrokers,
      logger: testLogger('students-producer'),
    });
    await Promise.all([
      harness.untilConsuming(),
      harness.untilConsumingLockRequests(),
      harness.untilConsumingStatistics(),
    ]);
    return harness;
  }

  /** The same for the statistics consumer: a probe school until the service has handled it. */
  private async untilConsumingStatistics(): Promise<void> {
    await eventually(
      async () => {
        const probe = this.schoolCreatedEvent(uniqueId('probe-school'), null, null);
        await this.publishEvents([probe]);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return !!(await this.db
          .collection('statistics_processed_events')
          .findOne({ _id: probe.event.id as never }));
      },
      60_000,
      500,
    );
  }

  /** Identity's `schoolCreated`, as its relay publishes it: where a school is, for the statistics. */
  schoolCreatedEvent(schoolId: string, provinceCode: string | null, districtCode: string | null) {
    return {
      topic: schoolCreated.topic,
      event: createEvent(schoolCreated, {
        source: IDENTITY_SOURCE,
        subject: `schools/${schoolId}`,
        key: schoolId,
        data: {
          schoolId,
          code: schoolId.slice(-8).toUpperCase(),
          name: `Trường THPT ${schoolId.slice(-6)}`,
          provinceCode,
          districtCode,
          actor: SYSTEM_ACTOR,
        },
      }) as CloudEvent,
    };
  }

  /**
   * The same for the consumer of signatures' requests: a lock request naming no owner (nobody
   * locks anything) until the service has recorded its event id as handled.
   */
  private async untilConsumingLockRequests(): Promise<void> {
    await eventually(
      async () => {
        const probe = createEvent(lockRequested, {
          source: SIGNATURES_SOURCE,
          subject: 'locks/probe',
          key: uniqueId('probe-lock'),
          data: {
            lockId: uniqueId('probe-lock'),
            scope: {
              unit: 'WINDOW',
              schoolId: 'probe-school',
              schoolYear: SCHOOL_YEAR,
              period: 'YEAR',
              grade: null,
            },
            owners: [],
            reason: 'WINDOW',
            actor: SYSTEM_ACTOR,
          },
        }) as CloudEvent;
        await this.publishEvents([{ topic: lockRequested.topic, event: probe }]);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return !!(await this.db.collection('processed_events').findOne({ _id: probe.id as never }));
      },
      60_000,
      500,
    );
  }

  /**
   * Waits until the roster consumer has joined its group and reads new events: publishes a probe
   * event (again each second, since one sent before the group took its offsets is not read) until
   * the roster has it.
   */
  private async untilConsuming(): Promise<void> {
    const probe = uniqueId('probe-student');
    await eventually(
      async () => {
        await this.publishStudentsEvents([
          this.studentsEvent(studentStatusChanged, probe, {
            studentId: probe,
            schoolId: 'probe-school',
            before: 'STUDYING',
            after: 'STUDYING',
            reason: null,
            effectiveOn: '2025-09-05',
            actor: SYSTEM_ACTOR,
          }),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return !!(await this.db.collection('roster_students').findOne({ _id: probe as never }));
      },
      60_000,
      500,
    );
  }

  get deps() {
    return this.service.deps;
  }

  /** Publishes students events as the students service would (key: the aggregate id). */
  publishStudentsEvents(events: Array<{ topic: string; event: CloudEvent }>): Promise<void> {
    return this.publishEvents(events);
  }

  /** Publishes events as their producer's relay would (key: the event's partition key). */
  async publishEvents(events: Array<{ topic: string; event: CloudEvent }>): Promise<void> {
    await this.bus.publish(
      events.map(({ topic, event }) => ({
        topic,
        key: event.partitionkey,
        value: JSON.stringify(event),
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          ce_id: event.id,
          ce_type: event.type,
        },
      })),
    );
  }

  studentsEvent<C extends EventContract>(contract: C, key: string, data: EventData<C>) {
    return {
      topic: contract.topic,
      event: createEvent(contract, {
        source: STUDENTS_SOURCE,
        subject: `students/${key}`,
        key,
        data,
      }) as CloudEvent,
    };
  }

  /**
   * A class with `size` students, created and enrolled through Kafka; waits until the service's
   * roster has all of them.
   */
  async createClass(
    size: number,
    options: { schoolId?: string; grade?: 10 | 11 | 12; name?: string; schoolYear?: string } = {},
  ): Promise<TestClass> {
    const schoolId = options.schoolId ?? uniqueId('school');
    const grade = options.grade ?? 10;
    const schoolYear = options.schoolYear ?? SCHOOL_YEAR;
    const cls: TestClass = {
      classId: uniqueId('class'),
      schoolId,
      grade,
      name: options.name ?? `${grade}A${Math.floor(Math.random() * 9) + 1}`,
      homeroomTeacherId: randomUUID(),
      students: Array.from({ length: size }, (_, i) => ({
        studentId: uniqueId('student'),
        fullName: `Nguyễn Văn ${GIVEN_NAMES[i % GIVEN_NAMES.length]} ${String.fromCharCode(65 + Math.floor(i / 12))}`,
      })),
    };
    await this.publishStudentsEvents([
      this.studentsEvent(classCreated, cls.classId, {
        classId: cls.classId,
        schoolId,
        schoolYear,
        grade,
        name: cls.name,
        homeroomTeacherId: cls.homeroomTeacherId,
        actor: SYSTEM_ACTOR,
      }),
      ...cls.students.map((s) =>
        this.studentsEvent(studentEnrolled, s.studentId, {
          studentId: s.studentId,
          fullName: s.fullName,
          schoolId,
          classId: cls.classId,
          schoolYear,
          grade,
          kind: 'ADMITTED',
          effectiveOn: '2025-09-05',
          actor: SYSTEM_ACTOR,
        }),
      ),
    ]);
    await this.waitForRoster(cls.classId, size, true);
    return cls;
  }

  /** Moves a student to another class (left the first, enrolled in the second), through Kafka. */
  async moveStudent(studentId: string, fullName: string, from: TestClass, to: TestClass, on: string) {
    await this.publishStudentsEvents([
      this.studentsEvent(studentLeftClass, studentId, {
        studentId,
        schoolId: from.schoolId,
        classId: from.classId,
        schoolYear: SCHOOL_YEAR,
        effectiveOn: on,
        actor: SYSTEM_ACTOR,
      }),
      this.studentsEvent(studentEnrolled, studentId, {
        studentId,
        fullName,
        schoolId: to.schoolId,
        classId: to.classId,
        schoolYear: SCHOOL_YEAR,
        grade: to.grade,
        kind: 'CLASS_CHANGE',
        effectiveOn: on,
        actor: SYSTEM_ACTOR,
      }),
    ]);
    await eventually(async () => {
      const doc = await this.db.collection('roster_students').findOne({ _id: studentId as never });
      const enrolments = (doc?.enrollments ?? []) as Array<{ classId: string; leftOn: string | null }>;
      return (
        enrolments.some((e) => e.classId === to.classId) &&
        enrolments.some((e) => e.classId === from.classId && e.leftOn !== null)
      );
    }, 30_000);
  }

  async renameStudent(studentId: string, fullName: string) {
    await this.publishStudentsEvents([
      this.studentsEvent(studentPersonalDataChanged, studentId, {
        studentId,
        changedFields: ['fullName'],
        fullName,
        actor: SYSTEM_ACTOR,
      }),
    ]);
    await eventually(
      async () =>
        (await this.db.collection('roster_students').findOne({ _id: studentId as never }))?.fullName ===
        fullName,
      30_000,
    );
  }

  /** Waits until the roster lists `count` students in the class (and, if asked, the class itself). */
  async waitForRoster(classId: string, count: number, withClass = false): Promise<void> {
    await eventually(
      async () => {
        const students = await this.db
          .collection('roster_students')
          .countDocuments({ 'enrollments.classId': classId });
        const cls = withClass
          ? await this.db.collection('roster_classes').findOne({ _id: classId as never })
          : true;
        return students === count && !!cls;
      },
      60_000,
      100,
    );
  }

  /** Publishes one of signatures' requests (lock, unlock, correction) as its relay would. */
  async publishSignaturesEvent<C extends EventContract>(contract: C, key: string, data: EventData<C>) {
    const event = createEvent(contract, {
      source: SIGNATURES_SOURCE,
      subject: `signatures/${key}`,
      key,
      data,
    });
    await this.publishEvents([{ topic: contract.topic, event: event as CloudEvent }]);
    return event as CloudEvent;
  }

  /** Asks academics to lock a unit, as signatures does; returns the request's event. */
  requestLock(scope: LockScope, lockId = uniqueId('lock'), owners: LockOwner[] = ['academics']) {
    return this.publishSignaturesEvent(lockRequested, lockId, {
      lockId,
      scope,
      owners,
      reason: 'SIGNATURE',
      actor: SIGNATURES_ACTOR,
    });
  }

  releaseLock(scope: LockScope, lockId: string) {
    return this.publishSignaturesEvent(lockReleased, lockId, {
      lockId,
      scope,
      owners: ['academics'],
      actor: SIGNATURES_ACTOR,
    });
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

  /** Waits until the outbox relay has published every pending event. */
  async settle(timeoutMs = 20_000): Promise<void> {
    await eventually(
      async () => {
        for (const collection of ['gradebooks', 'gradebook_exports', 'record_locks', 'correction_refusals']) {
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

  /**
   * Waits until the statistics are up to date: every subject result published has been consumed
   * by the statistics consumer and every class it marked has been recomputed.
   */
  async statisticsSettled(timeoutMs = 240_000): Promise<void> {
    await this.settle(timeoutMs);
    await eventually(
      async () => {
        const published = await this.db
          .collection('event_log')
          .find({ type: subjectResultRecorded.type }, { projection: { _id: 1 } })
          .toArray();
        const handled = await this.db
          .collection('statistics_processed_events')
          .countDocuments({ _id: { $in: published.map((e) => e._id) } });
        if (handled < published.length) return false;
        return (await this.db.collection('statistics_dirty').countDocuments({})) === 0;
      },
      timeoutMs,
      100,
    );
  }

  /** The header the gateway sends: who is calling, signed with the shared secret (or another one). */
  identityHeader(principal: Principal | null, secret = this.secret): Record<string, string> {
    return forwardedIdentityHeader(principal, secret);
  }

  graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<GraphQLResult<T>> {
    return postGraphQL<T>(`${this.url}/graphql`, query, variables, headers);
  }

  as<T = Record<string, unknown>>(
    principal: Principal | null,
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    return this.graphql<T>(query, variables, this.identityHeader(principal));
  }

  async close(): Promise<void> {
    await this.service?.close();
    await this.bus?.disconnect();
    await this.db?.close();
  }
}

/** A principal as the gateway forwards it. */
export function principalWith(
  roles: Array<{ role: Role; scope: Partial<RoleScope> & { schoolId: string | null } }>,
  teaching: TeachingGrant[] = [],
  accountId: string = randomUUID(),
): Principal {
  return {
    accountId,
    username: `test.${roles[0]?.role.toLowerCase() ?? 'user'}`,
    schoolId: roles[0]?.scope.schoolId ?? null,
    roles: roles.map(({ role, scope }) => ({
      role,
      scope: { grade: null, classId: null, subjectCode: null, studentId: null, ...scope },
    })),
    teaching,
  };
}

/** The teacher assigned to these subjects of this class in the school year. */
export function teacherOf(cls: TestClass, ...subjectCodes: string[]): Principal {
  return principalWith(
    [{ role: 'SUBJECT_TEACHER', scope: { schoolId: cls.schoolId } }],
    subjectCodes.map((subjectCode) => ({
      schoolId: cls.schoolId,
      classId: cls.classId,
      subjectCode,
      schoolYear: SCHOOL_YEAR,
    })),
  );
}

export function homeroomTeacherOf(cls: TestClass): Principal {
  return principalWith([
    { role: 'HOMEROOM_TEACHER', scope: { schoolId: cls.schoolId, classId: cls.classId } },
  ]);
}

export function schoolRole(role: Role, schoolId: string | null): Principal {
  return principalWith([{ role, scope: { schoolId } }]);
}

export function parentOf(schoolId: string, studentId: string): Principal {
  return principalWith([{ role: 'PARENT', scope: { schoolId, studentId } }]);
}
