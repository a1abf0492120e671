import { createEvent, CONDUCT_SOURCE, type Actor, type EventContract, type EventData } from '@hocbaso/events';
import {
  actorOf,
  toOutboxEntry,
  type Caller,
  type OutboxEntry,
  type PersonalDataReadRepository,
  type RecordCorrections,
  type RecordLockRegistry,
} from '@hocbaso/service-kit';
import type { BothFailingOutcome } from '@hocbaso/assessment';
import type { StatisticsReader } from '@hocbaso/statistics';
import type { ConductRepository } from '../model/conduct.repository';

export interface ConductDeps {
  repository: ConductRepository;
  /** The locks conduct confirmed (signatures' lock protocol): every user write passes them. */
  locks: RecordLockRegistry;
  /** Corrections applied on signatures' request (through `locks`' gate), refusals answered. */
  corrections: RecordCorrections;
  /** Staff reads of personal reasons (absences, discipline), each logged with its event. */
  personalDataReads: PersonalDataReadRepository;
  now: () => Date;
  bothFailing: BothFailingOutcome;
  changed: () => void;
  /** The dashboards' tables, from the statistics aggregates (never from the records). */
  statisticsReader: StatisticsReader;
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

/**
 * Who a change is recorded for: the caller of a request, or the actor of the event being handled
 * (a correction applied on signatures' request).
 */
export type ChangedBy = Caller | { actor: Actor };

export function actorFrom(by: ChangedBy): Actor {
  return 'actor' in by ? by.actor : actorOf(by);
}

export { actorOf, type Caller };
