import { readFileSync } from 'node:fs';
import path from 'node:path';
import { familyLinkVerified, IDENTITY_EVENTS } from '@hocbaso/events';
import {
  createServiceRuntime,
  createSubgraphServer,
  type Logger,
  type OutboxRelay,
  type SubgraphServer,
} from '@hocbaso/service-kit';
import { parse } from 'graphql';
import type { IdentityConfig } from './env';
import { familyLinkHandlers } from './events/on-family-link';
import { identityRoutes } from './http/routes';
import { KeyStore } from './keys/key-store';
import { argon2idHasher } from './keys/password-hasher';
import { accountModel } from './model/account.model';
import { AccountRepository } from './model/account.repository';
import { schoolModel } from './model/school.model';
import { SchoolRepository } from './model/school.repository';
import { refreshTokenModel, sessionModel } from './model/session.model';
import { SessionRepository } from './model/session.repository';
import { signingKeyModel } from './model/signing-key.model';
import { SigningKeyRepository } from './model/signing-key.repository';
import { createLoaders, type IdentityContext } from './resolvers/context';
import { resolvers } from './resolvers';
import type { IdentityDeps } from './usecases/deps';

export const IDENTITY_TYPE_DEFS = parse(readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8'));

export interface IdentityService {
  server: SubgraphServer;
  deps: IdentityDeps;
  relay: OutboxRelay;
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Wires the identity service from its configuration. Never listens by itself (tests call this). */
export async function createIdentityService(
  config: IdentityConfig,
  logger: Logger,
  /** false for one-off tools (the demo seed) that must not join the service's consumer group. */
  options: { consumeFamilyLinks?: boolean } = {},
): Promise<IdentityService> {
  const runtime = await createServiceRuntime({
    writeLockScope: config.WRITE_LOCK_SCOPE,
    name: 'identity',
    mongoUri: config.MONGODB_URI,
    dbName: config.IDENTITY_DB_NAME,
    kafkaBrokers: config.KAFKA_BROKERS,
    logger,
    outboxPollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    outboxScanIntervalMs: config.OUTBOX_SCAN_INTERVAL_MS,
  });
  const { connection, writeLock } = runtime;
  const models = {
    accounts: accountModel(connection),
    schools: schoolModel(connection),
    sessions: sessionModel(connection),
    refreshTokens: refreshTokenModel(connection),
    signingKeys: signingKeyModel(connection),
  };
  const relay = await runtime.start({
    outboxModels: [models.accounts, models.schools],
    topics: [...new Set(IDENTITY_EVENTS.map((e) => e.topic))],
  });

  const keys = new KeyStore({
    repository: new SigningKeyRepository(models.signingKeys),
    encryptionSecret: config.SIGNING_KEY_ENCRYPTION_SECRET,
    rotationMs: config.SIGNING_KEY_ROTATION_DAYS * 86_400_000,
    // Tokens signed just before a rotation stay verifiable for their whole life, plus clock skew.
    retentionMs: (config.ACCESS_TOKEN_TTL_SECONDS + 120) * 1000,
  });
  await keys.ensureCurrentKey();

  const deps: IdentityDeps = {
    accounts: new AccountRepository(models.accounts, writeLock),
    schools: new SchoolRepository(models.schools),
    sessions: new SessionRepository(models.sessions, models.refreshTokens, writeLock),
    keys,
    hasher: argon2idHasher,
    now: () => new Date(),
    settings: config,
    changed: () => relay.notify(),
  };
  // Roles PARENT and STUDENT come only from the students service's verified family links.
  if (options.consumeFamilyLinks ?? true) {
    await runtime.consume({
      groupId: config.IDENTITY_CONSUMER_GROUP,
      topics: [familyLinkVerified.topic],
      handlers: familyLinkHandlers(deps, logger.child({ component: 'family-links' })),
      fromBeginning: config.IDENTITY_CONSUME_FROM_BEGINNING,
    });
  }

  const server = await createSubgraphServer<IdentityContext>({
    name: 'identity',
    metrics: runtime.metrics,
    metricsPort: config.IDENTITY_METRICS_PORT,
    typeDefs: IDENTITY_TYPE_DEFS,
    resolvers,
    logger,
    identitySecret: config.INTERNAL_IDENTITY_SECRET,
    createContext: (base) => ({ ...base, deps, loaders: createLoaders(deps) }),
    readiness: { mongodb: runtime.isReady },
    extraRoutes: identityRoutes({ deps, keys, identitySecret: config.INTERNAL_IDENTITY_SECRET, logger }),
    // Everything committed before the signal is published before the process exits.
    onShutdown: () => runtime.close(),
  });

  return {
    server,
    deps,
    relay,
    listen: () => server.listen(config.IDENTITY_PORT, config.IDENTITY_HOST),
    close: () => server.close(),
  };
}
