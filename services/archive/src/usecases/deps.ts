import { ARCHIVE_SOURCE, createEvent, type EventContract, type EventData } from '@hocbaso/events';
import { toOutboxEntry, type Logger, type OutboxEntry } from '@hocbaso/service-kit';
import type { Signer } from '@hocbaso/signing';
import type { StatisticsReader } from '@hocbaso/statistics';
import type { Backoff, YearDeadlines } from '../domain/sync';
import type { ExportRepository } from '../model/export.repository';
import type { FactsRepository } from '../model/facts.repository';
import type { RecordShareRepository } from '../model/record-share.repository';
import type { SyncRepository } from '../model/sync.repository';
import type { TransferRepository } from '../model/transfer.repository';
import type { MinistryGateway } from '../sync/ministry-client';

export { actorOf, type Caller } from '@hocbaso/service-kit';

/** What the use cases need, passed in so that they can be tested without infrastructure. */
export interface ArchiveDeps {
  facts: FactsRepository;
  sync: SyncRepository;
  transfers: TransferRepository;
  exports: ExportRepository;
  /** Shares of record books with third parties, by the family's consent. */
  shares: RecordShareRepository;
  /** Printed on exported copies: where a reader checks a verification code (null: not printed). */
  exportVerifyUrl: string | null;
  /** The remote-signing boundary: seals transfer packages and credentials with the school's seal. */
  signer: Signer;
  /** How long an import waits for the students service to move the student. */
  transferWaitMs: number;
  ministry: MinistryGateway;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  random: () => number;
  /** Wakes the outbox relay after a write so that its events leave at once. */
  changed: () => void;
  backoff: Backoff;
  /** How long an attempt holds its record (the Ministry's timeout and a margin). */
  attemptLeaseMs: number;
  deadlinesOf: (schoolYear: string) => YearDeadlines;
  /** Serves the dashboard tables from the aggregates (issue 7). */
  statisticsReader: StatisticsReader;
}

/** One of the archive's events as an outbox entry. */
export function archiveEvent<C extends EventContract>(
  contract: C,
  subject: string,
  key: string,
  data: EventData<C>,
): OutboxEntry {
  return toOutboxEntry(contract.topic, createEvent(contract, { source: ARCHIVE_SOURCE, subject, key, data }));
}
