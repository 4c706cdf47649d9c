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

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A server timestamp in the terminal's local time, as the header's clock, with how long ago it was. */
export function localStamp(iso: string, now: number): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return sanitizeOneLine(iso);
  const day = `${at.getFullYear()}-${pad2(at.getMonth() + 1)}-${pad2(at.getDate())}`;
  const ago = Math.max(0, (now - at.getTime()) / 1000);
  return `${day} ${at.toTimeString().slice(0, 8)} (${formatDuration(ago)} ago)`;
}

/** One line on what the figures are: rates over which interval or totals since when, resets and evictions. */
function statusLine(state: AppState, width: number): string {
  const ui = state.statements;
  const rates = ui.rates;
  const parts: string[] = [];
  if (ui.mode === 'rates') {
    parts.push(rates?.intervalSeconds ? `rates over the last ${formatDuration(rates.intervalSeconds)}` : 'rates: waiting for a second sample');
  } else {
    parts.push(ui.snapshot?.statsReset ? `totals since the last reset, ${localStamp(ui.snapshot.statsReset, state.now)}` : 'totals since each entry started counting');
  }
  parts.push(`${rates?.rows.length ?? 0} statements${ui.snapshot?.settings.max ? ` (max ${ui.snapshot.settings.max})` : ''}`);
  // Marked in warning colour over the interval it falls in; its time stays, dim, afterwards.
  const justReset = rates?.resetAt !== null && rates?.resetAt !== undefined;
  if (ui.resetAt) parts.push(`RESET ${localStamp(ui.resetAt, state.now)}${justReset ? ': rates restarted from it' : ''}`);
  if (rates?.evicted) parts.push(`${rates.evicted} evicted`);
  if (ui.error) parts.push(`stale — ${sanitizeOneLine(ui.error.message)}`);
  const text = fit(`  ${parts.join('  ·  ')}   t: ${ui.mode === 'rates' ? 'totals' : 'rates'}`, width);
  return justReset || ui.error ? theme.warn(text) : theme.dim(text);
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
    // The text says which statement a row is: it keeps 40% of the width before figures give way.
    minFlex: Math.max(24, Math.floor(width * 0.4)),
  });
  if (model.rows.length === 0) lines.push(theme.dim(fit(ui.filter || ui.filterDraft ? '  no statement matches the filter (Esc clears it)' : '  no statements yet', width)));
  return padLines([...top, ...lines], height, width);
}
