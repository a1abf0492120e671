import { z } from 'zod';
import { actorSchema, defineEvent } from './envelope';
import { schoolYearSchema } from './students';

/**
 * The trust protocol between signatures and the services that own the data (academics, conduct,
 * students).
 *
 * A signature is made over data that cannot change under it: signatures asks the owners to lock
 * a unit (`lockRequested`); each owner, once no write of its own is in flight for that unit,
 * records the lock, from then on refuses every write to the unit, and answers with a
 * confirmation carrying the locked content in its canonical form (`*LockConfirmed`). Signatures
 * signs exactly what the owners confirmed, so a write racing the lock is either in the signed
 * content or refused. A correction is applied by the owner on signatures' request
 * (`correctionApplyRequested`), and answered by `*CorrectionApplied`.
 */
export const SIGNATURES_SOURCE = 'hocbaso/signatures';
const LOCK_TOPIC = 'hocbaso.signatures.lock';
const SIGNATURE_TOPIC = 'hocbaso.signatures.signature';
const CORRECTION_TOPIC = 'hocbaso.signatures.correction';
const RECORD_BOOK_TOPIC = 'hocbaso.signatures.record-book';

export const recordPeriodSchema = z.enum(['TERM_1', 'TERM_2', 'YEAR']);
export type RecordPeriod = z.infer<typeof recordPeriodSchema>;

export const LOCK_OWNERS = ['academics', 'conduct', 'students'] as const;
export const lockOwnerSchema = z.enum(LOCK_OWNERS);
export type LockOwner = z.infer<typeof lockOwnerSchema>;

/**
 * What a lock covers.
 * - SUBJECT: one class's marks and comments in one subject for a term (or both terms: YEAR);
 *   what the subject teacher signs. Owner: academics.
 * - CLASS_CONDUCT: one class's conduct, absences, awards, outcomes and homeroom comments for a
 *   period; what the homeroom teacher signs. Owner: conduct.
 * - STUDENT_YEAR: everything of one student in one school year (the year page of the record
 *   book); what the approver signs. Owners: academics, conduct, students.
 * - WINDOW: a lock window the principal decided for a period, the whole school or one grade.
 *   Owners: academics, conduct.
 */
export const lockScopeSchema = z.discriminatedUnion('unit', [
  z.object({
    unit: z.literal('SUBJECT'),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    period: recordPeriodSchema,
    classId: z.string(),
    subjectCode: z.string(),
  }),
  z.object({
    unit: z.literal('CLASS_CONDUCT'),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    period: recordPeriodSchema,
    classId: z.string(),
  }),
  z.object({
    unit: z.literal('STUDENT_YEAR'),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    classId: z.string(),
    studentId: z.string(),
  }),
  z.object({
    unit: z.literal('WINDOW'),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    period: recordPeriodSchema,
    /** null: every grade of the school. */
    grade: z.number().int().nullable(),
  }),
]);
export type LockScope = z.infer<typeof lockScopeSchema>;

/** The owners that must confirm a lock of this scope before it counts as applied. */
export function lockOwnersOf(scope: LockScope): LockOwner[] {
  switch (scope.unit) {
    case 'SUBJECT':
      return ['academics'];
    case 'CLASS_CONDUCT':
      return ['conduct'];
    case 'STUDENT_YEAR':
      return ['academics', 'conduct', 'students'];
    case 'WINDOW':
      return ['academics', 'conduct'];
  }
}

/**
 * Lock this unit. Key: the lock id. Every owner named in `owners` answers with its
 * `*LockConfirmed` event; redelivery of the same lock id is answered again, never locked twice.
 */
export const lockRequested = defineEvent({
  type: 'vn.hocbaso.signatures.lock.requested',
  topic: LOCK_TOPIC,
  version: 1,
  schema: z.object({
    lockId: z.string(),
    scope: lockScopeSchema,
    owners: z.array(lockOwnerSchema),
    /** SIGNATURE: taken for a signature; WINDOW: a lock window applied by the admin. */
    reason: z.enum(['SIGNATURE', 'WINDOW']),
    actor: actorSchema,
  }),
});

