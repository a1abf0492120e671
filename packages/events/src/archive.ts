import { z } from 'zod';
import { actorSchema, defineEvent } from './envelope';
import { schoolYearSchema } from './students';

/**
 * The archive's facts (issue 5): the Ministry sync of each signed student-year, official exports,
 * transfers and backups. The archive keeps its read models from the other services' events.
 */
export const ARCHIVE_SOURCE = 'hocbaso/archive';
const SYNC_TOPIC = 'hocbaso.archive.sync';
const EXPORT_TOPIC = 'hocbaso.archive.export';

/**
 * Where one student-year stands with the Ministry database (R5):
 * PENDING (approved, to send), SENT (sent, no final answer yet: retrying), ACCEPTED, REJECTED
 * (with the Ministry's reasons), SUPERSEDED (a correction made this version obsolete; the next
 * approved version will be sent).
 */
export const SYNC_STATES = ['PENDING', 'SENT', 'ACCEPTED', 'REJECTED', 'SUPERSEDED'] as const;
export const syncStateSchema = z.enum(SYNC_STATES);
export type SyncState = z.infer<typeof syncStateSchema>;

export const syncReasonSchema = z.object({ code: z.string(), message: z.string(), path: z.string().nullable() });

/** A student-year's sync state changed. Key: the student id (one student's events stay in order). */
export const recordSyncStateChanged = defineEvent({
  type: 'vn.hocbaso.archive.sync.state-changed',
  topic: SYNC_TOPIC,
  version: 1,
  schema: z.object({
    studentId: z.string(),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    classId: z.string(),
    recordVersion: z.number().int().positive(),
    /** COMPLETED_GRADE (due 25 June) or REST (due 10 August). */
    wave: z.enum(['COMPLETED_GRADE', 'REST']),
    state: syncStateSchema,
    attempts: z.number().int().min(0),
    /** The Ministry's receipt (ACCEPTED). */
    receiptId: z.string().nullable(),
    /** Why the Ministry refused (REJECTED), or the last transient failure (SENT). */
    reasons: z.array(syncReasonSchema),
    actor: actorSchema,
  }),
});

/**
 * An official copy of a record book left the platform (R11: every export is logged and
 * attributable): who asked, in which form, which years, and the code that verifies the copy.
 * Key: the student id.
 */
export const recordBookExported = defineEvent({
  type: 'vn.hocbaso.archive.record-book.exported',
  topic: EXPORT_TOPIC,
  version: 1,
  schema: z.object({
    exportId: z.string(),
    studentId: z.string(),
    format: z.enum(['PDF', 'XML', 'CREDENTIAL']),
    schoolYears: z.array(schoolYearSchema),
    requestedBy: z.object({ accountId: z.string(), role: z.string() }),
    verificationCode: z.string(),
    contentHash: z.string(),
    actor: actorSchema,
  }),
});

export const ARCHIVE_EVENTS = [recordSyncStateChanged, recordBookExported] as const;
