import type { AuditChainHead } from '../verify-audit-chain';
import type {
  ChainHeadModel,
  RecordedEventModel,
  SubjectHeadDocument,
  SubjectHeadModel,
} from './audit-bookkeeping.model';

// Each repository reads and writes one collection by `_id`; the AuditTrail serialises the writes.

export class SubjectHeadRepository {
  constructor(private readonly model: SubjectHeadModel) {}

  /** The subject's last change: its seq and `after`. */
  find(subject: string): Promise<Pick<SubjectHeadDocument, 'seq' | 'after'> | null> {
    return this.model.findById(subject, { seq: 1, after: 1 }).lean<SubjectHeadDocument>().exec();
  }

  async advance(subject: string, seq: number, after: string): Promise<void> {
    await this.model.updateOne({ _id: subject }, { $set: { seq, after } }, { upsert: true }).exec();
  }
}

export class RecordedEventRepository {
  constructor(private readonly model: RecordedEventModel) {}

  async seqOf(eventId: string): Promise<number | null> {
    const document = await this.model.findById(eventId).lean().exec();
    return document?.seq ?? null;
  }

  async remember(eventId: string, seq: number): Promise<void> {
    await this.model.updateOne({ _id: eventId }, { $set: { seq } }, { upsert: true }).exec();
  }
}

export class ChainHeadRepository {
  constructor(private readonly model: ChainHeadModel) {}

  async find(): Promise<AuditChainHead | null> {
    const document = await this.model.findById('head').lean().exec();
    return document ? { seq: document.seq, hash: document.hash } : null;
  }

  async advance(head: AuditChainHead, at: Date): Promise<void> {
    await this.model
      .updateOne(
        { _id: 'head' },
        { $set: { seq: head.seq, hash: head.hash, updatedAt: at } },
        { upsert: true },
      )
      .exec();
  }
}
