import { isDeepStrictEqual } from 'node:util';
import { AppError, forbidden, notFound, validationFailed } from '@hocbaso/errors';
import { studentPersonalDataChanged } from '@hocbaso/events';
import { canEditPersonalData, studentAccess } from '../domain/access';
import { vietnamToday } from '../domain/calendar';
import type { Gender } from '../domain/personal-id';
import type { PersonalData, StudentDocument } from '../model/student.model';
import { actorOf, recordedBy, studentsEvent, type Caller, type StudentsDeps } from './deps';
import { assertSameHistory, assertSamePlacement, placementOf } from './enrolment';
import { schoolYearsOf, writeUnlessLocked } from './record-locks';
import {
  normalizePersonalData,
  PERSONAL_FIELDS,
  personalDataProblems,
  personalIdProblems,
  type GuardianInput,
  type PersonalField,
} from './student-input';

/** Only the fields given change; `policyCategory: null` clears it. */
export interface UpdateStudentPersonalDataInput {
  studentId: string;
  fullName?: string | null;
  dateOfBirth?: string | null;
  gender?: Gender | null;
  placeOfBirth?: string | null;
  ethnicity?: string | null;
  policyCategory?: string | null;
  address?: string | null;
  guardians?: GuardianInput[] | null;
}

function merged(current: PersonalData, input: UpdateStudentPersonalDataInput): PersonalData {
  return normalizePersonalData({
    fullName: input.fullName ?? current.fullName,
    dateOfBirth: input.dateOfBirth ?? current.dateOfBirth,
    gender: input.gender ?? current.gender,
    placeOfBirth: input.placeOfBirth ?? current.placeOfBirth,
    ethnicity: input.ethnicity ?? current.ethnicity,
    policyCategory: input.policyCategory === undefined ? current.policyCategory : input.policyCategory,
    address: input.address ?? current.address,
    guardians: input.guardians ?? current.guardians,
  });
}

/**
 * The homeroom teacher updates the personal data (sơ yếu lý lịch) of a student of their class.
 * The record keeps who changed what, before and after (R2); the event says which fields changed
 * (and the new name, which rosters show), never the personal values themselves.
 */
export async function updateStudentPersonalData(
  deps: StudentsDeps,
  caller: Caller,
  input: UpdateStudentPersonalDataInput,
): Promise<StudentDocument> {
  const seen = await deps.students.findById(input.studentId);
  if (!seen || (caller.principal && studentAccess(caller.principal, placementOf(seen)) === 'NONE'))
    throw notFound('Không tìm thấy học sinh.');
  if (caller.principal && !canEditPersonalData(caller.principal, placementOf(seen))) throw forbidden();
  const currentClass = seen.classId ? await deps.classes.findById(seen.classId) : null;
  const context = {
    today: vietnamToday(deps.now()),
    ...(currentClass ? { grade: currentClass.grade, schoolYear: currentClass.schoolYear } : {}),
  };

  const now = deps.now();
  // The personal data is on every year page of the student: a lock of any of their years covers it.
  const write = { kind: 'PERSONAL_DATA', studentId: seen._id } as const;
  const modify = () =>
    deps.students.modify(seen._id, (current) => {
      assertSamePlacement(seen, current);
      assertSameHistory(seen, current);
      const next = merged(current, input);
      const changedFields = PERSONAL_FIELDS.filter(
        (field: PersonalField) => !isDeepStrictEqual(next[field], current[field]),
      );
      if (changedFields.length === 0) return null;
      // Only what this change touches is judged: an old value is not this editor's mistake.
      const problems = personalDataProblems(next, context).filter((p) =>
        (changedFields as readonly string[]).includes(p.field.split('.')[0] ?? ''),
      );
      if (changedFields.includes('gender') || changedFields.includes('dateOfBirth')) {
        // The personal ID encodes both: a change that contradicts it is a mistake in one of them.
        const field = changedFields.includes('gender') ? 'gender' : 'dateOfBirth';
        const dateOfBirthIsWrong = problems.some((p) => p.field === 'dateOfBirth');
        problems.push(
          ...personalIdProblems(current.personalId, next, dateOfBirthIsWrong).map((p) => ({ ...p, field })),
        );
      }
      if (problems.length) throw validationFailed(problems);
      const set: Partial<PersonalData> = {};
      for (const field of changedFields) Object.assign(set, { [field]: next[field] });
      return {
        update: {
          $set: set,
          $push: {
            personalDataHistory: {
              changedAt: now,
              changedBy: recordedBy(caller),
              requestId: caller.requestId ?? null,
              changes: changedFields.map((field) => ({ field, before: current[field], after: next[field] })),
            },
          },
        },
        events: [
          studentsEvent(studentPersonalDataChanged, 'students', current._id, {
            studentId: current._id,
            changedFields: [...changedFields],
            ...(changedFields.includes('fullName') ? { fullName: next.fullName } : {}),
            actor: actorOf(caller),
          }),
        ],
      };
    });
  const result = await writeUnlessLocked(deps, schoolYearsOf(seen), write, modify);
  if (!result) throw new AppError('NOT_FOUND');
  if (result.changed) deps.changed();
  return result.after;
}
