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
} from '@hocbaso/events';
import type { EventHandler } from '@hocbaso/service-kit';
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

export function rosterHandlers(roster: RosterRepository): Record<string, EventHandler> {
  return {
    [classCreated.type]: onClassCreated(roster),
    [classHomeroomTeacherChanged.type]: onClassHomeroomTeacherChanged(roster),
    [studentEnrolled.type]: onStudentEnrolled(roster),
    [studentLeftClass.type]: onStudentLeftClass(roster),
    [studentPersonalDataChanged.type]: onStudentPersonalDataChanged(roster),
    [studentStatusChanged.type]: onStudentStatusChanged(roster),
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
