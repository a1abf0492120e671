import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError, fieldProblem, validationFailed } from '@hocbaso/errors';
import {
  ARCHIVE_SOURCE,
  createEvent,
  restoreCompleted,
  SYSTEM_ACTOR,
  type Actor,
  type EventData,
} from '@hocbaso/events';
import { createLogger, KafkaEventBus, type EventPublisher, type Logger } from '@hocbaso/service-kit';
import { BSON, MongoClient, type Db, type IndexDescription } from 'mongodb';
import { publishBackupEvent } from './backup-events';
import { dataCollections, fileFacts, readDump } from './collection-dump';
import { KafkaAdminPositions, type KafkaPositions, type PartitionOffset } from './kafka-positions';
import {
  backupInvalid,
  databaseSummaries,
  integrityError,
  integrityProblems,
  MANIFEST_FILE,
  parseManifest,
  type BackupManifest,
  type ConsumerGroupEntry,
  type DatabaseEntry,
  type FileFacts,
} from './manifest';

export interface RestoreBackupOptions {
  mongoUri: string;
  kafkaBrokers: string[];
  /** Only these databases of the backup (default: every one). */
  databases?: string[];
  /** Only these consumer groups of the backup (default: every one). */
  consumerGroups?: string[];
  actor?: Actor;
  logger?: Logger;
  positions?: KafkaPositions;
  publisher?: EventPublisher;
}

export interface RestoreResult {
  backupId: string;
  directory: string;
  databases: ReturnType<typeof databaseSummaries>;
  consumerGroups: string[];
  /** Wall clock from reading the manifest to the last offset set. */
  durationMs: number;
  /** Offsets beyond today's log end (the broker lost data since the backup): consumers will reset. */
  warnings: string[];
  eventPublished: boolean;
}

