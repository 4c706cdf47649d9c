/** What one tick reports: nothing when it went well, or how long to wait before trying again. */
export type TickResult = { retryInMs: number } | undefined;

export interface PollerOptions {
  tick: () => Promise<TickResult>;
  /** The interval now (it may change between ticks). */
  intervalMs: () => number;
  /** While true no tick runs; `now()` after it turns false starts again. */
  paused?: () => boolean;
  /** The shortest wait after a failure. */
  minRetryMs?: number;
}

/**
 * Runs one source's ticks: the first at once, then one per interval counted from the start of the last,
 * after a failure as soon as the source's backoff allows (never later than the interval). Ticks never
 * overlap: a tick asked for while one runs is skipped, not queued.
 */
export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = true;

  constructor(
    private readonly options: PollerOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** A tick now (the data is wanted now: a resume, a new interval, a detail opened, an action done). */
  now(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.running || this.options.paused?.()) return;
    this.running = true;
    const started = this.clock();
    let result: TickResult;
    try {
      result = await this.options.tick();
    } catch {
      result = { retryInMs: this.options.intervalMs() };
    } finally {
      this.running = false;
    }
    const interval = this.options.intervalMs();
    const delay = result ? Math.min(interval, Math.max(this.options.minRetryMs ?? 200, result.retryInMs)) : Math.max(0, interval - (this.clock() - started));
    if (!this.timer) this.schedule(delay);
  }
}
