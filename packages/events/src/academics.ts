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
    actor: actorSchema,
  }),
});

export const ACADEMICS_EVENTS = [subjectResultRecorded] as const;
