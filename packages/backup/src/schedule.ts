import { createLogger, KafkaEventBus, type EventPublisher, type Logger } from '@hocbaso/service-kit';
import { publishPendingEvents } from './backup-events';
import { createBackup, type CreateBackupOptions, type CreatedBackup } from './create-backup';
import { KafkaAdminPositions, type KafkaPositions } from './kafka-positions';
import { applyRetention, DEFAULT_RETENTION, listBackups, type RetentionPolicy } from './retention';

export interface ScheduleBackupsOptions {
  /** Time from the start of one backup to the start of the next (a run that overruns starts the next at once). */
  intervalMs: number;
  backup: Omit<CreateBackupOptions, 'now' | 'logger' | 'positions' | 'publisher'>;
  policy?: RetentionPolicy;
  /** Run the first backup now rather than after one interval (default true). */
  runAtStart?: boolean;
  now?: () => Date;
  logger?: Logger;
  positions?: KafkaPositions;
  publisher?: EventPublisher;
  /** Told of each run's outcome (tests, metrics). */
  onRun?: (run: ScheduledRun) => void;
}

export interface ScheduledRun {
  backup: CreatedBackup | null;
  deleted: string[];
  error: Error | null;
}

export interface BackupSchedule {
  /** Runs one backup and the retention now, between scheduled runs (never two at once). */
  runNow(): Promise<ScheduledRun>;
  /** Waits for a run in progress, then stops the schedule and closes its Kafka clients. */
  stop(): Promise<void>;
}

/**
 * Backs up on a schedule and applies the retention policy after each backup. A failed run is
 * logged and the schedule goes on; events a broker did not take are published on the next run.
 */
export function scheduleBackups(options: ScheduleBackupsOptions): BackupSchedule {
  const logger = (options.logger ?? createLogger({ service: 'backup', level: 'silent' })).child({
    component: 'backup-schedule',
  });
  const now = options.now ?? (() => new Date());
  const policy = options.policy ?? DEFAULT_RETENTION;
  const brokers = options.backup.kafkaBrokers;
  const ownBus = options.publisher
    ? undefined
    : new KafkaEventBus({ clientId: 'hocbaso-backup', brokers, logger });
  const publisher = options.publisher ?? ownBus!;
  const ownPositions = options.positions ? undefined : new KafkaAdminPositions({ brokers, logger });
  const positions = options.positions ?? ownPositions!;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<ScheduledRun> | undefined;

  const runOnce = async (): Promise<ScheduledRun> => {
    const run: ScheduledRun = { backup: null, deleted: [], error: null };
    try {
      const { backups } = await listBackups(options.backup.outDir, logger);
      for (const { directory } of backups) {
        // A broker still down delays these events again; it does not stop the backup.
        await publishPendingEvents(directory, publisher, logger).catch((error: Error) =>
          logger.warn({ err: error.message, directory }, 'pending backup events not published yet'),
        );
      }
      run.backup = await createBackup({ ...options.backup, now, logger, positions, publisher });
      run.deleted = await applyRetention(options.backup.outDir, policy, now(), logger);
    } catch (error) {
      run.error = error as Error;
      logger.error(
        { err: (error as Error).message },
        'scheduled backup failed; the next run is still scheduled',
      );
    }
    options.onRun?.(run);
    return run;
  };

  const runNow = (): Promise<ScheduledRun> => {
    running ??= runOnce().finally(() => (running = undefined));
    return running;
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(async () => {
      const started = Date.now();
      await runNow();
      schedule(Math.max(0, options.intervalMs - (Date.now() - started)));
    }, delayMs);
  };
  schedule(options.runAtStart === false ? options.intervalMs : 0);

  return {
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      await ownBus?.disconnect();
      await ownPositions?.close();
    },
  };
}
