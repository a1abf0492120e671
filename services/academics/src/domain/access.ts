/**
 * Row rules of the academics subgraph, from the principal the gateway forwards (Điều 10 of the
 * regulation: the principal board reads everything of its school, teachers their assigned scope,
 * students and parents only their own record). Rows a caller may not read look absent.
 */
import type { Role } from '@hocbaso/events';
import { isHomeroomTeacherOf, teaches, type Principal } from '@hocbaso/service-kit';

/** What the rules need to know about a class (from the roster, or from its gradebook). */
export interface ClassFacts {
  classId: string;
  schoolId: string | null;
  homeroomTeacherId: string | null;
}

/** Roles that read every record of their school (read-only for marks). */
const SCHOOL_READERS: readonly Role[] = ['PRINCIPAL', 'VICE_PRINCIPAL', 'ACADEMIC_STAFF'];

/** Principal board and academic staff of the school; inspectors of the school or platform-wide. */
export function readsWholeSchool(principal: Principal, schoolId: string | null): boolean {
  if (!schoolId) return false;
  return principal.roles.some(
    (g) =>
      (SCHOOL_READERS.includes(g.role) && g.scope.schoolId === schoolId) ||
      (g.role === 'INSPECTOR' && (g.scope.schoolId === null || g.scope.schoolId === schoolId)),
  );
}

/** The student themself or one of their parents (role scoped to that student). */
export function isOwnStudent(principal: Principal, studentId: string): boolean {
  return principal.roles.some(
    (g) => (g.role === 'STUDENT' || g.role === 'PARENT') && g.scope.studentId === studentId,
  );
}

/** Who reads a class gradebook: its assigned teacher, the class's homeroom teacher, the school's readers. */
export function canReadGradebook(
  principal: Principal | null,
  cls: ClassFacts,
  subjectCode: string,
  schoolYear: string,
): boolean {
  if (!principal) return false;
  return (
    teaches(principal, cls.classId, subjectCode, schoolYear, cls.schoolId) ||
    isHomeroomTeacherOf(principal, cls) ||
    readsWholeSchool(principal, cls.schoolId)
  );
}

/** Only the teacher assigned to the class and subject in that school year writes its marks. */
export function canWriteGradebook(
  principal: Principal | null,
  cls: { classId: string; schoolId: string | null },
  subjectCode: string,
  schoolYear: string,
): boolean {
  return !!principal && teaches(principal, cls.classId, subjectCode, schoolYear, cls.schoolId);
}

/**
 * Who reads everything of a student's year (all subjects, learning results): the student and
 * parents, the homeroom teacher of a class the student was in that year, the school's readers.
 */
export function canReadStudentYear(
  principal: Principal | null,
  studentId: string,
  classes: readonly ClassFacts[],
): boolean {
  if (!principal) return false;
  return (
    isOwnStudent(principal, studentId) ||
    classes.some((cls) => isHomeroomTeacherOf(principal, cls) || readsWholeSchool(principal, cls.schoolId))
  );
}

/** One subject's result: as above, or the teacher of that subject in one of the student's classes. */
export function canReadSubjectResult(
  principal: Principal | null,
  studentId: string,
  classes: readonly ClassFacts[],
  result: {
    subjectCode: string;
    schoolYear: string;
    sources: ReadonlyArray<{ classId: string; schoolId: string }>;
  },
): boolean {
  if (!principal) return false;
  return (
    canReadStudentYear(principal, studentId, classes) ||
    result.sources.some((s) =>
      teaches(principal, s.classId, result.subjectCode, result.schoolYear, s.schoolId),
    )
  );
}

/**
 * Recording an exemption (Điều 10): the homeroom teacher of the student's class, who receives the
 * family's request with the medical certificate, or the school's academic staff (giáo vụ), who
 * keeps the administrative record of the principal's decision.
 */
export function canRecordExemption(principal: Principal | null, cls: ClassFacts): boolean {
  if (!principal) return false;
  return (
    isHomeroomTeacherOf(principal, cls) ||
    principal.roles.some((g) => g.role === 'ACADEMIC_STAFF' && g.scope.schoolId === cls.schoolId)
  );
}
