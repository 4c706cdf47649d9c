import type { StatementsViewModel } from '../../store/statements-selectors.js';
import type { AppState } from '../../store/state.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit } from '../../text/width.js';
import { statementColumns } from '../columns/statement-columns.js';
import { renderTable } from '../components/data-table.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

/** What keeps pg_stat_statements from the view, and the commands that fix it. */
function diagnosisLines(state: AppState, width: number): string[] {
  const diagnosis = state.statements.diagnosis;
  if (!diagnosis) return [];
  return [
    theme.warn(fit(`  ${sanitizeOneLine(diagnosis.message)}`, width)),
    ...diagnosis.fix.map((command) => fit(`      ${sanitizeOneLine(command)}`, width)),
  ];
}

/** One line on what the figures are: rates over which interval or totals since when, resets and evictions. */
function statusLine(state: AppState, width: number): string {
  const ui = state.statements;
  const rates = ui.rates;
  const parts: string[] = [];
  if (ui.mode === 'rates') {
    parts.push(rates?.intervalSeconds ? `rates over the last ${formatDuration(rates.intervalSeconds)}` : 'rates: waiting for a second sample');
  } else {
    parts.push(`totals since ${ui.snapshot?.statsReset ? sanitizeOneLine(ui.snapshot.statsReset.replace('T', ' ').slice(0, 19)) : 'each entry started'}`);
  }
  parts.push(`${rates?.rows.length ?? 0} statements${ui.snapshot?.settings.max ? ` (max ${ui.snapshot.settings.max})` : ''}`);
  if (ui.resetAt) parts.push(`RESET at ${sanitizeOneLine(ui.resetAt.replace('T', ' ').slice(0, 19))}: rates restarted`);
  if (rates?.evicted) parts.push(`${rates.evicted} evicted`);
  if (ui.error) parts.push(`stale — ${sanitizeOneLine(ui.error.message)}`);
  const text = fit(`  ${parts.join('  ·  ')}   t: ${ui.mode === 'rates' ? 'totals' : 'rates'}`, width);
  return ui.resetAt || ui.error ? theme.warn(text) : theme.dim(text);
}

/** The Statements view's body: a status line, then pg_stat_statements as a table. */
export function statementsBody(state: AppState, model: StatementsViewModel, height: number): string[] {
  const width = state.terminal.columns;
  const ui = state.statements;
  if (ui.unavailable) return padLines([' '.repeat(width), ...diagnosisLines(state, width), fit('  The rest of pgtop works without it.', width)], height, width);
  if (!ui.rates) {
    const why = ui.error ? `no data from pg_stat_statements: ${sanitizeOneLine(ui.error.message)}` : 'reading pg_stat_statements…';
    return padLines([theme.dim(fit(`  ${why}`, width))], height, width);
  }
  const notes = diagnosisLines(state, width);
  const top = [statusLine(state, width), ...notes];
  const lines = renderTable(statementColumns(ui.mode), model.rows, {
    width,
    height: height - 1 - top.length,
    top: model.selection.top,
    selectedIndex: model.rows.length > 0 ? model.selection.index : undefined,
    colour: (row) => (row.rate.basis === 'restarted' ? theme.dim : undefined),
    sortColumn: ui.sortColumn,
    sortDescending: ui.sortDescending,
  });
  if (model.rows.length === 0) lines.push(theme.dim(fit(ui.filter || ui.filterDraft ? '  no statement matches the filter (Esc clears it)' : '  no statements yet', width)));
  return padLines([...top, ...lines], height, width);
}
