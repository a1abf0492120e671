import {
  outcomeComputed,
  recordSyncStateChanged,
  studentEnrolled,
  studentLeftClass,
  type CloudEvent,
  type EventData,
} from '@hocbaso/events';
import type { Figure, PartRef, StatisticsProjection } from '@hocbaso/statistics';
import { studentSyncFigures, SYNC_PROGRESS_TABLE, SYNC_TIMELINESS_TABLE } from '../domain/statistics';
import type { DeadlineWatchRepository } from '../model/deadline-watch.repository';
import type { ArchiveDeps } from './deps';
import { syncIdOf } from './sync';

/** The archive's fields on `Statistics`. */
export const ARCHIVE_STATISTICS_TABLES = {
  syncProgress: SYNC_PROGRESS_TABLE,
  syncTimeliness: SYNC_TIMELINESS_TABLE,
};

/**
 * One part of the figures: a student (part) of a class roster (group) in a school year. Reads by
 * `_id` only: the class, the student-year's sync record and conduct's outcome. Null when the
 * student is no longer in that class. A student due until a deadline has the class watched, so
 * the deadline's passing (no event) has it counted again.
 */
export async function computeSyncPart(
  deps: ArchiveDeps,
  watch: DeadlineWatchRepository,
  ref: PartRef,
): Promise<Figure[] | null> {
  const cls = await deps.facts.classById(ref.group);
  if (
    !cls ||
    cls.schoolId !== ref.schoolId ||
    cls.schoolYear !== ref.schoolYear ||
    !cls.members.some((m) => m.studentId === ref.part)
  )
    return null;
  const [record, outcome] = await Promise.all([
    deps.sync.recordSync(syncIdOf(ref.part, ref.schoolYear)),
    deps.facts.outcome(ref.part, ref.schoolYear),
  ]);
  const { figures, watchDeadline } = studentSyncFigures({
    grade: cls.grade,
    record,
    outcome: outcome?.outcome ?? null,
    deadlines: deps.deadlinesOf(ref.schoolYear),
    now: deps.now(),
  });
  if (watchDeadline)
    await watch.watch(watchDeadline, {
      schoolId: cls.schoolId,
      schoolYear: cls.schoolYear,
      classId: cls._id,
    });
  return figures;
}

/** The student's part in a class, and in the class the student was last enrolled in that year. */
async function studentParts(
  deps: ArchiveDeps,
  place: { schoolId: string; schoolYear: string; studentId: string; classId?: string },
): Promise<PartRef[]> {
  const student = await deps.facts.student(place.studentId);
  const classes = new Set([place.classId, student?.classByYear?.[place.schoolYear]]);
  return [...classes].flatMap((group) =>
    group ? [{ schoolId: place.schoolId, schoolYear: place.schoolYear, group, part: place.studentId }] : [],
  );
}

/**
 * The statistics consumer's triggers: the archive's own sync events, and the facts that move a
 * student between rosters or change a deadline (conduct's outcome decides the wave of a record not
 * yet approved). Rosters are read from the read models, which another consumer group writes:
 * `archiveRosterMarks` marks the same parts again once it applied the event.
 */
export function archiveStatisticsTriggers(
  deps: ArchiveDeps,
): Record<string, (event: CloudEvent) => Promise<PartRef[]>> {
  return {
    [recordSyncStateChanged.type]: (event) =>
      studentParts(deps, event.data as EventData<typeof recordSyncStateChanged>),
    ...archiveRosterMarks(deps),
  };
}

/** The topics of the statistics consumer group. */
export const ARCHIVE_STATISTICS_TOPICS = [
  ...new Set(
    [recordSyncStateChanged, studentEnrolled, studentLeftClass, outcomeComputed].map((c) => c.topic),
  ),
];

/** The roster and outcome facts, marked again by the read models' group once it applied them. */
export function archiveRosterMarks(
  deps: ArchiveDeps,
): Record<string, (event: CloudEvent) => Promise<PartRef[]>> {
  const inClass = async (d: { schoolId: string; schoolYear: string; classId: string; studentId: string }) => [
    { schoolId: d.schoolId, schoolYear: d.schoolYear, group: d.classId, part: d.studentId },
  ];
  return {
    [studentEnrolled.type]: (event) => inClass(event.data as EventData<typeof studentEnrolled>),
    [studentLeftClass.type]: (event) => inClass(event.data as EventData<typeof studentLeftClass>),
    [outcomeComputed.type]: (event) => studentParts(deps, event.data as EventData<typeof outcomeComputed>),
  };
}

/**
 * From the sync worker's periodic run: every class watched for a deadline that has passed has its
 * students counted again (those due turn LATE). Returns the classes marked.
 */
export function markPassedDeadlines(
  deps: ArchiveDeps,
  watch: DeadlineWatchRepository,
  projection: StatisticsProjection,
): Promise<number> {
  return watch.firePassed(deps.now(), async (groups) => {
    for (const group of groups) {
      const cls = await deps.facts.classById(group.classId);
      if (!cls) continue;
      await projection.markDirty(
        cls.members.map((m) => ({
          schoolId: group.schoolId,
          schoolYear: group.schoolYear,
          group: group.classId,
          part: m.studentId,
        })),
      );
    }
  });
}
