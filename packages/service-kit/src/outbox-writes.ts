import type { Model, Schema } from 'mongoose';

/**
 * Tells this process's outbox relays which document a write just gave pending events, so that the
 * relay reads that document by `_id` instead of searching the collection for `_outboxPending`.
 *
 * Why: on FerretDB v1 only `_id` is indexed, so the search decodes every document of the collection
 * (25 s per pass over a province's gradebooks), and every event waited for it. A hint is only an
 * optimisation: a write the hooks cannot see (another process, a raw driver call, a crash between
 * commit and hint) stays pending in its document and is found by the relay's start-up and periodic scans.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any>;

/** `id` undefined: the write's documents are not known (an `updateMany`): scan the collection. */
export type OutboxWriteListener = (model: AnyModel, id: unknown) => void;

const listeners = new Set<OutboxWriteListener>();

export function onOutboxWrite(listener: OutboxWriteListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function noteWrite(model: AnyModel | undefined, id: unknown): void {
  if (!model || listeners.size === 0) return;
  for (const listener of listeners) {
    try {
      listener(model, id);
    } catch {
      // A listener's fault must not fail the write that has already committed; the scan covers it.
    }
  }
}

/** The collection a model writes to, across connections: relays match hints by it. */
export function collectionKey(model: AnyModel): string {
  return `${model.db.name}/${model.collection.collectionName}`;
}

/** Whether an update (operators or a replacement) leaves the document with pending events. */
export function setsPending(update: unknown): boolean {
  if (!update || typeof update !== 'object') return false;
  const u = update as { $set?: { _outboxPending?: unknown }; _outboxPending?: unknown };
  return u.$set?._outboxPending === true || u._outboxPending === true;
}

/** A single document's `_id` named by a filter, or undefined when the filter selects otherwise. */
export function idOfFilter(filter: unknown): unknown {
  if (!filter || typeof filter !== 'object') return undefined;
  const id = (filter as { _id?: unknown })._id;
  if (id === undefined || id === null) return undefined;
  if (typeof id === 'string' || typeof id === 'number') return id;
  // An ObjectId (or any BSON value with its own type) names one document; an operator object does not.
  if (typeof id === 'object' && '_bsontype' in id) return id;
  return undefined;
}

interface QueryContext {
  model: AnyModel;
  getFilter(): unknown;
  getUpdate(): unknown;
}

/** Registers the write hooks on an aggregate's schema (called by `addOutbox`). */
export function hintOutboxWrites(schema: Schema): void {
  schema.post('save', function (this: { _id: unknown; _outboxPending?: boolean; constructor: unknown }) {
    if (this._outboxPending === true) noteWrite(this.constructor as AnyModel, this._id);
  });
  schema.post('insertMany', function (this: AnyModel, documents: unknown) {
    for (const document of Array.isArray(documents) ? documents : [documents]) {
      const d = document as { _id?: unknown; _outboxPending?: boolean } | null;
      if (d?._outboxPending === true) noteWrite(this, d._id);
    }
  });
  function afterSingleWrite(this: QueryContext, result: unknown) {
    if (!setsPending(this.getUpdate())) return;
    const r = result as { _id?: unknown; upsertedId?: unknown; value?: { _id?: unknown } } | null;
    const id = idOfFilter(this.getFilter()) ?? r?._id ?? r?.value?._id ?? r?.upsertedId ?? undefined;
    noteWrite(this.model, id);
  }
  schema.post(['updateOne', 'replaceOne'], { document: false, query: true }, afterSingleWrite as never);
  schema.post(['findOneAndUpdate', 'findOneAndReplace'], afterSingleWrite as never);
  schema.post('updateMany', function (this: QueryContext) {
    if (setsPending(this.getUpdate())) noteWrite(this.model, undefined);
  } as never);
  schema.post('bulkWrite', function (this: AnyModel) {
    noteWrite(this, undefined);
  });
}
