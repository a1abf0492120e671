import { newDocumentOutbox, type OutboxEntry } from '@hocbaso/service-kit';
import type { NewPersonalDataRead, PersonalDataReadModel } from './personal-data-read.model';

/** The only code that touches the personal_data_reads collection: append-only. */
export class PersonalDataReadRepository {
  constructor(private readonly model: PersonalDataReadModel) {}

  /** A new entry with its event; a fresh id, so no other write can race it (no write lock needed). */
  async record(entry: NewPersonalDataRead, events: OutboxEntry[]): Promise<void> {
    await this.model.create({ ...entry, ...newDocumentOutbox(events) });
  }
}
