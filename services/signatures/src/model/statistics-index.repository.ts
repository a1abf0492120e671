import { documentLockKey, type WriteLock } from '@hocbaso/service-kit';
import type { SigningIndexDocument, SigningIndexModel, SigningIndexSet } from './statistics-index.model';

const EMPTY = { subjects: [], signatures: [], classes: [] };

/**
 * The only code that touches `statistics_signing_index`: reads by `_id`, and adds to one set of a
 * document as a read-modify-write under the service's WriteLock (ADR 0004).
 */
export class SigningIndexRepository {
  constructor(
    private readonly model: SigningIndexModel,
    private readonly lock: WriteLock,
  ) {}

  async get(id: string): Promise<SigningIndexDocument> {
    return (await this.model.findById(id).lean<SigningIndexDocument>().exec()) ?? { _id: id, ...EMPTY };
  }

  /** Adds `value` to the set; false when it was there already (nothing written). */
  add(id: string, set: SigningIndexSet, value: string): Promise<boolean> {
    return this.lock.run(documentLockKey(this.model.collection.name, id), async () => {
      const current = await this.model.findById(id).lean<SigningIndexDocument>().exec();
      if (current?.[set].includes(value)) return false;
      const next = { ...EMPTY, ...current, [set]: [...(current?.[set] ?? []), value] };
      await this.model.replaceOne({ _id: id }, next, { upsert: true }).exec();
      return true;
    });
  }
}
