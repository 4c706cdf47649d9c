import type { AppState } from '../../store/state.js';
import { VIEWS, VIEW_KEYS, VIEW_TITLES } from '../../store/state.js';
import { sessionColumns } from '../columns/session-columns.js';
import { statementColumns } from '../columns/statement-columns.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { theme } from '../theme.js';
import { leftRight, seg, type Segment } from './segments.js';

/** The view tabs, and on the right the filter and sort of the Sessions view. */
export function tabsLine(state: AppState): string {
  const tabs: Segment[] = VIEWS.map((view) =>
    view === state.view ? seg(`[${VIEW_KEYS[view]} ${VIEW_TITLES[view]}]`, theme.activeTab) : seg(` ${VIEW_KEYS[view]} ${VIEW_TITLES[view]} `),
  );
  tabs.unshift(seg(''));
  const right: Segment[] = [];
  if (state.view === 'sessions') {
    const ui = state.sessions;
    if (ui.filterDraft !== undefined) right.push(seg(`filter: ${sanitizeOneLine(ui.filterDraft)}█`, theme.warn));
    else if (ui.filter) right.push(seg(`filter: ${sanitizeOneLine(ui.filter)}`, theme.warn));
    const column = sessionColumns.find((c) => c.id === ui.sortColumn);
    right.push(seg(`sort: ${column?.title.toLowerCase() ?? ui.sortColumn} ${ui.sortDescending ? '▼' : '▲'}`));
    if (ui.tagged.length > 0) right.push(seg(`tagged ${ui.tagged.length}`, theme.tagged));
    right.push(seg(''));
  }
  if (state.view === 'statements') {
    const ui = state.statements;
    if (ui.filterDraft !== undefined) right.push(seg(`filter: ${sanitizeOneLine(ui.filterDraft)}█`, theme.warn));
    else if (ui.filter) right.push(seg(`filter: ${sanitizeOneLine(ui.filter)}`, theme.warn));
    const column = statementColumns(ui.mode).find((c) => c.id === ui.sortColumn);
    right.push(seg(`sort: ${column?.title.toLowerCase() ?? ui.sortColumn} ${ui.sortDescending ? '▼' : '▲'}`));
    right.push(seg(''));
  }
  return leftRight([seg(' '), ...tabs.slice(1)], right, state.terminal.columns);
}
