import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  createEvent,
  lockOwnersOf,
  lockReleased,
  lockRequested,
  SIGNATURES_SOURCE,
  SYSTEM_ACTOR,
  type EventContract,
  type EventData,
  type LockScope,
  type Role,
  type RoleScope,
} from '@hocbaso/events';
import { KafkaEventBus, type Principal, type TeachingGrant } from '@hocbaso/service-kit';
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
import { formatPersonalId, type Gender } from '../src/domain/personal-id';
import { studentsConfigSchema, type StudentsConfig } from '../src/env';
import type { ClassDocument } from '../src/model/class.model';
import { createStudentsService, type StudentsService } from '../src/server';
import { admitStudent, type AdmitStudentInput } from '../src/usecases/admit-student';
import { SYSTEM_CALLER } from '../src/usecases/deps';
import { createClass } from '../src/usecases/manage-classes';

export type { GraphQLResult };

export const SCHOOL_YEAR = '2025-2026';

/**
 * One students service on the local FerretDB and Kafka, with its own database, listening on a
 * free port. Calls its subgraph directly, as the gateway would, with a signed forwarded identity.
 */
export class StudentsHarness {
  readonly secret = randomBytes(32).toString('hex');
  url = '';
  config!: StudentsConfig;
  service!: StudentsService;
  /** A connection of the test's own to the service's database (to check what was stored). */
  db!: Connection;

  static async start(prefix: string, overrides: Record<string, string> = {}): Promise<StudentsHarness> {
    const harness = new StudentsHarness();
    harness.config = studentsConfigSchema.parse({
      MONGODB_URI: infra().mongodbUri,
      KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      INTERNAL_IDENTITY_SECRET: harness.secret,
      STUDENTS_PORT: '0',
      STUDENTS_METRICS_PORT: '0',
      STUDENTS_DB_NAME: uniqueDbName(prefix),
      OUTBOX_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Each test file reads only the lock requests it publishes: see waitUntilLocksListening.
      STUDENTS_LOCKS_CONSUMER_GROUP: uniqueId('students-locks-test'),
      STUDENTS_LOCKS_CONSUME_FROM_BEGINNING: 'false',
      // The statistics too: a group of each file's own, from now on (see statistics.test.ts).
      STUDENTS_STATISTICS_CONSUMER_GROUP: uniqueId('students-statistics-test'),
      STUDENTS_STATISTICS_CONSUME_FROM_BEGINNING: 'false',
      ...overrides,
    });
    harness.service = await createStudentsService(harness.config, testLogger('students'));
    harness.url = `http://127.0.0.1:${await harness.service.listen()}`;
    harness.db = await mongoose
      .createConnection(harness.config.MONGODB_URI, { dbName: harness.config.STUDENTS_DB_NAME })
      .asPromise();
    return harness;
  }

  /** Waits until the outbox relay has published and cleared every pending event (see identity's harness). */
  async settle(timeoutMs = 20_000): Promise<void> {
    await eventually(
      async () => {
        for (const name of ['students', 'classes', 'record_locks', 'correction_refusals', 'family_links']) {
          if (await this.db.collection(name).findOne({ _outboxPending: true }, { projection: { _id: 1 } }))
            return false;
        }
        return true;
      },
      timeoutMs,
      25,
    );
  }

  get deps() {
    return this.service.deps;
  }

  private bus: KafkaEventBus | undefined;

  /** Publishes an event as another service would (signatures' lock requests); returns it. */
  async publish<C extends EventContract>(contract: C, key: string, data: EventData<C>, source: string) {
    this.bus ??= new KafkaEventBus({
      clientId: uniqueId('students-test'),
      brokers: infra().kafkaBrokers,
      logger: testLogger('bus'),
    });
    const event = createEvent(contract, { source, subject: key, key, data });
    await this.bus.publish([{ topic: contract.topic, key, value: JSON.stringify(event) }]);
    return event;
  }

  /** Waits until the service has handled this consumed event (its id is recorded as processed). */
  async handled(event: { id: string }): Promise<void> {
    await eventually(
      async () => !!(await this.db.collection('processed_events').findOne({ _id: event.id as never })),
      30_000,
      50,
    );
  }

  /** What the relay published, from the service's own audit trail (event_log), oldest first. */
  async published<T = Record<string, unknown>>(type: string, data: Record<string, unknown>): Promise<T[]> {
    const filter = Object.fromEntries(Object.entries(data).map(([k, v]) => [`data.${k}`, v]));
    const logged = await this.db
      .collection('event_log')
      .find({ type, ...filter })
      .sort({ time: 1 })
      .toArray();
    return logged.map((e) => e.data as T);
  }

  /** Signatures' lock request for this scope, to the owners lockOwnersOf names, keyed by the lock id. */
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

