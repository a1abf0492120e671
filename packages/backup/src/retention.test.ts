import { backupsToDelete, DEFAULT_RETENTION, type BackupListing } from './retention';

/** A backup made at 02:00 Vietnam time (UTC+7) on a local date. */
const at2amHanoi = (date: string): BackupListing => ({
  backupId: date,
  createdAt: new Date(`${date}T02:00:00+07:00`),
});

/** Local dates from `last` back `days` days, newest first. */
function localDays(last: string, days: number): string[] {
  const dates: string[] = [];
  const day = new Date(`${last}T00:00:00Z`);
  for (let i = 0; i < days; i++) {
    dates.push(new Date(day.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  }
  return dates;
}

describe('backupsToDelete with the default policy (7 days, 8 weeks, 12 months)', () => {
  // Wednesday 10 June 2026, 10:00 in Hà Nội.
  const now = new Date('2026-06-10T10:00:00+07:00');
  const daily = localDays('2026-06-10', 400).map(at2amHanoi);

  it('keeps every day of the last week, the newest of each of 8 weeks and of each of 12 months', () => {
    const deleted = new Set(backupsToDelete(daily, DEFAULT_RETENTION, now));
    const kept = daily.map((b) => b.backupId).filter((id) => !deleted.has(id));
    // Worked out on a calendar: days 4-10 June; Sundays closing the 7 weeks before this one
    // (7 June is also a day of the last week); the last day of each month back to July 2025.
    expect(kept.sort()).toEqual(
      [
        ...['2026-06-04', '2026-06-05', '2026-06-06', '2026-06-07', '2026-06-08', '2026-06-09', '2026-06-10'],
        ...['2026-05-31', '2026-05-24', '2026-05-17', '2026-05-10', '2026-05-03', '2026-04-26'],
        ...['2026-04-30', '2026-03-31', '2026-02-28', '2026-01-31', '2025-12-31', '2025-11-30'],
        ...['2025-10-31', '2025-09-30', '2025-08-31', '2025-07-31'],
      ].sort(),
    );
    expect(deleted.size).toBe(400 - 23);
  });

  it('lists the deleted backups oldest first, whatever the order given', () => {
    const shuffled = [...daily].sort((a, b) => (a.backupId.slice(8) < b.backupId.slice(8) ? -1 : 1));
    const deleted = backupsToDelete(shuffled, DEFAULT_RETENTION, now);
    expect(deleted).toEqual(backupsToDelete(daily, DEFAULT_RETENTION, now));
    expect(deleted[0]).toBe('2025-05-07');
    expect(deleted).toEqual([...deleted].sort());
  });

  it('deletes nothing while every backup is in the last seven days', () => {
    expect(backupsToDelete(localDays('2026-06-10', 7).map(at2amHanoi), DEFAULT_RETENTION, now)).toEqual([]);
  });
});

describe('backupsToDelete edge cases', () => {
  it('counts weeks and months in the configured time zone', () => {
    const backups: BackupListing[] = [
      { backupId: 'may-30', createdAt: new Date('2026-05-30T10:00:00Z') },
      // 23:00 on 31 May in Hà Nội; 16:00 on 31 May in UTC.
      { backupId: 'may-31-late', createdAt: new Date('2026-05-31T16:00:00Z') },
      // 01:00 on 1 June in Hà Nội; still 31 May in UTC.
      { backupId: 'june-1-early', createdAt: new Date('2026-05-31T18:00:00Z') },
    ];
    // Mid-September: past the daily and weekly windows, May and June in the monthly one.
    const now = new Date('2026-09-15T00:00:00Z');
    expect(backupsToDelete(backups, DEFAULT_RETENTION, now)).toEqual(['may-30']);
    expect(backupsToDelete(backups, { ...DEFAULT_RETENTION, utcOffsetMinutes: 0 }, now)).toEqual([
      'may-30',
      'may-31-late',
    ]);
  });

  it('always keeps the newest backup, however old', () => {
    const now = new Date('2029-01-01T00:00:00Z');
    const old = { backupId: 'old', createdAt: new Date('2026-01-01T00:00:00Z') };
    const older = { backupId: 'older', createdAt: new Date('2025-12-01T00:00:00Z') };
    expect(backupsToDelete([old], DEFAULT_RETENTION, now)).toEqual([]);
    expect(backupsToDelete([older, old], DEFAULT_RETENTION, now)).toEqual(['older']);
  });

  it('keeps only the newest when every window is zero', () => {
    const backups = localDays('2026-06-10', 3).map(at2amHanoi);
    const none = { ...DEFAULT_RETENTION, keepAllDays: 0, weeklyWeeks: 0, monthlyMonths: 0 };
    expect(backupsToDelete(backups, none, new Date('2026-06-10T12:00:00Z'))).toEqual([
      '2026-06-08',
      '2026-06-09',
    ]);
  });

  it('keeps a backup dated after now (a clock set wrong)', () => {
    const backups = [
      { backupId: 'ahead', createdAt: new Date('2026-07-01T00:00:00Z') },
      { backupId: 'later', createdAt: new Date('2026-08-01T00:00:00Z') },
    ];
    const none = { ...DEFAULT_RETENTION, keepAllDays: 0, weeklyWeeks: 0, monthlyMonths: 0 };
    expect(backupsToDelete(backups, none, new Date('2026-06-01T00:00:00Z'))).toEqual([]);
  });

  it('refuses a policy that is not whole, non-negative numbers', () => {
    expect(() => backupsToDelete([], { ...DEFAULT_RETENTION, weeklyWeeks: -1 }, new Date())).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => backupsToDelete([], { ...DEFAULT_RETENTION, keepAllDays: 1.5 }, new Date())).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
