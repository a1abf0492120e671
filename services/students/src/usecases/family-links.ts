import { randomUUID } from 'node:crypto';
import {
  AppError,
  conflict,
  ERROR_CATALOGUE,
  fieldProblem,
  forbidden,
  notFound,
  validationFailed,
} from '@hocbaso/errors';
import {
  familyLinkCodeIssued,
  familyLinkRevoked,
  familyLinkVerified,
  type FamilyRelation,
} from '@hocbaso/events';
import type { Principal } from '@hocbaso/service-kit';
import { canManageFamilyLinks, familyLinkVisibility, studentAccess } from '../domain/access';
import {
  codeRefusal,
  generateFamilyLinkCode,
  hashFamilyLinkCode,
  isWellFormedFamilyLinkCode,
  normalizeFamilyLinkCode,
  recentFailures,
  redeemBlockedUntil,
  type AttemptPolicy,
} from '../domain/family-link-code';
import type { FamilyLinkDocument } from '../model/family-link.model';
import type { GuardianRecord, StudentDocument } from '../model/student.model';
import { actorOf, recordedBy, studentsEvent, type Caller, type StudentsDeps } from './deps';
import { placementOf } from './enrolment';

/** How family link codes are made and redeemed (from the configuration). */
export interface FamilyLinkSettings {
  /** Keys the stored hashes of the codes. */
  codeKey: Buffer;
  codeTtlMs: number;
  attempts: AttemptPolicy;
}

export interface IssueFamilyLinkCodeInput {
  studentId: string;
  relation: FamilyRelation;
  /** PARENT: which of the student's recorded guardians (0 is the first); STUDENT: absent. */
  guardianIndex?: number | null;
}

/** A code as its issuer sees it, once: the plain code is never stored. */
export interface IssuedFamilyLinkCode {
  code: string;
  studentId: string;
  relation: FamilyRelation;
  guardianName: string | null;
  expiresAt: Date;
}

/** A student the caller may see, or NOT_FOUND (a student out of reach looks absent). */
async function reachableStudent(deps: StudentsDeps, principal: Principal, studentId: string) {
  const student = await deps.students.findById(studentId);
  if (!student || studentAccess(principal, placementOf(student)) === 'NONE')
    throw notFound('Không tìm thấy học sinh.');
  return student;
}

function guardianOf(student: StudentDocument, input: IssueFamilyLinkCodeInput): GuardianRecord | null {
  const index = input.guardianIndex ?? null;
  if (input.relation === 'STUDENT') {
    if (index !== null)
      throw validationFailed([
        fieldProblem('guardianIndex', 'VALIDATION_FAILED', 'Mã cho học sinh không gắn với người giám hộ.'),
      ]);
    return null;
  }
  const guardian = index === null ? undefined : student.guardians[index];
  if (!guardian)
    throw validationFailed([
      fieldProblem(
        'guardianIndex',
        'VALIDATION_FAILED',
        'Cần chọn một người trong danh sách cha mẹ, người giám hộ của học sinh.',
      ),
    ]);
  return guardian;
}

/** Codes for the same student, relation and guardian replace one another. */
function holderKeyOf(relation: FamilyRelation, guardian: GuardianRecord | null): string {
  return guardian ? `${relation}:${guardian.relationship}:${guardian.fullName}` : relation;
}

/**
 * Issues a one-time code that links an account to the student as one of their recorded guardians
 * (PARENT) or as the student (STUDENT). The school's board and administration, or the homeroom
 * teacher of the student's class. Only the code's keyed hash is kept; a later code for the same
 * holder makes this one unusable.
 */
