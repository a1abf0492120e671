import { forbidden } from '@hocbaso/errors';
import { syncReport, type SchoolSyncReport } from '../domain/report';
import { canFollowSchoolSync } from '../domain/access';
import type { SyncProgress } from '../domain/sync';
import type { ArchiveDeps, Caller } from './deps';
import { syncIdOf } from './sync';

/** The sync report of a school year: every class, every student, approved or not. */
export async function readSyncReport(
  deps: ArchiveDeps,
  caller: Caller,
  input: { schoolId: string; schoolYear: string },
): Promise<SchoolSyncReport> {
  if (!canFollowSchoolSync(caller.principal, input.schoolId)) {
    throw forbidden(
      'Chỉ Ban giám hiệu, cán bộ học vụ, quản trị của trường và thanh tra được xem báo cáo đồng bộ.',
    );
  }
  const [classes, records, outcomes] = await Promise.all([
    deps.facts.classesOfSchool(input.schoolId, input.schoolYear),
    deps.sync.recordSyncsOf(input),
    deps.facts.outcomesOf(input.schoolId, input.schoolYear),
  ]);
  return syncReport({
    ...input,
    deadlines: deps.deadlinesOf(input.schoolYear),
    classes: classes.map((c) => ({ classId: c._id, className: c.name, grade: c.grade, members: c.members })),
    records: new Map<string, SyncProgress>(records.map((r) => [r.studentId, r])),
    outcomes: new Map(outcomes.map((o) => [o.studentId, o.outcome])),
    now: deps.now(),
  });
}

/** One student-year's sync, for the school's staff who follow the sync (null: never approved). */
export async function readRecordSync(
  deps: ArchiveDeps,
  caller: Caller,
  input: { studentId: string; schoolYear: string },
) {
  const record = await deps.sync.recordSync(syncIdOf(input.studentId, input.schoolYear));
  if (!record) return null;
  if (!canFollowSchoolSync(caller.principal, record.schoolId)) return null;
  return record;
}
