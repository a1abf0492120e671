import { findByIds, newDocumentOutbox, type OutboxEntry } from '@hocbaso/service-kit';
import type { SchoolDocument, SchoolModel } from './school.model';

export class SchoolRepository {
  constructor(private readonly model: SchoolModel) {}

  findById(id: string): Promise<SchoolDocument | null> {
    return this.model.findById(id).lean<SchoolDocument>().exec();
  }

  findManyByIds(ids: readonly string[]): Promise<SchoolDocument[]> {
    return findByIds<SchoolDocument>(this.model, ids);
  }

  findByCode(code: string): Promise<SchoolDocument | null> {
    return this.model.findOne({ code }).lean<SchoolDocument>().exec();
  }

  async insert(
    school: Omit<SchoolDocument, '_outbox' | '_outboxPending' | '_rev'>,
    events: OutboxEntry[],
  ): Promise<void> {
    await this.model.create({ ...school, ...newDocumentOutbox(events) });
  }
}
