import type { Attestation, LockConfirmation, LockOwner, LockScope, RecordPeriod } from '@hocbaso/events';

/** What each signer signs (issue 4): the unit of the record book a signature covers. */
export type SignedScope = Exclude<LockScope, { unit: 'WINDOW' }>;
export type SignatureRole = 'SUBJECT_TEACHER' | 'HOMEROOM_TEACHER' | 'APPROVER';

export function roleForUnit(scope: SignedScope): SignatureRole {
  switch (scope.unit) {
    case 'SUBJECT':
      return 'SUBJECT_TEACHER';
    case 'CLASS_CONDUCT':
      return 'HOMEROOM_TEACHER';
    case 'STUDENT_YEAR':
      return 'APPROVER';
  }
}

/** A stable name of the unit: signatures of the same unit supersede each other. */
export function unitKey(scope: SignedScope): string {
  switch (scope.unit) {
    case 'SUBJECT':
      return `SUBJECT/${scope.schoolYear}/${scope.classId}/${scope.subjectCode}/${scope.period}`;
    case 'CLASS_CONDUCT':
      return `CLASS_CONDUCT/${scope.schoolYear}/${scope.classId}/${scope.period}`;
    case 'STUDENT_YEAR':
      return `STUDENT_YEAR/${scope.schoolYear}/${scope.studentId}`;
  }
}

export const SNAPSHOT_FORMAT = 'hocbaso.record-snapshot/2';

/**
 * The document a signer signs: the unit, the record version, exactly the content each owner
 * locked and confirmed, by owner, and (for an approval) the class's signatures the approver saw,
 * so the approval vouches for them. Its RFC 8785 canonical form is what the signature covers.
 * Version 2 added `attestations`; signatures of version 1 stay verifiable from their stored text.
 */
export interface RecordSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  unit: SignedScope;
  role: SignatureRole;
  recordVersion: number;
  content: Partial<Record<LockOwner, unknown>>;
  attestations: Attestation[];
}

export function recordSnapshot(
  unit: SignedScope,
  recordVersion: number,
  confirmations: readonly LockConfirmation[],
  attestations: readonly Attestation[] = [],
): RecordSnapshot {
  const content: Partial<Record<LockOwner, unknown>> = {};
  for (const confirmation of [...confirmations].sort((a, b) => a.owner.localeCompare(b.owner))) {
    content[confirmation.owner] = confirmation.content ?? null;
  }
  return {
    format: SNAPSHOT_FORMAT,
    unit,
    role: roleForUnit(unit),
    recordVersion,
    content,
    attestations: [...attestations].sort((a, b) =>
      a.signatureId < b.signatureId ? -1 : a.signatureId > b.signatureId ? 1 : 0,
    ),
  };
}

/**
 * What an approval of a student's year attests: the class's current subject and homeroom
 * signatures of that year (each names its signer, time, content hash and certificate).
 */
export function attestationsFor(
  approval: Extract<SignedScope, { unit: 'STUDENT_YEAR' }>,
  signatures: ReadonlyArray<{
    _id: string;
    scope: SignedScope;
    recordVersion: number;
    current: boolean;
    signed: {
      signerName: string;
      signedAt: string;
      contentHash: string;
      certificateFingerprint: string;
    } | null;
  }>,
): Attestation[] {
  return signatures.flatMap((s) => {
    if (!s.current || !s.signed || s.scope.unit === 'STUDENT_YEAR') return [];
    if (s.scope.classId !== approval.classId || s.scope.schoolYear !== approval.schoolYear) return [];
    return [
      {
        signatureId: s._id,
        role: roleForUnit(s.scope) as Attestation['role'],
        unit: s.scope,
        recordVersion: s.recordVersion,
        signerName: s.signed.signerName,
        signedAt: s.signed.signedAt,
        contentHash: s.signed.contentHash,
        certificateFingerprint: s.signed.certificateFingerprint,
      },
    ];
  });
}

/** The owners' answers to one lock request, and what they add up to. */
export type LockState = 'REQUESTED' | 'APPLIED' | 'REFUSED' | 'RELEASED';

export function lockStateAfter(
  owners: readonly LockOwner[],
  confirmations: readonly Pick<LockConfirmation, 'owner' | 'outcome'>[],
): LockState {
  const latest = new Map(confirmations.map((c) => [c.owner, c.outcome]));
  if ([...latest.values()].includes('REFUSED')) return 'REFUSED';
  if (owners.length > 0 && owners.every((o) => latest.get(o) === 'RELEASED')) return 'RELEASED';
  if (owners.every((o) => latest.get(o) === 'APPLIED')) return 'APPLIED';
  return 'REQUESTED';
}

