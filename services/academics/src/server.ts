import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ACADEMICS_EVENTS,
  academicsCorrectionApplied,
  academicsLockConfirmed,
  ACADEMICS_SOURCE,
  subjectResultRecorded,
} from '@hocbaso/events';
import {
  createServiceRuntime,
  correctionRefusalModel,
  createSubgraphServer,
  RecordCorrections,
  RecordLockRegistry,
  recordLockModel,
  type Logger,
  type OutboxRelay,
  type SubgraphServer,
} from '@hocbaso/service-kit';
import {
  SCHOOL_PLACES_TOPIC,
  StatisticsProjection,
  StatisticsReader,
  StatisticsStore,
  statisticsHandlers,
  withStatisticsSdl,
} from '@hocbaso/statistics';
import { parse } from 'graphql';
import type { AcademicsConfig } from './env';
import { RECORD_LOCK_TOPICS, recordLockHandlers, ROSTER_TOPICS, rosterHandlers } from './events';
import { academicsRoutes } from './http/routes';
import { classMembersModel } from './model/class-members.model';
import { ClassMembersRepository } from './model/class-members.repository';
import { gradebookModel } from './model/gradebook.model';
import { gradebookExportModel } from './model/gradebook-export.model';
import { GradebookExportRepository } from './model/gradebook-export.repository';
import { GradebookRepository } from './model/gradebook.repository';
import { rosterClassModel, rosterStudentModel } from './model/roster.model';
import { RosterRepository } from './model/roster.repository';
import { RoundTripCounter } from './model/round-trips';
import type { AcademicsContext } from './resolvers/context';
import { resolvers } from './resolvers';
import type { AcademicsDeps } from './usecases/deps';
import { createLoaders } from './usecases/loaders';
import { computeClassStatistics, placementParts, statisticsTriggers } from './usecases/statistics';