/** Unlock: a failed signing, or a lock window reopened with the principal's approval (R8). */
export const lockReleased = defineEvent({
  type: 'vn.hocbaso.signatures.lock.released',
  topic: LOCK_TOPIC,
  version: 1,
  schema: z.object({
    lockId: z.string(),
    scope: lockScopeSchema,
    owners: z.array(lockOwnerSchema),
    actor: actorSchema,
  }),
});

/** Why an owner did not do what was asked: a stable error code and a Vietnamese message. */
const refusalSchema = z.object({ code: z.string(), message: z.string(), details: z.array(z.string()) });

/**
 * One owner's answer to `lockRequested` (and to `lockReleased`: outcome RELEASED).
 * APPLIED: the owner refuses writes to the unit from now on; `content` is the locked data in the
 * owner's canonical form (null for a WINDOW), which signatures signs. REFUSED: the owner did not
 * lock, with a stable error code (e.g. SUBJECT_INCOMPLETE) and a Vietnamese message.
 */
export const lockConfirmationSchema = z.object({
  lockId: z.string(),
  owner: lockOwnerSchema,
  outcome: z.enum(['APPLIED', 'REFUSED', 'RELEASED']),
  content: z.unknown().nullable(),
  refusal: refusalSchema.nullable(),
  confirmedAt: z.iso.datetime({ offset: true }),
});
export type LockConfirmation = z.infer<typeof lockConfirmationSchema>;

export const academicsLockConfirmed = defineEvent({
  type: 'vn.hocbaso.academics.lock.confirmed',
  topic: 'hocbaso.academics.lock',
  version: 1,
  schema: lockConfirmationSchema,
});

export const conductLockConfirmed = defineEvent({
  type: 'vn.hocbaso.conduct.lock.confirmed',
  topic: 'hocbaso.conduct.lock',
  version: 1,
  schema: lockConfirmationSchema,
});

export const studentsLockConfirmed = defineEvent({
  type: 'vn.hocbaso.students.lock.confirmed',
  topic: 'hocbaso.students.lock',
  version: 1,
  schema: lockConfirmationSchema,
});

export const LOCK_CONFIRMATIONS = {
  academics: academicsLockConfirmed,
  conduct: conductLockConfirmed,
  students: studentsLockConfirmed,
} as const;

/**
 * One changed value of a correction request. `field` is a path in the owner's terms, and its
 * first segment names the owner (`correctionOwnerOf`):
 * - academics, of the named subject: `term1.regular.0`, `term1.midterm`, `term2.final`, ...,
 *   `reassessment`; value: a mark (0-10), 'DAT' / 'CHUA_DAT', or null to clear;
 * - conduct: `conduct.term1`, `conduct.term2`, `conduct.summer` (TOT, KHA, DAT, CHUA_DAT, or null),
 *   `conduct.homeroomComment` (text, or null);
 * - students: `personal.fullName`, `personal.dateOfBirth` (YYYY-MM-DD), `personal.gender`,
 *   `personal.placeOfBirth`, `personal.ethnicity`, `personal.address`, `personal.policyCategory`.
 */
export const correctionChangeSchema = z.object({
  field: z.string(),
  value: z.union([z.number(), z.string(), z.null()]),
});
export type CorrectionChange = z.infer<typeof correctionChangeSchema>;

/** Which service owns a corrected field (null: no owner knows it). */
export function correctionOwnerOf(field: string): LockOwner | null {
  if (field.startsWith('conduct.')) return 'conduct';
  if (field.startsWith('personal.')) return 'students';
  if (/^(term1|term2)\.|^reassessment$/.test(field)) return 'academics';
  return null;
}

/**
 * The admin applies an approved correction (R8): the owner changes exactly these values even
 * though the unit is locked, records the correction id with the change, and answers with
 * `*CorrectionApplied`. Key: the student id.
 */
export const correctionApplyRequested = defineEvent({
  type: 'vn.hocbaso.signatures.correction.apply-requested',
  topic: CORRECTION_TOPIC,
  version: 1,
  schema: z.object({
    correctionId: z.string(),
    owner: lockOwnerSchema,
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    classId: z.string(),
    studentId: z.string(),
    subjectCode: z.string().nullable(),
    changes: z.array(correctionChangeSchema).min(1),
    reason: z.string(),
    actor: actorSchema,
  }),
});

