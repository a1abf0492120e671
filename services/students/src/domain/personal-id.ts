import { fieldProblem, type FieldProblem } from '@hocbaso/errors';

/**
 * Mã định danh cá nhân (the 12-digit personal identification number, Thông tư 59/2021/TT-BCA):
 * 3 digits for the province where the birth was registered, 1 digit for gender and century of
 * birth, 2 digits for the year of birth, then 6 random digits.
 */
export const PROVINCE_CODES: Readonly<Record<string, string>> = {
  '001': 'Hà Nội',
  '002': 'Hà Giang',
  '004': 'Cao Bằng',
  '006': 'Bắc Kạn',
  '008': 'Tuyên Quang',
  '010': 'Lào Cai',
  '011': 'Điện Biên',
  '012': 'Lai Châu',
  '014': 'Sơn La',
  '015': 'Yên Bái',
  '017': 'Hòa Bình',
  '019': 'Thái Nguyên',
  '020': 'Lạng Sơn',
  '022': 'Quảng Ninh',
  '024': 'Bắc Giang',
  '025': 'Phú Thọ',
  '026': 'Vĩnh Phúc',
  '027': 'Bắc Ninh',
  '030': 'Hải Dương',
  '031': 'Hải Phòng',
  '033': 'Hưng Yên',
  '034': 'Thái Bình',
  '035': 'Hà Nam',
  '036': 'Nam Định',
  '037': 'Ninh Bình',
  '038': 'Thanh Hóa',
  '040': 'Nghệ An',
  '042': 'Hà Tĩnh',
  '044': 'Quảng Bình',
  '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế',
  '048': 'Đà Nẵng',
  '049': 'Quảng Nam',
  '051': 'Quảng Ngãi',
  '052': 'Bình Định',
  '054': 'Phú Yên',
  '056': 'Khánh Hòa',
  '058': 'Ninh Thuận',
  '060': 'Bình Thuận',
  '062': 'Kon Tum',
  '064': 'Gia Lai',
  '066': 'Đắk Lắk',
  '067': 'Đắk Nông',
  '068': 'Lâm Đồng',
  '070': 'Bình Phước',
  '072': 'Tây Ninh',
  '074': 'Bình Dương',
  '075': 'Đồng Nai',
  '077': 'Bà Rịa - Vũng Tàu',
  '079': 'Hồ Chí Minh',
  '080': 'Long An',
  '082': 'Tiền Giang',
  '083': 'Bến Tre',
  '084': 'Trà Vinh',
  '086': 'Vĩnh Long',
  '087': 'Đồng Tháp',
  '089': 'An Giang',
  '091': 'Kiên Giang',
  '092': 'Cần Thơ',
  '093': 'Hậu Giang',
  '094': 'Sóc Trăng',
  '095': 'Bạc Liêu',
  '096': 'Cà Mau',
};

export type Gender = 'MALE' | 'FEMALE';

export interface PersonalIdParts {
  provinceCode: string;
  gender: Gender;
  birthYear: number;
}

/** Removes the spaces and dots people type between groups of digits ("001 209 012345"). */
export function normalizePersonalId(raw: string): string {
  return raw.replace(/[\s.]/g, '');
}

/** The facts a well-formed number encodes, or null when it is not one. */
export function parsePersonalId(id: string): PersonalIdParts | null {
  if (!/^\d{12}$/.test(id)) return null;
  const provinceCode = id.slice(0, 3);
  if (!(provinceCode in PROVINCE_CODES)) return null;
  const genderCentury = Number(id[3]);
  // 0/1: 20th century, 2/3: 21st, 4/5: 22nd...; even digits are male, odd female.
  const century = 1900 + Math.floor(genderCentury / 2) * 100;
  return {
    provinceCode,
    gender: genderCentury % 2 === 0 ? 'MALE' : 'FEMALE',
    birthYear: century + Number(id.slice(4, 6)),
  };
}

/** Builds a number from its parts (the demo data generator uses it). */
export function formatPersonalId(parts: PersonalIdParts, serial: number): string {
  const centuryDigit = Math.floor((parts.birthYear - 1900) / 100) * 2 + (parts.gender === 'FEMALE' ? 1 : 0);
  return `${parts.provinceCode}${centuryDigit}${String(parts.birthYear % 100).padStart(2, '0')}${String(
    serial,
  ).padStart(6, '0')}`;
}

/**
 * Checks a personal ID against the national format and, when known, against the student's gender
 * and year of birth (a mismatch is almost always a typing mistake in one of them).
 */
export function checkPersonalId(
  id: string,
  facts: { gender?: Gender; dateOfBirth?: string } = {},
  field = 'personalId',
): FieldProblem | null {
  if (!/^\d{12}$/.test(id)) {
    return fieldProblem(field, 'INVALID_PERSONAL_ID', 'Mã định danh cá nhân phải gồm đúng 12 chữ số.');
  }
  const parts = parsePersonalId(id);
  if (!parts) {
    return fieldProblem(
      field,
      'INVALID_PERSONAL_ID',
      `Mã định danh cá nhân bắt đầu bằng mã tỉnh "${id.slice(0, 3)}" không có trong danh mục.`,
    );
  }
  if (facts.gender && facts.gender !== parts.gender) {
    return fieldProblem(
      field,
      'INVALID_PERSONAL_ID',
      'Chữ số thứ tư của mã định danh cá nhân không khớp với giới tính của học sinh.',
    );
  }
  const birthYear = facts.dateOfBirth ? Number(facts.dateOfBirth.slice(0, 4)) : undefined;
  if (birthYear !== undefined && birthYear !== parts.birthYear) {
    return fieldProblem(
      field,
      'INVALID_PERSONAL_ID',
      'Mã định danh cá nhân không khớp với năm sinh của học sinh (chữ số thứ 4 đến thứ 6).',
    );
  }
  return null;
}
