import { createEvent, STUDENTS_SOURCE, type EventContract, type EventData } from '@hocbaso/events';
import {
  actorOf,
  toOutboxEntry,
  type Caller,
  type OutboxEntry,
  type PersonalDataReadRepository,
  type RecordCorrections,
  type RecordLockRegistry,
} from '@hocbaso/service-kit';
import type { StatisticsReader } from '@hocbaso/statistics';
import type { ClassRepository } from '../model/class.repository';
import type { FamilyLinkRepository } from '../model/family-link.repository';
import type { StudentRepository } from '../model/student.repository';
import type { TransferRefusalRepository } from '../model/transfer-refusal.repository';
import type { FamilyLinkSettings } from './family-links';

/** What the use cases need, passed in so that they can be tested without infrastructure. */
export interface StudentsDeps {
  students: StudentRepository;
  classes: ClassRepository;
  /** Staff reads of personal data (R11), one entry per request and reader. */
  personalDataReads: PersonalDataReadRepository;
  /** The locks the students service confirmed (signatures' lock protocol): user writes pass them. */
  locks: RecordLockRegistry;
  /** Approved corrections (R8) applied on signatures' request, and their answers. */
  corrections: RecordCorrections;
  /** The archive's transfers this service refused, with their answers (see apply-transfer.ts). */
  transferRefusals: TransferRefusalRepository;
  /** Family link codes and the links they made (verified parent and student access). */
  familyLinks: FamilyLinkRepository;
  familyLinkSettings: FamilyLinkSettings;
  /** The dashboards' tables, from the aggregates the statistics projection keeps (never from records). */
  statisticsReader: StatisticsReader;
  now: () => Date;
  /** Wakes the outbox relay after a write so that its events leave at once. */
  changed: () => void;
}

export const SYSTEM_CALLER: Caller = { principal: null };

/** The account that made a change, as stored in the record's own history (null: the system). */
export function recordedBy(caller: Caller): string | null {
  return caller.principal?.accountId ?? null;
}

/** A students event as an outbox entry, keyed by the aggregate (student or class) it is about. */
export function studentsEvent<C extends EventContract>(
  contract: C,
  aggregate: 'students' | 'classes',
  key: string,
  data: EventData<C>,
): OutboxEntry {
  return toOutboxEntry(
    contract.topic,
    createEvent(contract, { source: STUDENTS_SOURCE, subject: `${aggregate}/${key}`, key, data }),
  );
}

export { actorOf, type Caller };
