/**
 * Demo marks: a complete school year of every subject of every class, through the same use case
 * teachers use (recordGradebook), so every event is published as in real use. Deterministic: each
 * student gets a profile by position in the class list, crafted so that the outcomes span every
 * case — Tốt (some Xuất sắc), Khá (one by the single-subject adjustment), Đạt, Chưa đạt (with
 * summer re-assessment of scored and of comment subjects).
 */
import type { Principal } from '@hocbaso/service-kit';
import type { GradebookRowInput } from '../domain/gradebook-validation';
import { subjectRules } from '../domain/subjects';
import type { AcademicsDeps } from '../usecases/deps';
import { recordGradebook, type RecordGradebookInput, type TermCode } from '../usecases/record-gradebook';

/** A typical timetable: the 8 compulsory subjects and activities, and 4 natural-science electives. */
export const DEMO_SUBJECTS = [
  'NGU_VAN',
  'TOAN',
  'NGOAI_NGU_1',
  'LICH_SU',
  'GD_THE_CHAT',
  'GDQP_AN',
  'HD_TRAI_NGHIEM_HUONG_NGHIEP',
  'GD_DIA_PHUONG',
  'VAT_LI',
  'HOA_HOC',
  'SINH_HOC',
  'TIN_HOC',
] as const;

export type DemoProfile =
  | 'EXCELLENT'
  | 'GOOD'
  | 'FAIR'
  | 'PASS'
  | 'ONE_WEAK_SUBJECT'
  | 'ONE_COMMENT_FAILED'
  | 'REASSESSMENT_SCORES'
  | 'REASSESSMENT_COMMENTS';

/** Profiles by position in the class: any class of 10 or more has every one of them. */
export const DEMO_PROFILE_CYCLE: readonly DemoProfile[] = [
  'GOOD',
  'FAIR',
  'PASS',
  'REASSESSMENT_SCORES',
  'EXCELLENT',
  'FAIR',
  'ONE_WEAK_SUBJECT',
  'GOOD',
  'ONE_COMMENT_FAILED',
  'REASSESSMENT_COMMENTS',
  'FAIR',
  'PASS',
];

/** Year average (in tenths) per scored subject, and the comment subjects failed, per profile. */
const PROFILES: Record<DemoProfile, { base: number; subjects?: Record<string, number>; failed?: string[] }> =
  {
    // TỐT, and at least 6 subjects ≥ 9.0: Học sinh Xuất sắc with good conduct.
    EXCELLENT: { base: 93 },
    // TỐT: all ≥ 6.5, at least 6 ≥ 8.0.
    GOOD: { base: 84, subjects: { LICH_SU: 70 } },
    // KHÁ: all ≥ 5.0, at least 6 ≥ 6.5.
    FAIR: { base: 70, subjects: { TOAN: 55 } },
    // ĐẠT: one subject below 5.0, none below 3.5.
    PASS: { base: 58, subjects: { VAT_LI: 40 } },
    // ĐẠT by the table, TỐT but for Toán: raised to KHÁ (Điều 9.3).
    ONE_WEAK_SUBJECT: { base: 85, subjects: { TOAN: 40 } },
    // One comment subject CHƯA ĐẠT: ĐẠT.
    ONE_COMMENT_FAILED: { base: 75, failed: ['GD_THE_CHAT'] },
    // CHƯA ĐẠT (a subject below 3.5): summer re-assessment of Toán and Vật lí.
    REASSESSMENT_SCORES: { base: 55, subjects: { TOAN: 30, VAT_LI: 45 } },
    // CHƯA ĐẠT (two comment subjects CHƯA ĐẠT): summer re-assessment of both.
    REASSESSMENT_COMMENTS: { base: 60, failed: ['GD_THE_CHAT', 'GD_DIA_PHUONG'] },
  };

export function demoProfile(position: number): DemoProfile {
  return DEMO_PROFILE_CYCLE[position % DEMO_PROFILE_CYCLE.length] as DemoProfile;
}

const COMMENTS: Record<DemoProfile, { progress: string; strengths: string; limitations: string }> = {
  EXCELLENT: { progress: 'Tiến bộ vượt bậc', strengths: 'Tư duy sáng tạo, tự học tốt', limitations: 'Không' },
  GOOD: {
    progress: 'Tiến bộ đều',
    strengths: 'Chăm chỉ, nắm chắc kiến thức',
    limitations: 'Cần mạnh dạn phát biểu',
  },
  FAIR: { progress: 'Có tiến bộ', strengths: 'Tích cực tham gia', limitations: 'Kĩ năng trình bày chưa tốt' },
  PASS: {
    progress: 'Tiến bộ chậm',
    strengths: 'Ngoan, có cố gắng',
    limitations: 'Kiến thức cơ bản còn hổng',
  },
  ONE_WEAK_SUBJECT: {
    progress: 'Tiến bộ',
    strengths: 'Học tốt phần lớn các môn',
    limitations: 'Cần ôn lại Toán',
  },
  ONE_COMMENT_FAILED: {
    progress: 'Có tiến bộ',
    strengths: 'Ý thức học tập tốt',
    limitations: 'Chưa hoàn thành nội dung thực hành',
  },
  REASSESSMENT_SCORES: {
    progress: 'Chưa tiến bộ',
    strengths: 'Có ý thức',
    limitations: 'Cần ôn tập trong hè',
  },
  REASSESSMENT_COMMENTS: {
    progress: 'Chưa tiến bộ',
    strengths: 'Chăm ngoan',
    limitations: 'Chưa đạt yêu cầu thực hành',
  },
};

