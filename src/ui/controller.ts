import type { ConnectionSettings } from '../config/types.js';
import { signalSessions, summarizeOutcomes } from '../actions/signal.js';
import type { AuditEntry } from '../actions/audit.js';
import { commandFor, type CommandId } from '../keymap/bindings.js';
import type { PostgresSource } from '../sources/postgres.js';
import type { AppEvent } from '../store/events.js';
import { reduce, selectedPid, selectedPool } from '../store/reduce.js';
import type { AppState, BouncerTarget, SessionTarget, SignalKind } from '../store/state.js';
import type { PgBouncerSource } from '../sources/pgbouncer.js';
import type { BouncerActions, BouncerDatabaseAction } from '../actions/bouncer.js';
import { clientBehind } from '../store/pools.js';
import { resolveSelection } from '../store/selection.js';
import { MaintenanceJobs } from './maintenance-jobs.js';
import { MIN_COLUMNS, MIN_ROWS } from './screen-lines.js';

const POOL_ACTIONS: Partial<Record<CommandId, BouncerDatabaseAction>> = {
  'pool.pause': 'PAUSE',
  'pool.resume': 'RESUME',
  'pool.reconnect': 'RECONNECT',
  'pool.disable': 'DISABLE',
  'pool.enable': 'ENABLE',
};
import { sanitizeOneLine } from '../text/sanitize.js';
import { truncate } from '../text/width.js';

export interface BouncerDeps {
  source: PgBouncerSource;
  actions: BouncerActions;
}

export interface ControllerDeps {
  source: PostgresSource;
  bouncer?: BouncerDeps;
  settings: ConnectionSettings;
  onQuit: () => void;
  writeAudit?: (entry: AuditEntry) => string | undefined;
  now?: () => number;
}

/**
 * Owns the state outside React: polls the sources (never overlapping: the next tick is scheduled only
 * when the last one ended), routes keys (dialog first, then the filter prompt, then the keymap),
 * and runs actions on their own connections, reporting back as events.
 */
export class Controller {
  private state: AppState;
  private readonly listeners = new Set<() => void>();
  private pollTimer: NodeJS.Timeout | undefined;
  private clockTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;
  private readonly now: () => number;
  private readonly jobs: MaintenanceJobs;

  constructor(
    initial: AppState,
    private readonly deps: ControllerDeps,
  ) {
    this.state = initial;
    this.now = deps.now ?? Date.now;
    this.jobs = new MaintenanceJobs(deps.settings, this.dispatch, this.now);
  }

  getState = (): AppState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch = (event: AppEvent): void => {
    const next = reduce(this.state, event);
    if (next === this.state) return;
    const wasPaused = this.state.paused;
    const oldInterval = this.state.intervalSeconds;
    const oldDetail = this.state.detailPid;
    const oldView = this.state.view;
    this.state = next;
    if (next.view !== oldView) this.enteredView(next.view);
    for (const listener of this.listeners) listener();
    if ((wasPaused && !next.paused) || oldInterval !== next.intervalSeconds || (next.detailPid !== undefined && next.detailPid !== oldDetail)) {
      this.schedule(0);
    }
  };

  private enteredView(view: AppState['view']): void {
    if (view === 'migrations' && !this.jobs.migrationRunning) void this.jobs.refreshMigrations(this.state.migrations.dir);
    if (view === 'backups') void this.jobs.refreshBackups(this.state.backups.dir);
  }

  /** Aborts running migrations and backups (each cleans up) and waits for them. */
  async shutdown(): Promise<void> {
    this.stop();
    await this.jobs.shutdown();
  }

  start(): void {
    this.schedule(0);
    // The clock (and the data's age) moves every second; a tick of data that just redrew the screen did it already.
    this.clockTimer = setInterval(() => {
      const now = this.now();
      if (now - this.state.now >= 900) this.dispatch({ type: 'clock', now });
    }, 1000);
    this.clockTimer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.clockTimer) clearInterval(this.clockTimer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    if (this.stopped || this.polling) return;
    if (this.state.paused) return;
    this.polling = true;
    const started = this.now();
    try {
      // Each source on its own connection, side by side: a stuck PgBouncer never delays PostgreSQL's data.
      const [outcome, bouncerTick] = await Promise.all([
        this.deps.source.tick({ detailPid: this.state.detailPid }),
        this.deps.bouncer?.source.tick(),
      ]);
      if (this.stopped) return;
      if (outcome.kind === 'data') {
        this.dispatch({ type: 'pg-data', snapshot: outcome.data, ownPid: this.deps.source.backendPid, at: this.now() });
      } else if (outcome.kind === 'error') {
        this.dispatch({ type: 'pg-error', message: outcome.error.message, retryInMs: outcome.retryInMs, at: this.now() });
      }
      if (bouncerTick?.status === 'ok') this.dispatch({ type: 'bouncer-data', snapshot: bouncerTick.snapshot, at: this.now() });
      else if (bouncerTick?.status === 'error') this.dispatch({ type: 'bouncer-error', message: bouncerTick.error.message, retryInMs: bouncerTick.error.retryInMs, at: this.now() });
    } finally {
      this.polling = false;
    }
    const interval = this.state.intervalSeconds * 1000;
    const error = this.state.pg.error;
    const delay = error ? Math.min(interval, Math.max(200, error.retryInMs)) : Math.max(0, interval - (this.now() - started));
    this.schedule(delay);
  }

