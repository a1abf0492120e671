import { changeDocument, type OutboxEntry, type WriteLock } from '@hocbaso/service-kit';
import type { Model } from 'mongoose';
import type { RecordExportDocument } from './export.model';

/** The only code that touches the export log (each entry written once, with its event). */
export class ExportRepository {
  constructor(
    readonly model: Model<RecordExportDocument>,
    private readonly lock: WriteLock,
  ) {}

  async create(
    entry: Omit<RecordExportDocument, '_outbox' | '_outboxPending' | '_rev'> & { events: OutboxEntry[] },
  ) {
    const { events, ...document } = entry;
    await changeDocument(this.lock, this.model, document._id, () => ({ set: {}, create: document, events }));
  }

  byVerificationCode(code: string): Promise<RecordExportDocument | null> {
    return this.model.findOne({ verificationCode: code }).lean<RecordExportDocument>().exec();
  }

  outboxModels(): Model<unknown>[] {
    return [this.model as unknown as Model<unknown>];
  }
}
