import { ScopeGate } from './scope-gate';

/** Lets every promise callback that is ready run (the gate hands over in microtasks). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A holder that stays inside the gate until the test lets it go, logging when it enters. */
function holder(log: string[], name: string) {
  let leave!: () => void;
  const left = new Promise<void>((resolve) => (leave = resolve));
  return {
    work: async () => {
      log.push(name);
      await left;
      return name;
    },
    leave: () => leave(),
  };
}

describe('ScopeGate', () => {
  it('lets shared holders of one key run together', async () => {
    const gate = new ScopeGate();
    const log: string[] = [];
    const a = holder(log, 'a');
    const b = holder(log, 'b');
    const running = [gate.shared('k', a.work), gate.shared('k', b.work)];
    await settle();
    expect(log).toEqual(['a', 'b']);
    a.leave();
    b.leave();
    expect(await Promise.all(running)).toEqual(['a', 'b']);
    expect(gate.size).toBe(0);
  });

  it('makes an exclusive holder wait until every shared holder has left', async () => {
    const gate = new ScopeGate();
    const log: string[] = [];
    const a = holder(log, 'a');
    const b = holder(log, 'b');
    const x = holder(log, 'x');
    const running = [gate.shared('k', a.work), gate.shared('k', b.work), gate.exclusive('k', x.work)];
    await settle();
    expect(log).toEqual(['a', 'b']);
    a.leave();
    await settle();
    expect(log).toEqual(['a', 'b']);
    b.leave();
    await settle();
    expect(log).toEqual(['a', 'b', 'x']);
    x.leave();
    await Promise.all(running);
    expect(gate.size).toBe(0);
  });

  it('queues new shared holders behind a waiting exclusive one, then lets them in together', async () => {
    const gate = new ScopeGate();
    const log: string[] = [];
    const first = holder(log, 'first');
    const x = holder(log, 'x');
    const late1 = holder(log, 'late1');
    const late2 = holder(log, 'late2');
    const running = [gate.shared('k', first.work), gate.exclusive('k', x.work)];
    await settle();
    running.push(gate.shared('k', late1.work), gate.shared('k', late2.work));
    await settle();
    // Without the queue, late1 and late2 would join `first` and could keep the exclusive out forever.
    expect(log).toEqual(['first']);
    first.leave();
    await settle();
    expect(log).toEqual(['first', 'x']);
    x.leave();
    await settle();
    expect(log).toEqual(['first', 'x', 'late1', 'late2']);
    late1.leave();
    late2.leave();
    await Promise.all(running);
    expect(gate.size).toBe(0);
  });

  it('runs exclusive holders of one key one at a time, in arrival order', async () => {
    const gate = new ScopeGate();
    const log: string[] = [];
    const x = holder(log, 'x');
    const y = holder(log, 'y');
    const s = holder(log, 's');
    const running = [gate.exclusive('k', x.work), gate.shared('k', s.work), gate.exclusive('k', y.work)];
    await settle();
    expect(log).toEqual(['x']);
    x.leave();
    await settle();
    // The shared holder came before y: it goes next, alone, and y waits for it.
    expect(log).toEqual(['x', 's']);
    s.leave();
    await settle();
    expect(log).toEqual(['x', 's', 'y']);
    y.leave();
    await Promise.all(running);
  });

  it('keeps keys independent', async () => {
    const gate = new ScopeGate();
    const log: string[] = [];
    const a = holder(log, 'a-shared');
    const x = holder(log, 'a-exclusive');
    const b = holder(log, 'b-exclusive');
    const running = [gate.shared('a', a.work), gate.exclusive('a', x.work), gate.exclusive('b', b.work)];
    await settle();
    expect(log).toEqual(['a-shared', 'b-exclusive']);
    expect(gate.size).toBe(2);
    b.leave();
    a.leave();
    await settle();
    expect(log).toEqual(['a-shared', 'b-exclusive', 'a-exclusive']);
    x.leave();
    await Promise.all(running);
    expect(gate.size).toBe(0);
  });

  it('releases the gate when a holder throws, and reports the error to that holder only', async () => {
    const gate = new ScopeGate();
    const failingExclusive = gate.exclusive('k', async () => {
      throw new Error('decide failed');
    });
    const afterIt = gate.shared('k', async () => 'written');
    await expect(failingExclusive).rejects.toThrow('decide failed');
    await expect(afterIt).resolves.toBe('written');

    const failingShared = gate.shared('k', () => Promise.reject(new Error('write failed')));
    const exclusiveAfter = gate.exclusive('k', async () => 'locked');
    await expect(failingShared).rejects.toThrow('write failed');
    await expect(exclusiveAfter).resolves.toBe('locked');
    expect(gate.size).toBe(0);
  });
});
