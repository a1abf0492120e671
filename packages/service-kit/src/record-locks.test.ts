/**
 * RecordLockRegistry against the real store (the local FerretDB or mongod): a database of the
 * test's own, the service's WriteLock, no broker (the confirmations are checked in the outbox,
 * where the relay would take them from).
 */
import { randomUUID } from 'node:crypto';
import {
  academicsLockConfirmed,
  EVENT_REGISTRY,
  parseEvent,
  SYSTEM_ACTOR,
  type EventData,
  type LockConfirmation,
  type LockScope,
  type lockRequested,
} from '@hocbaso/events';
import { infra, testLogger, uniqueDbName } from '@hocbaso/testkit';
import type { Connection } from 'mongoose';
import { connectMongo } from './mongo';
import {
  periodCovers,
  RecordLockRegistry,
  recordLockModel,
  type LockDecision,
  type RecordLockModel,
} from './record-locks';
import { WriteLock } from './write-lock';

jest.setTimeout(60_000);

const SOURCE = 'hocbaso/service-kit-test';
const SCHOOL_YEAR = '2025-2026';

let connection: Connection;
let model: RecordLockModel;
const NOW = new Date('2026-05-30T08:00:00.000Z');

beforeAll(async () => {
  connection = await connectMongo({
    uri: infra().mongodbUri,
    dbName: uniqueDbName('record_locks'),
    logger: testLogger('record-locks'),
    timeoutMs: 20_000,
  });
  model = recordLockModel(connection);
});

afterAll(async () => {
  await connection?.dropDatabase().catch(() => undefined);
  await connection?.close();
});

const newRegistry = () => new RecordLockRegistry(model, new WriteLock(), 'academics', SOURCE, () => NOW);

function subjectScope(schoolId: string, overrides: Partial<LockScope> = {}): LockScope {
  return {
    unit: 'SUBJECT',
    schoolId,
    schoolYear: SCHOOL_YEAR,
    period: 'TERM_1',
    classId: 'class-10A1',
    subjectCode: 'TOAN',
    ...overrides,
  } as LockScope;
}

function request(scope: LockScope, owners: EventData<typeof lockRequested>['owners'] = ['academics']) {
  return { lockId: randomUUID(), scope, owners, reason: 'SIGNATURE' as const, actor: SYSTEM_ACTOR };
}

