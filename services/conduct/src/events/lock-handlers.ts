import { lockReleased, lockRequested, type EventData } from '@hocbaso/events';
import type { EventHandler } from '@hocbaso/service-kit';
import type { ConductDeps } from '../usecases/deps';
import { decideConductLock } from '../usecases/record-locks';

/**
 * Handlers of signatures' lock protocol. The registry ignores requests that do not name conduct
 * as an owner and answers a redelivered lock id only once.
 */
export function lockEventHandlers(deps: ConductDeps): Record<string, EventHandler> {
  return {
    // on lock requested: once no write of the school year is in flight, lock and confirm the content.
    [lockRequested.type]: async (event) => {
      const request = event.data as EventData<typeof lockRequested>;
      await deps.locks.apply(request, (scope) => decideConductLock(deps, scope));
      deps.changed();
    },
    // on lock released: the unit accepts writes again.
    [lockReleased.type]: async (event) => {
      await deps.locks.release(event.data as EventData<typeof lockReleased>);
      deps.changed();
    },
  };
}

export const LOCK_TOPICS = [lockRequested.topic];
