import {
  documentLockKey,
  newDocumentOutbox,
  withEvents,
  type OutboxEntry,
  type WriteLock,
} from '@hocbaso/service-kit';
import type { TransferRefusalDocument, TransferRefusalModel } from './transfer-refusal.model';

export type NewTransferRefusal = Omit<TransferRefusalDocument, '_outbox' | '_outboxPending' | '_rev'>;

/** The only code that touches `transfer_refusals`; every write goes through the write lock. */
export class TransferRefusalRepository {
  constructor(
    private readonly model: TransferRefusalModel,
    private readonly lock: WriteLock,
  ) {}

  findById(transferId: string): Promise<TransferRefusalDocument | null> {
    return this.model.findById(transferId).lean<TransferRefusalDocument>().exec();
  }

  /** Keeps a refusal with its answer; false (nothing written) when the transfer was refused already. */
  insertIfAbsent(refused: NewTransferRefusal, events: OutboxEntry[]): Promise<boolean> {
    return this.lock.run(this.keyOf(refused._id), async () => {
      if (await this.model.exists({ _id: refused._id })) return false;
      await this.model.create({ ...refused, ...newDocumentOutbox(events) });
      return true;
    });
  }

  /** Publishes the answer again (a redelivery), changing nothing but when it was last answered. */
  async answerAgain(transferId: string, answer: OutboxEntry, at: Date): Promise<void> {
    await this.lock.run(this.keyOf(transferId), () =>
      this.model
        .updateOne(
          { _id: transferId },
          withEvents<TransferRefusalDocument>({ $set: { answeredAt: at } }, [answer]),
        )
        .exec(),
    );
  }

  private keyOf(transferId: string): string {
    return documentLockKey(this.model.collection.name, transferId);
  }
}
