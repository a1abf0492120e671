import { schoolYearSchema } from '@hocbaso/events';
import { z } from 'zod';
import { schoolRefSchema, signedYearSchema, type SignedYear } from './record-book';
import { yearPageOf, yearPageSchema, syncWaveOf } from './year-page';

/**
 * What the platform sends to the Ministry database (CSDL ngành, Điều 6.5) for one approved and
 * signed student-year: the readable year page and the signed year it was read from, so the
 * receiver can check that what it stores is what the school signed. The Ministry's own interface
 * is not public; this is our documented, versioned payload (schema/ministry-record.v1.schema.json).
 */
export const MINISTRY_RECORD_FORMAT = 'hocbaso.ministry-record/1';

export const ministryRecordSchema = z.object({
  format: z.literal(MINISTRY_RECORD_FORMAT),
  /** `<studentId>:<schoolYear>:v<recordVersion>`; also the Idempotency-Key of the request. */
  recordKey: z.string(),
  school: schoolRefSchema,
  schoolYear: schoolYearSchema,
  studentId: z.string(),
  /** Số định danh cá nhân (CCCD): how the Ministry matches the national population database. */
  personalId: z.string(),
  recordVersion: z.number().int().positive(),
  /** COMPLETED_GRADE: due by 25 June; REST: due by 10 August (Điều 6.6). */
  wave: z.enum(['COMPLETED_GRADE', 'REST']),
  /** The version this one replaces after a correction (null: the first version sent). */
  replacesVersion: z.number().int().positive().nullable(),
  page: yearPageSchema,
  signed: signedYearSchema,
});
export type MinistryRecord = z.infer<typeof ministryRecordSchema>;

export function recordKeyOf(year: Pick<SignedYear, 'studentId' | 'schoolYear' | 'recordVersion'>): string {
  return `${year.studentId}:${year.schoolYear}:v${year.recordVersion}`;
}

/** The payload of one signed year; a pure function of its inputs, so a retry sends the same bytes. */
export function ministryRecordOf(year: SignedYear, replacesVersion: number | null): MinistryRecord {
  const page = yearPageOf(year.approval);
  return {
    format: MINISTRY_RECORD_FORMAT,
    recordKey: recordKeyOf(year),
    school: year.school,
    schoolYear: year.schoolYear,
    studentId: year.studentId,
    personalId: page.personal.personalId,
    recordVersion: year.recordVersion,
    wave: syncWaveOf(page),
    replacesVersion,
    page,
    signed: year,
  };
}
