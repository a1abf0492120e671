import { lockReleased, lockRequested, type EventData } from '@hocbaso/events';
import type { EventHandler } from '@hocbaso/service-kit';
import type { StudentsDeps } from '../usecases/deps';
import { decideStudentsLock } from '../usecases/record-locks';

/**
 * Handlers of signatures' lock protocol. The registry ignores requests that do not name students
 * as an owner (only STUDENT_YEAR does) and answers a redelivered lock id only once.
 */
export function lockEventHandlers(deps: StudentsDeps): Record<string, EventHandler> {
  return {
    // on lock requested: once no write of the school year is in flight, lock and confirm the content.
    [lockRequested.type]: async (event) => {
      const request = event.data as EventData<typeof lockRequested>;
      await deps.locks.apply(request, (scope) => decideStudentsLock(deps, scope));
      deps.changed();
    },
    // on lock released: the student's data accepts writes again.
    [lockReleased.type]: async (event) => {
      await deps.locks.release(event.data as EventData<typeof lockReleased>);
      deps.changed();
    },
  };
}

export const LOCK_TOPICS = [lockRequested.topic];
