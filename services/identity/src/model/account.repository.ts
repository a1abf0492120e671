import {
  documentLockKey,
  findByIds,
  newDocumentOutbox,
  type OutboxEntry,
  withEvents,
  type WriteLock,
} from '@hocbaso/service-kit';
import type { UpdateQuery } from 'mongoose';
import type { AccountDocument, AccountModel, AccountStatus } from './account.model';

export interface AccountListFilter {
  /** Required: an account list is always one school's (null: platform accounts). */
  schoolId: string | null;
  status?: AccountStatus;
  after?: string;
  limit: number;
}

/**
 * The only code that touches the accounts collection. Every write of an account goes through the
 * service's write lock (see WriteLock: FerretDB v1 updates are not atomic).
 */
export class AccountRepository {
  constructor(
    private readonly model: AccountModel,
    private readonly lock: WriteLock,
  ) {}

  private locked<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run(documentLockKey(this.model.collection.name, id), work);
  }

  findById(id: string): Promise<AccountDocument | null> {
    return this.model.findById(id).lean<AccountDocument>().exec();
  }

  findManyByIds(ids: readonly string[]): Promise<AccountDocument[]> {
    return findByIds<AccountDocument>(this.model, ids);
  }

  findByUsername(username: string): Promise<AccountDocument | null> {
    return this.model.findOne({ username }).lean<AccountDocument>().exec();
  }

  findByRoleAssignmentId(id: string): Promise<AccountDocument | null> {
    return this.model.findOne({ 'roles._id': id }).lean<AccountDocument>().exec();
  }

  findByTeachingAssignmentId(id: string): Promise<AccountDocument | null> {
    return this.model.findOne({ 'teaching._id': id }).lean<AccountDocument>().exec();
  }

  list(filter: AccountListFilter): Promise<AccountDocument[]> {
    const query: Record<string, unknown> = { schoolId: filter.schoolId };
    if (filter.status) query.status = filter.status;
    if (filter.after) query.username = { $gt: filter.after };
    return this.model.find(query).sort({ username: 1 }).limit(filter.limit).lean<AccountDocument[]>().exec();
  }

  count(): Promise<number> {
    return this.model.estimatedDocumentCount().exec();
  }

  /** Inserts the account together with its events; a duplicate username raises code 11000. */
  async insert(
    account: Omit<AccountDocument, '_outbox' | '_outboxPending' | '_rev'>,
    events: OutboxEntry[],
  ): Promise<void> {
    await this.model.create({ ...account, ...newDocumentOutbox(events) });
  }

  /**
   * Applies `update` with its events in one atomic write. `expected` narrows the match (e.g. the
   * role to revoke must still be there); returns the document after the write, or null when
   * nothing matched.
   */
  update(
    id: string,
    update: UpdateQuery<AccountDocument>,
    events: OutboxEntry[],
    expected: Record<string, unknown> = {},
  ): Promise<AccountDocument | null> {
    const set = { ...((update.$set as object) ?? {}), updatedAt: new Date() };
    return this.locked(id, () =>
      this.model
        .findOneAndUpdate({ _id: id, ...expected }, withEvents({ ...update, $set: set }, events), {
          returnDocument: 'after',
        })
        .lean<AccountDocument>()
        .exec(),
    );
  }

  /** Counts a failed login without an event (it is not a change of record until it locks). */
  recordFailedLogin(id: string, failedLogins: number, at: Date): Promise<unknown> {
    return this.locked(id, () =>
      this.model.updateOne({ _id: id }, { $set: { failedLogins, lastFailedLoginAt: at } }).exec(),
    );
  }

  clearFailedLogins(id: string): Promise<unknown> {
    return this.locked(id, () =>
      this.model.updateOne({ _id: id }, { $set: { failedLogins: 0, lastFailedLoginAt: null } }).exec(),
    );
  }
}
