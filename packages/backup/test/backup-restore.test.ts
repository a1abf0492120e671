import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backupCompleted, restoreCompleted } from '@hocbaso/events';
import { EventCollector, infra, testLogger, uniqueDbName, uniqueId } from '@hocbaso/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { BSON, MongoClient } from 'mongodb';
import {
  createBackup,
  KafkaAdminPositions,
  MANIFEST_FILE,
  restoreBackup,
  verifyRestore,
  type CreatedBackup,
} from '../src';

jest.setTimeout(60_000);

const logger = testLogger('backup-it');
const client = new MongoClient(infra().mongodbUri);
const positions = new KafkaAdminPositions({ brokers: infra().kafkaBrokers, logger });
const kafka = new Kafka({
  clientId: uniqueId('backup-it'),
  brokers: infra().kafkaBrokers,
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
// Backups and restores share one topic.
const collector = new EventCollector([backupCompleted.topic]);
let root: string;

const database = uniqueDbName('backup_students');
const emptyDatabase = uniqueDbName('backup_empty');
const topic = uniqueId('hocbaso.backup-it.topic');
const group = uniqueId('backup-it-group');

/**
 * Documents with each type a dump must keep: dates, binary, ObjectId, int32, double 8.0, int64
 * (FerretDB v1 has no decimal128; the unit test covers its Extended JSON).
 */
const students = [
  {
    _id: 'stu-1',
    fullName: 'Nguyễn Thị Ánh Dương',
    admittedOn: new Date('2025-09-05T01:00:00.000Z'),
    average: new BSON.Double(8),
    absences: new BSON.Int32(3),
    seq: BSON.Long.fromString('9007199254740993'),
    photo: new BSON.Binary(Buffer.from([0xff, 0xd8, 0xff])),
    guardians: [{ name: 'Nguyễn Văn Đức', phone: '0912345678' }],
    _outbox: [],
  },
  {
    _id: 'stu-2',
    fullName: 'Trần Minh Khôi',
    admittedOn: new Date('2025-09-05T01:00:00.000Z'),
    average: new BSON.Double(7.25),
    absences: new BSON.Int32(0),
    seq: BSON.Long.fromNumber(2),
    photo: new BSON.Binary(Buffer.alloc(0)),
    guardians: [],
    _outbox: [],
  },
];
const ref = { _id: new BSON.ObjectId(), note: 'không có gì', at: new Date('2026-01-01T00:00:00.000Z') };

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'hocbaso-backup-it-'));
  await client.connect();
  const db = client.db(database);
  await db.collection('students').insertMany(students as never[]);
  await db.collection('students').createIndex({ fullName: 1, admittedOn: -1 }, { name: 'by_name' });
  await db.collection('refs').insertOne(ref);
  await db.createCollection('processed_events'); // empty, still backed up
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: 6 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `m${i}` })),
  });
  await producer.disconnect();
  await positions.setCommittedOffsets(group, [
    { topic, partition: 0, offset: '2' },
    { topic, partition: 1, offset: '1' },
  ]);
  await collector.start();
});

