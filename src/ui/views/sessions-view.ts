import type { AppState } from '../../store/state.js';
import type { SessionsViewModel } from '../../store/selectors.js';
import { fit } from '../../text/width.js';
import type { SessionRow } from '../../store/session-fields.js';
import { sessionColumnsFor, sessionSqlMinWidth } from '../columns/session-columns.js';
import { renderTable } from '../components/data-table.js';
import { theme } from '../theme.js';

/** Everything the body is drawn from: the same inputs draw the same lines. */
function inputsOf(state: AppState, model: SessionsViewModel, height: number): unknown[] {
  const ui = state.sessions;
  return [
    model.rows,
    model.selection.top,
    model.selection.index,
    model.hiddenIdle,
    height,
    state.terminal.columns,
    ui.tagged.join(),
    ui.sortColumn,
    ui.sortDescending,
    Boolean(ui.filter || ui.filterDraft),
    state.bouncer.configured,
    Boolean(state.pg.snapshot),
    Boolean(state.pg.error),
  ];
}

let drawn: { inputs: unknown[]; lines: string[] } | undefined;

/**
 * The Sessions view's body: column titles and the visible window of sessions, `height` lines in all.
 * Other sources' data (replication, statements, the clock) redraw the screen between two ticks of the
 * sessions: the lines of the last body are reused while what they are drawn from is the same.
 */
export function sessionsBody(state: AppState, model: SessionsViewModel, height: number): string[] {
  const inputs = inputsOf(state, model, height);
  if (drawn && drawn.inputs.length === inputs.length && drawn.inputs.every((value, i) => value === inputs[i])) return drawn.lines.slice();
  const lines = drawBody(state, model, height);
  drawn = { inputs, lines: lines.slice() };
  return lines;
}

function drawBody(state: AppState, model: SessionsViewModel, height: number): string[] {
  const width = state.terminal.columns;
  const tagged = new Set(state.sessions.tagged);
  const blockers = new Set<number>();
  for (const row of model.rows) for (const pid of row.blockedBy) blockers.add(pid);
  const lines = renderTable(sessionColumnsFor(state.bouncer.configured), model.rows, {
    width,
    height: height - 1,
    top: model.selection.top,
    selectedIndex: model.rows.length > 0 ? model.selection.index : undefined,
    mark: (row: SessionRow) => (tagged.has(row.pid) ? '*' : ' '),
    colour: (row: SessionRow) => (tagged.has(row.pid) ? theme.tagged : blockers.has(row.pid) ? theme.blocker : row.blockedBy.length > 0 ? theme.blocked : undefined),
    sortColumn: state.sessions.sortColumn,
    sortDescending: state.sessions.sortDescending,
    minFlex: sessionSqlMinWidth(width),
  });
  if (model.rows.length === 0) {
    const why = !state.pg.snapshot
      ? state.pg.error
        ? 'no data: see the error above'
        : 'connecting…'
      : state.sessions.filter || state.sessions.filterDraft
        ? 'no session matches the filter (Esc clears it)'
        : 'no active sessions';
    const idle = model.hiddenIdle > 0 ? ` — ${model.hiddenIdle} idle hidden (i shows them)` : '';
    lines.push(theme.dim(fit(`  ${why}${idle}`, width)));
  }
  return padLines(lines, height, width);
}

export function padLines(lines: string[], height: number, width: number): string[] {
  const out = lines.slice(0, height);
  while (out.length < height) out.push(' '.repeat(width));
  return out;
}
