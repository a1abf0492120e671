import { lockReleased, type CloudEvent, type EventData } from '@hocbaso/events';
import type { RecordLockRegistry } from '@hocbaso/service-kit';

/** A failed signing, or a lock window reopened: the unit accepts writes again (unless another lock covers it). */
export function onLockReleased(locks: RecordLockRegistry, changed: () => void) {
  return async (event: CloudEvent): Promise<void> => {
    await locks.release(event.data as EventData<typeof lockReleased>);
    changed();
  };
}
