import type { AppState, ViewId } from '../../store/state.js';
import { displayWidth } from '../../text/width.js';
import { VIEWS, VIEW_KEYS, VIEW_TITLES } from '../../store/state.js';
import { sessionColumns } from '../columns/session-columns.js';
import { statementColumns } from '../columns/statement-columns.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { theme } from '../theme.js';
import { leftRight, seg, type Segment } from './segments.js';

/** Titles of the views that are not shown, as they shrink on a narrow terminal: full, short, the key alone. */
const SHORT_TITLES: Record<ViewId, string> = {
  sessions: 'Sess',
  locks: 'Locks',
  pools: 'Pools',
  migrations: 'Migr',
  backups: 'Bkup',
  statements: 'Stmt',
  replication: 'Repl',
  vacuum: 'Vac',
  health: 'Health',
};

/** The tabs: the shown view with its full title; the others as wide as the line allows (segments are joined by two spaces). */
function viewTabs(state: AppState, room: number): Segment[] {
  const title = (view: ViewId, level: number): string => (level === 0 ? VIEW_TITLES[view] : level === 1 ? SHORT_TITLES[view] : '');
  for (let level = 0; level <= 2; level++) {
    const tabs = VIEWS.map((view) =>
      view === state.view ? seg(`[${VIEW_KEYS[view]} ${VIEW_TITLES[view]}]`, theme.activeTab) : seg(` ${`${VIEW_KEYS[view]} ${title(view, level)}`.trim()} `),
    );
    const width = tabs.reduce((n, t) => n + displayWidth(t.text) + 2, 1);
    if (width <= room || level === 2) return tabs;
  }
  return [];
}

/** The view tabs, and on the right the filter and sort of the Sessions view. */
export function tabsLine(state: AppState): string {
  const right = rightSegments(state);
  const rightWidth = right.reduce((n, s, i) => n + displayWidth(s.text) + (i ? 2 : 0), 0);
  const tabs = viewTabs(state, state.terminal.columns - rightWidth - 2);
  return leftRight([seg(' '), ...tabs], right, state.terminal.columns);
}

function rightSegments(state: AppState): Segment[] {
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
  return right;
}
