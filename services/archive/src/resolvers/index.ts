import { DateTime, type RequestContext } from '@hocbaso/service-kit';
import type { ClassSyncReport, StudentSyncLine } from '../domain/report';
import { deadlineOf, isOutdated, standingOf } from '../domain/sync';
import type { RecordSyncDocument } from '../model/sync.model';
import type { ArchiveDeps } from '../usecases/deps';
import { readRecordSync, readSyncReport } from '../usecases/reports';

export interface ArchiveContext extends RequestContext {
  deps: ArchiveDeps;
}

const callerOf = (context: ArchiveContext) => ({
  principal: context.principal,
  requestId: context.requestId,
});

function recordSyncView(deps: ArchiveDeps, record: RecordSyncDocument) {
  const deadline = deadlineOf(record, deps.deadlinesOf(record.schoolYear));
  return {
    ...record,
    deadline,
    standing: standingOf(record, deadline, deps.now()),
    outdated: isOutdated(record),
  };
}

export const resolvers = {
  DateTime,
  Query: {
    syncReport: (_: unknown, args: { schoolId: string; schoolYear: string }, context: ArchiveContext) =>
      readSyncReport(context.deps, callerOf(context), args),
  },
  ClassSyncReport: {
    late: (report: ClassSyncReport) => report.students.filter((s: StudentSyncLine) => s.standing === 'LATE'),
    rejected: (report: ClassSyncReport) =>
      report.students.filter((s: StudentSyncLine) => s.state === 'REJECTED'),
  },
  Student: {
    __resolveReference: (reference: { id: string }) => reference,
    syncState: async (student: { id: string }, args: { schoolYear: string }, context: ArchiveContext) => {
      const record = await readRecordSync(context.deps, callerOf(context), {
        studentId: student.id,
        ...args,
      });
      return record && recordSyncView(context.deps, record);
    },
  },
};
