/**
 * RecordCorrections against the real store (the local FerretDB or mongod): a database of the
 * test's own, the service's WriteLock, no broker (answers are checked in the outbox, where the
 * relay would take them from).
 */
import { randomUUID } from 'node:crypto';
import { AppError, fieldProblem } from '@hocbaso/errors';
import {
  conductCorrectionApplied,
  correctionApplyRequested,
  createEvent,
  EVENT_REGISTRY,
  parseEvent,
  SYSTEM_ACTOR,
  type CorrectionOutcome,
} from '@hocbaso/events';
import { infra, testLogger, uniqueDbName } from '@hocbaso/testkit';
import type { Connection } from 'mongoose';
import { connectMongo } from './mongo';
import {
  correctionRefusalModel,
  RecordCorrections,
  type ApplyCorrection,
  type CorrectionRefusalModel,
  type CorrectionRequest,
} from './record-corrections';
import { recordLockModel, RecordLockRegistry } from './record-locks';
import { WriteLock } from './write-lock';

jest.setTimeout(60_000);

const SOURCE = 'hocbaso/service-kit-test';
const SCHOOL_YEAR = '2025-2026';
const NOW = new Date('2026-06-12T09:30:00.000Z');

let connection: Connection;
let model: CorrectionRefusalModel;
let locks: RecordLockRegistry;
let corrections: RecordCorrections;

beforeAll(async () => {
  connection = await connectMongo({
    uri: infra().mongodbUri,
    dbName: uniqueDbName('record_corrections'),
    logger: testLogger('record-corrections'),
    timeoutMs: 20_000,
  });
  model = correctionRefusalModel(connection);
  const writeLock = new WriteLock();
  locks = new RecordLockRegistry(recordLockModel(connection), writeLock, 'conduct', SOURCE, () => NOW);
  corrections = new RecordCorrections(model, writeLock, locks, 'conduct', SOURCE, () => NOW);
});

afterAll(async () => {
  await connection?.dropDatabase().catch(() => undefined);
  await connection?.close();
});

