import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  correctionApplyRequested,
  studentEnrolled,
  STUDENTS_EVENTS,
  STUDENTS_SOURCE,
  studentsCorrectionApplied,
  studentsLockConfirmed,
  studentPersonalDataRead,
  studentTransferApplied,
  transferImported,
} from '@hocbaso/events';
import {
  correctionRefusalModel,
  createServiceRuntime,
  createSubgraphServer,
  personalDataReadModel,
  isOutboxRelayWork,
  PersonalDataReadRepository,
  PersonalReadCollector,
  personalReadLogPlugin,
  RecordCorrections,
  recordLockModel,
  RecordLockRegistry,
  type Logger,
  type OutboxRelay,
  type SubgraphServer,
  RECORD_LOCK_TOPIC,
} from '@hocbaso/service-kit';
import {
  SCHOOL_PLACES_TOPIC,
  StatisticsProjection,
  StatisticsReader,
  statisticsHandlers,
  StatisticsStore,
  withStatisticsSdl,
} from '@hocbaso/statistics';
import { parse } from 'graphql';
import type { Connection } from 'mongoose';
import type { StudentsConfig } from './env';
import { applyCorrection } from './usecases/apply-correction';
import { transferHandlers } from './usecases/apply-transfer';
import { studentsStatistics } from './usecases/statistics';
import { decideStudentsLock } from './usecases/record-locks';
import { familyLinkCodeKey } from './domain/family-link-code';
import { classModel } from './model/class.model';
import { familyLinkAttemptModel, familyLinkModel } from './model/family-link.model';
import { FamilyLinkRepository } from './model/family-link.repository';
import { ClassRepository } from './model/class.repository';
import { studentModel } from './model/student.model';
import { StudentRepository } from './model/student.repository';
import { transferRefusalModel } from './model/transfer-refusal.model';
import { TransferRefusalRepository } from './model/transfer-refusal.repository';
import { createLoaders, type StudentsContext } from './resolvers/context';
import { resolvers } from './resolvers';
import type { StudentsDeps } from './usecases/deps';

