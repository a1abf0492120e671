import { createEvent, IDENTITY_SOURCE, type EventContract, type EventData } from '@hocbaso/events';
import { actorOf, toOutboxEntry, type Caller, type OutboxEntry } from '@hocbaso/service-kit';
import type { IdentityConfig } from '../env';
import type { KeyStore } from '../keys/key-store';
import type { PasswordHasher } from '../keys/password-hasher';
import type { AccountRepository } from '../model/account.repository';
import type { SchoolRepository } from '../model/school.repository';
import type { SessionRepository } from '../model/session.repository';

/** What the use cases need, passed in so that they can be tested without infrastructure. */
export interface IdentityDeps {
  accounts: AccountRepository;
  schools: SchoolRepository;
  sessions: SessionRepository;
  keys: KeyStore;
  hasher: PasswordHasher;
  now: () => Date;
  settings: Pick<
    IdentityConfig,
    | 'TOKEN_ISSUER'
    | 'TOKEN_AUDIENCE'
    | 'ACCESS_TOKEN_TTL_SECONDS'
    | 'REFRESH_TOKEN_TTL_DAYS'
    | 'REFRESH_RETRY_WINDOW_SECONDS'
    | 'LOGIN_MAX_FAILURES'
    | 'LOGIN_FAILURE_WINDOW_MINUTES'
    | 'LOGIN_LOCKOUT_MINUTES'
  >;
  /** Wakes the outbox relay after a write so that its events leave at once. */
  changed: () => void;
}

export const SYSTEM_CALLER: Caller = { principal: null };

/** An identity event as an outbox entry, keyed by the aggregate (account or school) it is about. */
export function identityEvent<C extends EventContract>(
  contract: C,
  aggregate: string,
  key: string,
  data: EventData<C>,
): OutboxEntry {
  return toOutboxEntry(
    contract.topic,
    createEvent(contract, { source: IDENTITY_SOURCE, subject: `${aggregate}/${key}`, key, data }),
  );
}

export { actorOf, type Caller };
