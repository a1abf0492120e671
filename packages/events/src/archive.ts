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

export const syncReasonSchema = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string().nullable(),
});

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

const SHARE_TOPIC = 'hocbaso.archive.share';

/** Who in the student's family acts: the student, or a parent (or guardian), by a verified link. */
const shareRelationSchema = z.enum(['PARENT', 'STUDENT']);

/**
 * Sharing the record book with a third party (a university, another authority) needs the recorded
 * consent of the student and of a parent (Luật Bảo vệ dữ liệu cá nhân 2025, Nghị định 13/2023).
 * These events carry ids, the recipient and the purpose: never the record book or a name, never
 * the access code. Key: the student id (one student's shares stay in order).
 */
export const recordShareRequested = defineEvent({
  type: 'vn.hocbaso.archive.record-share.requested',
  topic: SHARE_TOPIC,
  version: 1,
  schema: z.object({
    shareId: z.string(),
    studentId: z.string(),
    /** Who receives the copy, e.g. "Trường Đại học Bách khoa Hà Nội". */
    recipient: z.string(),
    purpose: z.string(),
    validUntil: z.iso.datetime({ offset: true }),
    /** The requester's relation; their consent is recorded with the request. */
    relation: shareRelationSchema,
    actor: actorSchema,
  }),
});

/** A member of the family consented to a share (the requester's consent comes with the request). */
export const recordShareConsentGiven = defineEvent({
  type: 'vn.hocbaso.archive.record-share.consent-given',
  topic: SHARE_TOPIC,
  version: 1,
  schema: z.object({
    shareId: z.string(),
    studentId: z.string(),
    relation: shareRelationSchema,
    accountId: z.string(),
    actor: actorSchema,
  }),
});

/** The student and a parent have both consented: the recipient may now read with the access code. */
export const recordShareActivated = defineEvent({
  type: 'vn.hocbaso.archive.record-share.activated',
  topic: SHARE_TOPIC,
  version: 1,
  schema: z.object({
    shareId: z.string(),
    studentId: z.string(),
    recipient: z.string(),
    purpose: z.string(),
    validUntil: z.iso.datetime({ offset: true }),
    consents: z.array(z.object({ relation: shareRelationSchema, accountId: z.string() })).min(2),
    actor: actorSchema,
  }),
});

/** The student or a parent withdrew consent: the share stops at once. */
export const recordShareWithdrawn = defineEvent({
  type: 'vn.hocbaso.archive.record-share.withdrawn',
  topic: SHARE_TOPIC,
  version: 1,
  schema: z.object({
    shareId: z.string(),
    studentId: z.string(),
    relation: shareRelationSchema,
    actor: actorSchema,
  }),
});

/**
 * The recipient read the shared record book with its access code (every access is logged): the
 * export it received (its own entry in the export log) and to whom the share was given.
 */
export const recordShareAccessed = defineEvent({
  type: 'vn.hocbaso.archive.record-share.accessed',
  topic: SHARE_TOPIC,
  version: 1,
  schema: z.object({
    shareId: z.string(),
    studentId: z.string(),
    recipient: z.string(),
    purpose: z.string(),
    exportId: z.string(),
    actor: actorSchema,
  }),
});

const TRANSFER_TOPIC = 'hocbaso.archive.transfer';

/**
 * The sending school produced a transfer package (R1, R6): the student's whole signed record book,
 * every approval and seal with its certificate chain, sealed by the sending school. Key: the student id.
 */
export const transferPackageIssued = defineEvent({
  type: 'vn.hocbaso.archive.transfer.package-issued',
  topic: TRANSFER_TOPIC,
  version: 1,
  schema: z.object({
    transferId: z.string(),
    studentId: z.string(),
    fromSchoolId: z.string(),
    schoolYears: z.array(schoolYearSchema),
    /** SHA-256 of the package's canonical JSON. */
    packageHash: z.string(),
    actor: actorSchema,
  }),
});

/**
 * The receiving school imported a package and every signature in it verified: the students
 * service moves the same student (never a copy, R1) into the receiving school's class, which takes
 * over management (R6), and answers with `studentTransferApplied`. Key: the student id.
 */
