/**
 * A correction of a student's personal data (sơ yếu lý lịch, R8), applied on signatures' request
 * once the principal approved it, even though a year lock covers the data. Pure: which fields may
 * be corrected and the update of the personal data they ask for; the values are then validated
 * and normalised like any update of the personal data.
 *
 * Fields: `personal.fullName`, `personal.dateOfBirth` (YYYY-MM-DD), `personal.gender` (MALE,
 * FEMALE), `personal.placeOfBirth`, `personal.ethnicity`, `personal.address`,
 * `personal.policyCategory` (null clears it). Guardians are not corrected this way.
 */
import type { Gender } from './personal-id';

export const CORRECTABLE_FIELDS = {
  'personal.fullName': 'fullName',
  'personal.dateOfBirth': 'dateOfBirth',
  'personal.gender': 'gender',
  'personal.placeOfBirth': 'placeOfBirth',
  'personal.ethnicity': 'ethnicity',
  'personal.address': 'address',
  'personal.policyCategory': 'policyCategory',
} as const;

export type CorrectionField = keyof typeof CORRECTABLE_FIELDS;
export type CorrectedPersonalField = (typeof CORRECTABLE_FIELDS)[CorrectionField];

/** The personal data a correction sets; the fields not named keep their values. */
export interface PersonalDataPatch {
  fullName?: string;
  dateOfBirth?: string;
  gender?: Gender;
  placeOfBirth?: string;
  ethnicity?: string;
  address?: string;
  policyCategory?: string | null;
}

export type CorrectionValue = number | string | null;

export type PersonalCorrection =
  | {
      ok: true;
      patch: PersonalDataPatch;
      /** Every field, in the order asked, with the personal field it names. */
      fields: Array<{ field: CorrectionField; personal: CorrectedPersonalField }>;
    }
  | { ok: false; details: string[] };

const FIELD_HINT = `Các trường được sửa: ${Object.keys(CORRECTABLE_FIELDS).join(', ')}.`;

const isCorrectionField = (field: string): field is CorrectionField =>
  Object.prototype.hasOwnProperty.call(CORRECTABLE_FIELDS, field);

/**
 * The update a correction asks for, or every problem with its fields and the kinds of its values
 * (details `field: message`). Whether the values themselves are acceptable is the personal-data
 * rules' call.
 */
export function parsePersonalCorrection(
  changes: ReadonlyArray<{ field: string; value: CorrectionValue }>,
): PersonalCorrection {
  const problems: string[] = [];
  const patch: Record<string, string | null> = {};
  const fields: Array<{ field: CorrectionField; personal: CorrectedPersonalField }> = [];
  const seen = new Set<string>();
  for (const { field, value } of changes) {
    if (!isCorrectionField(field)) {
      problems.push(`${field}: không phải trường sơ yếu lý lịch có thể sửa. ${FIELD_HINT}`);
    } else if (seen.has(field)) {
      problems.push(`${field}: trường này được sửa hai lần trong một đề nghị.`);
    } else if (value === null && field !== 'personal.policyCategory') {
      problems.push(`${field}: không thể để trống; chỉ personal.policyCategory được xóa (null).`);
    } else if (typeof value === 'number') {
      problems.push(`${field}: giá trị phải là chuỗi ký tự, không phải số (${value}).`);
    } else {
      const personal = CORRECTABLE_FIELDS[field];
      patch[personal] = value;
      fields.push({ field, personal });
    }
    seen.add(field);
  }
  if (problems.length) return { ok: false, details: problems };
  // Only the fields named, with string values (null for the policy category only): see above.
  return { ok: true, patch: patch as PersonalDataPatch, fields };
}

/** The correction field of a personal-data problem (`dateOfBirth` → `personal.dateOfBirth`). */
export const correctionFieldOf = (personalField: string) => `personal.${personalField}`;
