import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listBackups } from '../backup/files/list.js';
import { runBackupJob } from '../backup/job/backup.js';
import { checkDump } from '../backup/job/check-dump.js';
import type { ConnectionSettings } from '../config/types.js';
import { errorMessage } from '../errors.js';
import { applyMigrations } from '../migrate/apply.js';
import { readMigrationStatus } from '../migrate/status.js';
import { plannedStep } from '../migrate/runner.js';
import type { MigrationRunResult } from '../migrate/types.js';
import type { AppEvent } from '../store/events.js';
import type { AppState, Dialog } from '../store/state.js';
import { describeTarget } from '../config/resolve.js';

type Dispatch = (event: AppEvent) => void;

const missingBackupDir = (dir: string): string => `backup directory ${dir} does not exist: mkdir -m 700 -p ${dir}, or use --backup-dir`;

/** What a migration run's result says in one line. */
export function migrationSummary(result: MigrationRunResult): { ok: boolean; message: string } {
  switch (result.outcome) {
    case 'done':
      return { ok: true, message: `applied ${result.completed.length} migration(s) to ${result.target}` };
    case 'nothing-to-do':
      return { ok: true, message: 'nothing to apply: every migration is applied' };
    case 'dry-run':
      return { ok: true, message: `would apply ${result.planned.length} migration(s)` };
    case 'refused':
      return { ok: false, message: result.refusals[0]?.message ?? 'refused' };
    case 'cancelled':
      return { ok: false, message: `cancelled after ${result.completed.length} file(s); nothing else ran` };
    case 'failed':
      return { ok: false, message: result.failure?.message.split('\n')[0] ?? 'failed' };
  }
}

/**
 * The Migrations and Backups views' work: reading the directories, applying migrations, taking and
 * verifying dumps. Each runs on its own connections (the engines open them), reports through events,
 * and can be aborted when pgtop quits.
 */
export class MaintenanceJobs {
  private migration: { abort: AbortController; done: Promise<void> } | undefined;
  private backup: { abort: AbortController; done: Promise<void> } | undefined;
  private closing = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly dispatch: Dispatch,
    private readonly now: () => number = Date.now,
  ) {}

  get migrationRunning(): boolean {
    return this.migration !== undefined;
  }

  get backupRunning(): boolean {
    return this.backup !== undefined;
  }

  async refreshMigrations(dir: string): Promise<void> {
    if (this.closing) return;
    this.dispatch({ type: 'migrations-loading' });
    try {
      const status = await readMigrationStatus({ settings: this.settings, dir });
      this.dispatch({ type: 'migrations-loaded', status });
    } catch (error) {
      this.dispatch({ type: 'migrations-failed', message: errorMessage(error) });
    }
  }

  /** The confirmation dialog for `a`, or a reason why there is nothing to confirm. */
  applyDialog(state: AppState): { dialog: Dialog } | { message: string; error?: boolean } {
    if (this.migration) return { message: 'a migration run is already under way' };
    const status = state.migrations.status;
    if (!status) return state.migrations.error ? { message: state.migrations.error, error: true } : { message: 'the migrations are still being read' };
    if (status.refusals.length > 0) return { message: `cannot apply: ${status.refusals[0]?.message ?? ''}`, error: true };
    if (status.pending.length === 0) return { message: 'nothing to apply: every migration is applied' };
    return {
      dialog: {
        kind: 'migrate',
        database: this.settings.database,
        target: status.target,
        role: status.role,
        steps: status.pending.map((file) => plannedStep('up', file.version, file.script)),
        typed: '',
      },
    };
  }

  startMigration(dir: string, versions: number[]): void {
    if (this.migration) return;
    const abort = new AbortController();
    this.dispatch({ type: 'migration-started', at: this.now() });
    const done = applyMigrations({
      settings: this.settings,
      dir,
      expectVersions: versions,
      signal: abort.signal,
      onEvent: (event) => this.dispatch({ type: 'migration-event', event, at: this.now() }),
    })
      .then(
        (result) => migrationSummary(result),
        (error: unknown) => ({ ok: false, message: errorMessage(error) }),
      )
      .then(async (summary) => {
        this.dispatch({ type: 'migration-finished', ...summary, at: this.now() });
        this.dispatch({ type: 'message', text: summary.message, tone: summary.ok ? 'ok' : 'error', at: this.now() });
        this.migration = undefined;
        await this.refreshMigrations(dir);
      });
    this.migration = { abort, done };
  }

  async refreshBackups(dir: string): Promise<void> {
    if (this.closing) return;
    try {
      this.dispatch({ type: 'backups-loaded', list: await listBackups(dir) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? missingBackupDir(dir) : errorMessage(error);
      this.dispatch({ type: 'backups-failed', message });
    }
  }

  backupDialog(dir: string): { dialog: Dialog } | { message: string; error?: boolean } {
    if (this.backup) return { message: 'a backup is already running: x cancels it' };
    if (!existsSync(dir)) return { message: missingBackupDir(dir), error: true };
    return { dialog: { kind: 'backup', database: this.settings.database, target: describeTarget(this.settings), dir } };
  }

  startBackup(dir: string): void {
    if (this.backup) return;
    const abort = new AbortController();
    const done = runBackupJob({
      settings: this.settings,
      dir,
      format: 'custom',
      jobs: 1,
      lockWaitTimeoutSec: 30,
      signal: abort.signal,
      onEvent: (event) => this.dispatch({ type: 'backup-event', event }),
    })
      .then(
        (result) => ({ ok: true, message: `backup verified: ${result.path}` }),
        (error: unknown) => ({ ok: false, message: errorMessage(error) }),
      )
      .then(async (summary) => {
        this.dispatch({ type: 'backup-finished', ...summary, at: this.now() });
        this.dispatch({ type: 'message', text: summary.message, tone: summary.ok ? 'ok' : 'error', at: this.now() });
        this.backup = undefined;
        await this.refreshBackups(dir);
      });
    this.backup = { abort, done };
  }

  cancelBackup(): boolean {
    if (!this.backup) return false;
    this.backup.abort.abort();
    return true;
  }

  async verify(dir: string, file: string): Promise<void> {
    this.dispatch({ type: 'verify-started', file });
    try {
      const check = await checkDump({ path: join(dir, file) });
      const ok = check.problems.length === 0;
      const text = ok ? `${file}: verified (sha256 matches, ${check.listEntries ?? 0} entries, read fully)` : `${file}: ${check.problems.join('; ')}`;
      this.dispatch({ type: 'message', text, tone: ok ? 'ok' : 'error', at: this.now() });
    } catch (error) {
      this.dispatch({ type: 'message', text: `${file}: ${errorMessage(error)}`, tone: 'error', at: this.now() });
    } finally {
      this.dispatch({ type: 'verify-finished' });
      await this.refreshBackups(dir);
    }
  }

  /** Stops what runs (a migration stops after cancelling its statement; a backup removes its partial) and waits. */
  async shutdown(): Promise<void> {
    this.closing = true;
    this.migration?.abort.abort();
    this.backup?.abort.abort();
    await Promise.all([this.migration?.done, this.backup?.done]);
  }
}
