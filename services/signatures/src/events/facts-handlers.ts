import {
  classCreated,
  classHomeroomTeacherChanged,
  roleGranted,
  roleRevoked,
  studentEnrolled,
  studentLeftClass,
  subjectResultRecorded,
  teachingAssignmentCreated,
  teachingAssignmentRemoved,
  type CloudEvent,
  type EventContract,
  type EventData,
} from '@hocbaso/events';
import type { EventHandler } from '@hocbaso/service-kit';
import type { FactsRepository } from '../model/facts.repository';

/** The other services' events signatures keeps read models of. */
export const FACT_EVENTS = [
  classCreated,
  classHomeroomTeacherChanged,
  studentEnrolled,
  studentLeftClass,
  teachingAssignmentCreated,
  teachingAssignmentRemoved,
  roleGranted,
  roleRevoked,
  subjectResultRecorded,
] as const;

const handle =
  <C extends EventContract>(_contract: C, work: (data: EventData<C>) => Promise<void>): EventHandler =>
  (event: CloudEvent) =>
    work(event.data as EventData<C>);

const complete = (period: { average: number | null; result: string | null }) =>
  period.average !== null || period.result !== null;

export function factHandlers(facts: FactsRepository): Record<string, EventHandler> {
  return {
    [classCreated.type]: handle(classCreated, (d) =>
      facts.upsertClass({
        _id: d.classId,
        schoolId: d.schoolId,
        schoolYear: d.schoolYear,
        grade: d.grade,
        name: d.name,
        homeroomTeacherId: d.homeroomTeacherId,
      }),
    ),
    [classHomeroomTeacherChanged.type]: handle(classHomeroomTeacherChanged, (d) =>
      facts.setHomeroomTeacher(d.classId, d.after.homeroomTeacherId),
    ),
    [studentEnrolled.type]: handle(studentEnrolled, (d) =>
      facts.addMember(
        { _id: d.classId, schoolId: d.schoolId, schoolYear: d.schoolYear, grade: d.grade },
        d.studentId,
      ),
    ),
    [studentLeftClass.type]: handle(studentLeftClass, (d) => facts.removeMember(d.classId, d.studentId)),
    [teachingAssignmentCreated.type]: handle(teachingAssignmentCreated, (d) =>
      facts.setTeaching(d, d.accountId, true),
    ),
    [teachingAssignmentRemoved.type]: handle(teachingAssignmentRemoved, (d) =>
      facts.setTeaching(d, d.accountId, false),
    ),
    [roleGranted.type]: handle(roleGranted, (d) =>
      facts.setRole(d.accountId, { role: d.role, schoolId: d.scope.schoolId }, true),
    ),
    [roleRevoked.type]: handle(roleRevoked, (d) =>
      facts.setRole(d.accountId, { role: d.role, schoolId: d.scope.schoolId }, false),
    ),
    [subjectResultRecorded.type]: handle(subjectResultRecorded, (d) =>
      facts.setProgress(d, d.studentId, {
        term1: complete(d.term1),
        term2: complete(d.term2),
        year: complete(d.reassessment ?? d.year),
      }),
    ),
  };
}
