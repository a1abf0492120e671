import { forbidden } from '@hocbaso/errors';
import type { CloudEvent } from '@hocbaso/events';
import { isInspector } from '../domain/access';
import type { Caller, SignaturesDeps } from './deps';

/**
 * Every event of every service is appended to one hash-chained trail (R2, R11): who (the actor
 * and the roles the account held), when, what, before and after, through which request.
 */
export async function recordInAuditTrail(deps: SignaturesDeps, event: CloudEvent): Promise<void> {
  const actor = (event.data as { actor?: { accountId?: string | null } } | null)?.actor;
  const roles = actor?.accountId ? (await deps.facts.rolesOf(actor.accountId)).map((r) => r.role) : [];
  await deps.audit.append(event, [...new Set(roles)]);
}

/** Inspectors (R13) and the platform's administrators (no school scope) read and verify the trail. */
function mayReadAudit(caller: Caller): boolean {
  return (
    isInspector(caller.principal) ||
    !!caller.principal?.roles.some((g) => g.role === 'SYSTEM_ADMIN' && g.scope.schoolId === null)
  );
}

export interface AuditQuery {
  subjectPrefix?: string | null;
  accountId?: string | null;
  service?: string | null;
  afterSeq?: number | null;
  limit?: number | null;
}

/** Oldest first from `afterSeq`, or the newest entries without it. */
export async function readAuditTrail(deps: SignaturesDeps, caller: Caller, query: AuditQuery) {
  if (!mayReadAudit(caller)) throw forbidden('Chỉ thanh tra, kiểm tra được xem nhật ký.');
  const page = await deps.audit.query({
    subjectPrefix: query.subjectPrefix ?? undefined,
    accountId: query.accountId ?? undefined,
    service: query.service ?? undefined,
    afterSeq: query.afterSeq ?? undefined,
    limit: Math.min(Math.max(query.limit ?? 50, 1), 200),
  });
  return page.entries;
}

export function verifyAuditTrail(deps: SignaturesDeps, caller: Caller) {
  if (!mayReadAudit(caller)) throw forbidden('Chỉ thanh tra, kiểm tra được kiểm tra nhật ký.');
  return deps.audit.verify();
}
