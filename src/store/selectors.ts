import type { Session } from '../sources/types.js';
import { sessionFields, type SessionRow } from './session-fields.js';
import { makeRowFilter, parseFilter, sortRows } from './filter.js';
import { MatchCache } from './match-cache.js';
import { resolveSelection } from './selection.js';
import type { AppState } from './state.js';
import { poolLookup } from './pools.js';
import { tableRows } from './layout.js';

export function isIdleLike(s: Session): boolean {
  if (s.hidden) return false;
  return s.state === 'idle' || s.state === null;
}

const freeText = (s: SessionRow): (string | null | undefined)[] => [s.database, s.user, s.application, s.client, s.query, s.pool];

/** Sessions with the pool each arrives through; without PgBouncer data the sessions themselves (no copies). */
export function sessionRows(sessions: readonly Session[], poolOf?: (pid: number) => string | null): SessionRow[] {
  if (!poolOf) return sessions as SessionRow[];
  return sessions.map((s) => ({ ...s, pool: poolOf(s.pid) }));
}

/** Whether two rows' free-text fields are the same (see freeText). */
const sameFreeText = (a: SessionRow, b: SessionRow): boolean =>
  a.query === b.query && a.application === b.application && a.database === b.database && a.user === b.user && a.client === b.client && a.pool === b.pool;

const sessionMatches = new MatchCache<SessionRow>(sameFreeText);

/** The sessions the Sessions view lists: idle ones unless shown, filtered, sorted. */
export function visibleSessions(rows: readonly SessionRow[], ui: AppState['sessions']): SessionRow[] {
  const parsed = parseFilter(ui.filterDraft ?? ui.filter, sessionFields);
  const matches = makeRowFilter(parsed, sessionFields, freeText, { cache: sessionMatches, key: (s) => s.pid });
  const kept = rows.filter((s) => (ui.showIdle || !isIdleLike(s)) && (!ui.onlyPooled || (s.pool ?? null) !== null) && matches(s));
  const column = sessionFields.find((c) => c.id === ui.sortColumn) ?? sessionFields[0];
  if (!column) return kept;
  return sortRows(kept, column.sortValue, ui.sortDescending, (s) => s.pid);
}

const pidCache = new WeakMap<readonly SessionRow[], number[]>();

/** The pids of listed rows, computed once per list. */
export function pidsOf(rows: readonly SessionRow[]): number[] {
  let pids = pidCache.get(rows);
  if (!pids) {
    pids = rows.map((r) => r.pid);
    pidCache.set(rows, pids);
  }
  return pids;
}

/** The last result, reused while the same data is listed the same way (a key press, a second caller per frame). */
let listed: { sessions: readonly Session[]; bouncer: unknown; filter: string; sortColumn: string; sortDescending: boolean; showIdle: boolean; onlyPooled: boolean; all: SessionRow[]; rows: SessionRow[] } | undefined;

function listSessions(state: AppState): { all: SessionRow[]; rows: SessionRow[] } {
  const sessions = state.pg.snapshot?.sessions ?? [];
  const bouncer = state.bouncer.snapshot;
  const ui = state.sessions;
  const filter = ui.filterDraft ?? ui.filter;
  const same =
    listed &&
    listed.sessions === sessions &&
    listed.bouncer === bouncer &&
    listed.filter === filter &&
    listed.sortColumn === ui.sortColumn &&
    listed.sortDescending === ui.sortDescending &&
    listed.showIdle === ui.showIdle &&
    listed.onlyPooled === ui.onlyPooled;
  if (same && listed) return listed;
  const all = listed && listed.sessions === sessions && listed.bouncer === bouncer ? listed.all : sessionRows(sessions, bouncer ? poolLookup(bouncer) : undefined);
  const rows = visibleSessions(all, ui);
  listed = { sessions, bouncer, filter, sortColumn: ui.sortColumn, sortDescending: ui.sortDescending, showIdle: ui.showIdle, onlyPooled: ui.onlyPooled, all, rows };
  return listed;
}

export interface SessionsViewModel {
  rows: SessionRow[];
  selection: AppState['sessions']['selection'];
  pageHeight: number;
  hiddenIdle: number;
}

/** What the Sessions view lists and where its cursor is; `height` is the rows the table has. */
export function sessionsViewModel(state: AppState, height: number = tableRows(state, 'sessions')): SessionsViewModel {
  const { all, rows } = listSessions(state);
  const selection = resolveSelection(pidsOf(rows), state.sessions.selection, height);
  let hiddenIdle = 0;
  if (!state.sessions.showIdle) for (const s of all) if (isIdleLike(s)) hiddenIdle++;
  return { rows, selection, pageHeight: height, hiddenIdle };
}
