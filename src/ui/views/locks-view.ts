import type { LockTreeRow } from '../../store/lock-tree.js';
import { tableRows } from '../../store/layout.js';
import { resolveSelection } from '../../store/selection.js';
import type { AppState } from '../../store/state.js';
import { fit } from '../../text/width.js';
import { lockColumns } from '../columns/lock-columns.js';
import { renderTable } from '../components/data-table.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

/** The Locks view's body: the blocking tree, root blockers first with their waiters nested. */
export function locksBody(state: AppState, rows: readonly LockTreeRow[], height: number): string[] {
  const width = state.terminal.columns;
  const selection = resolveSelection(
    rows.map((r) => r.pid),
    state.locks.selection,
    tableRows(state, 'locks'),
  );
  const lines = renderTable(lockColumns, rows, {
    width,
    height: tableRows(state, 'locks'),
    top: selection.top,
    selectedIndex: rows.length > 0 ? selection.index : undefined,
    colour: (row) => (row.depth === 0 ? theme.blocker : theme.blocked),
  });
  if (rows.length === 0) {
    lines.push(theme.dim(fit(state.pg.snapshot ? '  no session is waiting on a lock held by another' : '  connecting…', width)));
  } else if (state.pg.snapshot?.waitingLocks === null) {
    lines.push(theme.dim(fit('  locks waited for: not read at this time (read while this view is shown)', width)));
  }
  return padLines(lines, height, width);
}
