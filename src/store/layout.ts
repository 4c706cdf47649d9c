import { replicationAlerts } from './replication-alerts.js';
import type { AppState, ViewId } from './state.js';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 20;

/** Rows that are not a view's: the header (2), the tabs, the footer, and the last row, never written. */
const SCREEN_CHROME = 5;

/** How many of each kind of line the views show around their tables: the views slice by these. */
export const SHOWN = {
  refusals: 3,
  ignored: 2,
  runBlockers: 3,
  runLog: 3,
  jobTables: 2,
  jobNotices: 2,
} as const;

export const tooSmall = (state: AppState): boolean => state.terminal.columns < MIN_COLUMNS || state.terminal.rows < MIN_ROWS;

/** The lines between the tabs and the footer: what a view has to draw in. */
export function bodyHeight(state: AppState): number {
  const bouncerLine = state.bouncer.configured ? 1 : 0;
  const findingsLine = replicationFindings(state).length > 0 ? 1 : 0;
  return state.terminal.rows - SCREEN_CHROME - bouncerLine - findingsLine;
}

/** Lines of the Migrations view above its table (the status, its problems) and below it (the run). */
export function migrationsChrome(state: AppState): { above: number; below: number } {
  const { status, run } = state.migrations;
  const above = status ? 1 + Math.min(SHOWN.refusals, status.refusals.length) + Math.min(SHOWN.ignored, status.ignored.length) : 1;
  const below = run ? 1 + Math.min(SHOWN.runBlockers, run.blockers.length) + Math.min(SHOWN.runLog, run.log.length) : 0;
  return { above, below };
}

/** The backup job's lines under the Backups view's table. */
export function backupJobLines(state: AppState): number {
  const job = state.backups.job;
  if (!job || job.finished) return 0;
  return 1 + Math.min(SHOWN.jobTables, job.progress.currentTables.length) + Math.min(SHOWN.jobNotices, job.notices.length) + 1;
}

/** Lines of the Health view above its table: when the checks ran, and their counts. */
export const HEALTH_ABOVE = 1;

/** Lines of the Backups view above its table: the directory, and what a logical dump is not. */
export const BACKUPS_ABOVE = 2;

/** The Pools view's notices inside its table: stale data, and PAUSEs still waiting. */
export function poolNotices(state: AppState): number {
  const bouncer = state.bouncer;
  const stale = bouncer.error && (bouncer.snapshot?.pools.length ?? 0) > 0 ? 1 : 0;
  return stale + (bouncer.pendingPauses.length > 0 ? 1 : 0);
}

/** Lines of the Statements view above its table: what the figures are, and what is missing with its fix. */
export function statementsAbove(state: AppState): number {
  const { diagnosis, unavailable } = state.statements;
  return 1 + (diagnosis && !unavailable ? 1 + diagnosis.fix.length : 0);
}

/**
 * How many rows of data a view's table shows: the one number the reducer pages by and the screen draws.
 * Each table has a line of column titles.
 */
export function tableRows(state: AppState, view: ViewId = state.view): number {
  const body = bodyHeight(state);
  switch (view) {
    case 'sessions':
    case 'locks':
      return Math.max(1, body - 1);
    case 'pools':
      return Math.max(1, body - 1 - poolNotices(state));
    case 'migrations': {
      const { above, below } = migrationsChrome(state);
      return Math.max(1, body - above - below - 1);
    }
    case 'backups':
      return Math.max(1, body - BACKUPS_ABOVE - backupJobLines(state) - 1);
    case 'health':
      return Math.max(1, body - HEALTH_ABOVE - 1);
    case 'replication':
    case 'vacuum':
      return Math.max(1, body - 1);
    case 'statements':
      return Math.max(1, body - statementsAbove(state) - 1);
  }
}

/** What in replication and vacuum is wrong now: the header's warning line, when there is any. */
export function replicationFindings(state: AppState): string[] {
  return replicationAlerts(state.replication.snapshot, state.vacuum.snapshot, state.replication.thresholds);
}
