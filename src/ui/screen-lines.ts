import { lockTreeRows } from '../store/lock-tree.js';
import { sessionsViewModel } from '../store/selectors.js';
import type { AppState } from '../store/state.js';
import { footerLine } from './components/footer.js';
import { headerLines } from './components/header.js';
import { pickerLine, targetLines } from './components/target-lines.js';
import { tabsLine } from './components/tabs.js';
import { detailBody } from './views/detail-view.js';
import { withDialog } from './views/dialogs.js';
import { locksBody } from './views/locks-view.js';
import { sessionsBody } from './views/sessions-view.js';
import { bouncerHeaderLine, poolsBody } from './views/pools-view.js';
import { migrationsBody } from './views/migrations-view.js';
import { backupsBody } from './views/backups-view.js';
import { notRecordedBody } from './views/not-recorded.js';
import { healthBody } from './views/health-view.js';
import { clientBehind, poolLookup } from '../store/pools.js';
import { sanitizeOneLine } from '../text/sanitize.js';
import { MIN_COLUMNS, MIN_ROWS, bodyHeight, replicationFindings, tableRows, tooSmall } from '../store/layout.js';
import { replicationLines } from './views/replication-lines.js';
import { vacuumLines } from './views/vacuum-lines.js';
import { padLines } from './views/sessions-view.js';
import { theme } from './theme.js';
import { fit } from '../text/width.js';
import { resolveSelection } from '../store/selection.js';
import { timelineMode } from '../store/timeline.js';
import { planBody, statementDetailBody } from './views/statement-detail-view.js';
import { statementsBody } from './views/statements-view.js';
import { statementsViewModel } from '../store/statements-selectors.js';

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
  const findings = replicationFindings(state);
  const header = [
    ...headerLines(state),
    ...targetLines(state),
    ...(state.bouncer.configured ? [bouncerHeaderLine(state)] : []),
    ...(findings.length > 0 ? [theme.warn(fit(` ⚠ ${sanitizeOneLine(findings.join(' · '))}`, columns))] : []),
  ];
  const top = [...header, tabsLine(state)];
  const height = bodyHeight(state);
  const body = withDialog(state, bodyFor(state, height), state.dialog);
  return [...top, ...body, state.targets.pickerDraft !== undefined ? pickerLine(state) : footerLine(state)];
}

function bodyFor(state: AppState, height: number): string[] {
  if (state.plan) return planBody(state, height);
  if (state.detailPid !== undefined && (state.view === 'sessions' || state.view === 'locks')) {
    return detailBody(state, height, (session) => bouncerDetail(state, session.pid));
  }
  switch (state.view) {
    case 'sessions':
      return sessionsBody(state, sessionsViewModel(state), height);
    case 'pools':
      return poolsBody(state, height);
    case 'migrations':
      return timelineMode(state) === 'replay' ? notRecordedBody(state, 'migrations', height) : migrationsBody(state, height);
    case 'backups':
      return timelineMode(state) === 'replay' ? notRecordedBody(state, 'backups', height) : backupsBody(state, height);
    case 'health':
      return healthBody(state, height);
    case 'locks':
      return locksBody(state, lockTreeRows(state.pg.snapshot), height);
    case 'statements':
      if (state.statements.detailKey !== undefined) return statementDetailBody(state, height);
      return statementsBody(state, statementsViewModel(state.statements, tableRows(state, 'statements')), height);
    case 'replication':
      return replicationBody(state, height);
    case 'vacuum':
      return vacuumBody(state, height);
  }
}

function replicationBody(state: AppState, height: number): string[] {
  const r = state.replication;
  const slots = (r.snapshot?.slots ?? []).map((s) => s.name);
  const selected = slots.length > 0 ? resolveSelection(slots, r.selection, tableRows(state, 'replication')).index : undefined;
  const history = new Map(Object.entries(r.replayLagHistory));
  const lines = replicationLines({ data: r.snapshot, walBytesPerSecond: r.walBytesPerSecond, replayLagHistory: history, selectedSlot: selected, error: r.error, width: state.terminal.columns });
  return padLines(lines, height, state.terminal.columns);
}

function vacuumBody(state: AppState, height: number): string[] {
  const v = state.vacuum;
  const holders = (v.snapshot?.horizon ?? []).map((h) => `${h.kind}:${h.id}`);
  const selected = holders.length > 0 ? resolveSelection(holders, v.selection, tableRows(state, 'vacuum')).index : undefined;
  const lines = vacuumLines({ data: v.partial ? undefined : v.snapshot, selectedHolder: selected, error: v.error, width: state.terminal.columns, nowMs: state.now });
  return padLines(lines, height, state.terminal.columns);
}
