import { DateTime, type RequestContext } from '@hocbaso/service-kit';
import { statisticsResolvers } from '@hocbaso/statistics';
import type { ClassSyncReport, StudentSyncLine } from '../domain/report';
import { deadlineOf, isOutdated, standingOf } from '../domain/sync';
import type { RecordSyncDocument } from '../model/sync.model';
import type { ArchiveDeps } from '../usecases/deps';
import { exportRecordBook, lookUpExport, type ExportFormat } from '../usecases/exports';
import { readRecordBook, type SignedYearView } from '../usecases/record-book';
import {
  consentToRecordShare,
  openSharedRecordBook,
  readRecordShares,
  requestRecordShare,
  withdrawRecordShare,
  type RecordShareView,
} from '../usecases/record-shares';
import { readRecordSync, readSyncReport } from '../usecases/reports';
import { ARCHIVE_STATISTICS_TABLES } from '../usecases/statistics';
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

function recordShareView(share: RecordShareView) {
  return {
    id: share._id,
    studentId: share.studentId,
    recipient: share.recipient,
    purpose: share.purpose,
    state: share.effectiveState,
    validUntil: share.validUntil,
    consents: share.consents,
    createdAt: share.createdAt,
    accessCode: share.accessCode,
  };
}

interface RecordShareInput {
  studentId: string;
  recipient: string;
  purpose: string;
  validUntil: Date;
}

export const resolvers = {
  DateTime,
  ...statisticsResolvers(
    (context: ArchiveContext) => context.deps.statisticsReader,
    ARCHIVE_STATISTICS_TABLES,
  ),
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
    requestRecordShare: async (_: unknown, args: { input: RecordShareInput }, context: ArchiveContext) =>
      recordShareView(await requestRecordShare(context.deps, callerOf(context), args.input)),
    consentToRecordShare: async (_: unknown, args: { shareId: string }, context: ArchiveContext) =>
      recordShareView(await consentToRecordShare(context.deps, callerOf(context), args.shareId)),
    withdrawRecordShare: async (_: unknown, args: { shareId: string }, context: ArchiveContext) =>
      recordShareView(await withdrawRecordShare(context.deps, callerOf(context), args.shareId)),
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
    recordShares: async (_: unknown, args: { studentId: string }, context: ArchiveContext) =>
      (await readRecordShares(context.deps, callerOf(context), args.studentId)).map(recordShareView),
    sharedRecordBook: async (_: unknown, args: { accessCode: string }, context: ArchiveContext) => {
      const { share, export: copy } = await openSharedRecordBook(
        context.deps,
        callerOf(context),
        args.accessCode,
      );
      return {
        studentId: share.studentId,
        recipient: share.recipient,
        purpose: share.purpose,
        validUntil: share.validUntil,
        credential: copy.content,
      };
    },
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
