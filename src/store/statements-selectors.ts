import type { Session } from '../sources/types.js';
import { makeRowFilter, parseFilter, sortRows } from './filter.js';
import { resolveSelection } from './selection.js';
import { statementFields, statementValues, type StatementRow } from './statement-fields.js';
import type { StatementsState } from './statements-state.js';
import type { SelectionState } from './state.js';

const freeText = (r: StatementRow): (string | null | undefined)[] => [r.text, r.rate.entry.database, r.rate.entry.user, r.rate.entry.queryId];

/** Every row in the current mode, before filter and sort. */
export function statementRows(ui: StatementsState): StatementRow[] {
  const rates = ui.rates?.rows ?? [];
  const totalExecMs = rates.reduce((sum, r) => sum + r.entry.counters.totalExecMs, 0);
  return rates.map((rate) => ({ key: rate.entry.key, rate, values: statementValues(rate, ui.mode, totalExecMs), text: ui.texts[rate.entry.key] ?? null }));
}

/** The rows the view lists: filtered like Sessions (text, or column=value), sorted, ties by key. */
export function visibleStatements(ui: StatementsState): StatementRow[] {
  const parsed = parseFilter(ui.filterDraft ?? ui.filter, statementFields);
  const matches = makeRowFilter(parsed, statementFields, freeText);
  const kept = statementRows(ui).filter(matches);
  const field = statementFields.find((f) => f.id === ui.sortColumn) ?? statementFields[0];
  if (!field) return kept;
  const order = new Map(kept.map((r, i) => [r.key, i]));
  return sortRows(kept, field.sortValue, ui.sortDescending, (r) => order.get(r.key) ?? 0);
}

/** True when the filter or the sort needs every text (a text filter, or the query column). */
export function needsAllTexts(ui: StatementsState): boolean {
  const parsed = parseFilter(ui.filterDraft ?? ui.filter, statementFields);
  return parsed.text !== '' || parsed.terms.some((t) => t.columnId === 'query') || ui.sortColumn === 'query';
}

let listed: { ui: StatementsState; rows: StatementRow[] } | undefined;

export interface StatementsViewModel {
  rows: StatementRow[];
  selection: SelectionState;
  pageHeight: number;
}

export function statementsViewModel(ui: StatementsState, height: number): StatementsViewModel {
  const same = listed && listed.ui.rates === ui.rates && listed.ui.texts === ui.texts && listed.ui.mode === ui.mode && listed.ui.filter === ui.filter && listed.ui.filterDraft === ui.filterDraft && listed.ui.sortColumn === ui.sortColumn && listed.ui.sortDescending === ui.sortDescending;
  const rows = same && listed ? listed.rows : visibleStatements(ui);
  listed = { ui, rows };
  const selection = resolveSelection(rows.map((r) => r.key), ui.selection, height);
  return { rows, selection, pageHeight: height };
}

/** The keys whose texts the screen needs now: the visible window and the detail. */
export function keysToShow(ui: StatementsState, height: number): string[] {
  if (needsAllTexts(ui)) return (ui.rates?.rows ?? []).map((r) => r.entry.key);
  const model = statementsViewModel(ui, height);
  const keys = model.rows.slice(model.selection.top, model.selection.top + height).map((r) => r.key);
  if (ui.detailKey) keys.push(ui.detailKey);
  return keys;
}

/** The sessions running a statement now, matched on query id (PostgreSQL 14+ with compute_query_id). */
export function sessionsRunning(sessions: readonly Session[], queryId: string): Session[] {
  return sessions.filter((s) => s.queryId === queryId && s.state !== 'idle');
}

/** The statement a session runs, by its query id, database and role (any role's as a fallback). */
export function statementOfSession(ui: StatementsState, session: Session): string | undefined {
  if (!session.queryId) return undefined;
  const rows = ui.rates?.rows ?? [];
  const same = rows.find((r) => r.entry.queryId === session.queryId && r.entry.database === session.database && r.entry.user === session.user);
  return (same ?? rows.find((r) => r.entry.queryId === session.queryId))?.entry.key;
}
