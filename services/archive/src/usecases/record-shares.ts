import { randomBytes } from 'node:crypto';
import { AppError, forbidden, notFound } from '@hocbaso/errors';
import {
  recordShareAccessed,
  recordShareActivated,
  recordShareConsentGiven,
  recordShareRequested,
  recordShareWithdrawn,
} from '@hocbaso/events';
import type { OutboxEntry } from '@hocbaso/service-kit';
import {
  ACCESS_CODE_LENGTH,
  accessCodeHash,
  accessCodeOf,
  canFollowShares,
  checkShareTerms,
  consentTo,
  familyRelationOf,
  isOpen,
  newShare,
  normalizeAccessCode,
  stateOf,
  withdraw,
  type FamilyRelation,
  type RecordShareState,
  type ShareTerms,
} from '../domain/record-shares';
import type { RecordShareDocument } from '../model/record-share.model';
import { actorOf, archiveEvent, type ArchiveDeps, type Caller } from './deps';
import { exportForShare, type RecordBookExport } from './exports';

/** A share as the family and the school see it: its state as of now, and the code only when just made. */
export interface RecordShareView extends RecordShareDocument {
  effectiveState: RecordShareState;
  /** Non-null only in the answer of the consent that activated the share. */
  accessCode: string | null;
}

const viewOf = (deps: ArchiveDeps, share: RecordShareDocument, accessCode: string | null = null) => ({
  ...share,
  effectiveState: stateOf(share, deps.now()),
  accessCode,
});

const subjectOf = (shareId: string) => `record-shares/${shareId}`;

/** The caller's relation to the student, or FORBIDDEN: only the student and a parent act on shares. */
function familyCaller(caller: Caller, studentId: string): { accountId: string; relation: FamilyRelation } {
  if (!caller.principal) throw new AppError('UNAUTHENTICATED');
  const relation = familyRelationOf(caller.principal, studentId);
  if (!relation)
    throw forbidden('Chỉ học sinh và cha mẹ (hoặc người giám hộ) của học sinh mới được chia sẻ học bạ.');
  return { accountId: caller.principal.accountId, relation };
}

/**
 * The student or a parent asks to share the record book with a recipient for a purpose until a
 * date (at most a year ahead); their consent is recorded with the request. No code yet: the other
 * party must consent first.
 */
export async function requestRecordShare(
  deps: ArchiveDeps,
  caller: Caller,
  input: ShareTerms,
): Promise<RecordShareView> {
  const by = familyCaller(caller, input.studentId);
  const now = deps.now();
  const terms = checkShareTerms(input, now);
  const student = await deps.facts.student(terms.studentId);
  if (!student) throw notFound('Không tìm thấy học sinh này.');
  const shareId = deps.newId();
  const progress = newShare({ ...by, givenAt: now }, terms.validUntil);
  const document: Omit<RecordShareDocument, '_outbox' | '_outboxPending' | '_rev'> = {
    _id: shareId,
    studentId: terms.studentId,
    schoolId: student.schoolId,
    recipient: terms.recipient,
    purpose: terms.purpose,
    validUntil: terms.validUntil,
    state: progress.state,
    consents: progress.consents,
    accessCodeHash: null,
    requestedBy: by.accountId,
    createdAt: now,
    activatedAt: null,
    withdrawnAt: null,
    withdrawnBy: null,
    accessCount: 0,
    lastAccessedAt: null,
  };
  const actor = actorOf(caller);
  const created = await deps.shares.change(shareId, () => ({
    set: {},
    create: document,
    events: [
      archiveEvent(recordShareRequested, subjectOf(shareId), terms.studentId, {
        shareId,
        studentId: terms.studentId,
        recipient: terms.recipient,
        purpose: terms.purpose,
        validUntil: terms.validUntil.toISOString(),
        relation: by.relation,
        actor,
      }),
      archiveEvent(recordShareConsentGiven, subjectOf(shareId), terms.studentId, {
        shareId,
        studentId: terms.studentId,
        relation: by.relation,
        accountId: by.accountId,
        actor,
      }),
    ],
  }));
  deps.changed();
  return viewOf(deps, created!);
}

/** The share, or NOT_FOUND; then FORBIDDEN unless the caller is the student or a parent of its student. */
async function shareForFamily(deps: ArchiveDeps, caller: Caller, shareId: string) {
  const share = await deps.shares.byId(shareId);
  if (!share) throw notFound('Không tìm thấy yêu cầu chia sẻ học bạ này.');
  return { share, by: familyCaller(caller, share.studentId) };
}

/**
 * The other party consents. Once the student and a parent have both consented the share is
 * ACTIVE and an access code is made: returned in this answer only (the family gives it to the
 * recipient), kept only as its hash.
 */
