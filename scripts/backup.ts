/**
 * Backs up every service database and the Kafka consumer groups' positions (issue 5, R7).
 *
 * Usage: npm run backup [-- --schedule] [-- --actor <accountId>]
 *   once:        one backup into BACKUP_DIR/<backupId>/, then the retention policy
 *   --schedule:  a backup every BACKUP_INTERVAL_MS (first one now), retention after each; Ctrl-C stops
 * Configuration (environment, see packages/backup/src/env.ts): MONGODB_URI, KAFKA_BROKERS,
 * BACKUP_DIR, BACKUP_DATABASES, BACKUP_CONSUMER_GROUPS, BACKUP_INTERVAL_MS, BACKUP_KEEP_*.
 */
import { parseArgs } from 'node:util';
import {
  applyRetention,
  createBackup,
  readBackupConfig,
  scheduleBackups,
  type BackupConfig,
  type CreatedBackup,
  type RetentionPolicy,
} from '@hocbaso/backup';
import { isAppError } from '@hocbaso/errors';
import { SYSTEM_ACTOR, type Actor } from '@hocbaso/events';
import { createLogger } from '@hocbaso/service-kit';

const USAGE = 'Usage: npm run backup [-- --schedule] [-- --actor <accountId>]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      schedule: { type: 'boolean', default: false },
      actor: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const config = readBackupConfig();
  const logger = createLogger({ service: 'backup', level: config.LOG_LEVEL });
  const actor: Actor = values.actor ? { accountId: values.actor, kind: 'user' } : SYSTEM_ACTOR;
  const backup = {
    mongoUri: config.MONGODB_URI,
    databases: config.BACKUP_DATABASES,
    kafkaBrokers: config.KAFKA_BROKERS,
    consumerGroups: config.BACKUP_CONSUMER_GROUPS,
    outDir: config.backupDir,
    actor,
  };
  const policy = retentionPolicy(config);

  if (!values.schedule) {
    const started = performance.now();
    const created = await createBackup({ ...backup, logger });
    report(created, Math.round(performance.now() - started));
    const deleted = await applyRetention(config.backupDir, policy, new Date(), logger);
    if (deleted.length > 0) console.log(`retention: deleted ${deleted.join(', ')}`);
    return;
  }

  const schedule = scheduleBackups({
    intervalMs: config.BACKUP_INTERVAL_MS,
    backup,
    policy,
    logger,
    onRun: (run) => {
      if (run.backup) report(run.backup, null);
      if (run.deleted.length > 0) console.log(`retention: deleted ${run.deleted.join(', ')}`);
    },
  });
  console.log(`backing up every ${config.BACKUP_INTERVAL_MS} ms into ${config.backupDir}; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await schedule.stop();
}

function retentionPolicy(config: BackupConfig): RetentionPolicy {
  return {
    keepAllDays: config.BACKUP_KEEP_ALL_DAYS,
    weeklyWeeks: config.BACKUP_KEEP_WEEKLY_WEEKS,
    monthlyMonths: config.BACKUP_KEEP_MONTHLY_MONTHS,
    utcOffsetMinutes: config.BACKUP_UTC_OFFSET_MINUTES,
  };
}

function report({ manifest, directory, eventPublished }: CreatedBackup, durationMs: number | null): void {
  const { totals } = manifest;
  console.log(
    `backup ${manifest.backupId}: ${totals.databases} databases, ${totals.collections} collections, ` +
      `${totals.documents} documents, ${totals.bytes} bytes, ${manifest.kafka.consumerGroups.length} consumer groups` +
      `${durationMs === null ? '' : ` in ${durationMs} ms`}\n  ${directory}` +
      (eventPublished
        ? ''
        : '\n  (event not published yet: the broker did not answer; sent on the next run)'),
  );
}

main().catch((error: unknown) => {
  console.error(isAppError(error) ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
