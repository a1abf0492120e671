import { correctionApplyRequested } from '@hocbaso/events';
import { RECORD_LOCK_TOPIC, type EventHandler } from '@hocbaso/service-kit';
import { applyCorrection } from '../usecases/apply-correction';
import type { ConductDeps } from '../usecases/deps';
import { decideConductLock } from '../usecases/record-locks';

/** Signatures' requests to conduct: lock, unlock (the lock topic), apply a correction. */
export const RECORD_LOCK_TOPICS = [...new Set([RECORD_LOCK_TOPIC, correctionApplyRequested.topic])];

export function recordLockHandlers(deps: ConductDeps): Record<string, EventHandler> {
  return {
    ...deps.locks.handlers((scope) => decideConductLock(deps, scope), deps.changed),
    ...deps.corrections.handlers((request) => applyCorrection(deps, request), deps.changed),
  };
}
