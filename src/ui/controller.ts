import type { AuditEntry } from '../audit/log.js';
import type { ConnectionSettings } from '../config/types.js';
import type { BouncerActions } from '../actions/bouncer.js';
import type { EffectContext } from '../actions/effect-context.js';
import { runIntent } from '../actions/effects.js';
import { bouncerFeed, healthFeed, postgresFeed, replicationFeed, vacuumFeed } from '../actions/feeds.js';
import type { HealthSource } from '../health/source.js';
import { statementsFeed } from '../actions/statements-feed.js';
import type { StatementsSource } from '../sources/statements/source.js';
import { MaintenanceJobs } from '../actions/maintenance-jobs.js';
import { resolveKey } from '../keymap/router.js';
import type { Poller } from '../sources/poller.js';
import type { PgBouncerSource } from '../sources/pgbouncer.js';
import type { PostgresSource } from '../sources/postgres.js';
import type { AppEvent } from '../store/events.js';
import type { AppState } from '../store/state.js';
import { Store } from '../store/store.js';

export interface BouncerDeps {
  source: PgBouncerSource;
  actions: BouncerActions;
}

export interface ControllerDeps {
  source: PostgresSource;
  bouncer?: BouncerDeps;
  /** The health checks, polled at their slower cadence. */
  health?: HealthSource;
  /** pg_stat_statements for the Statements view, at its own slower cadence. */
  statements?: StatementsSource;
  settings: ConnectionSettings;
  onQuit: () => void;
  /** Shows another target, when pgtop watches several (the fleet decides). */
  switchTarget?: (name: string) => void;
  writeAudit?: (entry: AuditEntry) => string | undefined;
  now?: () => number;
}

const CLOCK_MS = 1000;

/**
 * The wiring of the monitor: the store, a poller per source feeding it, keys resolved to intents and run
 * by the effects, and the Migrations and Backups views' jobs read when their view is entered.
 */
export class Controller {
  private readonly store: Store;
  private readonly pollers: Poller[];
  private readonly jobs: MaintenanceJobs;
  private readonly effects: EffectContext;
  private clockTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribes: (() => void)[] = [];

  constructor(initial: AppState, deps: ControllerDeps) {
    const now = deps.now ?? Date.now;
    this.store = new Store(initial);
    this.jobs = new MaintenanceJobs(deps.settings, this.store.dispatch, now);
    this.pollers = [
      postgresFeed(deps.source, this.store, now),
      replicationFeed(deps.source, this.store, now),
      vacuumFeed(deps.source, this.store, now),
      ...(deps.bouncer ? [bouncerFeed(deps.bouncer.source, this.store, now)] : []),
      ...(deps.health ? [healthFeed(deps.health, this.store, now)] : []),
    ];
    if (deps.statements) {
      const feed = statementsFeed(deps.statements, this.store, now);
      this.pollers.push(feed.poller);
      this.unsubscribes.push(feed.stop);
    }
    this.effects = {
      getState: this.store.getState,
      dispatch: this.store.dispatch,
      settings: deps.settings,
      bouncer: deps.bouncer?.actions,
      jobs: this.jobs,
      writeAudit: deps.writeAudit,
      now,
      quit: deps.onQuit,
      refresh: () => this.pollers.forEach((p) => p.now()),
      switchTarget: deps.switchTarget,
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

  start(): void {
    for (const poller of this.pollers) poller.start();
    // The clock (and the data's age) moves every second; a tick of data that just redrew the screen did it already.
    this.clockTimer = setInterval(() => {
      const now = this.effects.now();
      if (now - this.store.getState().now >= CLOCK_MS - 100) this.dispatch({ type: 'clock', now });
    }, CLOCK_MS);
    this.clockTimer.unref?.();
  }

  stop(): void {
    for (const poller of this.pollers) poller.stop();
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    if (this.clockTimer) clearInterval(this.clockTimer);
  }

  /** Stops polling, aborts running migrations and backups (each cleans up) and waits for them. */
  async shutdown(): Promise<void> {
    this.stop();
    await this.jobs.shutdown();
  }

  /** Fresh data when it is wanted now: a resume, a new interval, a detail opened; a view's files when it is entered. */
  private followChanges(state: AppState, previous: AppState): void {
    if (state.view !== previous.view) {
      if (state.view === 'migrations' && !this.jobs.migrationRunning) void this.jobs.refreshMigrations(state.migrations.dir, state.migrations.alembic?.path);
      if (state.view === 'backups') void this.jobs.refreshBackups(state.backups.dir);
    }
    const resumed = previous.paused && !state.paused;
    const detailOpened = state.detailPid !== undefined && state.detailPid !== previous.detailPid;
    if (resumed || state.intervalSeconds !== previous.intervalSeconds || detailOpened) this.effects.refresh();
  }
}
