import {
  certificateRegistered,
  classCreated,
  outcomeComputed,
  recordYearApproved,
  schoolCreated,
  signatureSuperseded,
  studentEnrolled,
  studentLeftClass,
  studentPersonalDataChanged,
  studentStatusChanged,
  studentTransferApplied,
  type CloudEvent,
  type EventContract,
  type EventData,
} from '@hocbaso/events';
import type { EventHandler } from '@hocbaso/service-kit';
import type { ArchiveDeps } from '../usecases/deps';
import { onApprovalSuperseded, onYearApproved } from '../usecases/sync';
import { onStudentTransferApplied } from '../usecases/transfers';

/** The other services' events the archive keeps read models of, and the approvals it archives. */
export const ARCHIVE_INPUT_EVENTS = [
  schoolCreated,
  classCreated,
  studentEnrolled,
  studentLeftClass,
  studentPersonalDataChanged,
  outcomeComputed,
  recordYearApproved,
  signatureSuperseded,
  certificateRegistered,
  studentStatusChanged,
  studentTransferApplied,
] as const;

export const ARCHIVE_INPUT_TOPICS = [...new Set(ARCHIVE_INPUT_EVENTS.map((c) => c.topic))];

const handle =
  <C extends EventContract>(_contract: C, work: (data: EventData<C>) => Promise<void>): EventHandler =>
  (event: CloudEvent) =>
    work(event.data as EventData<C>);

export function archiveHandlers(deps: ArchiveDeps, onApproval: () => void): Record<string, EventHandler> {
  const { facts } = deps;
  return {
    [schoolCreated.type]: handle(schoolCreated, (d) =>
      facts.upsertSchool({ _id: d.schoolId, code: d.code, name: d.name }),
    ),
    [classCreated.type]: handle(classCreated, (d) =>
      facts.upsertClass({
        _id: d.classId,
        schoolId: d.schoolId,
        schoolYear: d.schoolYear,
        grade: d.grade,
        name: d.name,
      }),
    ),
    [studentEnrolled.type]: handle(studentEnrolled, async (d) => {
      await facts.addMember(
        { _id: d.classId, schoolId: d.schoolId, schoolYear: d.schoolYear, grade: d.grade },
        { studentId: d.studentId, fullName: d.fullName },
      );
      await facts.studentEnrolledAt(d.studentId, d.schoolId, d.fullName, d);
    }),
    [studentStatusChanged.type]: handle(studentStatusChanged, (d) =>
      facts.setStudentStatus(d.studentId, d.schoolId, d.after),
    ),
    [certificateRegistered.type]: handle(certificateRegistered, async (d) => {
      if (d.kind === 'CERTIFICATE_AUTHORITY') await facts.registerAuthority(d.fingerprint, d.schoolId);
    }),
    [studentTransferApplied.type]: handle(studentTransferApplied, (d) => onStudentTransferApplied(deps, d)),
    [studentLeftClass.type]: handle(studentLeftClass, (d) => facts.removeMember(d.classId, d.studentId)),
    [studentPersonalDataChanged.type]: handle(studentPersonalDataChanged, async (d) => {
      if (d.fullName) await facts.renameMember(d.studentId, d.fullName);
    }),
    [outcomeComputed.type]: handle(outcomeComputed, (d) =>
      facts.setOutcome({
        _id: `${d.studentId}:${d.schoolYear}`,
        studentId: d.studentId,
        schoolId: d.schoolId,
        schoolYear: d.schoolYear,
        outcome: d.outcome,
      }),
    ),
    [recordYearApproved.type]: handle(recordYearApproved, async (d) => {
      await onYearApproved(deps, d);
      onApproval();
    }),
    [signatureSuperseded.type]: handle(signatureSuperseded, (d) => onApprovalSuperseded(deps, d)),
  };
}