export const STUDENTS_TYPE_DEFS = parse(
  withStatisticsSdl(readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8')),
);

/** One operation sent to the database (a round trip): which collection, which method. */
export interface DatabaseCall {
  collection: string;
  method: string;
  /** The operation's first argument (usually the filter), to tell requests from the outbox relay's polls. */
  filter: unknown;
}

/** Records the database operations of this service's connection until stopped (tests, diagnostics). */
export interface DatabaseCallRecorder {
  readonly calls: DatabaseCall[];
  stop(): DatabaseCall[];
}

export interface StudentsService {
  server: SubgraphServer;
  deps: StudentsDeps;
  relay: OutboxRelay;
  /** Keeps the dashboards' aggregates; `refreshAll()` recomputes what is marked (tests, the benchmark). */
  statistics: StatisticsProjection;
  /** Starts recording every operation the service sends to its database. */
  recordDatabaseCalls(): DatabaseCallRecorder;
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Wires the students service from its configuration. Never listens by itself (tests call this). */
export async function createStudentsService(
  config: StudentsConfig,
  logger: Logger,
): Promise<StudentsService> {
  const runtime = await createServiceRuntime({
    writeLockScope: config.WRITE_LOCK_SCOPE,
    name: 'students',
    mongoUri: config.MONGODB_URI,
    dbName: config.STUDENTS_DB_NAME,
    kafkaBrokers: config.KAFKA_BROKERS,
    logger,
    outboxPollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    outboxScanIntervalMs: config.OUTBOX_SCAN_INTERVAL_MS,
  });
  const { connection, writeLock } = runtime;
  const models = {
    students: studentModel(connection),
    classes: classModel(connection),
    personalDataReads: personalDataReadModel(connection),
    recordLocks: recordLockModel(connection),
    correctionRefusals: correctionRefusalModel(connection),
    transferRefusals: transferRefusalModel(connection),
    familyLinks: familyLinkModel(connection),
    familyLinkAttempts: familyLinkAttemptModel(connection),
  };
  const relay = await runtime.start({
    outboxModels: [
      models.students,
      models.classes,
      models.personalDataReads,
      models.recordLocks,
      models.correctionRefusals,
      models.transferRefusals,
      models.familyLinks,
    ],
    topics: [
      ...new Set(
        [...STUDENTS_EVENTS, studentsLockConfirmed, studentsCorrectionApplied, studentTransferApplied].map(
          (e) => e.topic,
        ),
      ),
    ],
  });

  const now = () => new Date();
  const statisticsStore = new StatisticsStore(connection.db!, writeLock);
  const students = new StudentRepository(models.students, writeLock, now);
  const { compute, triggers } = studentsStatistics(students);
  const statistics = new StatisticsProjection({ store: statisticsStore, compute, logger });
  const locks = new RecordLockRegistry(models.recordLocks, writeLock, 'students', STUDENTS_SOURCE);
  const deps: StudentsDeps = {
    students,
    classes: new ClassRepository(models.classes, writeLock, now),
    personalDataReads: new PersonalDataReadRepository(models.personalDataReads),
    locks,
    corrections: new RecordCorrections(
      models.correctionRefusals,
      writeLock,
      locks,
      'students',
      STUDENTS_SOURCE,
    ),
    transferRefusals: new TransferRefusalRepository(models.transferRefusals, writeLock),
    familyLinks: new FamilyLinkRepository(models.familyLinks, models.familyLinkAttempts, writeLock, now),
    familyLinkSettings: {
      codeKey: familyLinkCodeKey(config.FAMILY_LINK_CODE_SECRET ?? config.INTERNAL_IDENTITY_SECRET),
      codeTtlMs: config.FAMILY_LINK_CODE_TTL_HOURS * 3_600_000,
      attempts: {
        maxFailures: config.FAMILY_LINK_MAX_FAILURES,
        windowMs: config.FAMILY_LINK_FAILURE_WINDOW_MINUTES * 60_000,
        lockoutMs: config.FAMILY_LINK_LOCKOUT_MINUTES * 60_000,
      },
    },
    statisticsReader: new StatisticsReader(statisticsStore),
    now,
    changed: () => relay.notify(),
  };
  // Signatures' lock requests (STUDENT_YEAR) and corrections (R8), and the archive's imported
  // transfers (R1, R6), from the start of the topics in production; one event at a time.
  await runtime.consume({
    groupId: config.STUDENTS_LOCKS_CONSUMER_GROUP,
    topics: [RECORD_LOCK_TOPIC, correctionApplyRequested.topic, transferImported.topic],
    handlers: {
      ...deps.locks.handlers((scope) => decideStudentsLock(deps, scope), deps.changed),
      ...deps.corrections.handlers((request) => applyCorrection(deps, request), deps.changed),
      ...transferHandlers(deps),
    },
    fromBeginning: config.STUDENTS_LOCKS_CONSUME_FROM_BEGINNING,
  });
  // The dashboards (ADR 0012): the school directory from identity, and this service's own student
  // events marking the students whose figures to recompute; a group (and dedupe) of its own. Both
  // run as background work, which a request's record of database calls leaves out.
  backgroundWork.run(true, () => statistics.start());
  await backgroundWork.run(true, () =>
    runtime.consume({
      groupId: config.STUDENTS_STATISTICS_CONSUMER_GROUP,
      topics: [SCHOOL_PLACES_TOPIC, studentEnrolled.topic],
      handlers: statisticsHandlers({ store: statisticsStore, projection: statistics, triggers }),
      fromBeginning: config.STUDENTS_STATISTICS_CONSUME_FROM_BEGINNING,
      processedCollection: 'statistics_processed_events',
    }),
  );

  const server = await createSubgraphServer<StudentsContext>({
    name: 'students',
    metrics: runtime.metrics,
    metricsPort: config.STUDENTS_METRICS_PORT,
    typeDefs: STUDENTS_TYPE_DEFS,
    resolvers,
    logger,
    identitySecret: config.INTERNAL_IDENTITY_SECRET,
    createContext: (base) => ({
      ...base,
      deps,
      loaders: createLoaders(deps),
      personalReads: new PersonalReadCollector(),
    }),
    plugins: [
      personalReadLogPlugin<StudentsContext>((context) => ({
        repository: context.deps.personalDataReads,
        event: studentPersonalDataRead,
        source: STUDENTS_SOURCE,
        now: context.deps.now,
      })),
    ],
    readiness: { mongodb: runtime.isReady },
    // Everything committed before the signal is published before the process exits.
    onShutdown: async () => {
      await statistics.stop();
      await runtime.close();
    },
  });

  return {
    server,
    deps,
    relay,
    statistics,
    recordDatabaseCalls: () => recordDatabaseCalls(connection),
    listen: () => server.listen(config.STUDENTS_PORT, config.STUDENTS_HOST),
    close: () => server.close(),
  };
}

/** Marks the statistics' worker and consumer: their reads are not a request's (nor the relay's). */
const backgroundWork = new AsyncLocalStorage<true>();

/**
 * Mongoose's per-connection debug hook sees every collection operation this connection sends
 * (but the statistics' background work's, which would make a request's count vary with timing).
 */
function recordDatabaseCalls(connection: Connection): DatabaseCallRecorder {
  const calls: DatabaseCall[] = [];
  connection.set('debug', (collection: string, method: string, ...args: unknown[]) => {
    if (backgroundWork.getStore() || isOutboxRelayWork()) return;
    calls.push({ collection, method, filter: args[0] });
  });
  return {
    calls,
    stop: () => {
      connection.set('debug', false);
      return [...calls];
    },
  };
}
