import type { AuditEntry } from '../audit/log.js';
import type { ConnectionSettings } from '../config/types.js';
import type { BouncerActions } from '../actions/bouncer.js';
import type { EffectContext } from '../actions/effect-context.js';
import { runIntent } from '../actions/effects.js';
import type { Clock } from '../actions/clock.js';
import { monitorClock, type MonitorClock } from '../actions/monitor-clock.js';
import type { HealthSource } from '../health/source.js';
import type { StatementsSource } from '../sources/statements/source.js';
import { MaintenanceJobs } from '../actions/maintenance-jobs.js';
import { resolveKey } from '../keymap/router.js';
import type { PgBouncerSource } from '../sources/pgbouncer.js';
import type { PostgresSource } from '../sources/postgres.js';
import type { AppEvent } from '../store/events.js';
import type { AppState } from '../store/state.js';
import { Store } from '../store/store.js';
import { RewindControl, replayControl, type TimelineControl } from '../actions/timeline-control.js';
import type { Recording } from '../record/reader.js';
import { MemoryRecording } from '../record/memory.js';
import { FORMAT, type RecordedEvent } from '../record/format.js';
import { RECORDED_TYPES } from '../actions/timeline-player.js';

export interface BouncerDeps {
  source: PgBouncerSource;
  actions: BouncerActions;
}

/** Where what the monitor shows is written as it arrives (pgtop --record). */
export interface RecordTarget {
  append: (event: RecordedEvent) => void;
  /** The chunk being gathered: the texts of the busiest statements are written once in each. */
  chunk: () => number;
}

export interface ControllerDeps {
  /** The server polled; absent for a replay, whose data comes from `replay`. */
  source?: PostgresSource;
  /** A recording shown instead of a server, from `replayAt` (its start when absent). */
  replay?: Recording;
  replayAt?: number;
  /** The minutes of data kept for rewinding (0: none). */
  rewindMinutes?: number;
  record?: RecordTarget;
  bouncer?: BouncerDeps;
  /** The health checks, read at their slower cadence. */
  health?: HealthSource;
  /** pg_stat_statements for the Statements view, at its own slower cadence while the view is shown. */
  statements?: StatementsSource;
  settings: ConnectionSettings;
  onQuit: () => void;
  /** Shows another target, when pgtop watches several (the fleet decides). */
  switchTarget?: (name: string) => void;
  /** A job running on another target that quitting would cancel (the fleet knows). */
  runningElsewhere?: () => string | undefined;
  writeAudit?: (entry: AuditEntry) => string | undefined;
  now?: () => number;
}

const CLOCK_MS = 1000;
const CLOCK_SLACK_MS = 250;

/**
 * The wiring of the monitor: the store, one clock ticking every source that feeds it, keys resolved to
 * intents and run by the effects, and the Migrations and Backups views' jobs read when their view is entered.
 */
export class Controller {
  private readonly store: Store;
  private readonly clock: Clock | undefined;
  private readonly viewJobs: MonitorClock['viewJobs'] = {};
  private readonly jobs: MaintenanceJobs;
  private readonly effects: EffectContext;
  private clockTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly unsubscribes: (() => void)[] = [];
  private readonly timeline: (TimelineControl & { open?: (at: number | undefined) => void }) | undefined;
  private readonly replayAt: number | undefined;

  constructor(initial: AppState, deps: ControllerDeps) {
    const now = deps.now ?? Date.now;
    this.store = new Store(initial);
    this.jobs = new MaintenanceJobs(deps.settings, this.store.dispatch, now);
    if (deps.source) {
      const monitor = monitorClock(this.store, { source: deps.source, bouncer: deps.bouncer?.source, health: deps.health, statements: deps.statements, recordChunk: deps.record?.chunk }, now, () =>
        this.store.dispatch({ type: 'clock', now: now() }),
      );
      this.clock = monitor.clock;
      this.viewJobs = monitor.viewJobs;
      this.unsubscribes.push(monitor.unsubscribe);
    }
    this.replayAt = deps.replayAt;
    this.timeline = this.timelineFor(deps, now);
    this.effects = {
      getState: this.store.getState,
      dispatch: this.store.dispatch,
      settings: deps.settings,
      bouncer: deps.bouncer?.actions,
      jobs: this.jobs,
      writeAudit: deps.writeAudit,
      now,
      quit: deps.onQuit,
      refresh: () => this.clock?.now(),
      switchTarget: deps.switchTarget,
      runningElsewhere: deps.runningElsewhere,
      timeline: this.timeline,
    };
    this.store.subscribe((state, previous) => this.followChanges(state, previous));
  }

