import { describeBlocker } from '../../migrate/describe.js';
import { SHOWN, tableRows } from '../../store/layout.js';
import { resolveSelection } from '../../store/selection.js';
import type { AppState, MigrationRun } from '../../store/state.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit } from '../../text/width.js';
import { migrationColumns, type MigrationRow } from '../columns/migration-columns.js';
import { renderTable } from '../components/data-table.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';
import { alembicBody } from './alembic-view.js';

const STATE_STYLE: Partial<Record<MigrationRow['state'], (s: string) => string>> = {
  pending: theme.warn,
  drifted: theme.error,
  missing: theme.error,
  dirty: theme.error,
  'out-of-order': theme.error,
  baseline: theme.dim,
};

function runLines(run: MigrationRun, now: number, width: number): string[] {
  const lines: string[] = [];
  const line = (text: string, style?: (s: string) => string): void => {
    const fitted = fit(` ${text}`, width);
    lines.push(style ? style(fitted) : fitted);
  };
  const elapsed = formatDuration(((run.finished?.at ?? now) - run.startedAt) / 1000);
  if (run.finished) line(`${run.finished.ok ? '✓' : '✗'} ${sanitizeOneLine(run.finished.message)} (${elapsed})`, run.finished.ok ? theme.ok : theme.error);
  else if (run.waitingFor) line(`waiting ${elapsed} for the maintenance lock, held by ${sanitizeOneLine(run.waitingFor)}`, theme.warn);
  else if (run.file) {
    const statement = run.statement ? `  statement ${run.statement.index + 1}/${run.statement.count} (line ${run.statement.line}): ${sanitizeOneLine(run.statement.excerpt)}` : '';
    line(`applying ${run.fileIndex + 1}/${run.fileTotal} ${sanitizeOneLine(run.file)}  elapsed ${elapsed}  retries ${run.retries}${statement}`, theme.heading);
  } else line(`starting… ${elapsed}`);
  for (const blocker of run.blockers.slice(0, SHOWN.runBlockers)) line(`  blocked by ${describeBlocker(blocker)}`, theme.blocked);
  for (const entry of run.log.slice(-SHOWN.runLog)) line(`  ${sanitizeOneLine(entry)}`, theme.dim);
  return lines;
}

/** The Migrations view: every file with its state, the problems that stop `a`, and the run under way. */
export function migrationsBody(state: AppState, height: number): string[] {
  const width = state.terminal.columns;
  const m = state.migrations;
  if (m.alembic) return alembicBody(state, m.alembic, height);
  const top: string[] = [];
  const status = m.status;
  if (status) {
    const counts = new Map<string, number>();
    for (const entry of status.entries) counts.set(entry.state, (counts.get(entry.state) ?? 0) + 1);
    const summary = [...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'no migration files';
    top.push(fit(` ${sanitizeOneLine(status.dir)} → ${sanitizeOneLine(status.target)}: ${summary}${m.loading ? '  (refreshing…)' : ''}`, width));
    for (const refusal of status.refusals.slice(0, SHOWN.refusals)) top.push(theme.error(fit(` ✗ ${sanitizeOneLine(refusal.message)}`, width)));
    for (const ignored of status.ignored.slice(0, SHOWN.ignored)) top.push(theme.dim(fit(` ignored ${sanitizeOneLine(ignored.fileName)}: ${sanitizeOneLine(ignored.reason)}`, width)));
  } else if (m.error) {
    top.push(theme.error(fit(` ${sanitizeOneLine(m.error)}`, width)));
  } else {
    top.push(theme.dim(fit(` reading ${sanitizeOneLine(m.dir)}…`, width)));
  }
  const bottom = m.run ? runLines(m.run, state.now, width) : [];
  const tableHeight = tableRows(state, 'migrations') + 1;
  const rows = status?.entries ?? [];
  const selection = resolveSelection(
    rows.map((r) => r.version),
    m.selection,
    tableHeight - 1,
  );
  const table = renderTable(migrationColumns, rows, {
    width,
    height: tableHeight - 1,
    top: selection.top,
    selectedIndex: rows.length > 0 ? selection.index : undefined,
    colour: (row) => STATE_STYLE[row.state],
  });
  return padLines([...top, ...padLines(table, tableHeight, width), ...bottom], height, width);
}
