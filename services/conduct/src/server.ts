import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CONDUCT_EVENTS,
  CONDUCT_SOURCE,
  conductCorrectionApplied,
  conductLockConfirmed,
  conductPersonalDataRead,
} from '@hocbaso/events';
import {
  correctionRefusalModel,
  createServiceRuntime,
  createSubgraphServer,
  personalDataReadModel,
  PersonalDataReadRepository,
  PersonalReadCollector,
  personalReadLogPlugin,
  RecordCorrections,
  recordLockModel,
  RecordLockRegistry,
  type Logger,
  type OutboxRelay,
  type SubgraphServer,
} from '@hocbaso/service-kit';
import {
  StatisticsProjection,
  StatisticsReader,
  StatisticsStore,
  statisticsHandlers,
  withStatisticsSdl,
} from '@hocbaso/statistics';
import { parse } from 'graphql';
import type { ConductConfig } from './env';
import { RECORD_LOCK_TOPICS, recordLockHandlers } from './events/record-lock-handlers';
import { conductEventHandlers, CONSUMED_TOPICS } from './events/roster-handlers';
import { conductRecordModel } from './model/conduct-record.model';
import { ConductRepository, type RoundTripCounter } from './model/conduct.repository';
import { readModels } from './model/read-model.model';
import { createLoaders, type ConductContext } from './resolvers/context';
import { resolvers } from './resolvers';
import type { ConductDeps } from './usecases/deps';
import { computeStudentFigures, STATISTICS_TOPICS, statisticsTriggers } from './usecases/statistics';

export const CONDUCT_TYPE_DEFS = parse(
  withStatisticsSdl(readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8')),
);

export interface ConductService {
  server: SubgraphServer;
  deps: ConductDeps;
  relay: OutboxRelay;
  roundTrips: RoundTripCounter;
  /** The dashboards' aggregates and the worker that keeps them (tests call `refreshAll`). */
  statistics: { store: StatisticsStore; projection: StatisticsProjection };
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Wires the conduct service from its configuration. Never listens by itself (tests call this). */
export async function createConductService(config: ConductConfig, logger: Logger): Promise<ConductService> {
  const runtime = await createServiceRuntime({
    writeLockScope: config.WRITE_LOCK_SCOPE,
    name: 'conduct',
    mongoUri: config.MONGODB_URI,
    dbName: config.CONDUCT_DB_NAME,
    kafkaBrokers: config.KAFKA_BROKERS,
    logger,
    outboxPollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    outboxScanIntervalMs: config.OUTBOX_SCAN_INTERVAL_MS,
  });
  const records = conductRecordModel(runtime.connection);
  const roundTrips: RoundTripCounter = { count: 0 };
  const repository = new ConductRepository(
    records,
    readModels(runtime.connection),
    runtime.writeLock,
    roundTrips,
  );
  const lockModel = recordLockModel(runtime.connection);
  const refusalModel = correctionRefusalModel(runtime.connection);
  const personalReadModel = personalDataReadModel(runtime.connection);
  const relay = await runtime.start({
    outboxModels: [records, lockModel, refusalModel, personalReadModel],
    topics: [
      ...new Set([...CONDUCT_EVENTS, conductLockConfirmed, conductCorrectionApplied].map((e) => e.topic)),
    ],
  });

  const statisticsStore = new StatisticsStore(runtime.connection.db!, runtime.writeLock);
  const projection = new StatisticsProjection({
    store: statisticsStore,
    compute: (ref) => computeStudentFigures(repository, ref),
    logger,
  });

  // One registry: its gate keeps a lock from being decided while a write (or correction) is in flight.
  const locks = new RecordLockRegistry(lockModel, runtime.writeLock, 'conduct', CONDUCT_SOURCE);
  const deps: ConductDeps = {
    repository,
    locks,
    corrections: new RecordCorrections(refusalModel, runtime.writeLock, locks, 'conduct', CONDUCT_SOURCE),
    personalDataReads: new PersonalDataReadRepository(personalReadModel),
    now: () => new Date(),
    bothFailing: config.BOTH_FAILING_OUTCOME,
    changed: () => relay.notify(),
    statisticsReader: new StatisticsReader(statisticsStore),
  };
  // Read models from the students and academics events, from the beginning of their topics.
  await runtime.consume({
    groupId: config.CONDUCT_CONSUMER_GROUP,
    topics: CONSUMED_TOPICS,
    handlers: conductEventHandlers(deps, projection),
    fromBeginning: config.CONDUCT_CONSUME_FROM_BEGINNING,
  });
  // Signatures' lock, unlock and correction requests in a group of their own: not queued behind
  // the read models' backlog.
  await runtime.consume({
    groupId: config.CONDUCT_LOCKS_CONSUMER_GROUP,
    topics: RECORD_LOCK_TOPICS,
    handlers: recordLockHandlers(deps),
    fromBeginning: config.CONDUCT_LOCKS_CONSUME_FROM_BEGINNING,
  });
  // The statistics in a group of their own: the school directory, conduct's own changes and class
  // changes mark students, whose figures the projection recomputes from the records.
  await runtime.consume({
    groupId: config.CONDUCT_STATISTICS_CONSUMER_GROUP,
    topics: STATISTICS_TOPICS,
    handlers: statisticsHandlers({
      store: statisticsStore,
      projection,
      triggers: statisticsTriggers(repository),
    }),
    fromBeginning: config.CONDUCT_STATISTICS_CONSUME_FROM_BEGINNING,
    processedCollection: 'statistics_processed_events',
  });

  const server = await createSubgraphServer<ConductContext>({
    name: 'conduct',
    metrics: runtime.metrics,
    metricsPort: config.CONDUCT_METRICS_PORT,
    typeDefs: CONDUCT_TYPE_DEFS,
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
      personalReadLogPlugin<ConductContext>((context) => ({
        repository: context.deps.personalDataReads,
        event: conductPersonalDataRead,
        source: CONDUCT_SOURCE,
        now: context.deps.now,
      })),
    ],
    readiness: { mongodb: runtime.isReady },
    onShutdown: async () => {
      await projection.stop();
      await runtime.close();
    },
  });

  projection.start();
  return {
    server,
    deps,
    relay,
    roundTrips,
    statistics: { store: statisticsStore, projection },
    listen: () => server.listen(config.CONDUCT_PORT, config.CONDUCT_HOST),
    close: () => server.close(),
  };
}