export async function issueFamilyLinkCode(
  deps: StudentsDeps,
  caller: Caller,
  input: IssueFamilyLinkCodeInput,
): Promise<IssuedFamilyLinkCode> {
  const principal = caller.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  const student = await reachableStudent(deps, principal, input.studentId);
  if (!canManageFamilyLinks(principal, placementOf(student))) throw forbidden();
  const guardian = guardianOf(student, input);
  const issuedAt = deps.now();
  const expiresAt = new Date(issuedAt.getTime() + deps.familyLinkSettings.codeTtlMs);
  // 60 random bits: a collision is all but impossible; the unique index still says so if it happens.
  for (let attempt = 0; attempt < 3; attempt++) {
    const code = generateFamilyLinkCode();
    const id = randomUUID();
    const inserted = await deps.familyLinks.insert(
      {
        _id: id,
        studentId: student._id,
        schoolId: student.schoolId,
        relation: input.relation,
        guardian: guardian ? { relationship: guardian.relationship, fullName: guardian.fullName } : null,
        codeHash: hashFamilyLinkCode(deps.familyLinkSettings.codeKey, code),
        holderKey: holderKeyOf(input.relation, guardian),
        issuedAt,
        issuedBy: recordedBy(caller),
        expiresAt,
        state: 'ISSUED',
        accountId: null,
        linkedAt: null,
        revokedAt: null,
        revokedBy: null,
        revokeReason: null,
        updatedAt: issuedAt,
      },
      [
        studentsEvent(familyLinkCodeIssued, 'students', student._id, {
          codeId: id,
          studentId: student._id,
          schoolId: student.schoolId,
          relation: input.relation,
          guardianIndex: guardian ? (input.guardianIndex ?? null) : null,
          expiresAt: expiresAt.toISOString(),
          actor: actorOf(caller),
        }),
      ],
    );
    if (inserted) {
      deps.changed();
      return {
        code,
        studentId: student._id,
        relation: input.relation,
        guardianName: guardian?.fullName ?? null,
        expiresAt,
      };
    }
  }
  throw new AppError('INTERNAL');
}

/**
 * Redeems a code: the signed-in account becomes the student's parent or the student, by a link
 * whose `familyLinkVerified` event (from which identity grants the role) commits with it. A wrong,
 * expired, used or superseded code is FAMILY_LINK_INVALID and counts as a failed attempt; after
 * too many, RATE_LIMITED until the lockout ends, whatever the code.
 */
export async function redeemFamilyLinkCode(
  deps: StudentsDeps,
  caller: Caller,
  typedCode: string,
): Promise<FamilyLinkDocument> {
  const principal = caller.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  const policy = deps.familyLinkSettings.attempts;
  const blockedUntil = redeemBlockedUntil(
    await deps.familyLinks.failuresOf(principal.accountId),
    deps.now(),
    policy,
  );
  if (blockedUntil) {
    const retryAfterSeconds = Math.ceil((blockedUntil.getTime() - deps.now().getTime()) / 1000);
    throw new AppError('RATE_LIMITED', {
      message: `${ERROR_CATALOGUE.RATE_LIMITED.vi} Có thể thử lại sau ${retryAfterSeconds} giây.`,
      details: { limit: 'familyLinkRedeem', retryAfterSeconds },
    });
  }
  const refuse = async (): Promise<never> => {
    await deps.familyLinks.recordFailure(principal.accountId, (failures) =>
      recentFailures(failures, deps.now(), policy),
    );
    throw new AppError('FAMILY_LINK_INVALID');
  };

  const normalized = normalizeFamilyLinkCode(typedCode);
  if (!isWellFormedFamilyLinkCode(normalized)) return refuse();
  const found = await deps.familyLinks.findByCodeHash(
    hashFamilyLinkCode(deps.familyLinkSettings.codeKey, normalized),
  );
  if (!found) return refuse();

  return deps.familyLinks.whileRedeeming(principal.accountId, found.studentId, async () => {
    const latest = await deps.familyLinks.findLatestCode(found.studentId, found.holderKey);
    const refusal = codeRefusal(
      { id: found._id, state: found.state, expiresAt: found.expiresAt },
      latest?._id ?? found._id,
      deps.now(),
    );
    if (refusal) return refuse();
    if (await deps.familyLinks.findActiveLink(principal.accountId, found.studentId, found.relation)) {
      throw conflict('Tài khoản này đã được liên kết với học sinh theo quan hệ này.');
    }
    const linkedAt = deps.now();
    const result = await deps.familyLinks.modify(found._id, (current) => {
      // Inside the lock: a concurrent redemption of the same code by another account lost.
      if (current.state !== 'ISSUED') return null;
      return {
        update: { $set: { state: 'LINKED', accountId: principal.accountId, linkedAt } },
        events: [
          studentsEvent(familyLinkVerified, 'students', current.studentId, {
            linkId: current._id,
            studentId: current.studentId,
            schoolId: current.schoolId,
            accountId: principal.accountId,
            relation: current.relation,
            actor: actorOf(caller),
          }),
        ],
      };
    });
    if (!result?.changed) return refuse();
    deps.changed();
    return result.after;
  });
}

