import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { validationFailed, fieldProblem } from '@hocbaso/errors';
import { ARCHIVE_SOURCE, backupCompleted, createEvent, SYSTEM_ACTOR, type Actor } from '@hocbaso/events';
import { createLogger, KafkaEventBus, type EventPublisher, type Logger } from '@hocbaso/service-kit';
import { MongoClient } from 'mongodb';
import { publishBackupEvent } from './backup-events';
import { dataCollections, dumpCollection, indexDefinitions } from './collection-dump';
import { KafkaAdminPositions, sortPositions, type KafkaPositions } from './kafka-positions';
import {
  BACKUP_FORMAT,
  backupIdAt,
  collectionFile,
  databaseSummaries,
  MANIFEST_FILE,
  manifestTotals,
  type BackupManifest,
  type ConsumerGroupEntry,
  type DatabaseEntry,
} from './manifest';

export interface CreateBackupOptions {
  mongoUri: string;
  /** Every service database to back up (identity, students, academics, conduct, signatures, archive). */
  databases: string[];
  kafkaBrokers: string[];
  /** The consumer groups whose committed offsets a restore must set again. */
  consumerGroups: string[];
  /** The backups' root folder: this backup goes into `<outDir>/<backupId>/`. */
  outDir: string;
  now?: () => Date;
  /** Who asked (an operator's account), or the system for a scheduled backup. */
  actor?: Actor;
  logger?: Logger;
  /** Kafka positions (default: kafkajs admin on kafkaBrokers). */
  positions?: KafkaPositions;
  /** Where the backup's event goes (default: a KafkaEventBus on kafkaBrokers). */
  publisher?: EventPublisher;
}

export interface CreatedBackup {
  manifest: BackupManifest;
  /** The backup's folder: `<outDir>/<backupId>`. */
  directory: string;
  /** False when the broker did not take the event now: it waits in the folder for the next run. */
  eventPublished: boolean;
}

const DATABASE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Backs up every service database, one Extended JSON file per collection with its SHA-256, and
 * the committed offsets of every consumer group, into a folder that appears complete or not at all.
 *
 * The Kafka positions are taken BEFORE the databases are dumped. A restored consumer resumes at
 * the restored offset; an offset taken after the dump could already count events whose effect the
 * dumped store does not hold, and a restore would skip them for good. Taken before, every offset is
 * at or behind what its store applied: the consumer reads a few events again and drops those it
 * already handled (idempotent by event id, the ids kept in the same dumped store). Events a service
 * had committed but not yet published sit in its documents' outboxes (ADR 0004), which are in the
 * dump, so the relay publishes them after a restore: nothing produced is lost either.
 */
export async function createBackup(options: CreateBackupOptions): Promise<CreatedBackup> {
  checkOptions(options);
  const now = options.now ?? (() => new Date());
  const logger = (options.logger ?? createLogger({ service: 'backup', level: 'silent' })).child({
    component: 'backup',
  });
  const startedAt = now();
  const backupId = backupIdAt(startedAt, randomBytes(3).toString('hex'));
  const directory = path.resolve(options.outDir, backupId);
  // Written under another name and renamed when complete: a crash never leaves a backup that looks whole.
  const partial = path.resolve(options.outDir, `.partial-${backupId}`);
  const positions = options.positions ?? new KafkaAdminPositions({ brokers: options.kafkaBrokers, logger });
  const client = new MongoClient(options.mongoUri, { serverSelectionTimeoutMS: 10_000 });
  try {
    // Backups hold personal data (R11): readable by the backup's owner only.
    await mkdir(partial, { recursive: true, mode: 0o700 });
    const kafka = await takePositions(positions, options.consumerGroups, now);
    await client.connect();
    const databases: DatabaseEntry[] = [];
    for (const name of options.databases) {
      databases.push(await dumpDatabase(client, name, partial, logger));
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      backupId,
      startedAt: startedAt.toISOString(),
      completedAt: now().toISOString(),
      kafka,
      databases,
      totals: manifestTotals(databases),
    };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    await writeSynced(path.join(partial, MANIFEST_FILE), manifestText);
    await rename(partial, directory);
    logger.info({ backupId, directory, totals: manifest.totals }, 'backup complete');

    const eventPublished = await announce(options, manifest, directory, manifestText, logger);
    return { manifest, directory, eventPublished };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    await client.close().catch(() => undefined);
    if (!options.positions) await positions.close().catch(() => undefined);
  }
}

