import { lockRequested, type CloudEvent, type EventData } from '@hocbaso/events';
import type { RecordLockRegistry } from '@hocbaso/service-kit';
import { decideLock, type LockReaders } from '../usecases/decide-lock';

/**
 * Signatures asks the owners to lock a unit: once no write of the school year is in flight, the
 * registry records the lock with academics' answer (the content, or why not). Redelivery changes
 * nothing.
 */
export function onLockRequested(locks: RecordLockRegistry, readers: LockReaders, changed: () => void) {
  return async (event: CloudEvent): Promise<void> => {
    await locks.apply(event.data as EventData<typeof lockRequested>, (scope) => decideLock(readers, scope));
    changed();
  };
}