export const transferImported = defineEvent({
  type: 'vn.hocbaso.archive.transfer.imported',
  topic: TRANSFER_TOPIC,
  version: 1,
  schema: z.object({
    transferId: z.string(),
    studentId: z.string(),
    fromSchoolId: z.string(),
    toSchoolId: z.string(),
    /** The receiving school's class the student joins. */
    classId: z.string(),
    /** Ngày chuyển đến (YYYY-MM-DD). */
    effectiveOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    packageHash: z.string(),
    actor: actorSchema,
  }),
});

/** A package the receiving school tried to import failed verification: refused, with the reasons. */
export const transferRefused = defineEvent({
  type: 'vn.hocbaso.archive.transfer.refused',
  topic: TRANSFER_TOPIC,
  version: 1,
  schema: z.object({
    transferId: z.string(),
    studentId: z.string().nullable(),
    toSchoolId: z.string(),
    problems: z.array(z.object({ code: z.string(), message: z.string() })).min(1),
    actor: actorSchema,
  }),
});

/**
 * The students service's answer to `transferImported`: APPLIED (the student now belongs to the
 * receiving school's class) or REFUSED with a stable code and a Vietnamese message (e.g. the class
 * is not of the receiving school, the student graduated). Redelivery answers again, never moves twice.
 * Key: the student id.
 */
export const studentTransferApplied = defineEvent({
  type: 'vn.hocbaso.students.transfer.applied',
  topic: 'hocbaso.students.lock',
  version: 1,
  schema: z.object({
    transferId: z.string(),
    studentId: z.string(),
    outcome: z.enum(['APPLIED', 'REFUSED']),
    refusal: z.object({ code: z.string(), message: z.string(), details: z.array(z.string()) }).nullable(),
    appliedAt: z.iso.datetime({ offset: true }),
  }),
});

const BACKUP_TOPIC = 'hocbaso.archive.backup';

/** One database in a backup or a restore: how many collections and documents, how many bytes of dump. */
export const backedUpDatabaseSchema = z.object({
  name: z.string(),
  collections: z.number().int().min(0),
  documents: z.number().int().min(0),
  bytes: z.number().int().min(0),
});

/**
 * A backup of every service's data and the Kafka positions to resume from is complete (R7): what
 * it holds and where it is. Key: the backup id.
 */
export const backupCompleted = defineEvent({
  type: 'vn.hocbaso.archive.backup.completed',
  topic: BACKUP_TOPIC,
  version: 1,
  schema: z.object({
    backupId: z.string(),
    /** Where the backup is kept (a directory or an object-store address). */
    location: z.string(),
    databases: z.array(backedUpDatabaseSchema),
    /** The consumer groups whose committed offsets the backup holds. */
    consumerGroups: z.array(z.string()),
    totalBytes: z.number().int().min(0),
    /** The SHA-256 of the backup's manifest, which holds the SHA-256 of every file. */
    manifestSha256: z.string(),
    actor: actorSchema,
  }),
});

/** A backup was restored into empty stores and the consumer groups set to its positions. Key: the backup id. */
export const restoreCompleted = defineEvent({
  type: 'vn.hocbaso.archive.restore.completed',
  topic: BACKUP_TOPIC,
  version: 1,
  schema: z.object({
    backupId: z.string(),
    location: z.string(),
    databases: z.array(backedUpDatabaseSchema),
    consumerGroups: z.array(z.string()),
    /** Wall-clock time of the restore (integrity check, documents, indexes, offsets). */
    durationMs: z.number().int().min(0),
    actor: actorSchema,
  }),
});

export const ARCHIVE_EVENTS = [
  recordSyncStateChanged,
  recordBookExported,
  recordShareRequested,
  recordShareConsentGiven,
  recordShareActivated,
  recordShareWithdrawn,
  recordShareAccessed,
  transferPackageIssued,
  transferImported,
  transferRefused,
  studentTransferApplied,
  backupCompleted,
  restoreCompleted,
] as const;