function checkOptions(options: CreateBackupOptions): void {
  const problems = [];
  if (options.databases.length === 0)
    problems.push(
      fieldProblem('databases', 'VALIDATION_FAILED', 'Cần ít nhất một cơ sở dữ liệu để sao lưu.'),
    );
  const bad = options.databases.filter((name) => !DATABASE_NAME.test(name));
  if (bad.length > 0)
    problems.push(
      fieldProblem('databases', 'VALIDATION_FAILED', `Tên cơ sở dữ liệu không hợp lệ: ${bad.join(', ')}.`),
    );
  if (new Set(options.databases).size !== options.databases.length)
    problems.push(fieldProblem('databases', 'VALIDATION_FAILED', 'Một cơ sở dữ liệu được nêu hai lần.'));
  if (new Set(options.consumerGroups).size !== options.consumerGroups.length)
    problems.push(
      fieldProblem('consumerGroups', 'VALIDATION_FAILED', 'Một nhóm đọc Kafka được nêu hai lần.'),
    );
  if (problems.length > 0) throw validationFailed(problems);
}

async function takePositions(
  positions: KafkaPositions,
  groups: string[],
  now: () => Date,
): Promise<BackupManifest['kafka']> {
  const takenAt = now();
  const consumerGroups: ConsumerGroupEntry[] = [];
  for (const groupId of groups) {
    consumerGroups.push({ groupId, offsets: await positions.committedOffsets(groupId) });
  }
  const topics = [...new Set(consumerGroups.flatMap((g) => g.offsets.map((o) => o.topic)))].sort();
  const highWatermarks = sortPositions(await positions.highWatermarks(topics));
  return { takenAt: takenAt.toISOString(), consumerGroups, highWatermarks };
}

async function dumpDatabase(
  client: MongoClient,
  name: string,
  root: string,
  logger: Logger,
): Promise<DatabaseEntry> {
  const db = client.db(name);
  const collections: DatabaseEntry['collections'] = [];
  const names = await dataCollections(db);
  if (names.length === 0) logger.warn({ database: name }, 'database is empty or does not exist');
  for (const collectionName of names) {
    const collection = db.collection(collectionName);
    const file = collectionFile(name, collectionName);
    await mkdir(path.dirname(path.join(root, file)), { recursive: true, mode: 0o700 });
    const facts = await dumpCollection(collection, path.join(root, file));
    collections.push({ name: collectionName, file, ...facts, indexes: await indexDefinitions(collection) });
  }
  return { name, collections };
}

async function writeSynced(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function announce(
  options: CreateBackupOptions,
  manifest: BackupManifest,
  directory: string,
  manifestText: string,
  logger: Logger,
): Promise<boolean> {
  const ownBus = options.publisher
    ? undefined
    : new KafkaEventBus({
        clientId: 'hocbaso-backup',
        brokers: options.kafkaBrokers,
        logger,
      });
  const publisher = options.publisher ?? ownBus!;
  const event = createEvent(backupCompleted, {
    source: ARCHIVE_SOURCE,
    subject: `backups/${manifest.backupId}`,
    key: manifest.backupId,
    data: {
      backupId: manifest.backupId,
      location: directory,
      databases: databaseSummaries(manifest.databases),
      consumerGroups: manifest.kafka.consumerGroups.map((g) => g.groupId),
      totalBytes: manifest.totals.bytes,
      manifestSha256: createHash('sha256').update(manifestText, 'utf8').digest('hex'),
      actor: options.actor ?? SYSTEM_ACTOR,
    },
  });
  try {
    return await publishBackupEvent(directory, publisher, backupCompleted, event, logger);
  } finally {
    await ownBus?.disconnect();
  }
}
