import { z } from 'zod';
import { actorSchema, defineEvent } from './envelope';
import { schoolYearSchema } from './students';

export const ACADEMICS_SOURCE = 'hocbaso/academics';
const SUBJECT_RESULT_TOPIC = 'hocbaso.academics.subject-result';

const pass = z.enum(['DAT', 'CHUA_DAT']);

/** A subject's result for one period: an average (scored subjects) or ĐẠT / CHƯA ĐẠT. */
export const periodResultSchema = z
  .object({ average: z.number().min(0).max(10).nullable(), result: pass.nullable() })
  .describe('null fields: not yet complete');

export const gradebookTermSchema = z.enum(['TERM_1', 'TERM_2']);

const markSchema = z.union([z.number().min(0).max(10), pass]).nullable();

/** One term's assessments of one student: regular (ĐĐGtx), mid-term (ĐĐGgk), end-of-term (ĐĐGck). */
export const termMarksSchema = z.object({
  regular: z.array(markSchema),
  midterm: markSchema,
  final: markSchema,
});

/**
 * One student's result in one subject and school year changed (marks entered, a summer
 * re-assessment, an exemption). Key: the student id. Conduct keeps its read model of learning
 * results from these.
 */
export const subjectResultRecorded = defineEvent({
  type: 'vn.hocbaso.academics.subject-result.recorded',
  topic: SUBJECT_RESULT_TOPIC,
  version: 1,
  schema: z.object({
    studentId: z.string(),
    schoolId: z.string(),
    classId: z.string(),
    schoolYear: schoolYearSchema,
    subjectCode: z.string(),
    kind: z.enum(['SCORE', 'COMMENT']),
    term1: periodResultSchema,
    term2: periodResultSchema,
    year: periodResultSchema,
    /** The summer re-assessment's result, when there was one; it replaces the year result. */
    reassessment: periodResultSchema.nullable(),
    /** What was changed (added in a compatible way: absent in older events). */
    change: z.enum(['MARKS', 'REASSESSMENT', 'EXEMPTION']).optional(),
    /**
     * For a MARKS change: the term whose marks changed, before and after (the audit trail, R2).
     * A comment subject's marks are 'DAT' / 'CHUA_DAT'; null: not yet assessed. Teacher comments
     * (free text) never travel on Kafka.
     */
    marks: z
      .object({
        term: gradebookTermSchema,
        before: termMarksSchema.nullable(),
        after: termMarksSchema.nullable(),
      })
      .optional(),
    /** Exemption from the practical part (Điều 10), without its reason (health data stays home). */
    exemption: z
      .object({ period: z.enum(['TERM_1', 'TERM_2', 'YEAR']) })
      .nullable()
      .optional(),
    actor: actorSchema,
  }),
});

/**
 * A gradebook left the platform as a file (xuất sổ điểm): who took which class's marks, and the
 * file's hash, so a copy found later can be traced to its download (R11). Key: the class id.
 */
export const gradebookExported = defineEvent({
  type: 'vn.hocbaso.academics.gradebook.exported',
  topic: 'hocbaso.academics.export',
  version: 1,
  schema: z.object({
    exportId: z.string(),
    schoolId: z.string().nullable(),
    classId: z.string(),
    subjectCode: z.string(),
    schoolYear: schoolYearSchema,
    term: gradebookTermSchema,
    students: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    actor: actorSchema,
  }),
});

export const ACADEMICS_EVENTS = [subjectResultRecorded, gradebookExported] as const;