export const correctionOutcomeSchema = z.object({
  correctionId: z.string(),
  owner: lockOwnerSchema,
  outcome: z.enum(['APPLIED', 'REFUSED']),
  /** The changed values before and after, by field (APPLIED). */
  changes: z.array(
    z.object({
      field: z.string(),
      before: z.union([z.number(), z.string(), z.null()]),
      after: z.union([z.number(), z.string(), z.null()]),
    }),
  ),
  refusal: refusalSchema.nullable(),
  appliedAt: z.iso.datetime({ offset: true }),
});
export type CorrectionOutcome = z.infer<typeof correctionOutcomeSchema>;

export const academicsCorrectionApplied = defineEvent({
  type: 'vn.hocbaso.academics.correction.applied',
  topic: 'hocbaso.academics.lock',
  version: 1,
  schema: correctionOutcomeSchema,
});

export const conductCorrectionApplied = defineEvent({
  type: 'vn.hocbaso.conduct.correction.applied',
  topic: 'hocbaso.conduct.lock',
  version: 1,
  schema: correctionOutcomeSchema,
});

/**
 * Students' answer. Personal values never travel on Kafka: its `changes` name the fields with
 * `before` and `after` null (the values stay in the students record's own history).
 */
export const studentsCorrectionApplied = defineEvent({
  type: 'vn.hocbaso.students.correction.applied',
  topic: 'hocbaso.students.lock',
  version: 1,
  schema: correctionOutcomeSchema,
});

/** Each owner's answer to `correctionApplyRequested`. */
export const CORRECTION_ANSWERS = {
  academics: academicsCorrectionApplied,
  conduct: conductCorrectionApplied,
  students: studentsCorrectionApplied,
} as const;

/** Signatures' own facts, for the archive and statistics (and the audit trail). */
export const signatureRoleSchema = z.enum(['SUBJECT_TEACHER', 'HOMEROOM_TEACHER', 'APPROVER', 'SEAL']);

export const recordSigned = defineEvent({
  type: 'vn.hocbaso.signatures.record.signed',
  topic: SIGNATURE_TOPIC,
  version: 1,
  schema: z.object({
    signatureId: z.string(),
    scope: lockScopeSchema,
    role: signatureRoleSchema,
    signerAccountId: z.string().nullable(),
    /** SHA-256 of the RFC 8785 canonical snapshot, hex. */
    contentHash: z.string(),
    certificateFingerprint: z.string(),
    signedAt: z.iso.datetime({ offset: true }),
    /** The record version signed (1, then one more per applied correction). */
    recordVersion: z.number().int().positive(),
    actor: actorSchema,
  }),
});

/**
 * A signature as kept for later verification, anywhere: exactly what `@hocbaso/signing` produced
 * (the canonical JSON signed, its hash, the ES256 signature, the certificate chain, leaf first)
 * with the signer's name as the leaf certificate gives it.
 */
