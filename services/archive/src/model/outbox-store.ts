import {
  documentLockKey,
  newDocumentOutbox,
  withEvents,
  type OutboxEntry,
  type OutboxFields,
  type WriteLock,
} from '@hocbaso/service-kit';
import type { Model, UpdateQuery } from 'mongoose';

/** A change decided from the current document (null when there is none yet). */
export interface DocumentChange<T> {
  set: Partial<T>;
  /** The whole document, when it does not exist yet. */
  create?: Omit<T, keyof OutboxFields>;
  events: OutboxEntry[];
}

/**
 * One write of one of the archive's own documents with its events in the document's outbox, under
 * the document's WriteLock (FerretDB v1 has no transactions and no atomic read-modify-write: ADR 0004).
 * `decide` sees the current document (or null) and returns the change, or null for none.
 */
export function changeDocument<T extends OutboxFields & { _id: string }>(
  lock: WriteLock,
  model: Model<T>,
  id: string,
  decide: (current: T | null) => DocumentChange<T> | null,
): Promise<T | null> {
  return lock.run(documentLockKey(model.collection.name, id), async () => {
    const current = (await model.findById(id).lean().exec()) as T | null;
    const change = decide(current);
    if (!change) return current;
    if (!current) {
      if (!change.create) return null;
      const document = { ...change.create, ...newDocumentOutbox(change.events) } as unknown as T;
      await model.create(document);
      return document;
    }
    return (await model
      .findOneAndUpdate({ _id: id }, withEvents<T>({ $set: change.set } as UpdateQuery<T>, change.events), {
        returnDocument: 'after',
      })
      .lean()
      .exec()) as T | null;
  });
}
