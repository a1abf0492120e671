import { ERROR_CATALOGUE } from '@hocbaso/errors';
import { testLogger } from '@hocbaso/testkit';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { DatabaseLeases, WriteLock, type LeaseDocument } from '../src';
import { dropAndClose, ownDatabase } from './fixtures';

jest.setTimeout(120_000);

const logger = testLogger('write-lock-leases');
let connection: Connection;
let leases: Collection<LeaseDocument>;
let counters: Collection<{ _id: string; n: number }>;

beforeAll(async () => {
  connection = await ownDatabase('leases', logger);
  leases = connection.db!.collection<LeaseDocument>('write_locks');
  counters = connection.db!.collection<{ _id: string; n: number }>('counters');
});
afterAll(() => dropAndClose(connection));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every repository does under the lock: read the document, decide, write it back by `_id`. */
async function increment(lock: WriteLock, id: string): Promise<void> {
  await lock.run(`counters/${id}`, async () => {
    const current = await counters.findOne({ _id: id });
    await pause(5);
    await counters.updateOne({ _id: id }, { $set: { n: (current?.n ?? 0) + 1 } });
  });
}

/** Two replicas of a service, each incrementing the same counter `times` times. */
async function twoReplicas(id: string, locks: [WriteLock, WriteLock], times: number): Promise<number> {
  await counters.insertOne({ _id: id, n: 0 });
  await Promise.all(
    locks.map(async (lock) => {
      for (let i = 0; i < times; i++) await increment(lock, id);
    }),
  );
  return (await counters.findOne({ _id: id }))!.n;
}

describe('write locks across replicas, on the real store', () => {
  it('loses updates between two replicas when each only serialises its own writes', async () => {
    // Why the leases exist: each process's lock alone lets the other's read-decide-write interleave.
    const n = await twoReplicas('process-only', [new WriteLock(), new WriteLock()], 10);
    expect(n).toBeLessThan(20);
  });

  it('keeps every update of two replicas holding leases in the shared database', async () => {
    const replicas: [WriteLock, WriteLock] = [
      new WriteLock(new DatabaseLeases(leases)),
      new WriteLock(new DatabaseLeases(leases)),
    ];
    expect(await twoReplicas('leased', replicas, 10)).toBe(20);
    // Every lease was let go.
    expect(await leases.countDocuments({ _id: 'counters/leased' })).toBe(0);
  });

  it("takes over the lease of a holder that died once it expires, and never ends another's lease", async () => {
    await leases.insertOne({
      _id: 'dead-holder',
      owner: 'a crashed replica',
      expiresAt: new Date(Date.now() - 1),
    });
    const lock = new WriteLock(new DatabaseLeases(leases));
    let ran = false;
    await lock.run('dead-holder', async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(await leases.countDocuments({ _id: 'dead-holder' })).toBe(0);

    // A lease that is still valid is waited for, then the write fails rather than run beside it.
    await leases.insertOne({
      _id: 'busy',
      owner: 'another replica',
      expiresAt: new Date(Date.now() + 60_000),
    });
    const impatient = new WriteLock(new DatabaseLeases(leases, { waitMs: 300, logger }));
    await expect(impatient.run('busy', async () => 'ran')).rejects.toMatchObject({
      message: ERROR_CATALOGUE.SERVICE_UNAVAILABLE.vi,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(
      logger.lines.some((line) => line.includes('write lock busy') && line.includes('"key":"busy"')),
    ).toBe(true);
    expect(await leases.findOne({ _id: 'busy' })).toMatchObject({ owner: 'another replica' });
  });
});
