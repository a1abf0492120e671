import { DateTime, type RequestContext } from '@hocbaso/service-kit';
import type { ClassSyncReport, StudentSyncLine } from '../domain/report';
import { deadlineOf, isOutdated, standingOf } from '../domain/sync';
import type { RecordSyncDocument } from '../model/sync.model';
import type { ArchiveDeps } from '../usecases/deps';
import { exportRecordBook, lookUpExport, type ExportFormat } from '../usecases/exports';
import { readRecordBook, type SignedYearView } from '../usecases/record-book';
import { readRecordSync, readSyncReport } from '../usecases/reports';
import {
  importTransfer,
  issueTransfer,
  readTransferImport,
  type ImportTransferInput,
} from '../usecases/transfers';

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

function signedYearView({ document, schoolName, verification }: SignedYearView) {
  return {
    schoolYear: document.schoolYear,
    schoolId: document.schoolId,
    schoolName,
    classId: document.classId,
    className: verification.page?.className ?? null,
    grade: verification.page?.grade ?? null,
    recordVersion: document.recordVersion,
    approvedBy: verification.approvedBy?.name ?? document.approval.signerName,
    approvedAt: new Date(document.approval.signedAt),
    sealedBy: verification.sealedBy?.name ?? document.seal.signerName,
    sealedAt: new Date(document.seal.signedAt),
    contentHash: document.approval.contentHash,
    valid: verification.valid,
    problems: verification.problems,
  };
}

export const resolvers = {
  DateTime,
  Mutation: {
    exportRecordBook: (
      _: unknown,
      args: { studentId: string; format: ExportFormat },
      context: ArchiveContext,
    ) => exportRecordBook(context.deps, callerOf(context), args),
    issueTransferPackage: async (_: unknown, args: { studentId: string }, context: ArchiveContext) => {
      const issued = await issueTransfer(context.deps, callerOf(context), args);
      return { ...issued, package: JSON.stringify(issued.package) };
    },
    importTransferPackage: (_: unknown, args: { input: ImportTransferInput }, context: ArchiveContext) =>
      importTransfer(context.deps, callerOf(context), args.input),
  },
  Query: {
    recordBook: async (_: unknown, args: { studentId: string }, context: ArchiveContext) => {
      const years = await readRecordBook(context.deps, callerOf(context), args.studentId);
      return years?.map(signedYearView) ?? null;
    },
    exportByCode: async (_: unknown, args: { verificationCode: string }, context: ArchiveContext) => {
      const found = await lookUpExport(context.deps, args.verificationCode);
      return found && { ...found, exportId: found._id };
    },
    transferImport: (_: unknown, args: { transferId: string }, context: ArchiveContext) =>
      readTransferImport(context.deps, callerOf(context), args.transferId),
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
    recordBook: async (student: { id: string }, _: unknown, context: ArchiveContext) => {
      const years = await readRecordBook(context.deps, callerOf(context), student.id);
      return years?.map(signedYearView) ?? null;
    },
    syncState: async (student: { id: string }, args: { schoolYear: string }, context: ArchiveContext) => {
      const record = await readRecordSync(context.deps, callerOf(context), {
        studentId: student.id,
        ...args,
      });
      return record && recordSyncView(context.deps, record);
    },
  },
};
