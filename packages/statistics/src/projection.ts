import type { Logger } from '@hocbaso/service-kit';
import { backoffDelay, sleep } from '@hocbaso/service-kit';
import { countsOf, type Figure } from './cells';
import type { DirtyMarker, PartRef, StatisticsStore } from './store';

/** Marked parts taken at a time: a few classes' worth. */
const BATCH = 200;

export interface StatisticsProjectionOptions {
  store: StatisticsStore;
  /** A part's figures now, read from the service's own records; null when it no longer counts. */
  compute: (ref: PartRef) => Promise<Figure[] | null>;
  logger: Logger;
  /** How long the worker sleeps when nothing is waiting (a mark wakes it). */
  idleMs?: number;
  /**
   * How long marks gather before the worker recomputes them, and between its passes: a burst
   * (a teacher's gradebook is one event per student) costs one recomputation of the class, not
   * one per event. The dashboards lag the records by about this much.
   */
  settleMs?: number;
}

/**
 * Keeps a service's statistics up to date. A change (an event of the service's own, consumed
 * from the broker) only marks the parts it touches; the worker recomputes each marked part from
 * the records and rolls it up. Marks are stored, so nothing is missed across a crash, and many
 * changes of one part in a burst (a whole gradebook) cost one recomputation.
 */
export class StatisticsProjection {
  private running = false;
  private loop: Promise<void> | undefined;
  /** Ends an idle pause: a part was marked. */
  private wake: (() => void) | undefined;
  /** Ends any pause: the worker is stopping. */
  private interrupt: (() => void) | undefined;
  private readonly idleMs: number;
  private readonly settleMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: StatisticsProjectionOptions) {
    this.idleMs = options.idleMs ?? 500;
    this.settleMs = options.settleMs ?? 3_000;
    this.logger = options.logger.child({ component: 'statistics' });
  }

  async markDirty(refs: readonly PartRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.options.store.markDirty(refs);
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** The worker was started and is being stopped (refreshAll, called without a worker, never is). */
  private get stopping(): boolean {
    return this.loop !== undefined && !this.running;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.interrupt?.();
    await this.loop;
  }

  /** Recomputes every part marked so far (tests, and the benchmark's data generator). */
  async refreshAll(): Promise<number> {
    let done = 0;
    for (;;) {
      const batch = await this.options.store.dirty(BATCH);
      if (batch.length === 0) return done;
      await this.refresh(batch);
      done += batch.length;
    }
  }

  /**
   * Recomputes a batch of marked parts, group by group: the parts of a group are read together
   * and written in one group write and one school write (a class's burst costs two writes).
   */
  private async refresh(batch: DirtyMarker[]): Promise<void> {
    const byGroup = new Map<string, DirtyMarker[]>();
    for (const marker of batch) {
      const key = `${marker.ref.schoolId}|${marker.ref.schoolYear}|${marker.ref.group}`;
      byGroup.set(key, [...(byGroup.get(key) ?? []), marker]);
    }
    for (const markers of byGroup.values()) {
      // The worker is stopping: the groups not done keep their marks and are redone after restart.
      if (this.stopping) return;
      const parts = await Promise.all(
        markers.map(async (m) => {
          const figures = await this.options.compute(m.ref);
          return { part: m.ref.part, counts: figures ? countsOf(figures) : null };
        }),
      );
      await this.options.store.setParts(markers[0]!.ref, parts);
      await this.options.store.clearDirty(markers);
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    let backlog = false;
    while (this.running) {
      try {
        // Marks that came meanwhile gather first (during a bulk entry each class was otherwise
        // recomputed after nearly every one of its events: 189 recomputations of 3 classes a minute).
        // Not while working through a backlog: those marks have gathered already.
        if (!backlog) await this.pause(this.settleMs, false);
        if (!this.running) return;
        const batch = await this.options.store.dirty(BATCH);
        backlog = batch.length === BATCH;
        if (batch.length === 0) {
          await this.pause(this.idleMs, true);
          continue;
        }
        await this.refresh(batch);
        failures = 0;
      } catch (error) {
        // The store or a read failed: the marks stay, and the worker tries again later.
        this.logger.warn({ err: (error as Error).message }, 'statistics refresh failed; retrying');
        await sleep(backoffDelay(failures++, { initialMs: 500, maxMs: 10_000 }));
      }
    }
  }

  /** Waits `ms`, or until stop() or (with `byMark`) a new mark ends it. */
  private pause(ms: number, byMark: boolean): Promise<void> {
    if (ms <= 0 || !this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        if (this.interrupt === done) this.interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interrupt = done;
      if (byMark) this.wake = done;
    });
  }
}
