import {
  CORRECTION_ANSWERS,
  ALL_TOPICS,
  LOCK_CONFIRMATIONS,
  type CloudEvent,
  type CorrectionOutcome,
  type LockConfirmation,
} from '@hocbaso/events';
import type { EventHandler } from '@hocbaso/service-kit';
import { recordInAuditTrail } from '../usecases/audit';
import { onCorrectionApplied } from '../usecases/corrections';
import type { SignaturesDeps } from '../usecases/deps';
import { onWindowLockApplied } from '../usecases/lock-windows';
import { onLockConfirmed } from '../usecases/signing';
import { FACT_EVENTS, factHandlers } from './facts-handlers';

/** The owners' answers to lock requests and corrections. */
const ANSWER_EVENTS = [...Object.values(LOCK_CONFIRMATIONS), ...Object.values(CORRECTION_ANSWERS)];

/** The read models of other services' facts: one consumer group. */
export const FACT_TOPICS = [...new Set(FACT_EVENTS.map((c) => c.topic))];

export function readModelHandlers(deps: SignaturesDeps): Record<string, EventHandler> {
  return factHandlers(deps.facts);
}

/**
 * The owners' answers to lock requests and corrections: a group of their own, so that a backlog
 * of facts (a new deployment reading every topic from its start) never holds up a signature
 * waiting for its lock to be confirmed. The answers need no read model: they complete signatures'
 * own documents.
 */
export const ANSWER_TOPICS = [...new Set(ANSWER_EVENTS.map((c) => c.topic))];

export function answerHandlers(deps: SignaturesDeps): Record<string, EventHandler> {
  const onLock: EventHandler = async (event: CloudEvent) => {
    const lock = await onLockConfirmed(deps, event.data as LockConfirmation);
    if (lock?.reason === 'WINDOW' && lock.state === 'APPLIED') await onWindowLockApplied(deps, lock._id);
  };
  return {
    ...Object.fromEntries(Object.values(LOCK_CONFIRMATIONS).map((c) => [c.type, onLock])),
    ...Object.fromEntries(
      Object.values(CORRECTION_ANSWERS).map((c) => [
        c.type,
        (event: CloudEvent) => onCorrectionApplied(deps, event.data as CorrectionOutcome),
      ]),
    ),
  };
}

/** The audit trail reads every topic of the platform, in its own consumer group. */
export const AUDIT_TOPICS = [...ALL_TOPICS];

export function auditHandlers(deps: SignaturesDeps, types: readonly string[]): Record<string, EventHandler> {
  const append: EventHandler = (event) => recordInAuditTrail(deps, event);
  return Object.fromEntries(types.map((type) => [type, append]));
}