function request(overrides: Partial<CorrectionRequest> = {}): CorrectionRequest {
  return {
    correctionId: randomUUID(),
    owner: 'conduct',
    schoolId: `school-${randomUUID()}`,
    schoolYear: SCHOOL_YEAR,
    classId: 'class-10A1',
    studentId: 'student-1',
    subjectCode: null,
    changes: [{ field: 'conduct.term1', value: 'KHA' }],
    reason: 'Nhập nhầm mức rèn luyện',
    actor: SYSTEM_ACTOR,
    ...overrides,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** The answers committed with a refusal, parsed as a consumer would parse them. */
async function answers(correctionId: string): Promise<CorrectionOutcome[]> {
  const stored = await model.findById(correctionId).lean().exec();
  return (stored?._outbox ?? []).map((entry) => {
    expect(entry.topic).toBe(conductCorrectionApplied.topic);
    expect(entry.key).toBe('student-1');
    const event = parseEvent(entry.payload, EVENT_REGISTRY);
    expect(event.type).toBe(conductCorrectionApplied.type);
    return event.data as CorrectionOutcome;
  });
}

describe('RecordCorrections (real store)', () => {
  it('builds the APPLIED answer of this owner, keyed by the student', () => {
    const asked = request();
    const entry = corrections.applied(asked, [{ field: 'conduct.term1', before: 'DAT', after: 'KHA' }], NOW);
    expect(entry).toMatchObject({ topic: 'hocbaso.conduct.lock', key: 'student-1' });
    expect(parseEvent(entry.payload, EVENT_REGISTRY)).toMatchObject({
      type: 'vn.hocbaso.conduct.correction.applied',
      source: SOURCE,
      data: {
        correctionId: asked.correctionId,
        owner: 'conduct',
        outcome: 'APPLIED',
        changes: [{ field: 'conduct.term1', before: 'DAT', after: 'KHA' }],
        refusal: null,
        appliedAt: '2026-06-12T09:30:00.000Z',
      },
    });
  });

  it('lets the owner apply, and records nothing of its own then', async () => {
    const asked = request();
    const apply = jest.fn<ReturnType<ApplyCorrection>, Parameters<ApplyCorrection>>(async () => null);
    await corrections.apply(asked, apply);
    expect(apply).toHaveBeenCalledWith(asked);
    expect(await model.exists({ _id: asked.correctionId })).toBeNull();
  });

  it('records a refusal with its REFUSED answer once, and a redelivery does not reach the owner', async () => {
    const asked = request();
    const refusal = { code: 'VALIDATION_FAILED', message: 'Giá trị không hợp lệ.', details: ['x: y'] };
    const apply = jest.fn<ReturnType<ApplyCorrection>, Parameters<ApplyCorrection>>(async () => refusal);
    await corrections.apply(asked, apply);
    await corrections.apply(asked, apply);

    expect(apply).toHaveBeenCalledTimes(1);
    expect(await model.findById(asked.correctionId).lean().exec()).toMatchObject({
      schoolId: asked.schoolId,
      studentId: 'student-1',
      refusal,
      refusedAt: NOW,
      _outboxPending: true,
    });
    expect(await answers(asked.correctionId)).toEqual([
      {
        correctionId: asked.correctionId,
        owner: 'conduct',
        outcome: 'REFUSED',
        changes: [],
        refusal,
        appliedAt: NOW.toISOString(),
      },
    ]);
  });

  it('turns an AppError of the owner into a refusal with its code, message and field problems', async () => {
    const asked = request();
    await corrections.apply(asked, async () => {
      throw new AppError('VALIDATION_FAILED', {
        message: 'Đề nghị chỉnh sửa không hợp lệ.',
        fieldErrors: [fieldProblem('conduct.term1', 'VALIDATION_FAILED', 'mức không hợp lệ')],
      });
    });
    expect((await answers(asked.correctionId))[0]?.refusal).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Đề nghị chỉnh sửa không hợp lệ.',
      details: ['conduct.term1: mức không hợp lệ'],
    });
  });

  it('lets any other error through (the consumer retries), recording nothing', async () => {
    const asked = request();
    await expect(
      corrections.apply(asked, async () => {
        throw new Error('store unavailable');
      }),
    ).rejects.toThrow('store unavailable');
    expect(await model.exists({ _id: asked.correctionId })).toBeNull();
  });

  it('ignores another owner’s request', async () => {
    const asked = request({ owner: 'academics' });
    const apply = jest.fn<ReturnType<ApplyCorrection>, Parameters<ApplyCorrection>>(async () => null);
    await corrections.apply(asked, apply);
    expect(apply).not.toHaveBeenCalled();
  });

  it('applies under a lock in force, and a lock requested meanwhile is decided only after it', async () => {
    const asked = request();
    const windowLock = (lockId: string) => ({
      lockId,
      scope: {
        unit: 'WINDOW' as const,
        schoolId: asked.schoolId,
        schoolYear: SCHOOL_YEAR,
        period: 'YEAR' as const,
        grade: null,
      },
      owners: ['conduct' as const],
      reason: 'WINDOW' as const,
      actor: SYSTEM_ACTOR,
    });
    const log: string[] = [];
    await locks.apply(windowLock(randomUUID()), async () => ({ outcome: 'APPLIED', content: null }));

    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const correcting = corrections.apply(asked, async () => {
      log.push('correction starts');
      await held;
      log.push('correction done');
      return null;
    });
    await settle();
    const locking = locks.apply(windowLock(randomUUID()), async () => {
      log.push('lock decided');
      return { outcome: 'APPLIED', content: null };
    });
    await settle();
    expect(log).toEqual(['correction starts']);
    finish();
    await Promise.all([correcting, locking]);
    expect(log).toEqual(['correction starts', 'correction done', 'lock decided']);
  });

  it('is one consumer handler of correctionApplyRequested that wakes the relay', async () => {
    const asked = request();
    const changed = jest.fn();
    const apply = jest.fn<ReturnType<ApplyCorrection>, Parameters<ApplyCorrection>>(async () => null);
    const handlers = corrections.handlers(apply, changed);
    expect(Object.keys(handlers)).toEqual([correctionApplyRequested.type]);
    const event = createEvent(correctionApplyRequested, {
      source: 'hocbaso/signatures',
      subject: asked.correctionId,
      key: asked.studentId,
      data: asked,
    });
    await handlers[correctionApplyRequested.type]!(event);
    expect(apply).toHaveBeenCalledWith(asked);
    expect(changed).toHaveBeenCalledTimes(1);
  });
});