export const ACADEMICS_TYPE_DEFS = parse(
  withStatisticsSdl(readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8')),
);

export interface AcademicsService {
  server: SubgraphServer;
  deps: AcademicsDeps;
  relay: OutboxRelay;
  /** Keeps the dashboard figures up to date (tests call `refreshAll`). */
  statistics: StatisticsProjection;
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Wires the academics service from its configuration. Never listens by itself (tests call this). */
export async function createAcademicsService(
  config: AcademicsConfig,
  logger: Logger,
): Promise<AcademicsService> {
  const runtime = await createServiceRuntime({
    writeLockScope: config.WRITE_LOCK_SCOPE,
    name: 'academics',
    mongoUri: config.MONGODB_URI,
    dbName: config.ACADEMICS_DB_NAME,
    kafkaBrokers: config.KAFKA_BROKERS,
    logger,
    outboxPollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    outboxScanIntervalMs: config.OUTBOX_SCAN_INTERVAL_MS,
  });
  const { connection, writeLock } = runtime;
  const models = {
    gradebooks: gradebookModel(connection),
    gradebookExports: gradebookExportModel(connection),
    rosterClasses: rosterClassModel(connection),
    rosterStudents: rosterStudentModel(connection),
    classMembers: classMembersModel(connection),
    recordLocks: recordLockModel(connection),
    correctionRefusals: correctionRefusalModel(connection),
  };
  const relay = await runtime.start({
    outboxModels: [models.gradebooks, models.gradebookExports, models.recordLocks, models.correctionRefusals],
    topics: [
      ...new Set(
        [...ACADEMICS_EVENTS, academicsLockConfirmed, academicsCorrectionApplied].map((e) => e.topic),
      ),
    ],
  });

  // Before any read of a class's members (FerretDB answers them from this list).
  const classMembers = new ClassMembersRepository(models.classMembers, writeLock);
  const filled = await classMembers.fillFromRosterOnce(
    models.rosterStudents,
    connection.db!.collection('migrations'),
  );
  if (filled > 0) logger.info({ classes: filled }, 'class member lists filled from the roster');
  // Each reader of the roster counts its own round trips (only the requests' are measured).
  const rosterRepository = (counter = new RoundTripCounter()) =>
    new RosterRepository(
      models.rosterClasses,
      models.rosterStudents,
      models.classMembers,
      writeLock,
      counter,
    );
  const statisticsRoster = rosterRepository();
  // The dashboards (issue 7): a class is a part of its school's figures, recomputed from the
  // class's gradebooks after a change. Its reads are not counted with the requests'.
  const statisticsStore = new StatisticsStore(connection.db!, writeLock);
  const statisticsReaders = {
    gradebooks: new GradebookRepository(models.gradebooks, writeLock, new RoundTripCounter()),
    roster: statisticsRoster,
    classMembers,
    logger: logger.child({ component: 'statistics' }),
  };
  const statistics = new StatisticsProjection({
    store: statisticsStore,
    compute: (ref) => computeClassStatistics(statisticsReaders, ref),
    logger,
  });

  const roundTrips = new RoundTripCounter();
  // One registry: its gate is what keeps a lock from being decided while a write is in flight.
  const locks = new RecordLockRegistry(models.recordLocks, writeLock, 'academics', ACADEMICS_SOURCE);
  const deps: AcademicsDeps = {
    gradebooks: new GradebookRepository(models.gradebooks, writeLock, roundTrips),
    gradebookExports: new GradebookExportRepository(models.gradebookExports),
    roster: rosterRepository(roundTrips),
    locks,
    corrections: new RecordCorrections(
      models.correctionRefusals,
      writeLock,
      locks,
      'academics',
      ACADEMICS_SOURCE,
    ),
    roundTrips,
    statisticsReader: new StatisticsReader(statisticsStore),
    now: () => new Date(),
    changed: () => relay.notify(),
  };

  // The roster read model: the students service's class and student events (from the beginning).
  await runtime.bus
    .ensureTopics(ROSTER_TOPICS)
    .catch((error) =>
      logger.warn({ err: (error as Error).message }, 'could not create the students topics yet'),
    );
  await runtime.consume({
    groupId: config.ACADEMICS_CONSUMER_GROUP,
    topics: ROSTER_TOPICS,
    // The consumer's own repository: its round trips are not counted with the requests'.
    // After each change of where a student counts, the statistics mark the student's classes.
    handlers: rosterHandlers(
      rosterRepository(),
      statisticsReaders.classMembers,
      async (studentId, schoolYear) =>
        statistics.markDirty(await placementParts(statisticsRoster, studentId, schoolYear)),
    ),
    fromBeginning: config.ACADEMICS_ROSTER_FROM_BEGINNING,
  });

  // Signatures' lock, unlock and correction requests (from the beginning: none may be missed).
  // Same registry as the requests (its gate orders locks and writes); repositories of its own, so
  // its round trips are not counted with the requests'.
  await runtime.consume({
    groupId: config.ACADEMICS_LOCKS_CONSUMER_GROUP,
    topics: RECORD_LOCK_TOPICS,
    handlers: recordLockHandlers({
      ...deps,
      gradebooks: new GradebookRepository(models.gradebooks, writeLock, new RoundTripCounter()),
      roster: rosterRepository(),
    }),
    fromBeginning: config.ACADEMICS_LOCKS_CONSUME_FROM_BEGINNING,
  });

  // The statistics: identity's school directory, and the classes each subject result touches.
  await runtime.consume({
    groupId: config.ACADEMICS_STATISTICS_CONSUMER_GROUP,
    topics: [SCHOOL_PLACES_TOPIC, subjectResultRecorded.topic],
    handlers: statisticsHandlers({
      store: statisticsStore,
      projection: statistics,
      triggers: statisticsTriggers({ roster: statisticsRoster }),
    }),
    fromBeginning: config.ACADEMICS_STATISTICS_CONSUME_FROM_BEGINNING,
    processedCollection: 'statistics_processed_events',
  });

  const server = await createSubgraphServer<AcademicsContext>({
    name: 'academics',
    metrics: runtime.metrics,
    metricsPort: config.ACADEMICS_METRICS_PORT,
    typeDefs: ACADEMICS_TYPE_DEFS,
    resolvers,
    logger,
    identitySecret: config.INTERNAL_IDENTITY_SECRET,
    createContext: (base) => ({ ...base, deps, loaders: createLoaders(deps) }),
    readiness: { mongodb: runtime.isReady },
    extraRoutes: academicsRoutes({ deps, identitySecret: config.INTERNAL_IDENTITY_SECRET, logger }),
    // Everything committed before the signal is published before the process exits.
    onShutdown: async () => {
      await statistics.stop();
      await runtime.close();
    },
  });

  statistics.start();
  return {
    server,
    deps,
    relay,
    statistics,
    listen: () => server.listen(config.ACADEMICS_PORT, config.ACADEMICS_HOST),
    close: () => server.close(),
  };
}