afterAll(async () => {
  await collector.stop();
  await client
    .db(database)
    .dropDatabase()
    .catch(() => undefined);
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  await positions.close();
  await client.close();
  await rm(root, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('a backup, a refused restore, a wipe and a restore of one database and one consumer group', () => {
  let backup: CreatedBackup;

  it('writes one Extended JSON file per collection with its size and hash, and the group offsets', async () => {
    backup = await createBackup({
      mongoUri: infra().mongodbUri,
      databases: [database, emptyDatabase],
      kafkaBrokers: infra().kafkaBrokers,
      consumerGroups: [group],
      outDir: root,
      logger,
    });
    const { manifest, directory } = backup;
    expect(path.dirname(directory)).toBe(path.resolve(root));
    expect(await readdir(root)).toEqual([manifest.backupId]);
    expect(backup.eventPublished).toBe(true);

    const [own, empty] = manifest.databases;
    expect(empty).toEqual({ name: emptyDatabase, collections: [] });
    expect(own!.collections.map((c) => [c.name, c.documents])).toEqual([
      ['processed_events', 0],
      ['refs', 1],
      ['students', 2],
    ]);
    // Personal data: the backup's owner alone may read it.
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    for (const entry of own!.collections) {
      expect((await stat(path.join(directory, entry.file))).mode & 0o777).toBe(0o600);
      const bytes = await readFile(path.join(directory, entry.file));
      expect({ bytes: bytes.length, sha256: sha256(bytes) }).toEqual({
        bytes: entry.bytes,
        sha256: entry.sha256,
      });
    }
    expect(own!.collections[2]!.indexes).toEqual([
      { key: { fullName: { $numberInt: '1' }, admittedOn: { $numberInt: '-1' } }, name: 'by_name' },
    ]);
    const lines = (await readFile(path.join(directory, own!.collections[2]!.file), 'utf8'))
      .trim()
      .split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      _id: 'stu-1',
      admittedOn: { $date: { $numberLong: String(Date.parse('2025-09-05T01:00:00.000Z')) } },
      average: { $numberDouble: '8.0' },
      absences: { $numberInt: '3' },
      seq: { $numberLong: '9007199254740993' },
      photo: { $binary: { base64: '/9j/', subType: '00' } },
    });
    expect(manifest.kafka.consumerGroups).toEqual([
      {
        groupId: group,
        offsets: [
          { topic, partition: 0, offset: '2' },
          { topic, partition: 1, offset: '1' },
        ],
      },
    ]);
    expect(manifest.kafka.highWatermarks).toEqual([
      { topic, partition: 0, offset: '3' },
      { topic, partition: 1, offset: '3' },
    ]);
    expect(manifest.totals).toEqual({
      databases: 2,
      collections: 3,
      documents: 3,
      bytes: own!.collections.reduce((sum, c) => sum + c.bytes, 0),
    });
    const [announced] = await collector.waitFor(
      (e) => e.type === backupCompleted.type && e.subject === `backups/${manifest.backupId}`,
    );
    expect(announced!.event.data).toMatchObject({
      backupId: manifest.backupId,
      location: directory,
      databases: [
        { name: database, collections: 3, documents: 3, bytes: manifest.totals.bytes },
        { name: emptyDatabase, collections: 0, documents: 0, bytes: 0 },
      ],
      consumerGroups: [group],
      manifestSha256: sha256(await readFile(path.join(directory, MANIFEST_FILE))),
      actor: { accountId: null, kind: 'system' },
    });
  });

  it('refuses to restore over a database that holds data, and names it', async () => {
    const refused = restoreBackup(backup.directory, {
      mongoUri: infra().mongodbUri,
      kafkaBrokers: infra().kafkaBrokers,
    });
    await expect(refused).rejects.toMatchObject({
      code: 'RESTORE_TARGET_NOT_EMPTY',
      extensions: { details: { databases: [{ database, collections: ['refs', 'students'] }] } },
    });
    await expect(refused).rejects.toThrow(/cơ sở dữ liệu đích đã có dữ liệu/);
  });

  it('refuses a backup whose file was changed, before writing anything', async () => {
    await client.db(database).dropDatabase();
    const file = path.join(backup.directory, backup.manifest.databases[0]!.collections[1]!.file);
    const original = await readFile(file, 'utf8');
    // Same size, other bytes: only the hash can tell.
    await writeFile(file, original.replace('không', 'khong!'));
    try {
      await expect(
        restoreBackup(backup.directory, { mongoUri: infra().mongodbUri, kafkaBrokers: infra().kafkaBrokers }),
      ).rejects.toMatchObject({
        code: 'BACKUP_INVALID',
        extensions: {
          details: {
            problem: 'INTEGRITY',
            files: [{ file: path.relative(backup.directory, file), problem: 'HASH' }],
          },
        },
      });
      expect(await client.db(database).listCollections().toArray()).toEqual([]);
    } finally {
      await writeFile(file, original);
    }
  });

  it('refuses while a consumer of the group is running', async () => {
    const member = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
    await member.connect();
    try {
      await member.subscribe({ topics: [topic] });
      await member.run({ autoCommit: false, eachMessage: async () => {} });
      await expect(
        restoreBackup(backup.directory, { mongoUri: infra().mongodbUri, kafkaBrokers: infra().kafkaBrokers }),
      ).rejects.toMatchObject({
        code: 'CONSUMER_GROUP_ACTIVE',
        extensions: { details: { groups: [{ groupId: group, members: 1 }] } },
      });
      expect(await client.db(database).listCollections().toArray()).toEqual([]);
    } finally {
      await member.disconnect();
    }
  });

  it('restores documents, types, indexes and offsets into the emptied store, and verifies', async () => {
    await admin.deleteGroups([group]);
    expect(await positions.committedOffsets(group)).toEqual([]);
    const restored = await restoreBackup(backup.directory, {
      mongoUri: infra().mongodbUri,
      kafkaBrokers: infra().kafkaBrokers,
      logger,
    });
    expect(restored).toMatchObject({
      backupId: backup.manifest.backupId,
      consumerGroups: [group],
      warnings: [],
      eventPublished: true,
    });
    const db = client.db(database);
    const back = await db
      .collection('students')
      .find({}, { sort: { _id: 1 }, promoteValues: false })
      .toArray();
    expect(BSON.EJSON.stringify(back, { relaxed: false })).toBe(
      BSON.EJSON.stringify(students, { relaxed: false }),
    );
    expect(await db.collection('refs').findOne({})).toEqual(ref);
    expect((await db.collection('students').listIndexes().toArray()).map((i) => i.name).sort()).toEqual([
      '_id_',
      'by_name',
    ]);
    expect(await positions.committedOffsets(group)).toEqual([
      { topic, partition: 0, offset: '2' },
      { topic, partition: 1, offset: '1' },
    ]);
    const [event] = await collector.waitFor(
      (e) => e.type === restoreCompleted.type && e.subject === `backups/${backup.manifest.backupId}`,
    );
    expect(event!.event.data).toMatchObject({ backupId: backup.manifest.backupId, consumerGroups: [group] });

    const verification = await verifyRestore({
      backupDir: backup.directory,
      mongoUri: infra().mongodbUri,
      positions,
    });
    expect(verification).toMatchObject({
      ok: true,
      collections: { checked: 3, matching: 3, documents: 3, mismatches: [] },
      consumerOffsets: { groupsChecked: 1, matching: 1, mismatches: [] },
      signatures: null,
      audit: null,
    });
    // A change after the restore is what a verification must catch.
    await db.collection('refs').updateOne({ _id: ref._id }, { $set: { note: 'sửa sau khi khôi phục' } });
    const after = await verifyRestore({ backupDir: backup.directory, mongoUri: infra().mongodbUri });
    expect(after.ok).toBe(false);
    expect(after.collections.mismatches.map((m) => [m.collection, m.problem])).toEqual([['refs', 'CONTENT']]);
  });
});
