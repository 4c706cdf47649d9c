/** What one reading reports: nothing when it went well, or how long to wait before trying again. */
export type TickResult = { retryInMs: number } | undefined;

/** Hands a reading's result to the store: at once, or with the rest of its tick's burst (see Clock). */
export type Deliver = (apply: () => void) => void;

/** One source's reading on the shared clock. */
export interface ClockJob {
  /** Every this many ticks, counted from its last reading (1: every tick). Asked at each tick. */
  every: () => number;
  /** Whether its data is wanted now: a job that is not is left out until it is (default: always). */
  wanted?: () => boolean;
  /** Started once the lead's reading of the same tick is in (it reads what the lead brought). */
  afterLead?: boolean;
  /**
   * Reads, and passes what changes the store to `deliver`. 'later' when it could not read yet (nothing to
   * read with): it is tried again on the next tick.
   */
  run: (deliver: Deliver) => Promise<TickResult | 'later'>;
}

export interface ClockOptions {
  /** The reading every tick is timed by (the sessions): the next tick is one interval after its start. */
  lead: ClockJob;
  jobs: ClockJob[];
  /** The interval now (it may change between ticks). */
  intervalMs: () => number;
  /** While true no tick runs; `now()` after it turns false starts again. */
  paused?: () => boolean;
  /** The shortest wait after the lead failed. */
  minRetryMs?: number;
  /** Called each interval while the lead's reading is overdue (the screen's time moves without data). */
  late?: () => void;
}

/** How long a tick's lead waits for the other readings started with it, to hand them to the store together. */
export const GATHER_MS = 50;

/**
 * One timer for every source: each tick runs the lead's reading and, in the same wake-up, every other job
 * whose turn it is, so that a refresh is one burst of work and the monitor sleeps between them. What the
 * readings started with the lead bring is handed to the store in one go once they are all in (or GATHER_MS
 * after the lead's, for one that is slow): one frame a refresh, not one per source. Jobs keep to whole ticks
 * (every fifth, every fifteenth); a job still running when its turn comes runs on the first tick after it
 * ends. The lead's ticks never overlap; after it failed the next comes as soon as its backoff allows (never
 * later than the interval). The next tick's timer is set as a tick starts and left alone while the lead
 * answers in time: a timer cleared and set again would still wake the process when the first was due.
 */
export class Clock {
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt: number | undefined;
  private leadRunning = false;
  /** The next tick's timer came while the lead still ran: the next tick starts as soon as the lead is in. */
  private overdue = false;
  private stopped = true;
  private ticks = 0;
  /** Each job's last reading: its tick, and whether it asked to be tried again on the next. */
  private readonly last = new Map<ClockJob, { tick: number; later: boolean }>();
  private readonly running = new Set<ClockJob>();
  private readonly again = new Set<ClockJob>();

  constructor(
    private readonly options: ClockOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** A tick now with every job's turn come (a resume, a new interval, a detail opened, an action done). */
  now(): void {
    this.last.clear();
    this.tickNow();
  }

  /** A tick now, the other jobs only if their turn has come (the lead's reading depends on the view shown). */
  tickNow(): void {
    // A lead still reading: the tick comes as soon as it is in.
    if (this.leadRunning) this.overdue = true;
    else this.schedule(0);
  }

  /**
   * One job's reading now, outside the ticks (its view was shown), or as soon as the one running ends (it
   * may read less than the view wants); its next turn counts from here.
   */
  soon(job: ClockJob): void {
    if (this.stopped || !(job.wanted?.() ?? true)) return;
    if (this.running.has(job)) this.again.add(job);
    else void this.runJob(job, this.ticks, (apply) => apply());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = undefined;
  }

  /** When the next tick is due (its clock), or undefined when none is set (stopped, paused, waiting on a lead). */
  nextTickAt(): number | undefined {
    return this.overdue ? undefined : this.timerDueAt;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueAt = this.clock() + delayMs;
    this.timer = setTimeout(() => this.fire(), delayMs);
  }

  private fire(): void {
    this.timer = undefined;
    this.timerDueAt = undefined;
    if (!this.leadRunning) return void this.run();
    this.overdue = true;
    this.options.late?.();
    this.schedule(this.options.intervalMs());
  }

  /** Whether a job's turn has come: its cadence is asked now, from what the store holds now. */
  private due(job: ClockJob, tick: number): boolean {
    if (this.running.has(job) || !(job.wanted?.() ?? true)) return false;
    const last = this.last.get(job);
    return !last || tick - last.tick >= (last.later ? 1 : Math.max(1, Math.round(job.every())));
  }

  private async run(): Promise<void> {
    if (this.stopped || this.leadRunning || this.options.paused?.()) return;
    const tick = this.ticks++;
    this.leadRunning = true;
    this.overdue = false;
    this.schedule(this.options.intervalMs());
    const held: (() => void)[] = [];
    let holding = true;
    const deliver: Deliver = (apply) => (holding ? held.push(apply) : apply());
    const lead = this.options.lead.run(deliver);
    const others = this.options.jobs.filter((job) => !job.afterLead && this.due(job, tick)).map((job) => this.runJob(job, tick, deliver));
    let result: TickResult | 'later';
    try {
      result = await lead;
    } catch {
      result = { retryInMs: this.options.intervalMs() };
    } finally {
      this.leadRunning = false;
    }
    await gathered(others, GATHER_MS);
    holding = false;
    for (const apply of held.splice(0)) apply();
    if (this.stopped) return;
    for (const job of this.options.jobs) if (job.afterLead && this.due(job, tick)) void this.runJob(job, tick, (apply) => apply());
    const interval = this.options.intervalMs();
    const retryInMs = typeof result === 'object' ? result.retryInMs : undefined;
    // Otherwise the next tick's timer, set as this one started, stands.
    if (retryInMs !== undefined) this.schedule(Math.min(interval, Math.max(this.options.minRetryMs ?? 200, retryInMs)));
    else if (this.overdue) this.schedule(0);
  }

  private async runJob(job: ClockJob, tick: number, deliver: Deliver): Promise<void> {
    this.running.add(job);
    let later = false;
    try {
      later = (await job.run(deliver)) === 'later';
    } catch {
      // Its turn passes; the next one tries again.
    } finally {
      this.running.delete(job);
    }
    this.last.set(job, { tick, later });
    if (this.again.delete(job)) this.soon(job);
  }
}

/** The whole ticks that make at least `ms` at this interval (never fewer than one). */
export function ticksFor(ms: number, intervalSeconds: number): number {
  return Math.max(1, Math.ceil(ms / (intervalSeconds * 1000) - 1e-9));
}

/** Waits for every promise, or `ms`, whichever comes first (a timer only while one is still out). */
async function gathered(promises: Promise<void>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([Promise.all(promises), limit]);
  } finally {
    clearTimeout(timer);
  }
}
