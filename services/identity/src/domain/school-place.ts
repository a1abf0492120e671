import { fieldProblem, type FieldProblem } from '@hocbaso/errors';
import type { Role } from '@hocbaso/events';

/** Mã tỉnh: 2 digits (e.g. 79, TP Hồ Chí Minh), as in the national administrative unit codes. */
const PROVINCE_CODE = /^\d{2}$/;
/** Mã quận/huyện: 3 digits (e.g. 760, Quận 1). */
const DISTRICT_CODE = /^\d{3}$/;

/** Where a school is, for the departments' statistics: both codes, or neither (not yet known). */
export interface SchoolPlace {
  provinceCode: string | null;
  districtCode: string | null;
}

const blankToNull = (value: string | null | undefined) => value?.trim() || null;

const provinceProblem = (field: string) =>
  fieldProblem(field, 'VALIDATION_FAILED', 'Mã tỉnh gồm 2 chữ số, ví dụ 79.');
const districtProblem = (field: string) =>
  fieldProblem(field, 'VALIDATION_FAILED', 'Mã quận/huyện gồm 3 chữ số, ví dụ 760.');

/** Checks the place given with a new school (blank counts as absent) and returns it normalised. */
export function parseSchoolPlace(input: { provinceCode?: string | null; districtCode?: string | null }): {
  place: SchoolPlace;
  problems: FieldProblem[];
} {
  const place = {
    provinceCode: blankToNull(input.provinceCode),
    districtCode: blankToNull(input.districtCode),
  };
  const problems: FieldProblem[] = [];
  if (place.provinceCode !== null && !PROVINCE_CODE.test(place.provinceCode))
    problems.push(provinceProblem('provinceCode'));
  if (place.districtCode !== null && !DISTRICT_CODE.test(place.districtCode))
    problems.push(districtProblem('districtCode'));
  // A school placed in a province but no district (or the reverse) would count in no district's figures.
  if (place.provinceCode === null && place.districtCode !== null)
    problems.push(
      fieldProblem(
        'provinceCode',
        'VALIDATION_FAILED',
        'Cần cả mã tỉnh và mã quận/huyện, hoặc bỏ trống cả hai.',
      ),
    );
  if (place.provinceCode !== null && place.districtCode === null)
    problems.push(
      fieldProblem(
        'districtCode',
        'VALIDATION_FAILED',
        'Cần cả mã tỉnh và mã quận/huyện, hoặc bỏ trống cả hai.',
      ),
    );
  return { place, problems };
}

/**
 * What a role's scope may say about places: a department analyst (Phòng/Sở GD&ĐT) reaches a
 * province (Sở), narrowed to one of its districts (Phòng) when a district code is given, and no
 * school in particular; no other role is bound to a place.
 */
export function roleScopePlaceProblems(
  role: Role,
  scope: { schoolId?: string | null; provinceCode?: string | null; districtCode?: string | null },
): FieldProblem[] {
  const provinceCode = scope.provinceCode ?? null;
  const districtCode = scope.districtCode ?? null;
  const problems: FieldProblem[] = [];
  if (role === 'DEPARTMENT_ANALYST') {
    if (provinceCode === null)
      problems.push(
        fieldProblem(
          'scope.provinceCode',
          'VALIDATION_FAILED',
          'Quyền Phòng/Sở GD&ĐT cần mã tỉnh (2 chữ số) của Sở GD&ĐT.',
        ),
      );
    else if (!PROVINCE_CODE.test(provinceCode)) problems.push(provinceProblem('scope.provinceCode'));
    if (districtCode !== null && !DISTRICT_CODE.test(districtCode))
      problems.push(districtProblem('scope.districtCode'));
    if (scope.schoolId)
      problems.push(
        fieldProblem(
          'scope.schoolId',
          'VALIDATION_FAILED',
          'Quyền Phòng/Sở GD&ĐT gắn với tỉnh hoặc quận/huyện, không gắn với một trường.',
        ),
      );
    return problems;
  }
  const onlyAnalysts = 'Chỉ quyền Phòng/Sở GD&ĐT mới gắn với mã tỉnh hoặc mã quận/huyện.';
  if (provinceCode !== null)
    problems.push(fieldProblem('scope.provinceCode', 'VALIDATION_FAILED', onlyAnalysts));
  if (districtCode !== null)
    problems.push(fieldProblem('scope.districtCode', 'VALIDATION_FAILED', onlyAnalysts));
  return problems;
}
