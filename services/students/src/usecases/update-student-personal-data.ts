import { isDeepStrictEqual } from 'node:util';
import { AppError, forbidden, notFound, validationFailed, type FieldProblem } from '@hocbaso/errors';
import { studentPersonalDataChanged, type Actor } from '@hocbaso/events';
import type { OutboxEntry } from '@hocbaso/service-kit';
import { canEditPersonalData, studentAccess } from '../domain/access';
import { vietnamToday, type IsoDate } from '../domain/calendar';
import type { Gender } from '../domain/personal-id';
import type { PersonalData, PersonalDataChangeRecord, StudentDocument } from '../model/student.model';
import { actorOf, recordedBy, studentsEvent, type Caller, type StudentsDeps } from './deps';
import { revokeLinksOfRemovedGuardians } from './family-links';
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
export interface PersonalDataUpdate {
  fullName?: string | null;
  dateOfBirth?: string | null;
  gender?: Gender | null;
  placeOfBirth?: string | null;
  ethnicity?: string | null;
  policyCategory?: string | null;
  address?: string | null;
  guardians?: GuardianInput[] | null;
}

export interface UpdateStudentPersonalDataInput extends PersonalDataUpdate {
  studentId: string;
}

function merged(current: PersonalData, input: PersonalDataUpdate): PersonalData {
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

/** What the personal-data rules judge a change against: today, and the student's current class. */
export interface PersonalDataContext {
  today: IsoDate;
  grade?: number;
  schoolYear?: string;
}

export async function personalDataContext(
  deps: StudentsDeps,
  student: Pick<StudentDocument, 'classId'>,
): Promise<PersonalDataContext> {
  const currentClass = student.classId ? await deps.classes.findById(student.classId) : null;
  return {
    today: vietnamToday(deps.now()),
    ...(currentClass ? { grade: currentClass.grade, schoolYear: currentClass.schoolYear } : {}),
  };
}

/** Who makes a personal-data change, as the record's history and the event name them. */
export interface PersonalDataEditor {
  changedBy: string | null;
  requestId: string | null;
  actor: Actor;
  at: Date;
}

export type PersonalDataChange =
  | { ok: false; problems: FieldProblem[] }
  | {
      ok: true;
      /** The personal data afterwards. */
      next: PersonalData;
      /** The record's own history entry: every changed field, before and after (R2). */
      history: PersonalDataChangeRecord;
      update: { $set: Partial<PersonalData>; $push: { personalDataHistory: PersonalDataChangeRecord } };
      event: OutboxEntry;
    };

/**
 * The change of a student's personal data an update asks for (the homeroom teacher's, or an
 * approved correction's): normalised and validated, with its history entry and its event; null
 * when no value changes. The event says which fields changed (and the new name, which rosters
 * show), never the personal values themselves.
 */
export function personalDataChange(
  current: StudentDocument,
  input: PersonalDataUpdate,
  context: PersonalDataContext,
  editor: PersonalDataEditor,
): PersonalDataChange | null {
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
  if (problems.length) return { ok: false, problems };
  const set: Partial<PersonalData> = {};
  for (const field of changedFields) Object.assign(set, { [field]: next[field] });
  const history: PersonalDataChangeRecord = {
    changedAt: editor.at,
    changedBy: editor.changedBy,
    requestId: editor.requestId,
    changes: changedFields.map((field) => ({ field, before: current[field], after: next[field] })),
  };
  return {
    ok: true,
    next,
    history,
    update: { $set: set, $push: { personalDataHistory: history } },
    event: studentsEvent(studentPersonalDataChanged, 'students', current._id, {
      studentId: current._id,
      changedFields: [...changedFields],
      ...(changedFields.includes('fullName') ? { fullName: next.fullName } : {}),
      actor: editor.actor,
    }),
  };
}

/**
 * The homeroom teacher updates the personal data (sơ yếu lý lịch) of a student of their class.
 * The record keeps who changed what, before and after (R2).
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
  const context = await personalDataContext(deps, seen);

  const editor: PersonalDataEditor = {
    changedBy: recordedBy(caller),
    requestId: caller.requestId ?? null,
    actor: actorOf(caller),
    at: deps.now(),
  };
  // The personal data is on every year page of the student: a lock of any of their years covers it.
  const write = { kind: 'PERSONAL_DATA', studentId: seen._id } as const;
  const modify = () =>
    deps.students.modify(seen._id, (current) => {
      assertSamePlacement(seen, current);
      assertSameHistory(seen, current);
      const change = personalDataChange(current, input, context, editor);
      if (!change) return null;
      if (!change.ok) throw validationFailed(change.problems);
      return { update: change.update, events: [change.event] };
    });
  const result = await writeUnlessLocked(deps, schoolYearsOf(seen), write, modify);
  if (!result) throw new AppError('NOT_FOUND');
  if (result.changed) deps.changed();
  // A guardian taken off the record loses the parent access their link gave.
  if (result.changed && !isDeepStrictEqual(result.before.guardians, result.after.guardians))
    await revokeLinksOfRemovedGuardians(deps, caller, result.after);
  return result.after;
}
