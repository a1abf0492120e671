import { WriteLock } from './write-lock';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteLock', () => {
  it('runs work for one key one at a time, in call order', async () => {
    const lock = new WriteLock();
    const log: string[] = [];
    const slow = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      await tick();
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      lock.run('a', slow('1')),
      lock.run('a', slow('2')),
      lock.run('a', slow('3')),
    ]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(lock.size).toBe(0);
  });

  it('lets different keys run side by side', async () => {
    const lock = new WriteLock();
    const log: string[] = [];
    await Promise.all(
      ['a', 'b'].map((key) =>
        lock.run(key, async () => {
          log.push(`start ${key}`);
          await tick();
          log.push(`end ${key}`);
        }),
      ),
    );
    expect(log).toEqual(['start a', 'start b', 'end a', 'end b']);
  });

  it('keeps going after a failure and reports it to its caller only', async () => {
    const lock = new WriteLock();
    const failing = lock.run('a', async () => {
      throw new Error('boom');
    });
    const next = lock.run('a', async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
