import type { SyncState } from '@hocbaso/events';
import type { SyncWave } from '@hocbaso/record-book';
import {
  deadlineOf,
  expectedWave,
  isOutdated,
  standingOf,
  type SyncProgress,
  type SyncReason,
  type SyncStanding,
  type YearDeadlines,
} from './sync';

/**
 * The sync report (R5: "report who is late"): per class and for the school, what is synced, what is
 * late and what was rejected and why. Every student of the class is counted, approved or not: a
 * record never approved is as late as one the Ministry refused.
 */
export interface RosterMember {
  studentId: string;
  fullName: string;
}

export interface ClassRoster {
  classId: string;
  className: string;
  grade: number;
  members: RosterMember[];
}

export type StudentSyncState = SyncState | 'NOT_APPROVED';

export interface StudentSyncLine {
  studentId: string;
  fullName: string;
  state: StudentSyncState;
  wave: SyncWave;
  deadline: Date;
  standing: SyncStanding;
  recordVersion: number | null;
  attempts: number;
  reasons: SyncReason[];
  /** The Ministry holds an older version than the one approved now (a correction to send). */
  outdated: boolean;
}

export interface SyncCounts {
  students: number;
  notApproved: number;
  pending: number;
  sent: number;
  accepted: number;
  rejected: number;
  superseded: number;
  onTime: number;
  lateSynced: number;
  late: number;
  due: number;
}

export interface ClassSyncReport {
  classId: string;
  className: string;
  grade: number;
  counts: SyncCounts;
  students: StudentSyncLine[];
}

export interface SchoolSyncReport {
  schoolId: string;
  schoolYear: string;
  deadlines: YearDeadlines;
  counts: SyncCounts;
  classes: ClassSyncReport[];
}

const STATE_COUNT: Record<StudentSyncState, keyof SyncCounts> = {
  NOT_APPROVED: 'notApproved',
  PENDING: 'pending',
  SENT: 'sent',
  ACCEPTED: 'accepted',
  REJECTED: 'rejected',
  SUPERSEDED: 'superseded',
};
const STANDING_COUNT: Record<SyncStanding, keyof SyncCounts> = {
  ON_TIME: 'onTime',
  LATE_SYNCED: 'lateSynced',
  LATE: 'late',
  DUE: 'due',
};

const noCounts = (): SyncCounts => ({
  students: 0,
  notApproved: 0,
  pending: 0,
  sent: 0,
  accepted: 0,
  rejected: 0,
  superseded: 0,
  onTime: 0,
  lateSynced: 0,
  late: 0,
  due: 0,
});

function countsOf(lines: readonly StudentSyncLine[]): SyncCounts {
  const counts = noCounts();
  for (const line of lines) {
    counts.students += 1;
    counts[STATE_COUNT[line.state]] += 1;
    counts[STANDING_COUNT[line.standing]] += 1;
  }
  return counts;
}

export function lineOf(
  member: RosterMember,
  record: SyncProgress | null,
  outcome: string | null,
  deadlines: YearDeadlines,
  now: Date,
): StudentSyncLine {
  const wave = record?.wave ?? expectedWave(outcome);
  const deadline = deadlineOf(record ?? { wave, rejections: 0 }, deadlines);
  return {
    studentId: member.studentId,
    fullName: member.fullName,
    state: record?.state ?? 'NOT_APPROVED',
    wave,
    deadline,
    standing: standingOf(record, deadline, now),
    recordVersion: record?.recordVersion ?? null,
    attempts: record?.attempts ?? 0,
    reasons: record?.reasons ?? [],
    outdated: isOutdated(record),
  };
}

export function syncReport(input: {
  schoolId: string;
  schoolYear: string;
  deadlines: YearDeadlines;
  classes: readonly ClassRoster[];
  /** By student id, for this school year. */
  records: ReadonlyMap<string, SyncProgress>;
  /** Conduct's computed outcome by student id (the wave of a record not yet approved). */
  outcomes: ReadonlyMap<string, string | null>;
  now: Date;
}): SchoolSyncReport {
  const classes = [...input.classes]
    .sort((a, b) => a.grade - b.grade || a.className.localeCompare(b.className, 'vi'))
    .map((cls): ClassSyncReport => {
      const students = [...cls.members]
        .sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'))
        .map((m) =>
          lineOf(
            m,
            input.records.get(m.studentId) ?? null,
            input.outcomes.get(m.studentId) ?? null,
            input.deadlines,
            input.now,
          ),
        );
      return { ...cls, counts: countsOf(students), students };
    });
  return {
    schoolId: input.schoolId,
    schoolYear: input.schoolYear,
    deadlines: input.deadlines,
    counts: countsOf(classes.flatMap((c) => c.students)),
    classes,
  };
}
