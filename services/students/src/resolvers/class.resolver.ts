import { canReadClass } from '../domain/access';
import type { ClassDocument } from '../model/class.model';
import type { StudentsContext } from './context';
import { visibleStudent } from './student.resolver';

/** A class the caller may open directly (by id, in a list, as an entity), or null. */
export function visibleClass(schoolClass: ClassDocument | null, context: StudentsContext) {
  return schoolClass &&
    canReadClass(context.principal, { id: schoolClass._id, schoolId: schoolClass.schoolId })
    ? schoolClass
    : null;
}

export const Class = {
  __resolveReference: async (reference: { id: string }, context: StudentsContext) =>
    visibleClass(await context.loaders.class.load(reference.id), context),
  id: (schoolClass: ClassDocument) => schoolClass._id,
  school: (schoolClass: ClassDocument) => ({ id: schoolClass.schoolId }),
  homeroomTeacher: (schoolClass: ClassDocument) =>
    schoolClass.homeroomTeacherId ? { id: schoolClass.homeroomTeacherId } : null,
  /** The roster in one query however large the class, each row by its own rule. */
  students: async (schoolClass: ClassDocument, _args: unknown, context: StudentsContext) =>
    (await context.loaders.roster.load(schoolClass._id)).filter((s) => visibleStudent(s, context)),
};