/** The same people as issuing: the school's board and administration, the homeroom teacher. */
export async function revokeFamilyLink(
  deps: StudentsDeps,
  caller: Caller,
  linkId: string,
): Promise<FamilyLinkDocument> {
  const principal = caller.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  const link = await deps.familyLinks.findById(linkId);
  if (!link || link.state === 'ISSUED') throw notFound('Không tìm thấy liên kết.');
  const student = await reachableStudent(deps, principal, link.studentId).catch(() => {
    throw notFound('Không tìm thấy liên kết.');
  });
  if (!canManageFamilyLinks(principal, placementOf(student))) throw forbidden();
  return endLink(deps, caller, link._id, 'REVOKED');
}

/** Ends a live link with its event (identity then revokes the role); a revoked link stays as it is. */
async function endLink(
  deps: StudentsDeps,
  caller: Caller,
  linkId: string,
  reason: 'REVOKED' | 'GUARDIAN_REMOVED',
): Promise<FamilyLinkDocument> {
  const revokedAt = deps.now();
  const result = await deps.familyLinks.modify(linkId, (current) => {
    if (current.state !== 'LINKED' || !current.accountId) return null;
    return {
      update: { $set: { state: 'REVOKED', revokedAt, revokedBy: recordedBy(caller), revokeReason: reason } },
      events: [
        studentsEvent(familyLinkRevoked, 'students', current.studentId, {
          linkId: current._id,
          studentId: current.studentId,
          schoolId: current.schoolId,
          accountId: current.accountId,
          relation: current.relation,
          reason,
          actor: actorOf(caller),
        }),
      ],
    };
  });
  if (!result) throw notFound('Không tìm thấy liên kết.');
  if (result.changed) deps.changed();
  return result.after;
}

/**
 * After the student's guardians were replaced: the PARENT links of a guardian who is no longer
 * on the record end (by relationship and name, as the code named them).
 */
export async function revokeLinksOfRemovedGuardians(
  deps: StudentsDeps,
  caller: Caller,
  student: Pick<StudentDocument, '_id' | 'guardians'>,
): Promise<number> {
  const kept = new Set(student.guardians.map((g) => holderKeyOf('PARENT', g)));
  const gone = (await deps.familyLinks.findLinksOfStudent(student._id)).filter(
    (link) => link.state === 'LINKED' && link.relation === 'PARENT' && !kept.has(link.holderKey),
  );
  for (const link of gone) await endLink(deps, caller, link._id, 'GUARDIAN_REMOVED');
  return gone.length;
}

/** Student.familyLinks: all of them for those who manage them, their own to a parent or the student. */
export async function familyLinksOf(
  deps: StudentsDeps,
  principal: Principal | null,
  student: StudentDocument,
): Promise<FamilyLinkDocument[]> {
  const visibility = familyLinkVisibility(principal, placementOf(student));
  if (visibility === 'NONE') return [];
  const links = await deps.familyLinks.findLinksOfStudent(student._id);
  return visibility === 'ALL' ? links : links.filter((l) => l.accountId === principal?.accountId);
}
