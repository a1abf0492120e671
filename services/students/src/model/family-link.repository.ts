import type { FamilyRelation } from '@hocbaso/events';
import { documentLockKey, newDocumentOutbox, type OutboxEntry, type WriteLock } from '@hocbaso/service-kit';
import type {
  FamilyLinkAttemptModel,
  FamilyLinkDocument,
  FamilyLinkModel,
  NewFamilyLinkDocument,
} from './family-link.model';
import { isDuplicateKey, modifyDocument, type DocumentChange, type Modified } from './modify';

/**
 * The only code that touches `family_links` and `family_link_attempts`. Every write goes through
 * the service's write lock (FerretDB v1 updates are not atomic, ADR 0004).
 */
export class FamilyLinkRepository {
  constructor(
    private readonly model: FamilyLinkModel,
    private readonly attempts: FamilyLinkAttemptModel,
    private readonly lock: WriteLock,
    private readonly now: () => Date = () => new Date(),
  ) {}

  findById(id: string): Promise<FamilyLinkDocument | null> {
    return this.model.findById(id).lean<FamilyLinkDocument>().exec();
  }

  findByCodeHash(codeHash: string): Promise<FamilyLinkDocument | null> {
    return this.model.findOne({ codeHash }).lean<FamilyLinkDocument>().exec();
  }

  /** The latest code issued to this holder of this student (any state). */
  findLatestCode(studentId: string, holderKey: string): Promise<FamilyLinkDocument | null> {
    return this.model
      .findOne({ studentId, holderKey })
      .sort({ issuedAt: -1, _id: -1 })
      .lean<FamilyLinkDocument>()
      .exec();
  }

  /** The student's links (redeemed codes, revoked or not), oldest first. */
  findLinksOfStudent(studentId: string): Promise<FamilyLinkDocument[]> {
    return this.model
      .find({ studentId, state: { $in: ['LINKED', 'REVOKED'] } })
      .sort({ linkedAt: 1, _id: 1 })
      .lean<FamilyLinkDocument[]>()
      .exec();
  }

  /** The account's live link to this student with this relation, if any. */
  findActiveLink(accountId: string, studentId: string, relation: FamilyRelation) {
    return this.model
      .findOne({ accountId, studentId, relation, state: 'LINKED' })
      .lean<FamilyLinkDocument>()
      .exec();
  }

  /** Inserts a new code with its event; false when its hash is taken (a code drawn twice: draw again). */
  async insert(code: NewFamilyLinkDocument, events: OutboxEntry[]): Promise<boolean> {
    try {
      await this.lock.run(documentLockKey(this.model.collection.name, code._id), () =>
        this.model.create({ ...code, ...newDocumentOutbox(events) }),
      );
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  modify(
    id: string,
    decide: (current: FamilyLinkDocument) => DocumentChange<FamilyLinkDocument> | null,
  ): Promise<Modified<FamilyLinkDocument> | null> {
    return modifyDocument(this.model, this.lock, id, decide, this.now);
  }

  /** Serialises the redemptions of one account for one student (one live link per relation). */
  whileRedeeming<T>(accountId: string, studentId: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run(`family_links:redeem:${accountId}:${studentId}`, work);
  }

  async failuresOf(accountId: string): Promise<Date[]> {
    const found = await this.attempts.findById(accountId).lean().exec();
    return found?.failures ?? [];
  }

  /** Records a failed attempt, keeping only `keep` (the failures that can still block). */
  recordFailure(accountId: string, keep: (failures: Date[]) => Date[]): Promise<void> {
    return this.lock.run(documentLockKey(this.attempts.collection.name, accountId), async () => {
      const found = await this.attempts.findById(accountId).lean().exec();
      const failures = keep([...(found?.failures ?? []), this.now()]);
      // Upserts are not on ADR 0003's list: create the first time, then update (under the lock).
      if (found) await this.attempts.updateOne({ _id: accountId }, { $set: { failures } }).exec();
      else await this.attempts.create({ _id: accountId, failures });
    });
  }
}