/**
 * One student's marks of one subject and term: every assessment around the profile's target, so
 * that the term averages are exactly target − 0.2 (term I) and target + 0.1 (term II) and the year
 * average exactly the target (± 0.1 by position, never across a boundary).
 */
export function demoRow(
  profile: DemoProfile,
  position: number,
  subjectCode: string,
  term: TermCode,
): Omit<GradebookRowInput, 'studentId'> {
  const rules = subjectRules(subjectCode);
  if (!rules) throw new Error(`unknown subject ${subjectCode}`);
  const spec = PROFILES[profile];
  const comment = term === 'TERM_2' ? COMMENTS[profile] : null;
  if (rules.subject.kind === 'COMMENT') {
    const failed = (spec.failed ?? []).includes(subjectCode) && term === 'TERM_2';
    return {
      regularResults: Array.from({ length: rules.regularCount }, () => 'DAT'),
      midtermResult: 'DAT',
      finalResult: failed ? 'CHUA_DAT' : 'DAT',
      comment,
    };
  }
  const year = (spec.subjects?.[subjectCode] ?? spec.base) + ((position % 3) - 1);
  const target = year + (term === 'TERM_1' ? -2 : 1);
  const spread = Math.min(5, 100 - target, target);
  const regular = Array.from({ length: rules.regularCount }, (_, i) => {
    if (rules.regularCount % 2 === 1 && i === rules.regularCount - 1) return target / 10;
    return (target + (i % 2 === 0 ? spread : -spread)) / 10;
  });
  return { regular, midterm: target / 10, final: target / 10, comment };
}

export interface DemoClass {
  classId: string;
  /** The students in class-list order (their position picks their profile). */
  studentIds: readonly string[];
  /** The teacher account assigned to each subject of the class (phân công giảng dạy). */
  teachers: Readonly<Record<string, string>>;
}

export interface DemoSchoolYearInput {
  schoolId: string;
  schoolYear: string;
  classes: readonly DemoClass[];
  subjects?: readonly string[];
}

/** Every gradebook entry of the year (class × subject × term), with the teacher who records it. */
export function demoGradebooks(
  input: DemoSchoolYearInput,
): Array<{ teacher: Principal; input: RecordGradebookInput }> {
  const subjects = input.subjects ?? DEMO_SUBJECTS;
  return input.classes.flatMap((cls) =>
    subjects.flatMap((subjectCode) => {
      const teacherId = cls.teachers[subjectCode];
      if (!teacherId) throw new Error(`class ${cls.classId} has no teacher for ${subjectCode}`);
      const teacher: Principal = {
        accountId: teacherId,
        username: `demo.${teacherId}`,
        schoolId: input.schoolId,
        roles: [{ role: 'SUBJECT_TEACHER', scope: { schoolId: input.schoolId } }],
        teaching: [
          { schoolId: input.schoolId, classId: cls.classId, subjectCode, schoolYear: input.schoolYear },
        ],
      };
      return (['TERM_1', 'TERM_2'] as const).map((term) => ({
        teacher,
        input: {
          classId: cls.classId,
          subjectCode,
          schoolYear: input.schoolYear,
          term,
          rows: cls.studentIds.map((studentId, position) => ({
            studentId,
            ...demoRow(demoProfile(position), position, subjectCode, term),
          })),
        },
      }));
    }),
  );
}

/**
 * Records the demo year; the roster (classes and students) must already be known to the service.
 * Returns each student's profile. Fails on the first refused gradebook.
 */
export async function recordDemoSchoolYear(
  deps: AcademicsDeps,
  input: DemoSchoolYearInput,
): Promise<{ gradebooks: number; profiles: Record<string, DemoProfile> }> {
  const entries = demoGradebooks(input);
  for (const entry of entries) {
    const result = await recordGradebook(deps, { principal: entry.teacher }, entry.input);
    if (!result.ok) {
      throw new Error(
        `demo gradebook refused: ${result.errors.map((e) => `${e.column}: ${e.message}`).join('; ')}`,
      );
    }
  }
  const profiles: Record<string, DemoProfile> = {};
  for (const cls of input.classes)
    cls.studentIds.forEach((id, position) => (profiles[id] = demoProfile(position)));
  return { gradebooks: entries.length, profiles };
}
