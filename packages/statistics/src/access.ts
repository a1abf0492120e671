import type { Principal } from '@hocbaso/service-kit';
import type { SchoolPlace } from './directory';
import type { StatisticsKey } from './key';

/**
 * Who reads which statistics: a department analyst (Phòng/Sở GD&ĐT) its province, or only its
 * district when its role names one, and the schools in it; a school's principal and vice
 * principals their own school. Nobody else: statistics are for management (R10, R14).
 */
export function mayReadStatistics(
  principal: Principal | null,
  key: Pick<StatisticsKey, 'scope' | 'code'>,
  placeOf: (schoolId: string) => SchoolPlace | undefined,
  provinceOfDistrict: (districtCode: string) => string | undefined,
): boolean {
  if (!principal) return false;
  return principal.roles.some((grant) => {
    const scope = grant.scope;
    if (grant.role === 'PRINCIPAL' || grant.role === 'VICE_PRINCIPAL')
      return key.scope === 'SCHOOL' && !!grant.scope.schoolId && grant.scope.schoolId === key.code;
    if (grant.role !== 'DEPARTMENT_ANALYST' || !scope.provinceCode) return false;
    const district = scope.districtCode ?? null;
    switch (key.scope) {
      case 'PROVINCE':
        return district === null && key.code === scope.provinceCode;
      case 'DISTRICT':
        return (
          provinceOfDistrict(key.code) === scope.provinceCode && (district === null || district === key.code)
        );
      case 'SCHOOL': {
        const place = placeOf(key.code);
        return (
          !!place &&
          place.provinceCode === scope.provinceCode &&
          (district === null || place.districtCode === district)
        );
      }
    }
  });
}
