import type { AuditTrail } from '@hocbaso/audit-trail';
import { createEvent, SIGNATURES_SOURCE, type EventContract, type EventData } from '@hocbaso/events';
import { toOutboxEntry, type Logger, type OutboxEntry } from '@hocbaso/service-kit';
import type { Signer } from '@hocbaso/signing';
import type { StatisticsReader } from '@hocbaso/statistics';
import type { FactsRepository } from '../model/facts.repository';
import type { RecordsRepository } from '../model/records.repository';

export { actorOf, type Caller } from '@hocbaso/service-kit';

/** What the use cases need, passed in so that they can be tested without infrastructure. */
export interface SignaturesDeps {
  records: RecordsRepository;
  facts: FactsRepository;
  audit: AuditTrail;
  /** The remote-signing boundary: the local keystore in development, a signing service in production. */
  signer: Signer;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** Wakes the outbox relay after a write so that its events leave at once. */
  changed: () => void;
  /** How long a signing mutation waits for the owners' lock confirmations. */
  signingWaitMs: number;
  /** Serves the dashboard tables from the aggregates (issue 7). */
  statisticsReader: StatisticsReader;
}

/** One of signatures' events as an outbox entry. */
export function signaturesEvent<C extends EventContract>(
  contract: C,
  subject: string,
  key: string,
  data: EventData<C>,
): OutboxEntry {
  return toOutboxEntry(
    contract.topic,
    createEvent(contract, { source: SIGNATURES_SOURCE, subject, key, data }),
  );
}

/** Polls until `ready` gives a value or the time is up (then the last value). */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
}
