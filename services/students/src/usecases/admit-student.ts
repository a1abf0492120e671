import { randomUUID } from 'node:crypto';
import { AppError, fieldProblem, validationFailed } from '@hocbaso/errors';
import { vietnamToday } from '../domain/calendar';
import { normalizePersonalId } from '../domain/personal-id';
import type { StudentDocument } from '../model/student.model';
import { type Caller, type StudentsDeps } from './deps';
import { enrolledEvent, newEnrolment, statusChange } from './enrolment';
import { loadDestinationClass, requireEnrolmentManager } from './manage-classes';
import {
  effectiveDateProblems,
  normalizePersonalData,
  personalDataProblems,
  personalIdProblems,
  type PersonalDataInput,
} from './student-input';

export interface AdmitStudentInput extends PersonalDataInput {
  classId: string;
  personalId: string;
  /** Ngày nhập học. */
  admittedOn: string;
}

/** Refused: this personal ID already has a record (R1). Says so, and what to do instead. */
export function duplicatePersonalId(): AppError {
  return new AppError('DUPLICATE_PERSONAL_ID', {
    fieldErrors: [fieldProblem('personalId', 'DUPLICATE_PERSONAL_ID')],
  });
}

/**
 * Admits a student (nhập học): creates their one record and enrols them into a class of the
 * caller's school. A personal ID that already has a record is refused: a student coming from
 * another school is received with transferStudentIn, never given a second record.
 */
export async function admitStudent(
  deps: StudentsDeps,
  caller: Caller,
  input: AdmitStudentInput,
): Promise<StudentDocument> {
  requireEnrolmentManager(caller);
  const target = await loadDestinationClass(deps, caller, input.classId);
  const now = deps.now();
  const personalId = normalizePersonalId(input.personalId);
  const data = normalizePersonalData(input);
  const admittedOn = input.admittedOn.trim();
  const dataProblems = personalDataProblems(data, {
    today: vietnamToday(now),
    grade: target.grade,
    schoolYear: target.schoolYear,
  });
  const problems = [
    ...personalIdProblems(
      personalId,
      data,
      dataProblems.some((p) => p.field === 'dateOfBirth'),
    ),
    ...dataProblems,
    ...effectiveDateProblems(admittedOn, target.schoolYear, 'admittedOn'),
  ];
  if (problems.length) throw validationFailed(problems);

  const student: Omit<StudentDocument, '_outbox' | '_outboxPending' | '_rev'> = {
    _id: randomUUID(),
    personalId,
    ...data,
    status: 'STUDYING',
    schoolId: target.schoolId,
    classId: target._id,
    enrolments: [newEnrolment(target, 'ADMITTED', admittedOn, caller, now)],
    statusHistory: [statusChange('STUDYING', null, 'Nhập học', admittedOn, caller, now)],
    personalDataHistory: [],
    createdAt: now,
    updatedAt: now,
  };
  const outcome = await deps.students.insertIfPersonalIdFree(student, [
    enrolledEvent(student, target, 'ADMITTED', admittedOn, caller),
  ]);
  if (outcome === 'duplicate') throw duplicatePersonalId();
  deps.changed();
  return { ...student, _outbox: [], _outboxPending: false, _rev: 0 };
}
