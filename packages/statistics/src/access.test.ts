import type { Principal } from '@hocbaso/service-kit';
import type { Role } from '@hocbaso/events';
import { mayReadStatistics } from './access';
import type { SchoolPlace } from './directory';

const places: SchoolPlace[] = [
  { schoolId: 'a', code: 'A', name: 'A', provinceCode: '79', districtCode: '760' },
  { schoolId: 'b', code: 'B', name: 'B', provinceCode: '79', districtCode: '761' },
  { schoolId: 'c', code: 'C', name: 'C', provinceCode: '01', districtCode: '001' },
];
const placeOf = (id: string) => places.find((p) => p.schoolId === id);
const provinceOfDistrict = (d: string) => places.find((p) => p.districtCode === d)?.provinceCode ?? undefined;

function caller(role: Role, scope: Principal['roles'][number]['scope']): Principal {
  return { accountId: 'x', username: 'x', schoolId: scope.schoolId, roles: [{ role, scope }], teaching: [] };
}
const may = (principal: Principal | null, scope: 'SCHOOL' | 'DISTRICT' | 'PROVINCE', code: string) =>
  mayReadStatistics(principal, { scope, code }, placeOf, provinceOfDistrict);

describe('who reads which statistics', () => {
  const provinceAnalyst = caller('DEPARTMENT_ANALYST', { schoolId: null, provinceCode: '79' });
  const districtAnalyst = caller('DEPARTMENT_ANALYST', {
    schoolId: null,
    provinceCode: '79',
    districtCode: '760',
  });

  it('a province analyst (Sở): its province, its districts and their schools, nothing else', () => {
    expect(may(provinceAnalyst, 'PROVINCE', '79')).toBe(true);
    expect(may(provinceAnalyst, 'DISTRICT', '761')).toBe(true);
    expect(may(provinceAnalyst, 'SCHOOL', 'a')).toBe(true);
    expect(may(provinceAnalyst, 'PROVINCE', '01')).toBe(false);
    expect(may(provinceAnalyst, 'DISTRICT', '001')).toBe(false);
    expect(may(provinceAnalyst, 'SCHOOL', 'c')).toBe(false);
  });

  it('a district analyst (Phòng): its district and its schools, not the province nor a neighbour', () => {
    expect(may(districtAnalyst, 'DISTRICT', '760')).toBe(true);
    expect(may(districtAnalyst, 'SCHOOL', 'a')).toBe(true);
    expect(may(districtAnalyst, 'PROVINCE', '79')).toBe(false);
    expect(may(districtAnalyst, 'DISTRICT', '761')).toBe(false);
    expect(may(districtAnalyst, 'SCHOOL', 'b')).toBe(false);
  });

  it('a principal or vice principal: its own school only', () => {
    for (const role of ['PRINCIPAL', 'VICE_PRINCIPAL'] as const) {
      const board = caller(role, { schoolId: 'a' });
      expect(may(board, 'SCHOOL', 'a')).toBe(true);
      expect(may(board, 'SCHOOL', 'b')).toBe(false);
      expect(may(board, 'DISTRICT', '760')).toBe(false);
    }
  });

  it('nobody else: teachers, inspectors, administrators, families, anonymous, an analyst without a province', () => {
    for (const role of [
      'SUBJECT_TEACHER',
      'HOMEROOM_TEACHER',
      'ACADEMIC_STAFF',
      'SYSTEM_ADMIN',
      'PARENT',
      'STUDENT',
      'INSPECTOR',
    ] as const)
      expect(may(caller(role, { schoolId: 'a' }), 'SCHOOL', 'a')).toBe(false);
    expect(may(caller('INSPECTOR', { schoolId: null }), 'PROVINCE', '79')).toBe(false);
    expect(may(caller('DEPARTMENT_ANALYST', { schoolId: null }), 'PROVINCE', '79')).toBe(false);
    expect(may(null, 'SCHOOL', 'a')).toBe(false);
  });
});
