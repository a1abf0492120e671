import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backupCompleted } from '@hocbaso/events';
import { KafkaEventBus } from '@hocbaso/service-kit';
import { closedPort, EventCollector, infra, testLogger, uniqueDbName } from '@hocbaso/testkit';
import { MongoClient } from 'mongodb';
import { createBackup, PENDING_EVENTS_DIR, scheduleBackups, type ScheduledRun } from '../src';

jest.setTimeout(60_000);

const logger = testLogger('backup-schedule-it');
const client = new MongoClient(infra().mongodbUri);
const database = uniqueDbName('backup_schedule');
const collector = new EventCollector([backupCompleted.topic]);
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'hocbaso-backup-schedule-'));
  await client.connect();
  await client
    .db(database)
    .collection('classes')
    .insertOne({ _id: 'class-10a1', name: '10A1' } as never);
  await collector.start();
});

afterAll(async () => {
  await collector.stop();
  await client
    .db(database)
    .dropDatabase()
    .catch(() => undefined);
  await client.close();
  await rm(root, { recursive: true, force: true });
});

const options = () => ({
  mongoUri: infra().mongodbUri,
  databases: [database],
  kafkaBrokers: infra().kafkaBrokers,
  consumerGroups: [],
  outDir: root,
});

it('backs up on schedule, deletes what the policy no longer keeps, and publishes an event a broker refused earlier', async () => {
  // Two old backups, the second while the broker is unreachable: its event waits in its folder.
  const old = await createBackup({ ...options(), now: () => new Date('2025-01-01T02:00:00+07:00') });
  const down = new KafkaEventBus({ clientId: 'down', brokers: [`127.0.0.1:${await closedPort()}`], logger });
  const unannounced = await createBackup({
    ...options(),
    now: () => new Date('2025-01-02T02:00:00+07:00'),
    publisher: down,
  }).finally(() => down.disconnect());
  expect(unannounced.eventPublished).toBe(false);
  expect(await readdir(path.join(unannounced.directory, PENDING_EVENTS_DIR))).toHaveLength(1);

  const runs: ScheduledRun[] = [];
  const schedule = scheduleBackups({
    intervalMs: 60 * 60 * 1000,
    backup: options(),
    policy: { keepAllDays: 7, weeklyWeeks: 0, monthlyMonths: 0, utcOffsetMinutes: 420 },
    now: () => new Date('2026-06-10T02:00:00+07:00'),
    logger,
    onRun: (run) => runs.push(run),
  });
  try {
    const first = await schedule.runNow();
    expect(first.error).toBeNull();
    expect(first.backup!.manifest.backupId).toMatch(/^20260609T190000Z-[0-9a-f]{6}$/);
    // Both old backups are outside the seven days; the new one stays.
    expect(first.deleted.sort()).toEqual([old.manifest.backupId, unannounced.manifest.backupId].sort());
    expect(await readdir(root)).toEqual([first.backup!.manifest.backupId]);
    const announced = await collector.waitFor(
      (e) => e.type === backupCompleted.type && e.subject === `backups/${unannounced.manifest.backupId}`,
    );
    expect(announced).toHaveLength(1);
    await collector.waitFor((e) => e.subject === `backups/${first.backup!.manifest.backupId}`);
  } finally {
    await schedule.stop();
  }
  // The run at start and the one asked for are the same run: never two at once.
  expect(runs).toHaveLength(1);
});
