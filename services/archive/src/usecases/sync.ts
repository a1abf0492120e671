import { createHash } from 'node:crypto';
import {
  recordSyncStateChanged,
  SYSTEM_ACTOR,
  type EventData,
  type recordYearApproved,
  type signatureSuperseded,
} from '@hocbaso/events';
import { ministryRecordOf, recordKeyOf, syncWaveOf, yearPageOf, type SignedYear } from '@hocbaso/record-book';
import {
  afterAnswer,
  backoffMs,
  onApproved,
  onSuperseded,
  startAttempt,
  type SyncProgress,
} from '../domain/sync';
import type { RecordSyncDocument, SignedYearDocument } from '../model/sync.model';
import type { SyncChange } from '../model/sync.repository';
import { archiveEvent, type ArchiveDeps } from './deps';

export const syncIdOf = (studentId: string, schoolYear: string) => `${studentId}:${schoolYear}`;

const progressOf = (record: RecordSyncDocument): SyncProgress => ({
  state: record.state,
  recordVersion: record.recordVersion,
  signatureId: record.signatureId,
  wave: record.wave,
  attempts: record.attempts,
  nextAttemptAt: record.nextAttemptAt,
  receiptId: record.receiptId,
  reasons: record.reasons,
  rejections: record.rejections,
  acceptedVersion: record.acceptedVersion,
  firstAcceptedAt: record.firstAcceptedAt,
  acceptedAt: record.acceptedAt,
});

/** The change to a sync record, with its event when the state changed. */
function syncChange(
  deps: ArchiveDeps,
  place: { studentId: string; schoolId: string; schoolYear: string; classId: string },
  before: RecordSyncDocument | null,
  next: SyncProgress,
  extra: Partial<RecordSyncDocument> = {},
): SyncChange {
  const now = deps.now();
  const where = {
    studentId: place.studentId,
    schoolId: place.schoolId,
    schoolYear: place.schoolYear,
    classId: place.classId,
  };
  const stateChanged = !before || before.state !== next.state || before.recordVersion !== next.recordVersion;
  const events = stateChanged
    ? [
        archiveEvent(
          recordSyncStateChanged,
          `syncs/${syncIdOf(place.studentId, place.schoolYear)}`,
          place.studentId,
          {
            ...where,
            recordVersion: next.recordVersion,
            wave: next.wave,
            state: next.state,
            attempts: next.attempts,
            receiptId: next.receiptId,
            reasons: next.reasons,
            actor: SYSTEM_ACTOR,
          },
        ),
      ]
    : [];
  const set = { ...next, ...where, ...extra, updatedAt: now };
  return {
    set,
    create: {
      _id: syncIdOf(place.studentId, place.schoolYear),
      payload: null,
      payloadVersion: null,
      payloadHash: null,
      ...set,
    },
    events,
  };
}

/**
 * Signatures approved and sealed a year page: keep it (the archive's copy of the signed record
 * book) and queue it for the Ministry. A newer version (after a correction) replaces the older in
 * the queue; a redelivered event changes nothing.
 */
export async function onYearApproved(
  deps: ArchiveDeps,
  data: EventData<typeof recordYearApproved>,
): Promise<void> {
  const year: SignedYearDocument = {
    _id: recordKeyOf(data),
    signatureId: data.signatureId,
    studentId: data.studentId,
    schoolId: data.schoolId,
    schoolYear: data.schoolYear,
    classId: data.classId,
    recordVersion: data.recordVersion,
    approval: data.approval,
    seal: data.seal,
    superseded: false,
    receivedAt: deps.now(),
  };
  await deps.sync.keepSignedYear(year);
  let wave;
  try {
    wave = syncWaveOf(yearPageOf(data.approval));
  } catch (error) {
    // Not a year page we can read: nothing to send; the approval is kept for a person to look at.
    deps.logger.error(
      { signatureId: data.signatureId, err: (error as Error).message },
      'approved year unreadable',
    );
    return;
  }
  const place = {
    studentId: data.studentId,
    schoolId: data.schoolId,
    schoolYear: data.schoolYear,
    classId: data.classId,
  };
  await deps.sync.changeRecordSync(syncIdOf(data.studentId, data.schoolYear), (current) => {
    const next = onApproved(
      current && progressOf(current),
      { recordVersion: data.recordVersion, signatureId: data.signatureId, wave },
      deps.now(),
    );
    return next && syncChange(deps, place, current, next);
  });
  deps.changed();
}

