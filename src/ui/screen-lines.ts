import { lockTreeRows } from '../store/lock-tree.js';
import { sessionsViewModel } from '../store/selectors.js';
import type { AppState } from '../store/state.js';
import { footerLine } from './components/footer.js';
import { headerLines } from './components/header.js';
import { tabsLine } from './components/tabs.js';
import { detailBody } from './views/detail-view.js';
import { withDialog } from './views/dialogs.js';
import { locksBody } from './views/locks-view.js';
import { sessionsBody } from './views/sessions-view.js';
import { bouncerHeaderLine, poolsBody } from './views/pools-view.js';
import { migrationsBody } from './views/migrations-view.js';
import { backupsBody } from './views/backups-view.js';
import { clientBehind, poolLookup } from '../store/pools.js';
import { sanitizeOneLine } from '../text/sanitize.js';
import { MIN_COLUMNS, MIN_ROWS, bodyHeight, tooSmall } from '../store/layout.js';

/** The PgBouncer client behind a session, for its detail. */
function bouncerDetail(state: AppState, pid: number): string[] {
  if (!state.bouncer.snapshot) return [];
  const pool = poolLookup(state.bouncer.snapshot)(pid);
  if (!pool) return ['pgbouncer: not through the connected PgBouncer'];
  const client = clientBehind(state.bouncer.snapshot, pid);
  const who = client
    ? `client ${sanitizeOneLine(client.addr ?? '?')}:${client.port ?? '?'} app ${sanitizeOneLine(client.applicationName ?? '')} state ${sanitizeOneLine(client.state)}${client.id !== null ? ` id ${client.id}` : ''}`
    : 'no client linked right now (server idle in the pool)';
  return [`pgbouncer: pool ${sanitizeOneLine(pool)}  ${who}`];
}

/**
 * The whole screen as lines: one line fewer than the terminal has rows (the last row is never written, so
 * nothing can make the terminal scroll), each exactly as wide as the terminal.
 */
export function screenLines(state: AppState): string[] {
  const { columns, rows } = state.terminal;
  if (tooSmall(state)) {
    const text = `terminal too small: ${columns}×${rows}; pgtop needs at least ${MIN_COLUMNS}×${MIN_ROWS}. Enlarge the window, or press q to quit.`;
    const width = Math.max(1, columns);
    const lines: string[] = [];
    for (let i = 0; i < text.length && lines.length < Math.max(1, rows - 1); i += width) lines.push(text.slice(i, i + width));
    return lines;
  }
  const header = [...headerLines(state), ...(state.bouncer.configured ? [bouncerHeaderLine(state)] : [])];
  const top = [...header, tabsLine(state)];
  const height = bodyHeight(state);
  const body = withDialog(state, bodyFor(state, height), state.dialog);
  return [...top, ...body, footerLine(state)];
}

function bodyFor(state: AppState, height: number): string[] {
  if (state.detailPid !== undefined && (state.view === 'sessions' || state.view === 'locks')) {
    return detailBody(state, height, (session) => bouncerDetail(state, session.pid));
  }
  switch (state.view) {
    case 'sessions':
      return sessionsBody(state, sessionsViewModel(state), height);
    case 'pools':
      return poolsBody(state, height);
    case 'migrations':
      return migrationsBody(state, height);
    case 'backups':
      return backupsBody(state, height);
    case 'locks':
      return locksBody(state, lockTreeRows(state.pg.snapshot), height);
  }
}
