import {
  recordKeyOf,
  syncWaveOf,
  verifySignedYear,
  type MinistryRecord,
  type Trust,
  type YearPage,
} from '@hocbaso/record-book';
import { canonicalize } from '@hocbaso/signing';
import type { RejectionReason } from './reasons';

/** Students in upper-secondary education are this old at the start of the school year (inclusive). */
export const MIN_AGE = 13;
export const MAX_AGE = 25;

export const UNKNOWN_PERSON_MESSAGE = 'Số định danh cá nhân không có trong Cơ sở dữ liệu quốc gia về dân cư.';

export interface RecordCheckContext {
  /** The school CAs (PEM) the Ministry trusts; absent: each chain's own root (integrity, not identity). */
  trustedCas?: readonly string[];
  /** Personal ids the national population database does not know, with the reason to give (null: the default). */
  unknownPersonalIds: ReadonlyMap<string, string | null>;
}

/**
 * The Ministry's checks of a record that follows the schema: the signed year verifies, the readable
 * page and the top-level fields are what was signed, and the person is plausible. Pure; every
 * problem is named, none stops the others.
 */
export function checkMinistryRecord(record: MinistryRecord, context: RecordCheckContext): RejectionReason[] {
  const trust: Trust = context.trustedCas ? { trustedCas: context.trustedCas } : { isTrustedCa: () => true };
  const verification = verifySignedYear(record.signed, trust);
  const reasons: RejectionReason[] = verification.problems.map((p) => ({
    code: `SIGNATURE_${p.code}` as const,
    message: p.message,
    path: 'signed',
  }));
  if (verification.page) reasons.push(...consistencyWith(verification.page, record));
  reasons.push(...personRules(record, context));
  if (record.replacesVersion !== null && record.replacesVersion >= record.recordVersion) {
    reasons.push({
      code: 'REPLACES_VERSION_INVALID',
      message: `Phiên bản thay thế (${record.replacesVersion}) phải nhỏ hơn phiên bản gửi (${record.recordVersion}).`,
      path: 'replacesVersion',
    });
  }
  return reasons;
}

/** The readable page deep-equals the signed one, and the top-level fields say the same. */
function consistencyWith(signed: YearPage, record: MinistryRecord): RejectionReason[] {
  const reasons: RejectionReason[] = [];
  const sent = record.page as unknown as Record<string, unknown>;
  const expected = signed as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(expected), ...Object.keys(sent)])) {
    if (canonicalize(sent[key] ?? null) !== canonicalize(expected[key] ?? null)) {
      reasons.push({
        code: 'PAGE_MISMATCH',
        message: `Trang học bạ gửi kèm khác nội dung đã ký ở mục "${key}".`,
        path: `page.${key}`,
      });
    }
  }
  const fields: [path: string, sent: unknown, signed: unknown][] = [
    ['studentId', record.studentId, signed.studentId],
    ['schoolYear', record.schoolYear, signed.schoolYear],
    ['recordVersion', record.recordVersion, signed.recordVersion],
    ['personalId', record.personalId, signed.personal.personalId],
    ['school.id', record.school.id, signed.schoolId],
    ['recordKey', record.recordKey, recordKeyOf(signed)],
    ['wave', record.wave, syncWaveOf(signed)],
  ];
  for (const [path, value, wanted] of fields) {
    if (value !== wanted) {
      reasons.push({
        code: 'FIELD_MISMATCH',
        message: `Trường "${path}" không khớp với học bạ đã ký.`,
        path,
      });
    }
  }
  return reasons;
}

function personRules(record: MinistryRecord, context: RecordCheckContext): RejectionReason[] {
  const reasons: RejectionReason[] = [];
  if (!/^\d{12}$/.test(record.personalId)) {
    reasons.push({
      code: 'PERSONAL_ID_INVALID',
      message: 'Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số.',
      path: 'personalId',
    });
  }
  if (context.unknownPersonalIds.has(record.personalId)) {
    reasons.push({
      code: 'PERSONAL_ID_UNKNOWN',
      message: context.unknownPersonalIds.get(record.personalId) ?? UNKNOWN_PERSON_MESSAGE,
      path: 'personalId',
    });
  }
  const dateOfBirth = record.page.personal.dateOfBirth;
  const age = ageAtSchoolYearStart(dateOfBirth, record.schoolYear);
  if (age === null) {
    reasons.push({
      code: 'DATE_OF_BIRTH_INVALID',
      message: 'Ngày sinh không phải một ngày có thật.',
      path: 'page.personal.dateOfBirth',
    });
  } else if (age < MIN_AGE || age > MAX_AGE) {
    reasons.push({
      code: 'AGE_OUT_OF_RANGE',
      message: `Tuổi của học sinh khi bắt đầu năm học (${age}) nằm ngoài khoảng ${MIN_AGE}–${MAX_AGE} tuổi.`,
      path: 'page.personal.dateOfBirth',
    });
  }
  return reasons;
}

/**
 * Age in whole years on the opening day of the school year (ngày khai giảng, 5 September of its
 * first calendar year); null when the date does not exist (2008-02-30).
 */
export function ageAtSchoolYearStart(dateOfBirth: string, schoolYear: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  const startYear = Number(schoolYear.slice(0, 4));
  if (!match || !Number.isInteger(startYear)) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  const birthdayPassed = month < 9 || (month === 9 && day <= 5);
  return startYear - year - (birthdayPassed ? 0 : 1);
}

/** What the Ministry holds of a student-year: the version it replaces. */
export interface Holding {
  recordVersion: number;
}

/**
 * A record for a student-year the Ministry already holds must be a newer version that says it
 * replaces one (a correction after sync, Điều 9); an older or equal version is refused.
 */
export function checkAgainstHolding(record: MinistryRecord, held: Holding | undefined): RejectionReason[] {
  if (!held) return [];
  if (record.recordVersion <= held.recordVersion) {
    return [
      {
        code: 'VERSION_NOT_NEWER',
        message: `CSDL ngành đã lưu phiên bản ${held.recordVersion} của học bạ năm học này; phiên bản ${record.recordVersion} không mới hơn.`,
        path: 'recordVersion',
      },
    ];
  }
  if (record.replacesVersion === null) {
    return [
      {
        code: 'REPLACES_VERSION_MISSING',
        message: `CSDL ngành đã lưu phiên bản ${held.recordVersion} của học bạ năm học này; bản đính chính phải ghi phiên bản được thay thế.`,
        path: 'replacesVersion',
      },
    ];
  }
  return [];
}
