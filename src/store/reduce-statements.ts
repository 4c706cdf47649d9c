import type { StateCommand } from './commands.js';
import type { AppEvent } from './events.js';
import { MOVES_BY_COMMAND, moveSelection, type Movement } from './selection.js';
import { computeStatementRates } from './statement-rates.js';
import { statementFields } from './statement-fields.js';
import { statementOfSession, statementsViewModel } from './statements-selectors.js';
import { lockTreeRows } from './lock-tree.js';
import { sessionsViewModel } from './selectors.js';
import type { StatementsState } from './statements-state.js';
import { tableRows } from './layout.js';
import type { AppState } from './state.js';
import type { Session } from '../sources/types.js';

const withStatements = (state: AppState, change: Partial<StatementsState>): AppState => ({ ...state, statements: { ...state.statements, ...change } });

/** The Statements view's events and commands; undefined for everything else (the main reducer's). */
export function reduceStatements(state: AppState, event: AppEvent): AppState | undefined {
  const ui = state.statements;
  switch (event.type) {
    case 'statements-data': {
      const rates = computeStatementRates(ui.snapshot, event.snapshot);
      const next = withStatements(state, { snapshot: event.snapshot, rates, diagnosis: event.diagnosis, unavailable: false, lastGoodAt: event.at, error: undefined, resetAt: rates.resetAt ?? ui.resetAt });
      return ui.jumpFrom === undefined ? next : landJump(next, ui.jumpFrom);
    }
    case 'statements-unavailable':
      return withStatements(state, { snapshot: undefined, rates: undefined, diagnosis: event.diagnosis, unavailable: true, lastGoodAt: event.at, error: undefined, jumpFrom: undefined });
    case 'statements-error':
      return withStatements(state, { error: { message: event.message, since: ui.error?.since ?? event.at, retryInMs: event.retryInMs } });
    case 'statements-texts':
      return withStatements(state, { texts: { ...ui.texts, ...event.texts } });
    case 'plan-open':
      return { ...state, plan: { of: event.of, result: undefined } };
    case 'plan-result':
      return state.plan ? { ...state, plan: { ...state.plan, result: event.result } } : state;
    case 'filter-draft':
      return state.view === 'statements' ? withStatements(state, { filterDraft: event.text }) : undefined;
    case 'filter-apply':
      return state.view === 'statements' ? withStatements(state, { filter: event.text, filterDraft: undefined }) : undefined;
    case 'command':
      return reduceStatementsCommand(state, event.command);
    default:
      return undefined;
  }
}

function reduceStatementsCommand(state: AppState, command: StateCommand): AppState | undefined {
  const ui = state.statements;
  if (command === 'filter.clear' && state.plan) return { ...state, plan: undefined };
  if (command === 'statement.ofSession') return jumpFromSession(state);
  if (state.view !== 'statements') return undefined;
  const height = tableRows(state, 'statements');
  const movement = MOVES_BY_COMMAND[command];
  if (movement !== undefined) {
    if (ui.detailKey !== undefined) return withStatements(state, { detailScroll: scrolled(ui.detailScroll, movement, height) });
    const model = statementsViewModel(ui, height);
    return withStatements(state, { selection: moveSelection(model.rows.map((r) => r.key), model.selection, movement, height) });
  }
  switch (command) {
    case 'statements.mode':
      return withStatements(state, { mode: ui.mode === 'rates' ? 'totals' : 'rates' });
    case 'filter.open':
      return withStatements(state, { filterDraft: ui.filter });
    case 'filter.clear':
      return ui.detailKey !== undefined ? withStatements(state, { detailKey: undefined }) : withStatements(state, { filter: '', filterDraft: undefined });
    case 'sort.left':
    case 'sort.right': {
      const ids = statementFields.map((f) => f.id);
      const at = ids.indexOf(ui.sortColumn);
      return withStatements(state, { sortColumn: ids[(at + (command === 'sort.right' ? 1 : ids.length - 1)) % ids.length] ?? 'time' });
    }
    case 'sort.reverse':
      return withStatements(state, { sortDescending: !ui.sortDescending });
    case 'detail.open': {
      const key = statementsViewModel(ui, height).selection.key;
      return typeof key === 'string' ? withStatements(state, { detailKey: key, detailScroll: 0 }) : state;
    }
    default:
      return undefined;
  }
}

function scrolled(top: number, movement: Movement, page: number): number {
  if (movement === 'home') return 0;
  if (movement === 'end') return Number.MAX_SAFE_INTEGER;
  const step = movement === 'pageUp' ? -page : movement === 'pageDown' ? page : movement;
  return Math.max(0, Math.min(top, Number.MAX_SAFE_INTEGER - page) + step);
}

/** The session open in a detail, else the one under the cursor of the Sessions or Locks view. */
function chosenPid(state: AppState): number | undefined {
  if (state.detailPid !== undefined) return state.detailPid;
  if (state.view === 'sessions') {
    const key = sessionsViewModel(state).selection.key;
    return typeof key === 'number' ? key : undefined;
  }
  const rows = lockTreeRows(state.pg.snapshot);
  const key = state.locks.selection.key;
  return typeof key === 'number' ? key : rows[Math.min(state.locks.selection.index, rows.length - 1)]?.pid;
}

/** From a session (its detail, or the selected row) to its statement's detail in the Statements view, matched on query id. */
function jumpFromSession(state: AppState): AppState {
  const pid = chosenPid(state);
  const session = state.pg.snapshot?.sessions.find((s) => s.pid === pid);
  if (!session) return { ...state, message: { text: 'no session selected', tone: 'info', at: state.now } };
  const key = statementOfSession(state.statements, session);
  if (key) return { ...state, view: 'statements', detailPid: undefined, statements: { ...state.statements, detailKey: key, detailScroll: 0, jumpFrom: undefined } };
  const off = state.statements.snapshot?.settings.computeQueryId === 'off';
  // Not in the last fetch, which may be old: the view is shown (and read), and the fetch decides.
  if (session.queryId && !off && !state.statements.unavailable) return { ...state, view: 'statements', detailPid: undefined, statements: { ...state.statements, jumpFrom: session.pid } };
  return { ...state, message: { text: whyNoStatement(state, session), tone: 'info', at: state.now } };
}

/** The fetch that a jump waited for came in: the session's statement's detail, or why there is none. */
function landJump(state: AppState, pid: number): AppState {
  const session = state.pg.snapshot?.sessions.find((s) => s.pid === pid);
  const key = session ? statementOfSession(state.statements, session) : undefined;
  const statements = { ...state.statements, jumpFrom: undefined };
  if (key) return { ...state, statements: { ...statements, detailKey: key, detailScroll: 0 } };
  const text = session ? whyNoStatement(state, session) : `session ${pid} has ended`;
  return { ...state, statements, message: { text, tone: 'info', at: state.now } };
}

function whyNoStatement(state: AppState, session: Session): string {
  const off = state.statements.snapshot?.settings.computeQueryId === 'off';
  return off
    ? 'compute_query_id is off: sessions carry no query id, so pgtop cannot tell which statement a session runs (SET compute_query_id = on, or auto with pg_stat_statements loaded)'
    : !session.queryId
      ? `session ${session.pid} shows no query id (idle, a utility statement, or not yet planned)`
      : `no pg_stat_statements entry for query id ${session.queryId} yet (entries appear when a statement ends)`;
}