  /**
   * The lock consumer's group starts at the latest offsets and misses what comes before its
   * partitions are assigned: release marker locks until one is recorded (a release of an unknown
   * lock is remembered), from then on nothing is missed.
   */
  async waitUntilLocksListening(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const lockId = randomUUID();
      await this.releaseLock(
        {
          unit: 'STUDENT_YEAR',
          schoolId: `marker-${lockId}`,
          schoolYear: SCHOOL_YEAR,
          classId: lockId,
          studentId: lockId,
        },
        lockId,
      );
      const seen = await eventually(
        async () => !!(await this.db.collection('record_locks').findOne({ _id: lockId as never })),
        1_500,
        100,
      ).catch(() => false);
      if (seen) return;
    }
    throw new Error('the students lock consumer did not start listening within 60 s');
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

  /** A subgraph call as `principal` (null: an anonymous caller the gateway let through). */
  as<T = Record<string, unknown>>(
    principal: Principal | null,
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    return this.graphql<T>(query, variables, this.identityHeader(principal));
  }

  /** A class created by the system (as the yearly load does), settled. */
  async createClass(
    schoolId: string,
    name: string,
    homeroomTeacherId: string | null = null,
    schoolYear = SCHOOL_YEAR,
  ) {
    const grade = Number(name.slice(0, 2)) as 10 | 11 | 12;
    const schoolClass = await createClass(this.deps, SYSTEM_CALLER, {
      schoolId,
      schoolYear,
      grade,
      name,
      homeroomTeacherId,
    });
    await this.settle();
    return schoolClass;
  }

  /** A student admitted by the system into `schoolClass`, settled. */
  async admit(schoolClass: ClassDocument, overrides: Partial<AdmitStudentInput> = {}) {
    const student = await admitStudent(this.deps, SYSTEM_CALLER, {
      ...studentInput(schoolClass.grade, schoolClass.schoolYear),
      classId: schoolClass._id,
      ...overrides,
    });
    await this.settle();
    return student;
  }

  async close(): Promise<void> {
    await this.bus?.disconnect();
    await this.service?.close();
    await this.db?.close();
  }
}

/** A valid admission for a student of `grade` (a random, well-formed, consistent personal ID). */
export function studentInput(grade = 10, schoolYear = SCHOOL_YEAR, gender: Gender = 'FEMALE') {
  const birthYear = Number(schoolYear.slice(0, 4)) - (grade + 5);
  return {
    personalId: formatPersonalId({ provinceCode: '001', gender, birthYear }, randomInt(0, 1_000_000)),
    fullName: gender === 'FEMALE' ? 'Nguyễn Thị Thu Hà' : 'Trần Văn Bình',
    dateOfBirth: `${birthYear}-03-15`,
    gender,
    placeOfBirth: 'Hà Nội',
    ethnicity: 'Kinh',
    policyCategory: null,
    address: 'Số 12, đường Lê Lợi, phường Bến Thành, Hồ Chí Minh',
    guardians: [
      {
        relationship: 'FATHER' as const,
        fullName: 'Nguyễn Văn Hùng',
        occupation: 'Kỹ sư',
        phone: '0912345678',
      },
      {
        relationship: 'MOTHER' as const,
        fullName: 'Lê Thị Lan',
        occupation: 'Giáo viên',
        phone: '0987654321',
      },
    ],
    admittedOn: `${schoolYear.slice(0, 4)}-08-15`,
  };
}

/** A principal as the gateway forwards it (not a stored account). */
export function principalWith(
  roles: Array<[Role, Partial<RoleScope>]>,
  teaching: Array<Omit<TeachingGrant, 'schoolYear'>> = [],
  schoolId: string | null = roles[0]?.[1].schoolId ?? null,
): Principal {
  return {
    accountId: randomUUID(),
    username: `test.${roles[0]?.[0].toLowerCase() ?? 'nobody'}`,
    schoolId,
    roles: roles.map(([role, scope]) => ({
      role,
      scope: { schoolId: null, grade: null, classId: null, subjectCode: null, studentId: null, ...scope },
    })),
    teaching: teaching.map((t) => ({ ...t, schoolYear: SCHOOL_YEAR })),
  };
}

export const staffOf = (schoolId: string) => principalWith([['ACADEMIC_STAFF', { schoolId }]]);
export const adminOf = (schoolId: string | null) => principalWith([['SYSTEM_ADMIN', { schoolId }]]);
export const homeroomTeacherOf = (schoolId: string, classId: string) =>
  principalWith([['HOMEROOM_TEACHER', { schoolId, classId }]]);
export const subjectTeacherOf = (schoolId: string, classId: string, subjectCode = 'TOAN') =>
  principalWith([['SUBJECT_TEACHER', { schoolId }]], [{ schoolId, classId, subjectCode }]);
export const parentOf = (schoolId: string, studentId: string) =>
  principalWith([['PARENT', { schoolId, studentId }]]);

export const errorCodes = (result: GraphQLResult) => result.errors?.map((e) => e.extensions?.code);