  /** One key press, by canonical name (see keymap/keys.ts). */
  handleKey(name: string, input: string): void {
    const state = this.state;
    if (name === 'ctrl-c') return this.deps.onQuit();
    // Nothing is acted on that the user cannot see: below the minimum size the screen shows only a notice.
    if (state.terminal.columns < MIN_COLUMNS || state.terminal.rows < MIN_ROWS) {
      if (name === 'q') return this.deps.onQuit();
      if (state.dialog) {
        this.dispatch({ type: 'dialog-close' });
        this.info('the terminal is too small to show the dialog: nothing was done');
      }
      return;
    }
    if (state.dialog?.kind === 'signal') {
      const dialog = state.dialog;
      this.dispatch({ type: 'dialog-close' });
      if (name === 'y' || name === 'Y') void this.runSignal(dialog.signal, dialog.targets);
      else this.dispatch({ type: 'message', text: `${dialog.signal} not confirmed: nothing was done`, tone: 'info', at: this.now() });
      return;
    }
    if (state.dialog?.kind === 'bouncer') {
      const command = state.dialog.command;
      this.dispatch({ type: 'dialog-close' });
      if (name === 'y' || name === 'Y') void this.runBouncer(command);
      else this.dispatch({ type: 'message', text: `${command.action} not confirmed: nothing was done`, tone: 'info', at: this.now() });
      return;
    }
    if (state.dialog?.kind === 'migrate') {
      const dialog = state.dialog;
      if (name === 'escape') {
        this.dispatch({ type: 'dialog-close' });
        this.info('apply not confirmed: nothing was done');
      } else if (name === 'enter') {
        this.dispatch({ type: 'dialog-close' });
        if (dialog.typed === dialog.database) this.jobs.startMigration(this.state.migrations.dir, dialog.steps.map((s) => s.version));
        else this.info(`"${dialog.typed}" is not the database name (${dialog.database}): nothing was applied`, 'error');
      } else if (name === 'backspace') this.dispatch({ type: 'dialog-typed', text: dialog.typed.slice(0, -1) });
      else if ([...input].length === 1 && !/\p{C}/u.test(input)) this.dispatch({ type: 'dialog-typed', text: dialog.typed + input });
      return;
    }
    if (state.dialog?.kind === 'backup') {
      this.dispatch({ type: 'dialog-close' });
      if (name === 'y' || name === 'Y') this.jobs.startBackup(this.state.backups.dir);
      else this.info('backup not confirmed: nothing was done');
      return;
    }
    if (state.dialog?.kind === 'help') {
      this.dispatch({ type: 'dialog-close' });
      if (name === 'q') this.deps.onQuit();
      return;
    }
    if (state.sessions.filterDraft !== undefined && state.view === 'sessions') {
      this.dispatch({ type: 'filter-key', key: name, input });
      return;
    }
    if (state.detailPid !== undefined && (name === 'escape' || name === 'enter')) {
      this.dispatch({ type: 'command', command: 'filter.clear' });
      return;
    }
    const command = commandFor(name, state.view, state.readOnly);
    if (command) this.runCommand(command);
  }

  runCommand(command: CommandId): void {
    if (command === 'quit') return this.deps.onQuit();
    if (command === 'session.cancel' || command === 'session.terminate') {
      return this.confirmSignal(command === 'session.cancel' ? 'cancel' : 'terminate');
    }
    const poolAction = POOL_ACTIONS[command];
    if (poolAction) return this.confirmPoolAction(poolAction);
    if (command === 'session.killClient') return this.confirmKillClient();
    if (command === 'migrations.apply' || command === 'backups.start') {
      if (this.state.readOnly) return;
      const outcome = command === 'migrations.apply' ? this.jobs.applyDialog(this.state) : this.jobs.backupDialog(this.state.backups.dir);
      if ('dialog' in outcome) this.dispatch({ type: 'dialog-open', dialog: outcome.dialog });
      else this.info(outcome.message, outcome.error ? 'error' : 'info');
      return;
    }
    if (command === 'backups.cancel') {
      if (!this.jobs.cancelBackup()) this.info('no backup is running');
      return;
    }
    if (command === 'backups.verify') {
      const rows = this.state.backups.list ?? [];
      const picked = rows[resolveSelection(rows.map((r) => r.file), this.state.backups.selection, 1).index];
      if (!picked) return this.info('no dump selected to verify');
      if (this.state.backups.verifying) return this.info(`already verifying ${this.state.backups.verifying}`);
      void this.jobs.verify(this.state.backups.dir, picked.file);
      return;
    }
    this.dispatch({ type: 'command', command });
  }

