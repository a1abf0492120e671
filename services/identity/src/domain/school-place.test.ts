import type { Role } from '@hocbaso/events';
import { parseSchoolPlace, roleScopePlaceProblems } from './school-place';

const fields = (problems: Array<{ field: string }>) => problems.map((p) => p.field);

describe('parseSchoolPlace', () => {
  it('keeps a province and a district code (trimmed)', () => {
    expect(parseSchoolPlace({ provinceCode: ' 79 ', districtCode: '760' })).toEqual({
      place: { provinceCode: '79', districtCode: '760' },
      problems: [],
    });
  });

  it('accepts neither (a school whose place is not known yet), blank counting as absent', () => {
    expect(parseSchoolPlace({})).toEqual({ place: { provinceCode: null, districtCode: null }, problems: [] });
    expect(parseSchoolPlace({ provinceCode: '  ', districtCode: null }).problems).toEqual([]);
  });

  it('refuses one without the other, naming the missing field', () => {
    expect(fields(parseSchoolPlace({ provinceCode: '79' }).problems)).toEqual(['districtCode']);
    expect(fields(parseSchoolPlace({ districtCode: '760' }).problems)).toEqual(['provinceCode']);
  });

  it.each([
    ['7', '760', ['provinceCode']],
    ['079', '760', ['provinceCode']],
    ['HN', '760', ['provinceCode']],
    ['79', '76', ['districtCode']],
    ['79', '7600', ['districtCode']],
    ['79', 'Q1a', ['districtCode']],
  ])(
    'refuses province %s / district %s: a province code has 2 digits, a district code 3',
    (p, d, expected) => {
      const { problems } = parseSchoolPlace({ provinceCode: p, districtCode: d });
      expect(fields(problems)).toEqual(expected);
      for (const problem of problems) expect(problem).toMatchObject({ code: 'VALIDATION_FAILED' });
    },
  );

  it('says what is wrong in Vietnamese', () => {
    const [problem] = parseSchoolPlace({ provinceCode: '7', districtCode: '760' }).problems;
    expect(problem?.message).toBe('Mã tỉnh gồm 2 chữ số, ví dụ 79.');
  });
});

describe('roleScopePlaceProblems', () => {
  it('lets a department analyst reach a province (Sở) or one of its districts (Phòng)', () => {
    expect(roleScopePlaceProblems('DEPARTMENT_ANALYST', { schoolId: null, provinceCode: '79' })).toEqual([]);
    expect(
      roleScopePlaceProblems('DEPARTMENT_ANALYST', {
        schoolId: null,
        provinceCode: '79',
        districtCode: '760',
      }),
    ).toEqual([]);
  });

  it('needs a province code for a department analyst', () => {
    expect(fields(roleScopePlaceProblems('DEPARTMENT_ANALYST', { schoolId: null }))).toEqual([
      'scope.provinceCode',
    ]);
    expect(
      fields(roleScopePlaceProblems('DEPARTMENT_ANALYST', { schoolId: null, districtCode: '760' })),
    ).toEqual(['scope.provinceCode']);
  });

  it("refuses malformed codes and a school in an analyst's scope", () => {
    expect(
      fields(
        roleScopePlaceProblems('DEPARTMENT_ANALYST', {
          schoolId: 'school-a',
          provinceCode: '7',
          districtCode: '76',
        }),
      ),
    ).toEqual(['scope.provinceCode', 'scope.districtCode', 'scope.schoolId']);
  });

  const OTHER_ROLES: Role[] = [
    'PRINCIPAL',
    'VICE_PRINCIPAL',
    'HOMEROOM_TEACHER',
    'SUBJECT_TEACHER',
    'ACADEMIC_STAFF',
    'SYSTEM_ADMIN',
    'STUDENT',
    'PARENT',
    'INSPECTOR',
  ];

  it.each(OTHER_ROLES)('never binds %s to a province or a district', (role) => {
    expect(roleScopePlaceProblems(role, { schoolId: 'school-a' })).toEqual([]);
    expect(
      roleScopePlaceProblems(role, { schoolId: 'school-a', provinceCode: null, districtCode: null }),
    ).toEqual([]);
    const problems = roleScopePlaceProblems(role, {
      schoolId: null,
      provinceCode: '79',
      districtCode: '760',
    });
    expect(fields(problems)).toEqual(['scope.provinceCode', 'scope.districtCode']);
    expect(problems[0]?.message).toBe('Chỉ quyền Phòng/Sở GD&ĐT mới gắn với mã tỉnh hoặc mã quận/huyện.');
  });
});
