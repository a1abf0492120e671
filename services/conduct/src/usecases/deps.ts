import { createEvent, CONDUCT_SOURCE, type EventContract, type EventData } from '@hocbaso/events';
import {
  actorOf,
  toOutboxEntry,
  type Caller,
  type OutboxEntry,
  type RecordLockRegistry,
} from '@hocbaso/service-kit';
import type { BothFailingOutcome } from '@hocbaso/assessment';
import type { ConductRepository } from '../model/conduct.repository';

export interface ConductDeps {
  repository: ConductRepository;
  /** The locks conduct confirmed (signatures' lock protocol): every user write passes them. */
  locks: RecordLockRegistry;
  now: () => Date;
  bothFailing: BothFailingOutcome;
  changed: () => void;
}

/** A conduct event as an outbox entry, keyed by the student so one student's events stay in order. */
export function conductEvent<C extends EventContract>(
  contract: C,
  studentId: string,
  schoolYear: string,
  data: EventData<C>,
): OutboxEntry {
  return toOutboxEntry(
    contract.topic,
    createEvent(contract, {
      source: CONDUCT_SOURCE,
      subject: `students/${studentId}/conduct/${schoolYear}`,
      key: studentId,
      data,
    }),
  );
}

export { actorOf, type Caller };