/** A correction superseded an approval: its version is no longer to be sent. */
export async function onApprovalSuperseded(
  deps: ArchiveDeps,
  data: EventData<typeof signatureSuperseded>,
): Promise<void> {
  if (data.scope.unit !== 'STUDENT_YEAR') return;
  await deps.sync.markSuperseded(data.signatureId);
  const { studentId, schoolYear } = data.scope;
  await deps.sync.changeRecordSync(syncIdOf(studentId, schoolYear), (current) => {
    const next = current && onSuperseded(progressOf(current), data.signatureId);
    return next && current && syncChange(deps, current, current, next);
  });
  deps.changed();
}

/** The signed year as it leaves the platform: the school named as identity announced it. */
export async function signedYearOf(deps: ArchiveDeps, year: SignedYearDocument): Promise<SignedYear> {
  const school = await deps.facts.school(year.schoolId);
  return {
    signatureId: year.signatureId,
    school: { id: year.schoolId, code: school?.code ?? null, name: school?.name ?? year.schoolId },
    schoolYear: year.schoolYear,
    classId: year.classId,
    studentId: year.studentId,
    recordVersion: year.recordVersion,
    approval: year.approval,
    seal: year.seal,
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Sends one due record: takes the attempt (leased, so a crash retries it), sends the version's
 * payload (frozen at its first attempt: a retry sends the same bytes under the same key), keeps the
 * answer, and moves the record on. Returns false when the record was not due any more.
 */
export async function sendRecord(deps: ArchiveDeps, syncId: string): Promise<boolean> {
  const record = await deps.sync.recordSync(syncId);
  if (!record) return false;
  const signed = await deps.sync.signedYear(recordKeyOf(record));
  if (!signed) {
    deps.logger.error(
      { syncId, recordVersion: record.recordVersion },
      'approved year missing for a due record',
    );
    return false;
  }
  const fresh =
    record.payloadVersion === record.recordVersion
      ? null
      : JSON.stringify(ministryRecordOf(await signedYearOf(deps, signed), record.acceptedVersion));
  let sent: { payload: string; payloadHash: string; version: number; attempt: number } | null = null;
  await deps.sync.changeRecordSync(syncId, (current) => {
    if (!current || current.recordVersion !== record.recordVersion) return null;
    const started = startAttempt(progressOf(current), deps.now(), deps.attemptLeaseMs);
    if (!started) return null;
    const frozen =
      current.payloadVersion === current.recordVersion && current.payload ? current.payload : fresh;
    if (!frozen) return null;
    const payloadHash =
      current.payloadVersion === current.recordVersion && current.payloadHash
        ? current.payloadHash
        : sha256(frozen);
    sent = { payload: frozen, payloadHash, version: current.recordVersion, attempt: started.attempts };
    return syncChange(deps, current, current, started, {
      payload: frozen,
      payloadVersion: current.recordVersion,
      payloadHash,
    });
  });
  deps.changed();
  const attempt = sent as { payload: string; payloadHash: string; version: number; attempt: number } | null;
  if (!attempt) return false;

  const recordKey = recordKeyOf(record);
  const sentAt = deps.now();
  const exchange = await deps.ministry.submit(recordKey, attempt.payload);
  const answeredAt = deps.now();
  await deps.sync.keepAttempt({
    _id: deps.newId(),
    syncId,
    recordKey,
    attempt: attempt.attempt,
    payloadHash: attempt.payloadHash,
    sentAt,
    durationMs: answeredAt.getTime() - sentAt.getTime(),
    httpStatus: exchange.httpStatus,
    outcome: exchange.answer.kind,
    response: exchange.response,
  });
  if (exchange.answer.kind === 'TRANSIENT') {
    deps.logger.warn(
      { recordKey, attempt: attempt.attempt, reason: exchange.answer.reason.code },
      'ministry sync failed, will retry',
    );
  }
  const retryInMs = backoffMs(attempt.attempt, deps.backoff, deps.random());
  await deps.sync.changeRecordSync(syncId, (current) => {
    const next =
      current && afterAnswer(progressOf(current), attempt.version, exchange.answer, answeredAt, retryInMs);
    return next && current && syncChange(deps, current, current, next);
  });
  deps.changed();
  return true;
}

/** One round of the worker: every record due now, oldest first, one at a time. */
export async function sendDueRecords(deps: ArchiveDeps, batchSize: number): Promise<number> {
  const due = await deps.sync.dueRecordSyncs(deps.now(), batchSize);
  let sent = 0;
  for (const record of due) {
    if (await sendRecord(deps, record._id)) sent += 1;
  }
  return sent;
}