/** Reads and checks a backup's manifest (BACKUP_INVALID when missing, unreadable or inconsistent). */
export async function readManifest(backupDir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(path.join(backupDir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw backupInvalid(`Không có bản kê khai ${MANIFEST_FILE} trong thư mục ${backupDir}.`, {
      problem: 'NO_MANIFEST',
    });
  }
  return parseManifest(text);
}

/** Checks every file of the chosen databases against the manifest's size and SHA-256; throws BACKUP_INVALID. */
export async function checkBackupFiles(backupDir: string, databases: DatabaseEntry[]): Promise<void> {
  const actual = new Map<string, FileFacts | null>();
  for (const { collections } of databases) {
    for (const { file } of collections) actual.set(file, await fileFacts(path.join(backupDir, file)));
  }
  const problems = integrityProblems(databases, actual);
  if (problems.length > 0) throw integrityError(problems);
}

/**
 * Restores a backup into empty databases and sets every consumer group back to the offsets taken
 * with it. Nothing is written before every check has passed: the files match their hashes
 * (BACKUP_INVALID), every target database is empty (RESTORE_TARGET_NOT_EMPTY), and no consumer
 * group has an active member (CONSUMER_GROUP_ACTIVE: the services must be stopped, or a running
 * consumer would move past the restored positions at once).
 */
export async function restoreBackup(
  backupDir: string,
  options: RestoreBackupOptions,
): Promise<RestoreResult> {
  const started = performance.now();
  const directory = path.resolve(backupDir);
  const logger = (options.logger ?? createLogger({ service: 'backup', level: 'silent' })).child({
    component: 'restore',
  });
  const manifest = await readManifest(directory);
  const databases = chosen(manifest.databases, (d) => d.name, options.databases, 'databases');
  const groups = chosen(
    manifest.kafka.consumerGroups,
    (g) => g.groupId,
    options.consumerGroups,
    'consumerGroups',
  );
  await checkBackupFiles(directory, databases);

  const positions = options.positions ?? new KafkaAdminPositions({ brokers: options.kafkaBrokers, logger });
  const client = new MongoClient(options.mongoUri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    await refuseNonEmptyTargets(client, databases);
    await refuseActiveGroups(positions, groups);
    const warnings = await offsetsBeyondLogEnd(positions, groups);
    for (const warning of warnings) logger.warn(warning);

    for (const database of databases) {
      await restoreDatabase(client.db(database.name), database, directory);
      logger.info({ database: database.name }, 'database restored');
    }
    for (const group of groups) {
      await positions.setCommittedOffsets(group.groupId, group.offsets);
    }
    const durationMs = Math.round(performance.now() - started);
    logger.info({ backupId: manifest.backupId, durationMs }, 'restore complete');

    const summaries = databaseSummaries(databases);
    const consumerGroups = groups.map((g) => g.groupId);
    const eventPublished = await announce(options, logger, directory, {
      backupId: manifest.backupId,
      location: directory,
      databases: summaries,
      consumerGroups,
      durationMs,
      actor: options.actor ?? SYSTEM_ACTOR,
    });
    return {
      backupId: manifest.backupId,
      directory,
      databases: summaries,
      consumerGroups,
      durationMs,
      warnings,
      eventPublished,
    };
  } finally {
    await client.close().catch(() => undefined);
    if (!options.positions) await positions.close().catch(() => undefined);
  }
}

/** The entries named (all when none are), refusing a name the backup does not hold. */
function chosen<T>(
  entries: T[],
  name: (entry: T) => string,
  wanted: string[] | undefined,
  field: string,
): T[] {
  if (!wanted) return entries;
  const unknown = wanted.filter((w) => !entries.some((e) => name(e) === w));
  if (unknown.length > 0) {
    throw validationFailed([
      fieldProblem(field, 'VALIDATION_FAILED', `Bản sao lưu không có: ${unknown.join(', ')}.`),
    ]);
  }
  return entries.filter((e) => wanted.includes(name(e)));
}

async function refuseNonEmptyTargets(client: MongoClient, databases: DatabaseEntry[]): Promise<void> {
  const occupied: Array<{ database: string; collections: string[] }> = [];
  for (const { name } of databases) {
    const db = client.db(name);
    const withData: string[] = [];
    for (const collection of await dataCollections(db)) {
      if (await db.collection(collection).findOne({}, { projection: { _id: 1 } })) withData.push(collection);
    }
    if (withData.length > 0) occupied.push({ database: name, collections: withData });
  }
  if (occupied.length === 0) return;
  throw new AppError('RESTORE_TARGET_NOT_EMPTY', {
    message: `Không khôi phục: cơ sở dữ liệu đích đã có dữ liệu (${occupied
      .map((o) => `${o.database}: ${o.collections.join(', ')}`)
      .join('; ')}). Chỉ khôi phục vào cơ sở dữ liệu trống; hãy chọn tên khác hoặc xóa dữ liệu cũ trước.`,
    details: { databases: occupied },
  });
}

async function refuseActiveGroups(positions: KafkaPositions, groups: ConsumerGroupEntry[]): Promise<void> {
  const active: Array<{ groupId: string; members: number }> = [];
  for (const { groupId } of groups) {
    const members = await positions.activeMembers(groupId);
    if (members > 0) active.push({ groupId, members });
  }
  if (active.length === 0) return;
  throw new AppError('CONSUMER_GROUP_ACTIVE', {
    message: `Không khôi phục: nhóm đọc Kafka ${active
      .map((a) => `${a.groupId} (${a.members} thành viên)`)
      .join(
        ', ',
      )} vẫn đang chạy. Hãy dừng mọi dịch vụ đọc các nhóm này rồi khôi phục lại; vị trí đọc chỉ đặt được khi nhóm không còn thành viên.`,
    details: { groups: active },
  });
}

async function offsetsBeyondLogEnd(
  positions: KafkaPositions,
  groups: ConsumerGroupEntry[],
): Promise<string[]> {
  const offsets = groups.flatMap((g) => g.offsets.map((o) => ({ groupId: g.groupId, ...o })));
  const topics = [...new Set(offsets.map((o) => o.topic))];
  if (topics.length === 0) return [];
  const ends = new Map(
    (await positions.highWatermarks(topics)).map((m: PartitionOffset) => [
      `${m.topic}:${m.partition}`,
      BigInt(m.offset),
    ]),
  );
  return offsets
    .filter((o) => BigInt(o.offset) > (ends.get(`${o.topic}:${o.partition}`) ?? 0n))
    .map(
      (o) =>
        `${o.groupId} ${o.topic}:${o.partition}: offset ${o.offset} is beyond the log end ${String(
          ends.get(`${o.topic}:${o.partition}`) ?? 0n,
        )}; the consumer will reset to the start of the partition`,
    );
}

async function restoreDatabase(db: Db, database: DatabaseEntry, directory: string): Promise<void> {
  for (const entry of database.collections) {
    await db.createCollection(entry.name).catch((error: { code?: number }) => {
      if (error.code !== 48) throw error; // 48: NamespaceExists (empty, checked above)
    });
    const collection = db.collection(entry.name);
    let inserted = 0;
    for await (const batch of readDump(path.join(directory, entry.file))) {
      const result = await collection.insertMany(batch, { ordered: false });
      inserted += result.insertedCount;
    }
    if (inserted !== entry.documents) {
      throw backupInvalid(
        `Bảng ${database.name}.${entry.name}: đã ghi ${inserted} bản ghi, bản kê khai ghi ${entry.documents}.`,
        { problem: 'COUNT', database: database.name, collection: entry.name },
      );
    }
    if (entry.indexes.length > 0) await collection.createIndexes(entry.indexes.map(indexDescription));
  }
}

function indexDescription(definition: Record<string, unknown>): IndexDescription {
  const { key, ...options } = BSON.EJSON.deserialize(definition, { relaxed: false }) as Record<
    string,
    unknown
  >;
  return { key: key as IndexDescription['key'], ...options } as IndexDescription;
}

async function announce(
  options: RestoreBackupOptions,
  logger: Logger,
  directory: string,
  data: EventData<typeof restoreCompleted>,
): Promise<boolean> {
  const ownBus = options.publisher
    ? undefined
    : new KafkaEventBus({ clientId: 'hocbaso-restore', brokers: options.kafkaBrokers, logger });
  const event = createEvent(restoreCompleted, {
    source: ARCHIVE_SOURCE,
    subject: `backups/${data.backupId}`,
    key: data.backupId,
    data,
  });
  try {
    return await publishBackupEvent(directory, options.publisher ?? ownBus!, restoreCompleted, event, logger);
  } finally {
    await ownBus?.disconnect();
  }
}
