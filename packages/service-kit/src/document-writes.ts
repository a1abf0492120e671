import type { Model, UpdateQuery } from 'mongoose';
import {
  documentLockKey,
  newDocumentOutbox,
  withEvents,
  type OutboxEntry,
  type OutboxFields,
} from './outbox';
import type { WriteLock } from './write-lock';

/**
 * The two ways a service writes one document on FerretDB v1, which has no transactions and no
 * atomic read-modify-write (ADR 0004): always under the document's WriteLock, reading the current
 * document and deciding from it.
 */

/** A change decided from the current document (null when there is none yet). */
export interface DocumentChange<T> {
  set: Partial<T>;
  /** The whole document, when it does not exist yet (otherwise a missing document stays missing). */
  create?: Omit<T, keyof OutboxFields>;
  events: OutboxEntry[];
}

/**
 * One write of an aggregate with its events in the document's own outbox: `decide` sees the
 * current document (or null) and returns the change, or null for none. Returns the document after.
 */
export function changeDocument<T extends OutboxFields & { _id: string }>(
  lock: WriteLock,
  model: Model<T>,
  id: string,
  decide: (current: T | null) => DocumentChange<T> | null | Promise<DocumentChange<T> | null>,
): Promise<T | null> {
  return lock.run(documentLockKey(model.collection.name, id), async () => {
    const current = (await model.findById(id).lean().exec()) as T | null;
    const change = await decide(current);
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

/**
 * One write of a read model kept from other services' events (no outbox: nothing to publish):
 * `next` sees the current document (or null) and returns the whole new one, or null to leave it.
 */
export function replaceReadModel<T extends { _id: string }>(
  lock: WriteLock,
  model: Model<T>,
  id: string,
  next: (current: T | null) => T | null,
): Promise<void> {
  return lock.run(documentLockKey(model.collection.name, id), async () => {
    const current = (await model.findById(id).lean().exec()) as T | null;
    const updated = next(current);
    if (!updated) return;
    await model.replaceOne({ _id: id }, updated, { upsert: true }).exec();
  });
}
