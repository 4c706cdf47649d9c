import { tableRows } from '../../store/layout.js';
import { resolveSelection } from '../../store/selection.js';
import { poolRows } from '../../store/pools.js';
import type { AppState } from '../../store/state.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit } from '../../text/width.js';
import { poolColumns } from '../columns/pool-columns.js';
import { renderTable } from '../components/data-table.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

export const PGBOUNCER_HELP = [
  'No PgBouncer is connected.',
  '',
  'Start pgtop with the admin console of your PgBouncer (the special database "pgbouncer"), e.g.:',
  '    pgtop --pgbouncer postgres://pgbouncer@127.0.0.1:6432/pgbouncer',
  'or set PGTOP_PGBOUNCER to that URI. The user must be in admin_users (actions) or stats_users (watching).',
];

/** The Pools view's body: one row per pool, saturated ones in warning colour. */
export function poolsBody(state: AppState, height: number): string[] {
  const width = state.terminal.columns;
  const bouncer = state.bouncer;
  if (!bouncer.configured) return padLines([' '.repeat(width), ...PGBOUNCER_HELP.map((l) => fit(`  ${l}`, width))], height, width);
  const rows = poolRows(bouncer);
  const selection = resolveSelection(
    rows.map((r) => r.key),
    bouncer.selection,
    tableRows(state, 'pools'),
  );
  const lines = renderTable(poolColumns, rows, {
    width,
    height: tableRows(state, 'pools'),
    top: selection.top,
    selectedIndex: rows.length > 0 ? selection.index : undefined,
    colour: (row) => (row.saturated ? theme.warn : row.disabled || row.paused ? theme.dim : undefined),
    sortColumn: bouncer.sortColumn,
    sortDescending: bouncer.sortDescending,
  });
  if (bouncer.error && rows.length > 0) {
    const age = bouncer.lastGoodAt === undefined ? '' : ` from ${formatDuration((state.now - bouncer.lastGoodAt) / 1000)} ago`;
    lines.splice(1, 0, theme.error(fit(`  stale: data${age} — ${sanitizeOneLine(bouncer.error.message)}`, width)));
  }
  if (rows.length === 0) {
    const why = bouncer.error
      ? `no data from PgBouncer: ${sanitizeOneLine(bouncer.error.message)}`
      : bouncer.snapshot
        ? 'PgBouncer has no pool yet (pools appear when clients connect)'
        : 'connecting to PgBouncer…';
    lines.push(theme.dim(fit(`  ${why}`, width)));
  }
  if (bouncer.pendingPauses.length > 0) {
    lines.push(theme.warn(fit(`  PAUSE waiting for transactions to finish: ${bouncer.pendingPauses.map(sanitizeOneLine).join(', ')} (R resumes and abandons it)`, width)));
  }
  return padLines(lines, height, width);
}

/** The header's PgBouncer line: version, clients, waiting, longest wait, pools and how many saturate. */
export function bouncerHeaderLine(state: AppState): string {
  const width = state.terminal.columns;
  const bouncer = state.bouncer;
  const summary = bouncer.snapshot?.summary;
  if (bouncer.error) {
    const age = bouncer.lastGoodAt === undefined ? 'no data yet' : `data from ${formatDuration((state.now - bouncer.lastGoodAt) / 1000)} ago`;
    return theme.error(fit(` bouncer ⚠ ${age}, retrying — ${sanitizeOneLine(bouncer.error.message)}`, width));
  }
  if (!summary) return theme.dim(fit(` bouncer ${sanitizeOneLine(bouncer.target)}: connecting…`, width));
  const text = fit(
    ` bouncer ${sanitizeOneLine(summary.version.replace(/^PgBouncer\s*/i, ''))}  clients ${summary.totalClients} (waiting ${summary.waitingClients})` +
      `  max wait ${formatDuration(summary.longestWaitSeconds)}  pools ${summary.poolCount} (${summary.saturatedCount} saturated)`,
    width,
  );
  return summary.saturatedCount > 0 ? theme.warn(text) : text;
}