export const signatureEvidenceSchema = z.object({
  canonical: z.string(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  algorithm: z.literal('ES256'),
  signature: z.string(),
  certificateChain: z.array(z.string()).min(1),
  signedAt: z.iso.datetime({ offset: true }),
  certificateFingerprint: z.string(),
  signerName: z.string(),
});
export type SignatureEvidence = z.infer<typeof signatureEvidenceSchema>;

/**
 * A signature of the class the approver saw when approving a year page (a subject teacher's over a
 * subject, the homeroom teacher's over the conduct page). The approval's snapshot lists them, so
 * the approval vouches for who signed what before it, without carrying the other students' data
 * those signatures cover.
 */
export const attestationSchema = z.object({
  signatureId: z.string(),
  role: z.enum(['SUBJECT_TEACHER', 'HOMEROOM_TEACHER']),
  /** The SUBJECT or CLASS_CONDUCT unit signed. */
  unit: lockScopeSchema,
  recordVersion: z.number().int().positive(),
  signerName: z.string(),
  signedAt: z.iso.datetime({ offset: true }),
  contentHash: z.string(),
  certificateFingerprint: z.string(),
});
export type Attestation = z.infer<typeof attestationSchema>;

/**
 * A student's year page approved and sealed: the archive's source of the signed record book
 * (Ministry sync, transfer packages, exports). It carries the approval with its canonical snapshot
 * (personal page, marks, conduct and the attestations) and the seal, so a consumer can verify it
 * without asking anyone. Personal data travels here as it does in the students lock confirmation;
 * only the archive consumes this topic. Key: the student id.
 */
export const recordYearApproved = defineEvent({
  type: 'vn.hocbaso.signatures.record-year.approved',
  topic: RECORD_BOOK_TOPIC,
  version: 1,
  schema: z.object({
    signatureId: z.string(),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    classId: z.string(),
    studentId: z.string(),
    recordVersion: z.number().int().positive(),
    approval: signatureEvidenceSchema,
    seal: signatureEvidenceSchema,
    actor: actorSchema,
  }),
});

export const signatureSuperseded = defineEvent({
  type: 'vn.hocbaso.signatures.record.superseded',
  topic: SIGNATURE_TOPIC,
  version: 1,
  schema: z.object({
    signatureId: z.string(),
    scope: lockScopeSchema,
    correctionId: z.string(),
    actor: actorSchema,
  }),
});

export const lockStateChanged = defineEvent({
  type: 'vn.hocbaso.signatures.lock.state-changed',
  topic: LOCK_TOPIC,
  version: 1,
  schema: z.object({
    lockId: z.string(),
    scope: lockScopeSchema,
    state: z.enum(['REQUESTED', 'APPLIED', 'REFUSED', 'RELEASED']),
    actor: actorSchema,
  }),
});

export const correctionStateChanged = defineEvent({
  type: 'vn.hocbaso.signatures.correction.state-changed',
  topic: CORRECTION_TOPIC,
  version: 1,
  schema: z.object({
    correctionId: z.string(),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    studentId: z.string(),
    subjectCode: z.string().nullable(),
    state: z.enum(['FILED', 'APPROVED', 'REJECTED', 'APPLYING', 'APPLIED', 'FAILED']),
    actor: actorSchema,
  }),
});

/** A CA or a signer's certificate registered for a school (R12: registration when staff change). */
export const certificateRegistered = defineEvent({
  type: 'vn.hocbaso.signatures.certificate.registered',
  topic: SIGNATURE_TOPIC,
  version: 1,
  schema: z.object({
    schoolId: z.string(),
    kind: z.enum(['CERTIFICATE_AUTHORITY', 'PERSON', 'ORGANISATION_SEAL']),
    fingerprint: z.string(),
    accountId: z.string().nullable(),
    subject: z.string(),
    notBefore: z.iso.datetime({ offset: true }),
    notAfter: z.iso.datetime({ offset: true }),
    actor: actorSchema,
  }),
});

/** The principal names who approves a grade's record books this school year (R4, R12). */
export const gradeApproverAssigned = defineEvent({
  type: 'vn.hocbaso.signatures.approver.assigned',
  topic: SIGNATURE_TOPIC,
  version: 1,
  schema: z.object({
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    grade: z.number().int(),
    accountId: z.string(),
    actor: actorSchema,
  }),
});

/** A lock window decided by the principal, applied by the admin, reopened the same way (R8, R12). */
export const lockWindowChanged = defineEvent({
  type: 'vn.hocbaso.signatures.lock-window.changed',
  topic: LOCK_TOPIC,
  version: 1,
  schema: z.object({
    windowId: z.string(),
    schoolId: z.string(),
    schoolYear: schoolYearSchema,
    period: recordPeriodSchema,
    grade: z.number().int().nullable(),
    state: z.enum(['DECIDED', 'APPLYING', 'APPLIED', 'UNLOCK_DECIDED', 'RELEASED']),
    actor: actorSchema,
  }),
});

export const SIGNATURES_EVENTS = [
  lockRequested,
  lockReleased,
  lockStateChanged,
  correctionApplyRequested,
  correctionStateChanged,
  recordSigned,
  recordYearApproved,
  signatureSuperseded,
  academicsLockConfirmed,
  conductLockConfirmed,
  studentsLockConfirmed,
  academicsCorrectionApplied,
  conductCorrectionApplied,
  studentsCorrectionApplied,
  certificateRegistered,
  gradeApproverAssigned,
  lockWindowChanged,
] as const;