  getState = (): AppState => this.store.getState();
  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);
  dispatch = (event: AppEvent): void => this.store.dispatch(event);

  /** One key press, by canonical name (see keymap/keys.ts). */
  handleKey(name: string, input: string): void {
    runIntent(this.effects, resolveKey(this.store.getState(), name, input));
  }

  /** The replay of a recording, or the rewind buffer (fed by a tap that also writes --record's file). */
  private timelineFor(deps: ControllerDeps, now: () => number): (TimelineControl & { open?: (at: number | undefined) => void }) | undefined {
    const apply = this.store.apply;
    if (deps.replay) return replayControl(deps.replay, { getState: this.store.getState, apply, now });
    const minutes = deps.rewindMinutes ?? 0;
    const memory = minutes > 0 ? new MemoryRecording({ format: FORMAT, pgtop: '', createdAt: '', target: '', intervalSeconds: 0 }, minutes * 60_000) : undefined;
    const rewind = new RewindControl(memory, { getState: this.store.getState, apply, now });
    const record = deps.record;
    this.store.setTap((event) => {
      if (record && RECORDED_TYPES.has(event.type)) record.append({ ...event, at: 'at' in event ? event.at : now() } as unknown as RecordedEvent);
      // While rewinding, the live data is kept, not shown; so is the clock.
      if (event.type === 'clock' && this.store.getState().timeline) return 'hold';
      return rewind.keep(event) ? 'hold' : 'pass';
    });
    return rewind;
  }

  start(): void {
    this.stopped = false;
    this.clock?.start();
    this.timeline?.open?.(this.replayAt);
    this.armClock();
  }

  /**
   * The clock on the screen (and the data's age) moves every second: one timer, due a second after the
   * screen's time last moved, so that a tick of data that just moved it leaves nothing to wake up for.
   */
  private armClock(): void {
    if (this.stopped) return;
    if (this.clockTimer) clearTimeout(this.clockTimer);
    const state = this.store.getState();
    // While data flows a tick moves the time itself: a little later than due, the timer is rarely needed.
    const slack = this.clock && !state.paused ? CLOCK_SLACK_MS : 0;
    const wait = Math.max(0, CLOCK_MS + slack - (this.effects.now() - state.now));
    // A tick due by then moves the time itself, and the clock calls `late` if its data does not come.
    const nextTick = state.paused || state.timeline ? undefined : this.clock?.nextTickAt();
    if (nextTick !== undefined && nextTick <= this.effects.now() + wait) return;
    this.clockTimer = setTimeout(() => {
      this.clockTimer = undefined;
      // While rewinding the screen's time is the recording's.
      if (this.store.getState().timeline) return this.armClockIn(CLOCK_MS);
      this.dispatch({ type: 'clock', now: this.effects.now() });
    }, wait);
    this.clockTimer.unref?.();
  }

  private armClockIn(ms: number): void {
    if (this.stopped) return;
    this.clockTimer = setTimeout(() => {
      this.clockTimer = undefined;
      this.armClock();
    }, ms);
    this.clockTimer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    this.clock?.stop();
    this.timeline?.stop();
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    if (this.clockTimer) clearTimeout(this.clockTimer);
  }

  /** Stops polling, aborts running migrations and backups (each cleans up) and waits for them. */
  async shutdown(): Promise<void> {
    this.stop();
    await this.jobs.shutdown();
  }

  /**
   * Fresh data when it is wanted now: a resume, a new interval, a detail opened; a view's files, or its
   * readings, when it is entered (frozen, only a view with nothing of its own to show reads).
   */
  private followChanges(state: AppState, previous: AppState): void {
    if (state.now !== previous.now || state.paused !== previous.paused || state.timeline !== previous.timeline) this.armClock();
    if (state.view !== previous.view && this.clock) {
      if (state.view === 'migrations' && !this.jobs.migrationRunning) void this.jobs.refreshMigrations(state.migrations.dir, state.migrations.alembic?.path);
      if (state.view === 'backups') void this.jobs.refreshBackups(state.backups.dir);
      const job = this.viewJobs[state.view];
      if (job && (!state.paused || !this.hasDataFor(state))) this.clock.soon(job);
    }
    const resumed = previous.paused && !state.paused;
    const detailOpened = state.detailPid !== undefined && state.detailPid !== previous.detailPid;
    if (resumed || state.intervalSeconds !== previous.intervalSeconds || detailOpened) this.effects.refresh();
    // The tick reads the locks waited for only while the Locks view is shown.
    else if (state.view === 'locks' && previous.view !== 'locks' && !state.paused) this.clock?.tickNow();
  }

  private hasDataFor(state: AppState): boolean {
    if (state.view === 'vacuum') return state.vacuum.snapshot !== undefined && !state.vacuum.partial;
    if (state.view === 'statements') return (state.statements.snapshot !== undefined && state.statements.jumpFrom === undefined) || state.statements.unavailable;
    return state.replication.snapshot !== undefined;
  }
}
