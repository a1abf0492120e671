import {
  createEvent,
  CONDUCT_SOURCE,
  SYSTEM_ACTOR,
  type Actor,
  type EventContract,
  type EventData,
} from '@hocbaso/events';
import { toOutboxEntry, type OutboxEntry, type Principal } from '@hocbaso/service-kit';
import type { BothFailingOutcome } from '@hocbaso/assessment';
import type { ConductRepository } from '../model/conduct.repository';

export interface ConductDeps {
  repository: ConductRepository;
  now: () => Date;
  bothFailing: BothFailingOutcome;
  changed: () => void;
}

export interface Caller {
  principal: Principal | null;
  requestId?: string;
}

export function actorOf(caller: Caller): Actor {
  if (!caller.principal)
    return caller.requestId ? { ...SYSTEM_ACTOR, requestId: caller.requestId } : SYSTEM_ACTOR;
  return {
    accountId: caller.principal.accountId,
    kind: 'user',
    ...(caller.requestId ? { requestId: caller.requestId } : {}),
  };
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
