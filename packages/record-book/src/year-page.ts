import { attestationSchema, schoolYearSchema, type SignatureEvidence } from '@hocbaso/events';
import { z } from 'zod';

/**
 * The year page of a record book (Thông tư 22's "trang kết quả năm học") as the approver signed it:
 * the snapshot signatures builds from what academics, conduct and students locked (see
 * services/signatures/src/domain/units.ts and each owner's lock content). This is the reader's
 * side of that format: it accepts exactly the fields every exporter, the Ministry sync and the
 * offline verifier rely on.
 */
const level = z.enum(['TOT', 'KHA', 'DAT', 'CHUA_DAT']);
const mark = z.union([z.number(), z.enum(['DAT', 'CHUA_DAT'])]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const periodResultSchema = z.object({ average: z.number().nullable(), result: z.string().nullable() });

const termSchema = z.object({
  regular: z.array(mark.nullable()),
  midterm: mark.nullable(),
  final: mark.nullable(),
  average: z.number().nullable(),
  result: z.string().nullable(),
  comment: z
    .object({
      progress: z.string().nullable(),
      strengths: z.string().nullable(),
      limitations: z.string().nullable(),
    })
    .nullable(),
});

export const subjectPageSchema = z.object({
  subjectCode: z.string(),
  kind: z.enum(['SCORE', 'COMMENT']),
  term1: termSchema.nullable(),
  term2: termSchema.nullable(),
  year: periodResultSchema,
  reassessment: periodResultSchema.nullable(),
  exemption: z.object({ period: z.enum(['TERM_1', 'TERM_2', 'YEAR']) }).nullable(),
});
export type SubjectPage = z.infer<typeof subjectPageSchema>;

export const personalPageSchema = z.object({
  personalId: z.string(),
  fullName: z.string(),
  dateOfBirth: isoDate,
  gender: z.string(),
  placeOfBirth: z.string(),
  ethnicity: z.string(),
  policyCategory: z.string().nullable(),
  address: z.string(),
  guardians: z.array(
    z.object({
      relationship: z.string(),
      fullName: z.string(),
      occupation: z.string().nullable(),
      phone: z.string().nullable(),
    }),
  ),
});
export type PersonalPage = z.infer<typeof personalPageSchema>;

export const conductPageSchema = z.object({
  conductTerm1: level.nullable(),
  conductTerm2: level.nullable(),
  conductYear: level.nullable(),
  summerConduct: level.nullable(),
  absences: z.object({
    total: z.number().int().min(0),
    excused: z.number().int().min(0),
    unexcused: z.number().int().min(0),
  }),
  awards: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string(), grantedOn: z.string() })),
  discipline: z.array(
    z.object({ id: z.string(), form: z.string(), reason: z.string(), decidedOn: z.string() }),
  ),
  learningResult: level.nullable(),
  /** PROMOTED, COMPLETED, SUMMER_TRAINING, SUMMER_REASSESSMENT, RETAINED (null: not decided). */
  outcome: z.string().nullable(),
  title: z.string().nullable(),
  outcomeConfirmed: z.boolean(),
  homeroomComment: z.string().nullable(),
});
export type ConductPage = z.infer<typeof conductPageSchema>;

/** The approver's snapshot (`hocbaso.record-snapshot/2`, role APPROVER, unit STUDENT_YEAR). */
const approvalSnapshotSchema = z.object({
  format: z.literal('hocbaso.record-snapshot/2'),
  role: z.literal('APPROVER'),
  unit: z.object({
    unit: z.literal('STUDENT_YEAR'),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    classId: z.string(),
    studentId: z.string(),
  }),
  recordVersion: z.number().int().positive(),
  content: z.object({
    academics: z.object({ studentId: z.string(), subjects: z.array(subjectPageSchema) }),
    conduct: conductPageSchema.extend({ studentId: z.string() }),
    students: z.object({
      studentId: z.string(),
      className: z.string(),
      grade: z.number().int(),
      personal: personalPageSchema,
    }),
  }),
  attestations: z.array(attestationSchema),
});

/** One school year of a student's record book, read from the approval that signed it. */
export const yearPageSchema = z.object({
  schoolId: z.string(),
  schoolYear: schoolYearSchema,
  classId: z.string(),
  className: z.string(),
  grade: z.number().int(),
  studentId: z.string(),
  recordVersion: z.number().int().positive(),
  personal: personalPageSchema,
  subjects: z.array(subjectPageSchema),
  conduct: conductPageSchema,
  attestations: z.array(attestationSchema),
});
export type YearPage = z.infer<typeof yearPageSchema>;

/** The signed canonical text is not an approval of one student's year page. */
export class YearPageFormatError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly problems: string[]) {
    super(`Nội dung đã ký không phải trang học bạ một năm học: ${problems.join('; ')}`);
  }
}

/** The year page an approval signed (its canonical JSON, read). Throws YearPageFormatError. */
export function yearPageOf(approval: Pick<SignatureEvidence, 'canonical'>): YearPage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(approval.canonical);
  } catch {
    throw new YearPageFormatError(['không đọc được JSON']);
  }
  const result = approvalSnapshotSchema.safeParse(parsed);
  if (!result.success) {
    throw new YearPageFormatError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const { unit, content, recordVersion, attestations } = result.data;
  const { studentId: _conductStudent, ...conduct } = content.conduct;
  return {
    schoolId: unit.schoolId,
    schoolYear: unit.schoolYear,
    classId: unit.classId,
    className: content.students.className,
    grade: content.students.grade,
    studentId: unit.studentId,
    recordVersion,
    personal: content.students.personal,
    subjects: content.academics.subjects,
    conduct,
    attestations,
  };
}

/**
 * Which wave of the Ministry sync (Điều 6.6) a year page belongs to: the students confirmed as
 * having completed the grade programme (promoted, or finished grade 12) without a summer step go
 * by 25 June; the rest (summer re-training or re-assessment, retained, undecided) by 10 August.
 */
export type SyncWave = 'COMPLETED_GRADE' | 'REST';

export function syncWaveOf(page: Pick<YearPage, 'conduct' | 'subjects'>): SyncWave {
  const completed = page.conduct.outcome === 'PROMOTED' || page.conduct.outcome === 'COMPLETED';
  const summer = page.conduct.summerConduct !== null || page.subjects.some((s) => s.reassessment !== null);
  return completed && !summer ? 'COMPLETED_GRADE' : 'REST';
}
