/**
 * How a printed record book writes values: the Vietnamese words of Thông tư 22 for levels, marks
 * and outcomes, decimals with a comma, dates as dd/mm/yyyy in Vietnam time. Pure functions.
 */

/** Mức đánh giá (Điều 8, 9). */
const LEVELS: Readonly<Record<string, string>> = {
  TOT: 'Tốt',
  KHA: 'Khá',
  DAT: 'Đạt',
  CHUA_DAT: 'Chưa đạt',
};

/** Xét lên lớp (Điều 12-14). */
const OUTCOMES: Readonly<Record<string, string>> = {
  PROMOTED: 'Được lên lớp',
  COMPLETED: 'Hoàn thành chương trình THPT',
  SUMMER_TRAINING: 'Rèn luyện trong hè',
  SUMMER_REASSESSMENT: 'Kiểm tra lại',
  RETAINED: 'Ở lại lớp',
};

/** Danh hiệu (Điều 15). */
const TITLES: Readonly<Record<string, string>> = {
  EXCELLENT: 'Học sinh Xuất sắc',
  GOOD: 'Học sinh Giỏi',
};

const GENDERS: Readonly<Record<string, string>> = { MALE: 'Nam', FEMALE: 'Nữ' };

const RELATIONSHIPS: Readonly<Record<string, string>> = {
  FATHER: 'Cha',
  MOTHER: 'Mẹ',
  GUARDIAN: 'Người giám hộ',
};

/** The platform's roles as the identity schema names them in Vietnamese. */
const ROLES: Readonly<Record<string, string>> = {
  PRINCIPAL: 'Hiệu trưởng',
  VICE_PRINCIPAL: 'Phó Hiệu trưởng',
  HOMEROOM_TEACHER: 'Giáo viên chủ nhiệm',
  SUBJECT_TEACHER: 'Giáo viên bộ môn',
  ACADEMIC_STAFF: 'Giáo vụ',
  SYSTEM_ADMIN: 'Nhân viên quản trị',
  STUDENT: 'Học sinh',
  PARENT: 'Cha mẹ học sinh',
  INSPECTOR: 'Thanh tra',
  DEPARTMENT_ANALYST: 'Phòng/Sở GD&ĐT',
};

/** Unknown codes print as they are rather than disappear from an official copy. */
const label = (table: Readonly<Record<string, string>>, code: string): string => table[code] ?? code;

export const levelLabel = (level: string | null): string => (level === null ? '' : label(LEVELS, level));
export const outcomeLabel = (outcome: string | null): string =>
  outcome === null ? 'Chưa xét' : label(OUTCOMES, outcome);
export const titleLabel = (title: string): string => label(TITLES, title);
export const genderLabel = (gender: string): string => label(GENDERS, gender);
export const relationshipLabel = (relationship: string): string => label(RELATIONSHIPS, relationship);
export const roleLabel = (role: string): string => label(ROLES, role);

/** A score with one decimal and a decimal comma, as Vietnamese documents write it (8,1; 9,0). */
export function scoreLabel(score: number): string {
  return score.toFixed(1).replace('.', ',');
}

/** A comment-subject result: Đ (đạt) or CĐ (chưa đạt). */
export function passLabel(result: string): string {
  if (result === 'DAT') return 'Đ';
  if (result === 'CHUA_DAT') return 'CĐ';
  return result;
}

/** A period's mark: the average of a scored subject, the result of a comment subject ('' if none). */
export function markLabel(period: { average: number | null; result: string | null } | null): string {
  if (!period) return '';
  if (period.average !== null) return scoreLabel(period.average);
  return period.result === null ? '' : passLabel(period.result);
}

/** Vietnam has kept UTC+7 without daylight saving since 1975. */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

function vietnamParts(at: Date | string) {
  const shifted = new Date(new Date(at).getTime() + VIETNAM_OFFSET_MS);
  return {
    date: `${pad(shifted.getUTCDate())}/${pad(shifted.getUTCMonth() + 1)}/${shifted.getUTCFullYear()}`,
    time: `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}`,
  };
}

/** An instant as dd/mm/yyyy HH:mm in Vietnam time. */
export function vietnamDateTime(at: Date | string): string {
  const { date, time } = vietnamParts(at);
  return `${date} ${time}`;
}

/** An instant's calendar day in Vietnam, dd/mm/yyyy. */
export function vietnamDate(at: Date | string): string {
  return vietnamParts(at).date;
}

/** A calendar date (yyyy-mm-dd, no time zone) as dd/mm/yyyy. */
export function calendarDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return year && month && day ? `${day}/${month}/${year}` : isoDate;
}
