import { z } from 'zod';
import { actorSchema, defineEvent } from './envelope';
import { personalDataReadSchema, schoolYearSchema } from './students';

export const CONDUCT_SOURCE = 'hocbaso/conduct';
const CONDUCT_TOPIC = 'hocbaso.conduct.record';
const CONDUCT_ACCESS_TOPIC = 'hocbaso.conduct.access';

export const levelSchema = z.enum(['TOT', 'KHA', 'DAT', 'CHUA_DAT']);
export const yearOutcomeSchema = z.enum([
  'PROMOTED',
  'COMPLETED',
  'SUMMER_TRAINING',
  'SUMMER_REASSESSMENT',
  'RETAINED',
]);

const recordKey = { studentId: z.string(), schoolId: z.string(), schoolYear: schoolYearSchema };

/** The homeroom teacher assessed a term's conduct (kết quả rèn luyện), or the summer re-training. */
export const conductAssessed = defineEvent({
  type: 'vn.hocbaso.conduct.conduct.assessed',
  topic: CONDUCT_TOPIC,
  version: 1,
  schema: z.object({
    ...recordKey,
    period: z.enum(['TERM_1', 'TERM_2', 'SUMMER']),
    before: levelSchema.nullable(),
    after: levelSchema,
    actor: actorSchema,
  }),
});

export const absenceRecorded = defineEvent({
  type: 'vn.hocbaso.conduct.absence.recorded',
  topic: CONDUCT_TOPIC,
  version: 1,
  schema: z.object({
    ...recordKey,
    date: z.string(),
    session: z.enum(['MORNING', 'AFTERNOON']),
    excused: z.boolean(),
    actor: actorSchema,
  }),
});

export const awardGranted = defineEvent({
  type: 'vn.hocbaso.conduct.award.granted',
  topic: CONDUCT_TOPIC,
  version: 1,
  schema: z.object({
    ...recordKey,
    awardId: z.string(),
    kind: z.enum(['COMMENDATION']),
    title: z.string(),
    actor: actorSchema,
  }),
});

export const disciplineRecorded = defineEvent({
  type: 'vn.hocbaso.conduct.discipline.recorded',
  topic: CONDUCT_TOPIC,
  version: 1,
  schema: z.object({ ...recordKey, disciplineId: z.string(), form: z.string(), actor: actorSchema }),
});

/** The computed year outcome and title changed (new results, conduct, absences or a summer step). */
export const outcomeComputed = defineEvent({
  type: 'vn.hocbaso.conduct.outcome.computed',
  topic: CONDUCT_TOPIC,
  version: 1,
  schema: z.object({
    ...recordKey,
    learning: levelSchema.nullable(),
    conduct: levelSchema.nullable(),
    absences: z.number().int().min(0),
    outcome: yearOutcomeSchema.nullable(),
    title: z.enum(['EXCELLENT', 'GOOD']).nullable(),
    actor: actorSchema,
  }),
});

/** The homeroom teacher confirmed the year outcome. */
export const outcomeConfirmed = defineEvent({
  type: 'vn.hocbaso.conduct.outcome.confirmed',
  topic: CONDUCT_TOPIC,
  version: 1,
  schema: z.object({
    ...recordKey,
    outcome: yearOutcomeSchema,
    title: z.enum(['EXCELLENT', 'GOOD']).nullable(),
    actor: actorSchema,
  }),
});

/** A staff member read the reasons of a student's absences or discipline (personal, R11). */
export const conductPersonalDataRead = defineEvent({
  type: 'vn.hocbaso.conduct.personal-data.read',
  topic: CONDUCT_ACCESS_TOPIC,
  version: 1,
  schema: personalDataReadSchema,
});

export const CONDUCT_EVENTS = [
  conductAssessed,
  absenceRecorded,
  awardGranted,
  disciplineRecorded,
  outcomeComputed,
  outcomeConfirmed,
  conductPersonalDataRead,
] as const;
