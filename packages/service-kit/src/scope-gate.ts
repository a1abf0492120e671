/**
 * A readers-writer gate per key, within this process.
 *
 * Writes to a school year's data pass the gate shared (many at once); applying a lock to that
 * school year passes it exclusive, so it waits for every write already in flight and no new write
 * starts until the lock is recorded. A waiting exclusive holder goes first: writes arriving after
 * it queue behind it, so a busy school cannot starve a lock.
 */
export class ScopeGate {
  private readonly states = new Map<string, GateState>();

  shared<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.pass(key, false, work);
  }

  exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.pass(key, true, work);
  }

  /** Keys with a holder or a waiter (for tests and metrics). */
  get size(): number {
    return this.states.size;
  }

  private async pass<T>(key: string, exclusive: boolean, work: () => Promise<T>): Promise<T> {
    await this.acquire(key, exclusive);
    try {
      return await work();
    } finally {
      this.release(key, exclusive);
    }
  }

  private acquire(key: string, exclusive: boolean): Promise<void> {
    let state = this.states.get(key);
    if (!state) {
      state = { readers: 0, writer: false, queue: [] };
      this.states.set(key, state);
    }
    const free = state.queue.length === 0 && !state.writer && (!exclusive || state.readers === 0);
    if (free) {
      if (exclusive) state.writer = true;
      else state.readers++;
      return Promise.resolve();
    }
    return new Promise((resolve) => state.queue.push({ exclusive, resolve }));
  }

  private release(key: string, exclusive: boolean): void {
    const state = this.states.get(key);
    if (!state) return;
    if (exclusive) state.writer = false;
    else state.readers--;
    while (state.queue.length > 0) {
      const next = state.queue[0]!;
      if (next.exclusive) {
        if (state.writer || state.readers > 0) break;
        state.queue.shift();
        state.writer = true;
        next.resolve();
        break;
      }
      if (state.writer) break;
      state.queue.shift();
      state.readers++;
      next.resolve();
    }
    if (!state.writer && state.readers === 0 && state.queue.length === 0) this.states.delete(key);
  }
}

interface GateState {
  readers: number;
  writer: boolean;
  queue: Array<{ exclusive: boolean; resolve: () => void }>;
}
