import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AuditTrail } from '@hocbaso/audit-trail';
import { ALL_EVENTS, SIGNATURES_EVENTS } from '@hocbaso/events';
import {
  createServiceRuntime,
  createSubgraphServer,
  type Logger,
  type OutboxRelay,
  type SubgraphServer,
} from '@hocbaso/service-kit';
import { LocalKeystoreSigner, type Signer } from '@hocbaso/signing';
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
import type { SignaturesConfig } from './env';
import {
  ANSWER_TOPICS,
  answerHandlers,
  AUDIT_TOPICS,
  auditHandlers,
  FACT_TOPICS,
  readModelHandlers,
} from './events/handlers';
import { correctionModel } from './model/correction.model';
import { FactsRepository } from './model/facts.repository';
import { lockModel, lockWindowModel } from './model/lock.model';
import { readModels } from './model/read-model.model';
import { RecordsRepository } from './model/records.repository';
import { certificateModel, gradeApproverModel } from './model/registry.model';
import { signatureModel } from './model/signature.model';
import { signingIndexModel } from './model/statistics-index.model';
import { SigningIndexRepository } from './model/statistics-index.repository';
import { resolvers, type SignaturesContext } from './resolvers';
import type { SignaturesDeps } from './usecases/deps';
import {
  computeSignaturesPart,
  SIGNATURES_STATISTICS_TOPICS,
  signaturesRosterMarks,
  signaturesStatisticsTriggers,
} from './usecases/statistics';

export const SIGNATURES_TYPE_DEFS = parse(
  withStatisticsSdl(readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8')),
);

export interface SignaturesService {
  server: SubgraphServer;
  deps: SignaturesDeps;
  relay: OutboxRelay;
  statistics: StatisticsProjection;
  listen(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Wires the signatures service from its configuration. Never listens by itself (tests call this).
 * `signer` replaces the local keystore (a remote signing service in production).
 */
export async function createSignaturesService(
  config: SignaturesConfig,
  logger: Logger,
  options: { signer?: Signer } = {},
): Promise<SignaturesService> {
  const runtime = await createServiceRuntime({
    writeLockScope: config.WRITE_LOCK_SCOPE,
    name: 'signatures',
    mongoUri: config.MONGODB_URI,
    dbName: config.SIGNATURES_DB_NAME,
    kafkaBrokers: config.KAFKA_BROKERS,
    logger,
    outboxPollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    outboxScanIntervalMs: config.OUTBOX_SCAN_INTERVAL_MS,
  });
  const connection = runtime.connection;
  const records = new RecordsRepository(
    {
      signatures: signatureModel(connection),
      locks: lockModel(connection),
      lockWindows: lockWindowModel(connection),
      certificates: certificateModel(connection),
      gradeApprovers: gradeApproverModel(connection),
      corrections: correctionModel(connection),
    },
    runtime.writeLock,
  );
  const facts = new FactsRepository(readModels(connection), runtime.writeLock);
  const audit = new AuditTrail(connection, { writeLock: runtime.writeLock, logger });
  const statisticsStore = new StatisticsStore(connection.db!, runtime.writeLock);
  const signingIndex = new SigningIndexRepository(signingIndexModel(connection), runtime.writeLock);
  const relay = await runtime.start({
    outboxModels: records.outboxModels(),
    topics: [...new Set(SIGNATURES_EVENTS.map((e) => e.topic))],
  });

  const deps: SignaturesDeps = {
    records,
    facts,
    audit,
    signer: options.signer ?? new LocalKeystoreSigner(config.SIGNING_KEYSTORE_DIR),
    logger,
    now: () => new Date(),
    newId: () => randomUUID(),
    changed: () => relay.notify(),
    signingWaitMs: config.SIGNING_WAIT_MS,
    statisticsReader: new StatisticsReader(statisticsStore),
  };
  const statistics = new StatisticsProjection({
    store: statisticsStore,
    compute: (ref) => computeSignaturesPart(deps, signingIndex, ref),
    logger,
  });
  await runtime.consume({
    groupId: config.SIGNATURES_CONSUMER_GROUP,
    topics: FACT_TOPICS,
    handlers: withStatisticsMarks(readModelHandlers(deps), signaturesRosterMarks(), statistics),
    fromBeginning: config.SIGNATURES_CONSUME_FROM_BEGINNING,
  });
  await runtime.consume({
    groupId: `${config.SIGNATURES_CONSUMER_GROUP}-answers`,
    topics: ANSWER_TOPICS,
    handlers: answerHandlers(deps),
    fromBeginning: config.SIGNATURES_CONSUME_FROM_BEGINNING,
  });
  await runtime.consume({
    groupId: `${config.SIGNATURES_CONSUMER_GROUP}-audit`,
    topics: AUDIT_TOPICS,
    handlers: auditHandlers(
      deps,
      ALL_EVENTS.map((c) => c.type),
    ),
    fromBeginning: config.SIGNATURES_CONSUME_FROM_BEGINNING,
    processedCollection: 'processed_audit_events',
  });
  await runtime.consume({
    groupId: config.SIGNATURES_STATISTICS_CONSUMER_GROUP,
    topics: [SCHOOL_PLACES_TOPIC, ...SIGNATURES_STATISTICS_TOPICS],
    handlers: statisticsHandlers({
      store: statisticsStore,
      projection: statistics,
      triggers: signaturesStatisticsTriggers(signingIndex),
    }),
    fromBeginning: config.SIGNATURES_STATISTICS_CONSUME_FROM_BEGINNING,
    processedCollection: 'statistics_processed_events',
  });
  statistics.start();

  const server = await createSubgraphServer<SignaturesContext>({
    name: 'signatures',
    metrics: runtime.metrics,
    metricsPort: config.SIGNATURES_METRICS_PORT,
    typeDefs: SIGNATURES_TYPE_DEFS,
    resolvers,
    logger,
    identitySecret: config.INTERNAL_IDENTITY_SECRET,
    createContext: (base) => ({ ...base, deps }),
    readiness: { mongodb: runtime.isReady },
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
    listen: () => server.listen(config.SIGNATURES_PORT, config.SIGNATURES_HOST),
    close: () => server.close(),
  };
}
