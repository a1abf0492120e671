import { forbidden } from '@hocbaso/errors';
import type { GraphQLResolveInfo } from 'graphql';
import { isLoggedPersonalRead, studentAccess } from '../domain/access';
import type { EnrolmentRecord, StudentDocument } from '../model/student.model';
import { placementOf } from '../usecases/enrolment';
import { familyLinksOf } from '../usecases/family-links';
import type { StudentsContext } from './context';

/** A student the caller may see at all, or null (it then looks absent). */
export function visibleStudent(student: StudentDocument | null, context: StudentsContext) {
  return student && studentAccess(context.principal, placementOf(student)) !== 'NONE' ? student : null;
}

/**
 * Personal fields resolve only for callers with PERSONAL access to this very student; a subject
 * teacher (BASIC) gets null and FORBIDDEN for the field, the rest of the answer still comes. A
 * staff member's read is noted for the request's access log (R11).
 */
function personal<T>(resolve: (student: StudentDocument) => T) {
  return (
    student: StudentDocument,
    _args: unknown,
    context: StudentsContext,
    info: GraphQLResolveInfo,
  ): T => {
    if (studentAccess(context.principal, placementOf(student)) !== 'PERSONAL') throw forbidden();
    if (isLoggedPersonalRead(context.principal, student._id))
      context.personalReads.note(student._id, info.fieldName);
    return resolve(student);
  };
}

export const Student = {
  __resolveReference: async (reference: { id: string }, context: StudentsContext) =>
    visibleStudent(await context.loaders.student.load(reference.id), context),
  id: (student: StudentDocument) => student._id,
  school: (student: StudentDocument) => ({ id: student.schoolId }),
  // A class reached through a student the caller may read is shown; its roster stays row-scoped.
  currentClass: (student: StudentDocument, _args: unknown, context: StudentsContext) =>
    student.classId ? context.loaders.class.load(student.classId) : null,
  enrolments: (student: StudentDocument) => student.enrolments,
  statusHistory: (student: StudentDocument) => student.statusHistory,
  personalId: personal((s) => s.personalId),
  dateOfBirth: personal((s) => s.dateOfBirth),
  placeOfBirth: personal((s) => s.placeOfBirth),
  ethnicity: personal((s) => s.ethnicity),
  policyCategory: personal((s) => s.policyCategory),
  address: personal((s) => s.address),
  guardians: personal((s) => s.guardians),
  // Names the guardians linked: a staff member's read is logged like the other personal fields.
  familyLinks: async (student: StudentDocument, _args: unknown, context: StudentsContext) => {
    const links = await familyLinksOf(context.deps, context.principal, student);
    if (links.length && isLoggedPersonalRead(context.principal, student._id))
      context.personalReads.note(student._id, 'familyLinks');
    return links;
  },
};

export const Enrolment = {
  school: (enrolment: EnrolmentRecord) => ({ id: enrolment.schoolId }),
  class: (enrolment: EnrolmentRecord, _args: unknown, context: StudentsContext) =>
    context.loaders.class.load(enrolment.classId),
};
