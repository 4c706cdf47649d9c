import type { Session } from '../sources/types.js';
import { sessionColumns, type SessionRow } from '../ui/columns/session-columns.js';
import { makeRowFilter, parseFilter, sortRows } from './filter.js';
import { resolveSelection } from './selection.js';
import type { AppState } from './state.js';

/** Rows of chrome around a table: header (2), tabs (1), column titles (1), footer (1), and Ink's last line. */
export const CHROME_ROWS = 6;

export function pageHeight(state: AppState, extraChrome = 0): number {
  const bouncerLine = state.bouncer.configured ? 1 : 0;
  return Math.max(1, state.terminal.rows - CHROME_ROWS - bouncerLine - extraChrome);
}

export function isIdleLike(s: Session): boolean {
  if (s.hidden) return false;
  return s.state === 'idle' || s.state === null;
}

const freeText = (s: SessionRow): string => `${s.database ?? ''} ${s.user ?? ''} ${s.application} ${s.client ?? ''} ${s.query ?? ''} ${s.pool ?? ''}`;

export function sessionRows(sessions: readonly Session[], poolOf: (pid: number) => string | null = () => null): SessionRow[] {
  return sessions.map((s) => ({ ...s, pool: poolOf(s.pid) }));
}

/** The sessions the Sessions view lists: idle ones unless shown, filtered, sorted. */
export function visibleSessions(rows: readonly SessionRow[], ui: AppState['sessions']): SessionRow[] {
  const parsed = parseFilter(ui.filterDraft ?? ui.filter, sessionColumns);
  const matches = makeRowFilter(parsed, sessionColumns, freeText);
  const kept = rows.filter((s) => (ui.showIdle || !isIdleLike(s)) && (!ui.onlyPooled || s.pool !== null) && matches(s));
  const column = sessionColumns.find((c) => c.id === ui.sortColumn) ?? sessionColumns[0];
  if (!column) return kept;
  return sortRows(kept, column.sortValue, ui.sortDescending, (s) => s.pid);
}

export interface SessionsViewModel {
  rows: SessionRow[];
  selection: AppState['sessions']['selection'];
  pageHeight: number;
  hiddenIdle: number;
}

export function sessionsViewModel(state: AppState, poolOf?: (pid: number) => string | null, height: number = pageHeight(state)): SessionsViewModel {
  const all = sessionRows(state.pg.snapshot?.sessions ?? [], poolOf);
  const rows = visibleSessions(all, state.sessions);
  const selection = resolveSelection(
    rows.map((r) => r.pid),
    state.sessions.selection,
    height,
  );
  const hiddenIdle = state.sessions.showIdle ? 0 : all.filter(isIdleLike).length;
  return { rows, selection, pageHeight: height, hiddenIdle };
}
