import { newDocumentOutbox, type OutboxEntry } from '@hocbaso/service-kit';
import type { GradebookExportModel, NewGradebookExport } from './gradebook-export.model';

/** The only code that touches the gradebook_exports collection: append-only. */
export class GradebookExportRepository {
  constructor(private readonly model: GradebookExportModel) {}

  /** A new entry with its event; a fresh id, so no other write can race it (no write lock needed). */
  async record(entry: NewGradebookExport, events: OutboxEntry[]): Promise<void> {
    await this.model.create({ ...entry, ...newDocumentOutbox(events) });
  }
}