/** The confirmations committed with the lock, parsed as a consumer would parse them. */
async function confirmations(lockId: string): Promise<LockConfirmation[]> {
  const stored = await model.findById(lockId).lean().exec();
  return (stored?._outbox ?? []).map((entry) => {
    expect(entry.topic).toBe(academicsLockConfirmed.topic);
    expect(entry.key).toBe(lockId);
    const event = parseEvent(entry.payload, EVENT_REGISTRY);
    expect(event.type).toBe(academicsLockConfirmed.type);
    return event.data as LockConfirmation;
  });
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('periodCovers', () => {
  it('covers the same term, and both terms for a year lock or a year write', () => {
    expect(periodCovers('TERM_1', 'TERM_1')).toBe(true);
    expect(periodCovers('TERM_1', 'TERM_2')).toBe(false);
    expect(periodCovers('TERM_2', 'TERM_1')).toBe(false);
    expect(periodCovers('YEAR', 'TERM_2')).toBe(true);
    expect(periodCovers('TERM_2', 'YEAR')).toBe(true);
  });
});

describe('RecordLockRegistry (real store)', () => {
  it('records an applied lock with its confirmation, and a redelivered request changes nothing', async () => {
    const registry = newRegistry();
    const schoolId = `school-${randomUUID()}`;
    const lock = request(subjectScope(schoolId));
    const content = { classId: 'class-10A1', students: [{ studentId: 's1', average: 7.5 }] };
    const decide = jest.fn(async (): Promise<LockDecision> => ({ outcome: 'APPLIED', content }));

    await registry.apply(lock, decide);
    await registry.apply(lock, decide);

    expect(decide).toHaveBeenCalledTimes(1);
    expect(decide).toHaveBeenCalledWith(lock.scope);
    expect(await model.countDocuments({ _id: lock.lockId })).toBe(1);
    expect(await model.findById(lock.lockId).lean().exec()).toMatchObject({
      state: 'APPLIED',
      scope: lock.scope,
      appliedAt: NOW,
      releasedAt: null,
      _outboxPending: true,
    });
    expect(await confirmations(lock.lockId)).toEqual([
      {
        lockId: lock.lockId,
        owner: 'academics',
        outcome: 'APPLIED',
        content,
        refusal: null,
        confirmedAt: NOW.toISOString(),
      },
    ]);
    expect(await registry.inForce(schoolId, SCHOOL_YEAR)).toEqual([lock.scope]);
  });

  it('ignores a request that does not name this owner', async () => {
    const registry = newRegistry();
    const lock = request(subjectScope(`school-${randomUUID()}`), ['conduct']);
    const decide = jest.fn(async (): Promise<LockDecision> => ({ outcome: 'APPLIED', content: null }));
    await registry.apply(lock, decide);
    expect(decide).not.toHaveBeenCalled();
    expect(await model.exists({ _id: lock.lockId })).toBeNull();
  });

  it('shows a write the locks of its school year once applied, and only those', async () => {
    const registry = newRegistry();
    const schoolId = `school-${randomUUID()}`;
    const seen = () => registry.write(schoolId, SCHOOL_YEAR, async (locks) => locks);
    expect(await seen()).toEqual([]);

    const lock = request(subjectScope(schoolId));
    await registry.apply(lock, async () => ({ outcome: 'APPLIED', content: null }));
    // Another school and another school year of the same school are not concerned.
    const elsewhere = request(subjectScope(`school-${randomUUID()}`));
    await registry.apply(elsewhere, async () => ({ outcome: 'APPLIED', content: null }));
    const nextYear = request(subjectScope(schoolId, { schoolYear: '2026-2027' }));
    await registry.apply(nextYear, async () => ({ outcome: 'APPLIED', content: null }));

    expect(await seen()).toEqual([lock.scope]);
  });

  it('decides only after the write in flight has finished, and holds back writes until the lock is recorded', async () => {
    const registry = newRegistry();
    const schoolId = `school-${randomUUID()}`;
    const log: string[] = [];
    const inFlight = deferred();
    const firstWrite = registry.write(schoolId, SCHOOL_YEAR, async (locks) => {
      log.push(`write 1 sees ${locks.length} lock(s)`);
      await inFlight.promise;
      log.push('write 1 done');
    });
    await settle();

    const lock = request(subjectScope(schoolId));
    const applying = registry.apply(lock, async () => {
      log.push('decide');
      return { outcome: 'APPLIED', content: { read: 'after write 1' } };
    });
    await settle();
    // A write that arrives while the lock waits queues behind it and sees it.
    const secondWrite = registry.write(schoolId, SCHOOL_YEAR, async (locks) => {
      log.push(`write 2 sees ${locks.length} lock(s)`);
    });
    await settle();
    expect(log).toEqual(['write 1 sees 0 lock(s)']);
    expect(await model.exists({ _id: lock.lockId })).toBeNull();

    inFlight.resolve();
    await Promise.all([firstWrite, applying, secondWrite]);
    expect(log).toEqual(['write 1 sees 0 lock(s)', 'write 1 done', 'decide', 'write 2 sees 1 lock(s)']);
  });

  it('does not hold up writes of another school year while deciding', async () => {
    const registry = newRegistry();
    const schoolId = `school-${randomUUID()}`;
    const deciding = deferred();
    const lock = request(subjectScope(schoolId));
    const applying = registry.apply(lock, async () => {
      await deciding.promise;
      return { outcome: 'APPLIED', content: null };
    });
    await settle();
    await expect(
      registry.write(schoolId, '2026-2027', async (locks) => `written with ${locks.length} lock(s)`),
    ).resolves.toBe('written with 0 lock(s)');
    deciding.resolve();
    await applying;
  });

  it('records a refusal with its code and message; a refused lock is not in force', async () => {
    const registry = newRegistry();
    const schoolId = `school-${randomUUID()}`;
    const lock = request(subjectScope(schoolId));
    await registry.apply(lock, async () => ({
      outcome: 'REFUSED',
      code: 'SUBJECT_INCOMPLETE',
      message: 'Môn học chưa nhập đủ điểm.',
      details: ['s2', 's3'],
    }));
    expect(await model.findById(lock.lockId).lean().exec()).toMatchObject({ state: 'REFUSED' });
    expect(await confirmations(lock.lockId)).toEqual([
      {
        lockId: lock.lockId,
        owner: 'academics',
        outcome: 'REFUSED',
        content: null,
        refusal: { code: 'SUBJECT_INCOMPLETE', message: 'Môn học chưa nhập đủ điểm.', details: ['s2', 's3'] },
        confirmedAt: NOW.toISOString(),
      },
    ]);
    expect(await registry.inForce(schoolId, SCHOOL_YEAR)).toEqual([]);
    // Redelivered: still one answer.
    await registry.apply(lock, async () => ({ outcome: 'APPLIED', content: null }));
    expect(await confirmations(lock.lockId)).toHaveLength(1);
  });

  it('leaves no lock and frees the school year when deciding fails', async () => {
    const registry = newRegistry();
    const schoolId = `school-${randomUUID()}`;
    const lock = request(subjectScope(schoolId));
    await expect(
      registry.apply(lock, async () => {
        throw new Error('store unavailable');
      }),
    ).rejects.toThrow('store unavailable');
    expect(await model.exists({ _id: lock.lockId })).toBeNull();
    await expect(registry.write(schoolId, SCHOOL_YEAR, async (locks) => locks)).resolves.toEqual([]);
    // The bus delivers the request again: now it is applied.
    await registry.apply(lock, async () => ({ outcome: 'APPLIED', content: null }));
    expect(await registry.inForce(schoolId, SCHOOL_YEAR)).toEqual([lock.scope]);
  });

  it('releases a lock once, answering RELEASED, after which writes see no lock', async () => {
    const registry = newRegistry();
    const schoolId = `school-${randomUUID()}`;
    const lock = request(subjectScope(schoolId));
    await registry.apply(lock, async () => ({ outcome: 'APPLIED', content: { a: 1 } }));
    const release = { lockId: lock.lockId, scope: lock.scope, owners: lock.owners, actor: SYSTEM_ACTOR };
    await registry.release(release);
    await registry.release(release);

    expect(await model.findById(lock.lockId).lean().exec()).toMatchObject({
      state: 'RELEASED',
      releasedAt: NOW,
    });
    const answers = await confirmations(lock.lockId);
    expect(answers.map((a) => a.outcome)).toEqual(['APPLIED', 'RELEASED']);
    expect(answers[1]).toMatchObject({ content: null, refusal: null });
    expect(await registry.write(schoolId, SCHOOL_YEAR, async (locks) => locks)).toEqual([]);
  });

  it('remembers a release that arrives before its request, so the late request does not lock', async () => {
    const registry = newRegistry();
    const schoolId = `school-${randomUUID()}`;
    const lock = request(subjectScope(schoolId));
    await registry.release({
      lockId: lock.lockId,
      scope: lock.scope,
      owners: lock.owners,
      actor: SYSTEM_ACTOR,
    });
    const decide = jest.fn(async (): Promise<LockDecision> => ({ outcome: 'APPLIED', content: null }));
    await registry.apply(lock, decide);
    expect(decide).not.toHaveBeenCalled();
    expect(await registry.inForce(schoolId, SCHOOL_YEAR)).toEqual([]);
    expect((await confirmations(lock.lockId)).map((a) => a.outcome)).toEqual(['RELEASED']);
  });

  it('keeps the scope of a whole-school window (grade null) as given', async () => {
    const registry = newRegistry();
    const schoolId = `school-${randomUUID()}`;
    const window: LockScope = {
      unit: 'WINDOW',
      schoolId,
      schoolYear: SCHOOL_YEAR,
      period: 'YEAR',
      grade: null,
    };
    await registry.apply(request(window), async () => ({ outcome: 'APPLIED', content: null }));
    expect(await registry.inForce(schoolId, SCHOOL_YEAR)).toEqual([window]);
  });
});
