import { hasSchoolRole, isHomeroomTeacherOf, overseesSchool, type Principal } from '@hocbaso/service-kit';

export { teaches } from '@hocbaso/service-kit';

/** The homeroom teacher of a class as signatures knows it (a class read model). */
export const isHomeroomOfClass = (
  principal: Principal | null,
  cls: { _id: string; schoolId: string; homeroomTeacherId: string | null },
) =>
  isHomeroomTeacherOf(principal, {
    classId: cls._id,
    schoolId: cls.schoolId,
    homeroomTeacherId: cls.homeroomTeacherId,
  });

/** Who sees the signing board and every signature of a school: those who oversee it. */
export const canOverseeSchool = overseesSchool;

export const isPrincipalOf = (principal: Principal | null, schoolId: string) =>
  hasSchoolRole(principal, schoolId, 'PRINCIPAL');

/** The school's admin (quản trị): registers certificates, applies locks and corrections (R8, R12). */
export const isAdminOf = (principal: Principal | null, schoolId: string) =>
  hasSchoolRole(principal, schoolId, 'SYSTEM_ADMIN');

/** An inspector of any scope: the audit trail is one chain for the platform (R13). */
export const isInspector = (principal: Principal | null) =>
  !!principal?.roles.some((g) => g.role === 'INSPECTOR');

/** A department-level inspector (no school named): reaches records whose school is not known here. */
export const isDepartmentInspector = (principal: Principal | null) =>
  !!principal?.roles.some((g) => g.role === 'INSPECTOR' && g.scope.schoolId === null);
