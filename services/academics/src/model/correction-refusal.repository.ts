import { documentLockKey, newDocumentOutbox, type OutboxEntry, type WriteLock } from '@hocbaso/service-kit';
import type { CorrectionRefusalDocument, CorrectionRefusalModel } from './correction-refusal.model';

/** The only code that touches the correction_refusals collection. */
export class CorrectionRefusalRepository {
  constructor(
    private readonly model: CorrectionRefusalModel,
    private readonly lock: WriteLock,
  ) {}

  async exists(correctionId: string): Promise<boolean> {
    return !!(await this.model.exists({ _id: correctionId }));
  }

  /** Records the refusal with its answer; a second refusal of the same correction changes nothing. */
  async record(
    refusal: Omit<CorrectionRefusalDocument, '_outbox' | '_outboxPending' | '_rev'>,
    event: OutboxEntry,
  ): Promise<void> {
    await this.lock.run(documentLockKey(this.model.collection.name, refusal._id), async () => {
      if (await this.exists(refusal._id)) return;
      await this.model.create({ ...refusal, ...newDocumentOutbox([event]) });
    });
  }
}
