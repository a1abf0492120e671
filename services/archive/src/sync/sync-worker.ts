import type { Logger } from '@hocbaso/service-kit';

/**
 * Runs a round of the Ministry sync every `intervalMs` (and at once when woken), one round at a
 * time. A failing round is logged and the next one runs; stopping waits for the round in flight.
 */
export class SyncWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private again = false;

  constructor(
    private readonly round: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** A record became due (an approval arrived): run a round now rather than at the next tick. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.running || this.stopped) return;
    this.again = false;
    this.running = this.round()
      .then((sent) => {
        if (sent > 0) this.logger.debug({ sent }, 'ministry sync round');
      })
      .catch((error: unknown) =>
        this.logger.error({ err: (error as Error).message }, 'ministry sync round failed'),
      )
      .finally(() => {
        this.running = null;
      });
    await this.running;
    this.schedule(this.again ? 0 : this.intervalMs);
  }
}
