import type { Figure, StatisticsTableDefinition } from '@hocbaso/statistics';
import { lineOf, type StudentSyncState } from './report';
import type { SyncProgress, SyncStanding, YearDeadlines } from './sync';

/**
 * The archive's dashboard tables (issue 7): every student of a class roster counted once per
 * school year, approved or not, by the state of the current version's sync and by how it stands
 * against its deadline. Figures name no student; the reader suppresses small cells.
 */
export type SyncProgressColumn = 'NOT_APPROVED' | 'PENDING' | 'SENT' | 'ACCEPTED' | 'REJECTED';

/** Đồng bộ với Bộ GD&ĐT: student-years by the state of the current version's sync. */
export const SYNC_PROGRESS_TABLE: StatisticsTableDefinition = {
  name: 'syncProgress',
  title: 'Đồng bộ học bạ với CSDL ngành (Bộ GD&ĐT)',
  terms: ['YEAR'],
  columns: [
    { key: 'NOT_APPROVED', label: 'Chưa phê duyệt' },
    { key: 'PENDING', label: 'Chờ gửi' },
    { key: 'SENT', label: 'Đã gửi, chờ kết quả' },
    { key: 'ACCEPTED', label: 'Đã được tiếp nhận' },
    { key: 'REJECTED', label: 'Bị từ chối' },
  ],
  totalLabel: 'Tổng số học sinh',
};

/** Đúng hạn/trễ hạn: student-years by their standing against the sync deadline (Điều 6.6). */
export const SYNC_TIMELINESS_TABLE: StatisticsTableDefinition = {
  name: 'syncTimeliness',
  title: 'Tiến độ đồng bộ so với hạn',
  terms: ['YEAR'],
  columns: [
    { key: 'DUE', label: 'Chưa đến hạn' },
    { key: 'ON_TIME', label: 'Đồng bộ đúng hạn' },
    { key: 'LATE_SYNCED', label: 'Đồng bộ trễ hạn' },
    { key: 'LATE', label: 'Quá hạn, chưa đồng bộ' },
  ],
  totalLabel: 'Tổng số học sinh',
};

/**
 * A record whose approval a correction superseded waits for its new version to be approved: the
 * current version is not approved (the older one the Ministry may hold is not counted again).
 */
export function progressColumnOf(state: StudentSyncState): SyncProgressColumn {
  return state === 'SUPERSEDED' ? 'NOT_APPROVED' : state;
}

export interface StudentSyncFigures {
  figures: Figure[];
  /** The deadline whose passing changes this student's standing (DUE now), else null. */
  watchDeadline: Date | null;
}

/**
 * One student's figures in one school year: one in each table. `record` is the student-year's sync
 * (null: never approved), `outcome` conduct's computed outcome (the wave of a record not approved).
 */
export function studentSyncFigures(input: {
  grade: number;
  record: SyncProgress | null;
  outcome: string | null;
  deadlines: YearDeadlines;
  now: Date;
}): StudentSyncFigures {
  const line = lineOf(
    { studentId: '', fullName: '' },
    input.record,
    input.outcome,
    input.deadlines,
    input.now,
  );
  const standing: SyncStanding = line.standing;
  return {
    figures: [
      {
        table: SYNC_PROGRESS_TABLE.name,
        term: 'YEAR',
        grade: input.grade,
        column: progressColumnOf(line.state),
        value: 1,
      },
      { table: SYNC_TIMELINESS_TABLE.name, term: 'YEAR', grade: input.grade, column: standing, value: 1 },
    ],
    watchDeadline: standing === 'DUE' ? line.deadline : null,
  };
}
