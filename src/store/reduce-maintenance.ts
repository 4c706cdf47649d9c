import { describeHolder } from '../db/maintenance-lock.js';
import type { MigrationEvent } from '../migrate/types.js';
import type { AppEvent } from './events.js';
import type { AppState, MigrationRun } from './state.js';

const LOG_LINES = 50;

function newRun(at: number): MigrationRun {
  return { startedAt: at, file: undefined, fileIndex: 0, fileTotal: 0, statement: undefined, retries: 0, blockers: [], waitingFor: undefined, log: [], finished: undefined };
}

const logged = (run: MigrationRun, line: string): string[] => [...run.log, line].slice(-LOG_LINES);

/** Follows a migration run's progress events. */
export function followMigration(run: MigrationRun, event: MigrationEvent): MigrationRun {
  switch (event.type) {
    case 'lock-waiting':
      return { ...run, waitingFor: event.holder ? describeHolder(event.holder) : 'another session' };
    case 'lock-acquired':
      return { ...run, waitingFor: undefined };
    case 'planned':
      return { ...run, fileTotal: event.steps.length, log: logged(run, `plan: ${event.steps.length} file(s)`) };
    case 'file-started':
      return { ...run, file: event.fileName, fileIndex: event.index, fileTotal: event.total, statement: undefined, blockers: [], log: logged(run, `${event.fileName}: started${event.attempt > 1 ? ` (attempt ${event.attempt} of ${event.maxAttempts})` : ''}`) };
    case 'statement-started':
      return { ...run, statement: { line: event.line, index: event.index, count: event.count, excerpt: event.excerpt } };
    case 'blocked':
      return { ...run, blockers: event.blockers };
    case 'retry':
      return { ...run, retries: run.retries + 1, blockers: event.blockers, log: logged(run, `${event.fileName}: ${event.serverMessage}; retry ${event.attempt} of ${event.maxAttempts} in ${event.delayMs} ms`) };
    case 'file-applied':
      return { ...run, blockers: [], statement: undefined, log: logged(run, `${event.fileName}: ${event.direction === 'up' ? 'applied' : 'reverted'} in ${event.durationMs} ms`) };
    case 'file-failed':
      return { ...run, log: logged(run, `${event.failure.fileName}: FAILED${event.failure.line ? ` at line ${event.failure.line}` : ''}: ${event.failure.serverMessage}`) };
    case 'warning':
      return { ...run, log: logged(run, `warning: ${event.message}`) };
    default:
      return run;
  }
}

/** The Migrations and Backups views' part of the reducer; undefined when the event is not theirs. */
export function reduceMaintenance(state: AppState, event: AppEvent): AppState | undefined {
  const m = state.migrations;
  const b = state.backups;
  switch (event.type) {
    case 'dialog-typed':
      return state.dialog && 'typed' in state.dialog ? { ...state, dialog: { ...state.dialog, typed: event.text } } : state;
    case 'migrations-loading':
      return { ...state, migrations: { ...m, loading: true } };
    case 'migrations-loaded':
      return { ...state, migrations: { ...m, loading: false, status: event.status, error: undefined } };
    case 'migrations-failed':
      return { ...state, migrations: { ...m, loading: false, error: event.message } };
    case 'migration-started':
      return { ...state, migrations: { ...m, run: newRun(event.at) } };
    case 'migration-event':
      return m.run ? { ...state, migrations: { ...m, run: followMigration(m.run, event.event) } } : state;
    case 'migration-finished':
      return m.run ? { ...state, migrations: { ...m, run: { ...m.run, blockers: [], waitingFor: undefined, finished: { ok: event.ok, message: event.message, at: event.at } } } } : state;
    case 'backups-loaded':
      return { ...state, backups: { ...b, list: event.list, error: undefined } };
    case 'backups-failed':
      return { ...state, backups: { ...b, error: event.message } };
    case 'backup-event': {
      const notices = b.job?.notices ?? [];
      const notice = event.event.type === 'notice' ? [event.event.message] : [];
      return { ...state, backups: { ...b, job: { progress: event.event.progress, notices: [...notices, ...notice].slice(-5), finished: undefined } } };
    }
    case 'backup-finished':
      return b.job ? { ...state, backups: { ...b, job: { ...b.job, finished: { ok: event.ok, message: event.message, at: event.at } } } } : state;
    case 'verify-started':
      return { ...state, backups: { ...b, verifying: event.file } };
    case 'verify-finished':
      return { ...state, backups: { ...b, verifying: undefined } };
    default:
      return undefined;
  }
}
