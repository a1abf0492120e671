import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fieldProblem, validationFailed, type FieldProblem } from '@hocbaso/errors';
import type { Logger } from '@hocbaso/service-kit';
import { isAppError } from '@hocbaso/errors';
import { readManifest } from './restore-backup';

/**
 * Which backups to keep (grandfather-father-son): every backup of the last days, the newest of
 * each recent calendar week, the newest of each recent calendar month. The newest backup of all is
 * always kept, so a scheduler that stopped for months never deletes the last copy.
 */
export interface RetentionPolicy {
  /** Keep every backup younger than this many days (rolling, 24-hour days). */
  keepAllDays: number;
  /** Keep the newest backup of each of this many calendar weeks (Monday to Sunday), this week included. */
  weeklyWeeks: number;
  /** Keep the newest backup of each of this many calendar months, this month included. */
  monthlyMonths: number;
  /** Weeks and months are those of this UTC offset (Vietnam: +7 h, no daylight saving time). */
  utcOffsetMinutes: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  keepAllDays: 7,
  weeklyWeeks: 8,
  monthlyMonths: 12,
  utcOffsetMinutes: 7 * 60,
};

export interface BackupListing {
  backupId: string;
  createdAt: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function retentionPolicyProblems(policy: RetentionPolicy): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of ['keepAllDays', 'weeklyWeeks', 'monthlyMonths'] as const) {
    if (!Number.isInteger(policy[key]) || policy[key] < 0)
      problems.push(
        fieldProblem(
          key,
          'VALIDATION_FAILED',
          'Số ngày, tuần, tháng giữ bản sao lưu phải là số nguyên không âm.',
        ),
      );
  }
  if (!Number.isInteger(policy.utcOffsetMinutes) || Math.abs(policy.utcOffsetMinutes) > 14 * 60)
    problems.push(
      fieldProblem('utcOffsetMinutes', 'VALIDATION_FAILED', 'Múi giờ phải trong khoảng -14 đến +14 giờ.'),
    );
  return problems;
}

/**
 * The ids of the backups the policy no longer keeps, oldest first. Pure: the same listing, policy
 * and time give the same answer.
 */
export function backupsToDelete(
  backups: readonly BackupListing[],
  policy: RetentionPolicy,
  now: Date,
): string[] {
  const problems = retentionPolicyProblems(policy);
  if (problems.length > 0) throw validationFailed(problems);
  const byAge = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const keep = new Set<string>();
  if (byAge[0]) keep.add(byAge[0].backupId);
  const newestPerWeek = new Map<number, string>();
  const newestPerMonth = new Map<number, string>();
  const thisWeek = weekNumber(now, policy.utcOffsetMinutes);
  const thisMonth = monthNumber(now, policy.utcOffsetMinutes);
  for (const backup of byAge) {
    const time = backup.createdAt.getTime();
    // A backup from the future (a clock set wrong) is no one's to judge: kept.
    if (time > now.getTime() || now.getTime() - time < policy.keepAllDays * DAY_MS) keep.add(backup.backupId);
    const week = weekNumber(backup.createdAt, policy.utcOffsetMinutes);
    if (thisWeek - week < policy.weeklyWeeks && !newestPerWeek.has(week))
      newestPerWeek.set(week, backup.backupId);
    const month = monthNumber(backup.createdAt, policy.utcOffsetMinutes);
    if (thisMonth - month < policy.monthlyMonths && !newestPerMonth.has(month))
      newestPerMonth.set(month, backup.backupId);
  }
  for (const id of [...newestPerWeek.values(), ...newestPerMonth.values()]) keep.add(id);
  return byAge
    .filter((b) => !keep.has(b.backupId))
    .reverse()
    .map((b) => b.backupId);
}

/** Calendar weeks since 1970 at that offset, weeks starting on Monday (1 January 1970 was a Thursday). */
function weekNumber(time: Date, offsetMinutes: number): number {
  const localDay = Math.floor((time.getTime() + offsetMinutes * 60_000) / DAY_MS);
  return Math.floor((localDay + 3) / 7);
}

/** Calendar months since January 1970 at that offset. */
function monthNumber(time: Date, offsetMinutes: number): number {
  const local = new Date(time.getTime() + offsetMinutes * 60_000);
  return local.getUTCFullYear() * 12 + local.getUTCMonth();
}

export interface StoredBackup extends BackupListing {
  directory: string;
}

/** Partial folders older than this are what a crashed backup left: removed. */
const ABANDONED_PARTIAL_MS = DAY_MS;

/**
 * The complete backups in a root folder, from their manifests. A folder whose manifest does not
 * read is reported, never deleted by retention: someone should look at it.
 */
export async function listBackups(
  root: string,
  logger?: Logger,
): Promise<{ backups: StoredBackup[]; unreadable: string[]; partial: string[] }> {
  const backups: StoredBackup[] = [];
  const unreadable: string[] = [];
  const partial: string[] = [];
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { backups, unreadable, partial };
    throw error;
  }
  for (const name of names.sort()) {
    const directory = path.join(root, name);
    if (name.startsWith('.partial-')) {
      partial.push(directory);
      continue;
    }
    if (name.startsWith('.') || !(await stat(directory)).isDirectory()) continue;
    try {
      const manifest = await readManifest(directory);
      backups.push({ backupId: manifest.backupId, createdAt: new Date(manifest.startedAt), directory });
    } catch (error) {
      if (!isAppError(error)) throw error;
      unreadable.push(directory);
      logger?.warn({ directory, err: error.message }, 'not a readable backup; left in place');
    }
  }
  return { backups, unreadable, partial };
}

/** Deletes what the policy no longer keeps (and partial folders a crash left); returns the deleted ids. */
export async function applyRetention(
  root: string,
  policy: RetentionPolicy,
  now: Date,
  logger?: Logger,
): Promise<string[]> {
  const { backups, partial } = await listBackups(root, logger);
  const doomed = new Set(backupsToDelete(backups, policy, now));
  for (const backup of backups) {
    if (!doomed.has(backup.backupId)) continue;
    await rm(backup.directory, { recursive: true, force: true });
    logger?.info({ backupId: backup.backupId }, 'backup deleted by the retention policy');
  }
  for (const directory of partial) {
    const { mtimeMs } = await stat(directory);
    if (now.getTime() - mtimeMs > ABANDONED_PARTIAL_MS) await rm(directory, { recursive: true, force: true });
  }
  return [...doomed];
}
