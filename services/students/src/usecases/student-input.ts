import { fieldProblem, type FieldProblem } from '@hocbaso/errors';
import { checkDateOfBirth, isIsoDate, parseSchoolYear, type IsoDate } from '../domain/calendar';
import { checkPersonalId, type Gender } from '../domain/personal-id';
import { isPlausibleFullName, normalizeText } from '../domain/text';
import type { GuardianRecord, GuardianRelationship, PersonalData } from '../model/student.model';

export interface GuardianInput {
  relationship: GuardianRelationship;
  fullName: string;
  occupation?: string | null;
  phone?: string | null;
}

export interface PersonalDataInput {
  fullName: string;
  dateOfBirth: string;
  gender: Gender;
  placeOfBirth: string;
  ethnicity: string;
  policyCategory?: string | null;
  address: string;
  guardians: GuardianInput[];
}

export const PERSONAL_FIELDS = [
  'fullName',
  'dateOfBirth',
  'gender',
  'placeOfBirth',
  'ethnicity',
  'policyCategory',
  'address',
  'guardians',
] as const satisfies ReadonlyArray<keyof PersonalData>;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

const optionalText = (value: string | null | undefined) => {
  const text = value === null || value === undefined ? '' : normalizeText(value);
  return text === '' ? null : text;
};

/** Phones as stored: digits only, with a leading + kept (0912 345 678 → 0912345678). */
export function normalizePhone(value: string | null | undefined): string | null {
  const text = optionalText(value);
  return text === null ? null : text.replace(/[\s.()-]/g, '');
}

export function normalizeGuardian(input: GuardianInput): GuardianRecord {
  return {
    relationship: input.relationship,
    fullName: normalizeText(input.fullName),
    occupation: optionalText(input.occupation),
    phone: normalizePhone(input.phone),
  };
}

/** Personal data as stored: NFC, trimmed, single spaces; empty optional text becomes null. */
export function normalizePersonalData(input: PersonalDataInput): PersonalData {
  return {
    fullName: normalizeText(input.fullName),
    dateOfBirth: input.dateOfBirth.trim(),
    gender: input.gender,
    placeOfBirth: normalizeText(input.placeOfBirth),
    ethnicity: normalizeText(input.ethnicity),
    policyCategory: optionalText(input.policyCategory),
    address: normalizeText(input.address),
    guardians: input.guardians.map(normalizeGuardian),
  };
}

const VIETNAMESE_PHONE = /^(\+84|0)\d{9,10}$/;
const RELATIONSHIPS: readonly GuardianRelationship[] = ['FATHER', 'MOTHER', 'GUARDIAN'];

function lengthProblem(field: string, value: string, min: number, max: number, label: string) {
  return value.length < min || value.length > max
    ? fieldProblem(field, 'VALIDATION_FAILED', `${label} cần từ ${min} đến ${max} ký tự.`)
    : null;
}

/** Every problem with normalised personal data, per field (nothing is stored while any remains). */
export function personalDataProblems(
  data: PersonalData,
  context: { today: IsoDate; grade?: number; schoolYear?: string },
): FieldProblem[] {
  const problems: Array<FieldProblem | null> = [];
  if (!isPlausibleFullName(data.fullName)) {
    problems.push(
      fieldProblem(
        'fullName',
        'VALIDATION_FAILED',
        'Họ và tên cần từ 2 đến 100 ký tự, chỉ gồm chữ cái (có dấu), khoảng trắng, dấu nháy hoặc gạch nối.',
      ),
    );
  }
  problems.push(checkDateOfBirth(data.dateOfBirth, context));
  if (data.gender !== 'MALE' && data.gender !== 'FEMALE') {
    problems.push(fieldProblem('gender', 'VALIDATION_FAILED', 'Giới tính không hợp lệ.'));
  }
  problems.push(lengthProblem('placeOfBirth', data.placeOfBirth, 2, 200, 'Nơi sinh'));
  problems.push(lengthProblem('ethnicity', data.ethnicity, 2, 50, 'Dân tộc'));
  if (data.policyCategory !== null)
    problems.push(lengthProblem('policyCategory', data.policyCategory, 2, 200, 'Đối tượng chính sách'));
  problems.push(lengthProblem('address', data.address, 5, 300, 'Địa chỉ'));
  if (data.guardians.length > 4) {
    problems.push(fieldProblem('guardians', 'VALIDATION_FAILED', 'Khai báo nhiều nhất 4 người giám hộ.'));
  }
  data.guardians.forEach((guardian, index) => {
    const at = `guardians.${index}`;
    if (!RELATIONSHIPS.includes(guardian.relationship)) {
      problems.push(fieldProblem(`${at}.relationship`, 'VALIDATION_FAILED', 'Quan hệ không hợp lệ.'));
    }
    if (!isPlausibleFullName(guardian.fullName)) {
      problems.push(
        fieldProblem(`${at}.fullName`, 'VALIDATION_FAILED', 'Họ và tên người giám hộ không hợp lệ.'),
      );
    }
    if (guardian.occupation !== null)
      problems.push(lengthProblem(`${at}.occupation`, guardian.occupation, 2, 100, 'Nghề nghiệp'));
    if (guardian.phone !== null && !VIETNAMESE_PHONE.test(guardian.phone)) {
      problems.push(
        fieldProblem(
          `${at}.phone`,
          'VALIDATION_FAILED',
          'Số điện thoại không hợp lệ (10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84).',
        ),
      );
    }
  });
  return problems.filter((p): p is FieldProblem => p !== null);
}

/**
 * The personal ID must agree with the gender and year of birth it encodes. When the date of birth
 * is itself wrong, only the date is reported (one mistake, one message).
 */
export function personalIdProblems(
  personalId: string,
  data: PersonalData,
  dateOfBirthIsWrong = !isIsoDate(data.dateOfBirth),
): FieldProblem[] {
  const problem = checkPersonalId(personalId, {
    gender: data.gender,
    dateOfBirth: dateOfBirthIsWrong ? undefined : data.dateOfBirth,
  });
  return problem ? [problem] : [];
}

/**
 * An effective date (admission, transfer, class change, status change): a real date within the
 * school year it concerns (from June of its first year to August of its second, the summer
 * admissions and re-assessments included).
 */
export function effectiveDateProblems(value: string, schoolYear: string, field: string): FieldProblem[] {
  if (!isIsoDate(value)) {
    return [fieldProblem(field, 'VALIDATION_FAILED', 'Ngày phải là một ngày có thật, dạng YYYY-MM-DD.')];
  }
  const start = parseSchoolYear(schoolYear)?.startYear;
  if (start !== undefined && (value < `${start}-06-01` || value > `${start + 1}-08-31`)) {
    return [
      fieldProblem(
        field,
        'VALIDATION_FAILED',
        `Ngày ${value} nằm ngoài năm học ${schoolYear} (từ 01/06/${start} đến 31/08/${start + 1}).`,
      ),
    ];
  }
  return [];
}

/** A reason (lý do) as stored: NFC, trimmed; required where the regulation asks for one. */
export function reasonProblems(reason: string, field = 'reason'): FieldProblem[] {
  return reason.length < 3 || reason.length > 500
    ? [fieldProblem(field, 'VALIDATION_FAILED', 'Lý do cần từ 3 đến 500 ký tự.')]
    : [];
}
