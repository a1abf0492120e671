import path from 'node:path';
import { env, loadConfigOrExit } from '@hocbaso/service-kit';
import { z } from 'zod';

const list = (fallback: string[]) =>
  z
    .string()
    .default(fallback.join(','))
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9._-]+$/)).min(1));

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/**
 * The backup and restore commands' configuration (scripts/backup.ts, scripts/restore.ts): the only
 * place they read process.env. The defaults are each service's defaults (services/<name>/src/env.ts):
 * a deployment that renames a database or a consumer group lists its own here.
 */
export const backupConfigSchema = z.object({
  MONGODB_URI: env.mongoUri(),
  KAFKA_BROKERS: env.brokers(),
  /** Where backups are kept (one folder per backup); default `<HOCBASO_LOCAL_DIR or .local>/backups`. */
  BACKUP_DIR: z.string().min(1).optional(),
  HOCBASO_LOCAL_DIR: z.string().min(1).default('.local'),
  BACKUP_DATABASES: list([
    'hocbaso_identity',
    'hocbaso_students',
    'hocbaso_academics',
    'hocbaso_conduct',
    'hocbaso_signatures',
    'hocbaso_archive',
  ]),
  BACKUP_CONSUMER_GROUPS: list([
    'students-record-locks',
    'hocbaso.academics.roster',
    'academics-record-locks',
    'conduct',
    'conduct-record-locks',
    'signatures',
    'signatures-answers',
    'signatures-audit',
    'archive',
    // The statistics consumers: their aggregates are restored with the databases.
    'hocbaso-students-statistics',
    'hocbaso-academics-statistics',
    'hocbaso-conduct-statistics',
    'hocbaso-signatures-statistics',
    'hocbaso-archive-statistics',
  ]),
  /** The database whose signatures, seals and audit chain a verification checks. */
  SIGNATURES_DB_NAME: z.string().min(1).default('hocbaso_signatures'),
  /** `--schedule`: time between two backups (default one day). */
  BACKUP_INTERVAL_MS: env.milliseconds(24 * 60 * 60 * 1000),
  BACKUP_KEEP_ALL_DAYS: count(7),
  BACKUP_KEEP_WEEKLY_WEEKS: count(8),
  BACKUP_KEEP_MONTHLY_MONTHS: count(12),
  /** Calendar weeks and months of the retention policy are in this UTC offset (Vietnam: 420). */
  BACKUP_UTC_OFFSET_MINUTES: z.coerce.number().int().min(-840).max(840).default(420),
  LOG_LEVEL: env.logLevel(),
});

export type BackupConfig = z.infer<typeof backupConfigSchema> & { backupDir: string };

export function readBackupConfig(): BackupConfig {
  const config = loadConfigOrExit(backupConfigSchema, process.env, 'backup');
  return {
    ...config,
    backupDir: path.resolve(config.BACKUP_DIR ?? path.join(config.HOCBASO_LOCAL_DIR, 'backups')),
  };
}
