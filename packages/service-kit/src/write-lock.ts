/**
 * Serialises writes to one document within this process.
 *
 * FerretDB v1 applies an update as "read the matching document, change it, write it back by
 * _id", so two concurrent updates of one document can lose one of them, and a filter such as
 * `{ _id, _rev }` does not protect a compare-and-set (FerretDB issue #3040). MongoDB applies
 * single-document updates atomically and needs none of this; with FerretDB the platform runs one
 * instance per service, and every write of a document goes through this lock (ADR 0004).
 */
export class WriteLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier `work` for the same key has settled. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    this.tails.set(key, current);
    try {
      return await current;
    } finally {
      // The last one out removes the key, so the map holds only documents being written now.
      if (this.tails.get(key) === current) this.tails.delete(key);
    }
  }

  get size(): number {
    return this.tails.size;
  }
}
