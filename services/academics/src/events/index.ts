import {
  classCreated,
  classHomeroomTeacherChanged,
  correctionApplyRequested,
  lockReleased,
  lockRequested,
  studentEnrolled,
  studentLeftClass,
  studentPersonalDataChanged,
  studentStatusChanged,
  type CloudEvent,
  type EventData,
} from '@hocbaso/events';
import type { EventHandler } from '@hocbaso/service-kit';
import type { ClassMembersRepository } from '../model/class-members.repository';
import type { RosterRepository } from '../model/roster.repository';
import { applyCorrection } from '../usecases/apply-correction';
import { decideLock } from '../usecases/decide-lock';
import type { AcademicsDeps } from '../usecases/deps';
import { onClassCreated } from './on-class-created';
import { onClassHomeroomTeacherChanged } from './on-class-homeroom-teacher-changed';
import { onStudentEnrolled } from './on-student-enrolled';
import { onStudentLeftClass } from './on-student-left-class';
import { onStudentPersonalDataChanged } from './on-student-personal-data-changed';
import { onStudentStatusChanged } from './on-student-status-changed';

/** The students events the roster read model is built from. */
export const ROSTER_EVENTS = [
  classCreated,
  classHomeroomTeacherChanged,
  studentEnrolled,
  studentLeftClass,
  studentPersonalDataChanged,
  studentStatusChanged,
] as const;

export const ROSTER_TOPICS = [...new Set(ROSTER_EVENTS.map((c) => c.topic))];

/**
 * Told after the roster recorded a change of where a student counts (joined or left a class, a new
 * status): the statistics mark the student's classes (of that school year, or of every year). Called
 * by the roster consumer itself, after its write, so the recomputation sees the change.
 */
export type StudentPlacementChanged = (studentId: string, schoolYear?: string) => Promise<void>;

export function rosterHandlers(
  roster: RosterRepository,
  members: ClassMembersRepository,
  placementChanged: StudentPlacementChanged = async () => {},
): Record<string, EventHandler> {
  const then =
    (handler: EventHandler, student: (event: CloudEvent) => [string, string?]): EventHandler =>
    async (event) => {
      await handler(event);
      await placementChanged(...student(event));
    };
  return {
    [classCreated.type]: onClassCreated(roster),
    [classHomeroomTeacherChanged.type]: onClassHomeroomTeacherChanged(roster),
    [studentEnrolled.type]: then(onStudentEnrolled(roster, members), (event) => {
      const data = event.data as EventData<typeof studentEnrolled>;
      return [data.studentId, data.schoolYear];
    }),
    [studentLeftClass.type]: then(onStudentLeftClass(roster), (event) => {
      const data = event.data as EventData<typeof studentLeftClass>;
      return [data.studentId, data.schoolYear];
    }),
    [studentPersonalDataChanged.type]: onStudentPersonalDataChanged(roster),
    [studentStatusChanged.type]: then(onStudentStatusChanged(roster), (event) => [
      (event.data as EventData<typeof studentStatusChanged>).studentId,
    ]),
  };
}

/** Signatures' requests to academics: lock, unlock, apply a correction. */
export const RECORD_LOCK_EVENTS = [lockRequested, lockReleased, correctionApplyRequested] as const;

export const RECORD_LOCK_TOPICS = [...new Set(RECORD_LOCK_EVENTS.map((c) => c.topic))];

export function recordLockHandlers(deps: AcademicsDeps): Record<string, EventHandler> {
  return {
    ...deps.locks.handlers((scope) => decideLock(deps, scope), deps.changed),
    ...deps.corrections.handlers((request) => applyCorrection(deps, request), deps.changed),
  };
}