export async function consentToRecordShare(
  deps: ArchiveDeps,
  caller: Caller,
  shareId: string,
): Promise<RecordShareView> {
  const { by } = await shareForFamily(deps, caller, shareId);
  const now = deps.now();
  const code = accessCodeOf(randomBytes(ACCESS_CODE_LENGTH));
  let activated = false;
  const changed = await deps.shares.change(shareId, (current) => {
    if (!current) return null;
    const decision = consentTo(current, { ...by, givenAt: now }, now);
    if (!decision) return null;
    activated = decision.activated;
    const actor = actorOf(caller);
    const events: OutboxEntry[] = [
      archiveEvent(recordShareConsentGiven, subjectOf(shareId), current.studentId, {
        shareId,
        studentId: current.studentId,
        relation: by.relation,
        accountId: by.accountId,
        actor,
      }),
    ];
    if (activated)
      events.push(
        archiveEvent(recordShareActivated, subjectOf(shareId), current.studentId, {
          shareId,
          studentId: current.studentId,
          recipient: current.recipient,
          purpose: current.purpose,
          validUntil: current.validUntil.toISOString(),
          consents: decision.share.consents.map((c) => ({ relation: c.relation, accountId: c.accountId })),
          actor,
        }),
      );
    return {
      set: {
        consents: decision.share.consents,
        state: decision.share.state,
        ...(activated
          ? { accessCodeHash: accessCodeHash(normalizeAccessCode(code)!), activatedAt: now }
          : {}),
      },
      events,
    };
  });
  deps.changed();
  return viewOf(deps, changed!, activated ? code : null);
}

/** The student or a parent withdraws: the share stops at once, its code opens nothing any more. */
export async function withdrawRecordShare(
  deps: ArchiveDeps,
  caller: Caller,
  shareId: string,
): Promise<RecordShareView> {
  const { by } = await shareForFamily(deps, caller, shareId);
  const now = deps.now();
  const changed = await deps.shares.change(shareId, (current) => {
    if (!current) return null;
    const next = withdraw(current);
    if (!next) return null;
    return {
      set: { state: next.state, withdrawnAt: now, withdrawnBy: by },
      events: [
        archiveEvent(recordShareWithdrawn, subjectOf(shareId), current.studentId, {
          shareId,
          studentId: current.studentId,
          relation: by.relation,
          actor: actorOf(caller),
        }),
      ],
    };
  });
  deps.changed();
  return viewOf(deps, changed!);
}

/** A student's shares: for the family, and the board and admin of the school managing the student. */
export async function readRecordShares(
  deps: ArchiveDeps,
  caller: Caller,
  studentId: string,
): Promise<RecordShareView[]> {
  if (!caller.principal) throw new AppError('UNAUTHENTICATED');
  const student = await deps.facts.student(studentId);
  if (!canFollowShares(caller.principal, studentId, student?.schoolId ?? null)) throw forbidden();
  const shares = await deps.shares.ofStudent(studentId);
  return shares.map((share) => viewOf(deps, share));
}

export interface SharedRecordBook {
  share: RecordShareDocument;
  export: RecordBookExport;
}

/**
 * What a recipient reads with an access code (anyone holding it, signed in or not): the record
 * book as a credential sealed by the school. A wrong, withdrawn or expired code gets one and the
 * same SHARE_INVALID, no hint which. The copy is logged as an export (requester: the share) and
 * the access as an event of the share.
 */
export async function openSharedRecordBook(
  deps: ArchiveDeps,
  caller: Caller,
  accessCode: string,
): Promise<SharedRecordBook> {
  const code = normalizeAccessCode(accessCode);
  const share = code ? await deps.shares.byAccessCodeHash(accessCodeHash(code)) : null;
  if (!share || !isOpen(share, deps.now())) throw new AppError('SHARE_INVALID');
  const exported = await exportForShare(deps, caller, {
    shareId: share._id,
    studentId: share.studentId,
    recipient: share.recipient,
    purpose: share.purpose,
  });
  const now = deps.now();
  let stillOpen = false;
  const accessed = await deps.shares.change(share._id, (current) => {
    // Withdrawn while the copy was being made: it is not handed out.
    if (!current || !isOpen(current, now)) return null;
    stillOpen = true;
    return {
      set: { accessCount: (current.accessCount ?? 0) + 1, lastAccessedAt: now },
      events: [
        archiveEvent(recordShareAccessed, subjectOf(share._id), current.studentId, {
          shareId: share._id,
          studentId: current.studentId,
          recipient: current.recipient,
          purpose: current.purpose,
          exportId: exported.exportId,
          actor: actorOf(caller),
        }),
      ],
    };
  });
  deps.changed();
  if (!stillOpen || !accessed) throw new AppError('SHARE_INVALID');
  return { share: accessed, export: exported };
}