  private info(text: string, tone: 'info' | 'error' = 'info'): void {
    this.dispatch({ type: 'message', text, tone, at: this.now() });
  }

  private confirmPoolAction(action: BouncerDatabaseAction): void {
    if (this.state.readOnly) return;
    if (!this.deps.bouncer) return this.info('no PgBouncer is connected (start pgtop with --pgbouncer)');
    const pool = selectedPool(this.state);
    if (!pool) return this.info(`no pool selected to ${action}`);
    this.dispatch({ type: 'dialog-open', dialog: { kind: 'bouncer', command: { action, target: pool.database, label: `database ${pool.database}` } } });
  }

  private confirmKillClient(): void {
    if (this.state.readOnly) return;
    const snapshot = this.state.bouncer.snapshot;
    if (!this.deps.bouncer || !snapshot) return this.info('no PgBouncer is connected (start pgtop with --pgbouncer)');
    if (!snapshot.version.hasKillClient) return this.info(`KILL_CLIENT needs PgBouncer 1.24 or newer; this is ${snapshot.version.text}`, 'error');
    const pid = this.state.detailPid ?? selectedPid(this.state);
    const client = pid === undefined ? null : clientBehind(snapshot, pid);
    if (!client || client.id === null) return this.info(`no PgBouncer client is behind session ${pid ?? ''} right now`);
    const label = `client ${client.id} (${client.user}@${client.database} from ${client.addr ?? '?'}, behind pid ${pid})`;
    this.dispatch({ type: 'dialog-open', dialog: { kind: 'bouncer', command: { action: 'KILL_CLIENT', target: String(client.id), label } } });
  }

  private async runBouncer(command: BouncerTarget): Promise<void> {
    const actions = this.deps.bouncer?.actions;
    if (!actions) return;
    const refreshPending = (): void => this.dispatch({ type: 'bouncer-pending', databases: actions.pendingPauses() });
    this.dispatch({ type: 'busy', text: `${command.action} ${command.target}…` });
    const running = actions.run(command.action, command.target);
    // A PAUSE may wait for transactions: show it as pending and free the footer meanwhile.
    setTimeout(() => {
      refreshPending();
      if (this.state.bouncer.pendingPauses.length > 0) this.dispatch({ type: 'busy', text: undefined });
    }, 300).unref?.();
    const result = await running;
    refreshPending();
    this.dispatch({ type: 'busy', text: undefined });
    if (result.ok) this.dispatch({ type: 'message', text: `${command.action} ${command.target}: done`, tone: 'ok', at: this.now() });
    else this.dispatch({ type: 'message', text: result.message, tone: 'error', at: this.now() });
    this.schedule(0);
  }

  /** Opens the y/N dialog pinned to the targets as they are now: tagged sessions, else the selected one. */
  private confirmSignal(signal: SignalKind): void {
    const state = this.state;
    if (state.readOnly) return;
    const sessions = state.pg.snapshot?.sessions ?? [];
    const pids = state.view === 'sessions' && state.sessions.tagged.length > 0 ? state.sessions.tagged : [state.detailPid ?? selectedPid(state)];
    const targets: SessionTarget[] = [];
    for (const pid of pids) {
      const s = sessions.find((x) => x.pid === pid);
      if (!s) continue;
      targets.push({ pid: s.pid, backendStartUs: s.backendStartUs, queryStartUs: s.queryStartUs, user: s.user, database: s.database, queryExcerpt: truncate(sanitizeOneLine(s.hidden ? '<insufficient privilege>' : (s.query ?? '')), 120) });
    }
    if (targets.length === 0) {
      this.dispatch({ type: 'message', text: `no session selected to ${signal}`, tone: 'info', at: this.now() });
      return;
    }
    this.dispatch({ type: 'dialog-open', dialog: { kind: 'signal', signal, targets } });
  }

  private async runSignal(signal: SignalKind, targets: SessionTarget[]): Promise<void> {
    this.dispatch({ type: 'busy', text: `${signal === 'cancel' ? 'cancelling' : 'terminating'} ${targets.map((t) => t.pid).join(', ')}…` });
    try {
      const outcomes = await signalSessions(this.deps.settings, targets, signal, this.deps.writeAudit);
      const summary = summarizeOutcomes(outcomes);
      this.dispatch({ type: 'message', text: summary.text, tone: summary.tone, at: this.now() });
      this.dispatch({ type: 'untag', pids: outcomes.filter((o) => o.result === 'ok' || o.result === 'ended').map((o) => o.pid) });
    } finally {
      this.dispatch({ type: 'busy', text: undefined });
      this.schedule(0);
    }
  }
}
