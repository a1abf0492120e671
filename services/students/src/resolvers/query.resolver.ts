import { canLookUpByPersonalId, isLoggedPersonalRead } from '../domain/access';
import { normalizePersonalId } from '../domain/personal-id';
import { placementOf } from '../usecases/enrolment';
import { listClasses } from '../usecases/read-students';
import { requirePrincipal, type StudentsContext } from './context';
import { visibleClass } from './class.resolver';
import { statisticsRoot } from './statistics.resolver';
import { visibleStudent } from './student.resolver';

export const Query = {
  student: async (_: unknown, args: { id: string }, context: StudentsContext) => {
    requirePrincipal(context);
    // A student the caller may not see looks absent rather than forbidden: no enumeration.
    return visibleStudent(await context.loaders.student.load(args.id), context);
  },

  studentByPersonalId: async (_: unknown, args: { personalId: string }, context: StudentsContext) => {
    const principal = requirePrincipal(context);
    const student = await context.deps.students.findByPersonalId(normalizePersonalId(args.personalId));
    if (!student || !canLookUpByPersonalId(principal, placementOf(student))) return null;
    // Finding the record tells whose personal ID it is: a read of that field.
    if (isLoggedPersonalRead(principal, student._id)) context.personalReads.note(student._id, 'personalId');
    return student;
  },

  class: async (_: unknown, args: { id: string }, context: StudentsContext) => {
    requirePrincipal(context);
    return visibleClass(await context.loaders.class.load(args.id), context);
  },

  classes: async (
    _: unknown,
    args: { schoolId?: string | null; schoolYear: string; grade?: number | null },
    context: StudentsContext,
  ) => {
    const principal = requirePrincipal(context);
    const classes = await listClasses(context.deps, principal, {
      schoolId: args.schoolId ?? principal.schoolId,
      schoolYear: args.schoolYear,
      grade: args.grade,
    });
    for (const c of classes) context.loaders.class.prime(c._id, c);
    return classes;
  },

  students: async (_: unknown, args: { classId: string }, context: StudentsContext) => {
    requirePrincipal(context);
    const schoolClass = visibleClass(await context.loaders.class.load(args.classId), context);
    if (!schoolClass) return [];
    return (await context.loaders.roster.load(schoolClass._id)).filter((s) => visibleStudent(s, context));
  },

  statistics: statisticsRoot,
};
