import { documentLockKey, withEvents, type OutboxEntry, type WriteLock } from '@hocbaso/service-kit';
import type { Model, UpdateQuery } from 'mongoose';

/** What a use case decides to change in one document, with the events that say so. */
export interface DocumentChange<T> {
  update: UpdateQuery<T>;
  /** At least one: every change is published (R15). */
  events: OutboxEntry[];
}

export interface Modified<T> {
  before: T;
  after: T;
  /** False when the decision was to change nothing (no write, no event). */
  changed: boolean;
}

/**
 * Read, decide, write one document under the service's write lock: no other write of the same
 * document (the use cases' or the outbox relay's) can slip in between, so a decision is never
 * made on a stale copy and never lost (FerretDB v1 updates are read-modify-write, ADR 0004).
 * `decide` may throw (validation, authorization): nothing is written then.
 */
export function modifyDocument<T extends { _id: string }>(
  model: Model<T>,
  lock: WriteLock,
  id: string,
  decide: (current: T) => DocumentChange<T> | null,
  now: () => Date,
): Promise<Modified<T> | null> {
  return lock.run(documentLockKey(model.collection.name, id), async () => {
    const current = await model.findById(id).lean<T>().exec();
    if (!current) return null;
    const change = decide(current);
    if (!change) return { before: current, after: current, changed: false };
    if (change.events.length === 0) throw new Error('a change without an event would never be published');
    const set = { ...((change.update.$set as object) ?? {}), updatedAt: now() };
    const after = await model
      .findOneAndUpdate(
        { _id: id },
        withEvents<T>({ ...change.update, $set: set } as UpdateQuery<T>, change.events),
        {
          returnDocument: 'after',
        },
      )
      .lean<T>()
      .exec();
    if (!after) return null;
    return { before: current, after, changed: true };
  });
}

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 11000;
}
