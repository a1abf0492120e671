import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ARCHIVE_EVENTS } from '@hocbaso/events';
import {
  createServiceRuntime,
  createSubgraphServer,
  type Logger,
  type OutboxRelay,
  type SubgraphServer,
} from '@hocbaso/service-kit';
import { LocalKeystoreSigner } from '@hocbaso/signing';
import {
  SCHOOL_PLACES_TOPIC,
  StatisticsProjection,
  StatisticsReader,
  StatisticsStore,
  statisticsHandlers,
  withStatisticsSdl,
  withStatisticsMarks,
} from '@hocbaso/statistics';
import { parse } from 'graphql';
import { defaultDeadlines } from './domain/sync';
import type { ArchiveConfig } from './env';
import { ARCHIVE_INPUT_TOPICS, archiveHandlers } from './events/handlers';
import { recordExportModel } from './model/export.model';
import { ExportRepository } from './model/export.repository';
import { FactsRepository } from './model/facts.repository';
import { deadlineWatchModel } from './model/deadline-watch.model';
import { DeadlineWatchRepository } from './model/deadline-watch.repository';
import { readModels } from './model/read-model.model';
import { recordShareModel } from './model/record-share.model';
import { RecordShareRepository } from './model/record-share.repository';
import { syncModels } from './model/sync.model';
import { SyncRepository } from './model/sync.repository';
import { transferModels } from './model/transfer.model';
import { TransferRepository } from './model/transfer.repository';
import { resolvers, type ArchiveContext } from './resolvers';
import { MinistryHttpClient } from './sync/ministry-client';
import { SyncWorker } from './sync/sync-worker';
import type { ArchiveDeps } from './usecases/deps';
import {
  ARCHIVE_STATISTICS_TOPICS,
  archiveRosterMarks,
  archiveStatisticsTriggers,
  computeSyncPart,
  markPassedDeadlines,
} from './usecases/statistics';
import { sendDueRecords } from './usecases/sync';

export const ARCHIVE_TYPE_DEFS = parse(
  withStatisticsSdl(readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8')),
);

export interface ArchiveService {
  server: SubgraphServer;
  deps: ArchiveDeps;
  relay: OutboxRelay;
  worker: SyncWorker;
  statistics: StatisticsProjection;
  listen(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Wires the archive service from its configuration. Never listens by itself (tests call this).
 * `now` replaces the clock (tests move it past a sync deadline).
 */
export async function createArchiveService(
  config: ArchiveConfig,
  logger: Logger,
  options: { now?: () => Date } = {},
): Promise<ArchiveService> {
  const runtime = await createServiceRuntime({
    writeLockScope: config.WRITE_LOCK_SCOPE,
    name: 'archive',
    mongoUri: config.MONGODB_URI,
    dbName: config.ARCHIVE_DB_NAME,
    kafkaBrokers: config.KAFKA_BROKERS,
    logger,
    outboxPollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    outboxScanIntervalMs: config.OUTBOX_SCAN_INTERVAL_MS,
  });
  const connection = runtime.connection;
  const sync = new SyncRepository(syncModels(connection), runtime.writeLock);
  const facts = new FactsRepository(readModels(connection), runtime.writeLock);
  const transfers = new TransferRepository(transferModels(connection), runtime.writeLock);
  const exportLog = new ExportRepository(recordExportModel(connection), runtime.writeLock);
  const shares = new RecordShareRepository(recordShareModel(connection), runtime.writeLock);
  const statisticsStore = new StatisticsStore(connection.db!, runtime.writeLock);
  const deadlineWatch = new DeadlineWatchRepository(deadlineWatchModel(connection), runtime.writeLock);
  const relay = await runtime.start({
    outboxModels: [
      ...sync.outboxModels(),
      ...transfers.outboxModels(),
      ...exportLog.outboxModels(),
      ...shares.outboxModels(),
    ],
    topics: [...new Set(ARCHIVE_EVENTS.map((e) => e.topic))],
  });

  const deps: ArchiveDeps = {
    facts,
    sync,
    transfers,
    exports: exportLog,
    shares,
    exportVerifyUrl: config.EXPORT_VERIFY_URL ?? null,
    signer: new LocalKeystoreSigner(config.SIGNING_KEYSTORE_DIR),
    transferWaitMs: config.TRANSFER_WAIT_MS,
    ministry: new MinistryHttpClient({
      baseUrl: config.MINISTRY_API_URL,
      apiToken: config.MINISTRY_API_TOKEN,
      timeoutMs: config.MINISTRY_TIMEOUT_MS,
    }),
    logger,
    now: options.now ?? (() => new Date()),
    newId: () => randomUUID(),
    random: Math.random,
    changed: () => relay.notify(),
    backoff: { baseMs: config.SYNC_BACKOFF_BASE_MS, maxMs: config.SYNC_BACKOFF_MAX_MS },
    attemptLeaseMs: config.MINISTRY_TIMEOUT_MS + 5_000,
    deadlinesOf: (schoolYear) => config.SYNC_DEADLINES[schoolYear] ?? defaultDeadlines(schoolYear),
    statisticsReader: new StatisticsReader(statisticsStore),
  };
  const statistics = new StatisticsProjection({
    store: statisticsStore,
    compute: (ref) => computeSyncPart(deps, deadlineWatch, ref),
    logger,
  });
  const worker = new SyncWorker(
    async () => {
      // A deadline passing is no event: the periodic run has the students it made late counted
      // again. Its failure is logged and retried next round; it never holds up the sync.
      await markPassedDeadlines(deps, deadlineWatch, statistics).catch((error: unknown) =>
        logger.warn({ err: (error as Error).message }, 'statistics deadline marks failed; retrying'),
      );
      return sendDueRecords(deps, config.SYNC_BATCH_SIZE);
    },
    config.SYNC_INTERVAL_MS,
    logger,
  );
  await runtime.consume({
    groupId: config.ARCHIVE_CONSUMER_GROUP,
    topics: ARCHIVE_INPUT_TOPICS,
    handlers: withStatisticsMarks(
      archiveHandlers(deps, () => worker.wake()),
      archiveRosterMarks(deps),
      statistics,
    ),
    fromBeginning: config.ARCHIVE_CONSUME_FROM_BEGINNING,
  });
  await runtime.consume({
    groupId: config.ARCHIVE_STATISTICS_CONSUMER_GROUP,
    topics: [SCHOOL_PLACES_TOPIC, ...ARCHIVE_STATISTICS_TOPICS],
    handlers: statisticsHandlers({
      store: statisticsStore,
      projection: statistics,
      triggers: archiveStatisticsTriggers(deps),
    }),
    fromBeginning: config.ARCHIVE_STATISTICS_CONSUME_FROM_BEGINNING,
    processedCollection: 'statistics_processed_events',
  });
  statistics.start();
  worker.start();

  const server = await createSubgraphServer<ArchiveContext>({
    name: 'archive',
    metrics: runtime.metrics,
    metricsPort: config.ARCHIVE_METRICS_PORT,
    typeDefs: ARCHIVE_TYPE_DEFS,
    resolvers,
    logger,
    identitySecret: config.INTERNAL_IDENTITY_SECRET,
    createContext: (base) => ({ ...base, deps }),
    readiness: { mongodb: runtime.isReady },
    onShutdown: async () => {
      await worker.stop();
      await statistics.stop();
      await runtime.close();
    },
  });

  return {
    server,
    deps,
    relay,
    worker,
    statistics,
    listen: () => server.listen(config.ARCHIVE_PORT, config.ARCHIVE_HOST),
    close: () => server.close(),
  };
}
