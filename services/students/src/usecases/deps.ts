import {
  createEvent,
  STUDENTS_SOURCE,
  SYSTEM_ACTOR,
  type Actor,
  type EventContract,
  type EventData,
} from '@hocbaso/events';
import { toOutboxEntry, type OutboxEntry, type Principal } from '@hocbaso/service-kit';
import type { ClassRepository } from '../model/class.repository';
import type { StudentRepository } from '../model/student.repository';

/** What the use cases need, passed in so that they can be tested without infrastructure. */
export interface StudentsDeps {
  students: StudentRepository;
  classes: ClassRepository;
  now: () => Date;
  /** Wakes the outbox relay after a write so that its events leave at once. */
  changed: () => void;
}

/** Who acts: the caller of this request, or the system (seeding, the yearly load). */
export interface Caller {
  principal: Principal | null;
  requestId?: string;
}

export const SYSTEM_CALLER: Caller = { principal: null };

export function actorOf(caller: Caller): Actor {
  if (!caller.principal)
    return caller.requestId ? { ...SYSTEM_ACTOR, requestId: caller.requestId } : SYSTEM_ACTOR;
  return {
    accountId: caller.principal.accountId,
    kind: 'user',
    ...(caller.requestId ? { requestId: caller.requestId } : {}),
  };
}

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
