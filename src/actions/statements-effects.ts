import { explainStatement, type PlanRequest } from '../plan/explain.js';
import { describeTarget } from '../config/resolve.js';
import { sanitizeOneLine } from '../text/sanitize.js';
import { truncate } from '../text/width.js';
import { tell, type EffectContext } from './effect-context.js';
import { resetStatements } from './statements-reset.js';
import { tableRows } from '../store/layout.js';
import { statementsViewModel } from '../store/statements-selectors.js';
import type { AppState } from '../store/state.js';

/** Opens the y/N dialog for pg_stat_statements_reset(). */
export function confirmStatementsReset(ctx: EffectContext): void {
  const state = ctx.getState();
  if (state.readOnly) return;
  if (state.statements.unavailable) return tell(ctx, 'pg_stat_statements is not available here: nothing to reset');
  ctx.dispatch({ type: 'dialog-open', dialog: { kind: 'statements-reset', target: describeTarget(ctx.settings) } });
}

export async function runStatementsReset(ctx: EffectContext): Promise<void> {
  ctx.dispatch({ type: 'busy', text: 'resetting pg_stat_statements…' });
  try {
    const outcome = await resetStatements(ctx.settings, ctx.writeAudit);
    tell(ctx, outcome.message, outcome.result === 'ok' ? 'ok' : 'error');
  } finally {
    ctx.dispatch({ type: 'busy', text: undefined });
    ctx.refresh();
  }
}

/** The statement open in its detail, else the one under the cursor of the list. */
function chosenStatement(state: AppState): string | undefined {
  const ui = state.statements;
  if (ui.detailKey !== undefined) return ui.detailKey;
  const key = statementsViewModel(ui, tableRows(state, 'statements')).selection.key;
  return typeof key === 'string' ? key : undefined;
}

/** The query the plan key explains: the open or selected statement's text, else the open session's. */
function planRequest(ctx: EffectContext): { request: PlanRequest; of: string } | string {
  const state = ctx.getState();
  const ui = state.statements;
  const key = state.view === 'statements' ? chosenStatement(state) : undefined;
  if (state.view === 'statements' && !key) return 'no statement selected';
  if (key) {
    const entry = ui.snapshot?.entries.find((e) => e.key === key);
    const text = ui.texts[key];
    if (!entry || text === undefined) return 'the statement text is not loaded yet';
    if (text === '') return 'the statement has no text any more (evicted): nothing to explain';
    if (!entry.database) return 'the statement belongs to a database that no longer exists';
    return { request: { text, origin: 'statements', database: entry.database }, of: `statement ${entry.queryId}: ${truncate(sanitizeOneLine(text), 60)}` };
  }
  const session = state.pg.snapshot?.sessions.find((s) => s.pid === state.detailPid);
  if (!session) return 'open a session or a statement (Enter) to see its plan';
  if (session.hidden || !session.query || !session.database) return `session ${session.pid}'s query is not visible to pgtop's role`;
  return { request: { text: session.query, origin: 'activity', database: session.database }, of: `session ${session.pid}: ${truncate(sanitizeOneLine(session.query), 60)}` };
}

/** EXPLAIN (never ANALYZE) of the open statement or session, on a read-only connection of its own. */
export async function showPlan(ctx: EffectContext): Promise<void> {
  const wanted = planRequest(ctx);
  if (typeof wanted === 'string') return tell(ctx, wanted);
  ctx.dispatch({ type: 'plan-open', of: wanted.of });
  const result = await explainStatement(ctx.settings, wanted.request);
  ctx.dispatch({ type: 'plan-result', result });
}
