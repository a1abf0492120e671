/**
 * Signatures' audit trail (R2: every event appended to one hash chain, packages/audit-trail),
 * read from its database and verified with the platform's own verifier; and how many entries the
 * run's events have there (one each: a redelivered event appends nothing).
 */
import type { Db } from 'mongodb';
import type { AuditEntry } from '../../packages/audit-trail/src/audit-entry';
import { verifyAuditChain } from '../../packages/audit-trail/src/verify-audit-chain';

export interface AuditCheck {
  intact: boolean;
  /** Entries read (up to the first break). */
  checked: number;
  firstBroken: string | null;
  /** Entries of the run's events, and how many of those events have none or several. */
  entries: number;
  missing: number;
  repeated: number;
}

type AuditDocument = Omit<AuditEntry, 'seq'> & { _id: number };

export async function checkAuditTrail(signatures: Db, eventIds: readonly string[]): Promise<AuditCheck> {
  const head = await signatures
    .collection<{ _id: string; seq: number; hash: string }>('audit_chain')
    .findOne({ _id: 'head' });
  // A run's trail is a few thousand entries: read whole (the verifier stops at a break, the count does not).
  const documents = await signatures
    .collection<AuditDocument>('audit_trail')
    .find({})
    .sort({ _id: 1 })
    .toArray();
  const entries: AuditEntry[] = documents.map(({ _id, ...rest }) => ({ seq: _id, ...rest }));
  const verification = await verifyAuditChain(entries, {
    head: head ? { seq: head.seq, hash: head.hash } : null,
  });
  const perEvent = new Map(eventIds.map((id) => [id, 0]));
  for (const { eventId } of entries) {
    const count = perEvent.get(eventId);
    if (count !== undefined) perEvent.set(eventId, count + 1);
  }
  const counts = [...perEvent.values()];
  const broken = verification.firstBroken;
  return {
    intact: verification.intact,
    checked: verification.checked,
    firstBroken: broken ? `seq ${broken.seq} ${broken.reason}: ${broken.message}` : null,
    entries: counts.reduce((sum, n) => sum + n, 0),
    missing: counts.filter((n) => n === 0).length,
    repeated: counts.filter((n) => n > 1).length,
  };
}