const coversPeriod = (lock: RecordPeriod, period: RecordPeriod) =>
  lock === 'YEAR' || period === 'YEAR' || lock === period;

/** The place in the record book a correction changes. */
export interface CorrectionTarget {
  /** The service that owns the corrected values. */
  owner: LockOwner;
  schoolId: string;
  schoolYear: string;
  classId: string;
  grade: number | null;
  studentId: string;
  /** The subject of corrected marks (academics); null for conduct and personal data. */
  subjectCode: string | null;
  /** The terms whose values change (a re-assessment, a year value, personal data: YEAR). */
  periods: RecordPeriod[];
}

const coversAnyPeriod = (lock: RecordPeriod, target: CorrectionTarget) =>
  target.periods.some((p) => coversPeriod(lock, p));

/**
 * Personal data is one page for every year (students refuses its change while any year of the
 * student is locked), so it is matched across school years.
 */
const sameYear = (schoolYear: string, target: CorrectionTarget) =>
  target.owner === 'students' || schoolYear === target.schoolYear;

/** Whether a lock in force covers what a correction changes (then the principal must approve, R8). */
export function lockCoversTarget(lock: LockScope, target: CorrectionTarget): boolean {
  if (lock.schoolId !== target.schoolId || !sameYear(lock.schoolYear, target)) return false;
  switch (lock.unit) {
    case 'SUBJECT':
      return (
        target.owner === 'academics' &&
        lock.classId === target.classId &&
        lock.subjectCode === target.subjectCode &&
        coversAnyPeriod(lock.period, target)
      );
    case 'CLASS_CONDUCT':
      return (
        target.owner === 'conduct' && lock.classId === target.classId && coversAnyPeriod(lock.period, target)
      );
    case 'STUDENT_YEAR':
      return lock.studentId === target.studentId;
    case 'WINDOW':
      return (
        target.owner !== 'students' &&
        (lock.grade === null || lock.grade === target.grade) &&
        coversAnyPeriod(lock.period, target)
      );
  }
}

/**
 * The signatures a correction invalidates; the chain signs them again.
 * - marks: the subject teacher's over the changed terms (and the year), the homeroom teacher's over
 *   the class (the outcome follows the averages), the approval of the student's year page;
 * - conduct: the homeroom teacher's over the changed period, the approval of the year page;
 * - personal data: the approval of every year page of the student (each shows the personal page).
 */
export function supersededBy(signed: SignedScope, target: CorrectionTarget): boolean {
  if (!sameYear(signed.schoolYear, target)) return false;
  switch (signed.unit) {
    case 'SUBJECT':
      return (
        target.owner === 'academics' &&
        signed.classId === target.classId &&
        signed.subjectCode === target.subjectCode &&
        coversAnyPeriod(signed.period, target)
      );
    case 'CLASS_CONDUCT':
      return (
        target.owner !== 'students' &&
        signed.classId === target.classId &&
        coversAnyPeriod(signed.period, target)
      );
    case 'STUDENT_YEAR':
      return signed.studentId === target.studentId;
  }
}

const MARK_FIELD = /^(term1|term2)\.(regular\.\d{1,2}|midterm|final)$|^reassessment$/;
const CONDUCT_FIELDS = ['conduct.term1', 'conduct.term2', 'conduct.summer', 'conduct.homeroomComment'];
const PERSONAL_FIELDS = [
  'personal.fullName',
  'personal.dateOfBirth',
  'personal.gender',
  'personal.placeOfBirth',
  'personal.ethnicity',
  'personal.address',
  'personal.policyCategory',
];

/** A field a correction may name (the owners validate the values with their own rules). */
export function isCorrectionField(field: string): boolean {
  return MARK_FIELD.test(field) || CONDUCT_FIELDS.includes(field) || PERSONAL_FIELDS.includes(field);
}

/** The periods a set of corrected fields belongs to. */
export function periodsOfFields(fields: readonly string[]): RecordPeriod[] {
  const periods = new Set<RecordPeriod>();
  for (const field of fields) {
    if (field.startsWith('term1.') || field === 'conduct.term1') periods.add('TERM_1');
    else if (field.startsWith('term2.') || field === 'conduct.term2') periods.add('TERM_2');
    else periods.add('YEAR');
  }
  return [...periods];
}

/** A class's subjects: those taught (identity's assignments) and those with marks (academics), sorted. */
export function subjectsOfClass(
  teaching: ReadonlyArray<{ subjectCode: string }>,
  progress: ReadonlyArray<{ subjectCode: string }>,
): string[] {
  return [...new Set([...teaching, ...progress].map((s) => s.subjectCode))].sort();
}
