import type { Principal } from '@hocbaso/service-kit';
import { canReadClass, isSchoolReader } from '../domain/access';
import type { ClassDocument, Grade } from '../model/class.model';
import type { StudentsDeps } from './deps';

/**
 * A school's classes of a school year, as far as the caller may see them: all of them for the
 * school's leadership, administration and inspectors; for teachers, the classes they are homeroom
 * teacher of or teach; nothing for anyone else.
 */
export async function listClasses(
  deps: StudentsDeps,
  principal: Principal | null,
  input: { schoolId: string | null; schoolYear: string; grade?: number | null },
): Promise<ClassDocument[]> {
  if (!principal || !input.schoolId) return [];
  const grade = input.grade ?? undefined;
  if (grade !== undefined && ![10, 11, 12].includes(grade)) return [];
  const reachesSchool =
    isSchoolReader(principal, input.schoolId) ||
    principal.roles.some((g) => g.scope.schoolId === input.schoolId && g.scope.classId) ||
    principal.teaching.some((t) => t.schoolId === input.schoolId);
  if (!reachesSchool) return [];
  const classes = await deps.classes.list({
    schoolId: input.schoolId,
    schoolYear: input.schoolYear,
    grade: grade as Grade | undefined,
  });
  return classes.filter((c) => canReadClass(principal, { id: c._id, schoolId: c.schoolId }));
}
