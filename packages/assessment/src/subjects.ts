/**
 * The subjects of the 2018 general education programme for upper secondary (Chương trình giáo dục
 * phổ thông 2018, Thông tư 32/2018/TT-BGDĐT), with how TT22 assesses each (Điều 5).
 *
 * Sources and assumptions for `periodsPerYear` (tiết/năm học, per grade):
 * - From the project's rules (docs/assessment-rules.md): Ngữ văn, Toán, Ngoại ngữ 1: 105;
 *   Lịch sử: 52; each elective: 70; Giáo dục quốc phòng và an ninh: 35.
 * - From the programme's time plan (Chương trình tổng thể, kế hoạch giáo dục cấp THPT): Giáo dục thể
 *   chất 70; Hoạt động trải nghiệm, hướng nghiệp 105; Nội dung giáo dục của địa phương 35;
 *   Âm nhạc and Mĩ thuật are electives of 70 like the others; the optional Tiếng dân tộc thiểu số
 *   and Ngoại ngữ 2 have 105.
 * - The learning topics (chuyên đề học tập, 35 periods each, three chosen) are part of their
 *   subject and are not listed separately.
 * A school's actual plan may differ; callers that know the real number of periods pass it to
 * `regularAssessmentCount` instead of using these typical values.
 */
import type { AssessmentKind } from './types';

/** Compulsory (bắt buộc), elective (lựa chọn, four chosen), optional (tự chọn). */
export type SubjectGroup = 'COMPULSORY' | 'ELECTIVE' | 'OPTIONAL';

export interface Subject {
  /** Stable code, SCREAMING_SNAKE. */
  readonly code: SubjectCode;
  /** Vietnamese name as printed in the record book. */
  readonly name: string;
  readonly kind: AssessmentKind;
  /** Typical periods per school year (see the sources above). */
  readonly periodsPerYear: number;
  readonly group: SubjectGroup;
}

export const SUBJECT_CODES = [
  'NGU_VAN',
  'TOAN',
  'NGOAI_NGU_1',
  'LICH_SU',
  'GD_THE_CHAT',
  'GDQP_AN',
  'HD_TRAI_NGHIEM_HUONG_NGHIEP',
  'GD_DIA_PHUONG',
  'DIA_LI',
  'GD_KINH_TE_PHAP_LUAT',
  'VAT_LI',
  'HOA_HOC',
  'SINH_HOC',
  'CONG_NGHE',
  'TIN_HOC',
  'AM_NHAC',
  'MI_THUAT',
  'TIENG_DAN_TOC',
  'NGOAI_NGU_2',
] as const;

export type SubjectCode = (typeof SUBJECT_CODES)[number];

const subject = (
  code: SubjectCode,
  name: string,
  kind: AssessmentKind,
  periodsPerYear: number,
  group: SubjectGroup,
): Subject => Object.freeze({ code, name, kind, periodsPerYear, group });

/** The catalogue, in the order of the record book. */
export const SUBJECTS: readonly Subject[] = Object.freeze([
  // Compulsory subjects and activities.
  subject('NGU_VAN', 'Ngữ văn', 'SCORE', 105, 'COMPULSORY'),
  subject('TOAN', 'Toán', 'SCORE', 105, 'COMPULSORY'),
  subject('NGOAI_NGU_1', 'Ngoại ngữ 1', 'SCORE', 105, 'COMPULSORY'),
  subject('LICH_SU', 'Lịch sử', 'SCORE', 52, 'COMPULSORY'),
  subject('GD_THE_CHAT', 'Giáo dục thể chất', 'COMMENT', 70, 'COMPULSORY'),
  subject('GDQP_AN', 'Giáo dục quốc phòng và an ninh', 'SCORE', 35, 'COMPULSORY'),
  subject('HD_TRAI_NGHIEM_HUONG_NGHIEP', 'Hoạt động trải nghiệm, hướng nghiệp', 'COMMENT', 105, 'COMPULSORY'),
  subject('GD_DIA_PHUONG', 'Nội dung giáo dục của địa phương', 'COMMENT', 35, 'COMPULSORY'),
  // Electives: a student takes four.
  subject('DIA_LI', 'Địa lí', 'SCORE', 70, 'ELECTIVE'),
  subject('GD_KINH_TE_PHAP_LUAT', 'Giáo dục kinh tế và pháp luật', 'SCORE', 70, 'ELECTIVE'),
  subject('VAT_LI', 'Vật lí', 'SCORE', 70, 'ELECTIVE'),
  subject('HOA_HOC', 'Hoá học', 'SCORE', 70, 'ELECTIVE'),
  subject('SINH_HOC', 'Sinh học', 'SCORE', 70, 'ELECTIVE'),
  subject('CONG_NGHE', 'Công nghệ', 'SCORE', 70, 'ELECTIVE'),
  subject('TIN_HOC', 'Tin học', 'SCORE', 70, 'ELECTIVE'),
  subject('AM_NHAC', 'Âm nhạc', 'COMMENT', 70, 'ELECTIVE'),
  subject('MI_THUAT', 'Mĩ thuật', 'COMMENT', 70, 'ELECTIVE'),
  // Optional subjects.
  subject('TIENG_DAN_TOC', 'Tiếng dân tộc thiểu số', 'SCORE', 105, 'OPTIONAL'),
  subject('NGOAI_NGU_2', 'Ngoại ngữ 2', 'SCORE', 105, 'OPTIONAL'),
]);

const BY_CODE: ReadonlyMap<string, Subject> = new Map(SUBJECTS.map((s) => [s.code, s]));

export function isSubjectCode(value: unknown): value is SubjectCode {
  return typeof value === 'string' && BY_CODE.has(value);
}

/** The catalogue entry for a code, or undefined for an unknown code. */
export function subjectByCode(code: string): Subject | undefined {
  return BY_CODE.get(code);
}
