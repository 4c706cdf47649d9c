import type { ListedBackup } from '../../backup/files/list.js';
import { SHOWN, tableRows } from '../../store/layout.js';
import { resolveSelection } from '../../store/selection.js';
import type { AppState } from '../../store/state.js';
import { formatBytes } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit } from '../../text/width.js';
import { renderTable } from '../components/data-table.js';
import type { ColumnSpec } from '../columns/types.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

type BackupColumnId = 'takenAt' | 'database' | 'format' | 'size' | 'verified' | 'file';

const backupColumns: readonly ColumnSpec<ListedBackup, BackupColumnId>[] = [
  { id: 'takenAt', title: 'TAKEN (UTC)', width: 19, align: 'left', priority: 0, text: (b) => (b.takenAt ?? '').replace('T', ' ').slice(0, 19) },
  { id: 'database', title: 'DATABASE', width: 14, align: 'left', priority: 1, text: (b) => sanitizeOneLine(b.database ?? '?') },
  { id: 'format', title: 'FORMAT', width: 9, align: 'left', priority: 4, text: (b) => b.format ?? '' },
  { id: 'size', title: 'SIZE', width: 10, align: 'right', priority: 2, text: (b) => formatBytes(b.sizeBytes) },
  { id: 'verified', title: 'STATE', width: 14, align: 'left', priority: 0, text: (b) => (b.kind === 'dump' ? (b.verified ? 'verified' : 'NOT verified') : b.kind) },
  { id: 'file', title: 'FILE', width: 20, align: 'left', priority: 0, flex: true, text: (b) => sanitizeOneLine(b.problem ? `${b.file} — ${b.problem}` : b.file) },
];

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

function jobLines(state: AppState, width: number): string[] {
  const job = state.backups.job;
  // A finished job's result is a message (footer, and m in full): it is not repeated here.
  if (!job || job.finished) return [];
  const p = job.progress;
  const lines: string[] = [];
  const line = (text: string, style?: (s: string) => string): void => {
    const fitted = fit(` ${text}`, width);
    lines.push(style ? style(fitted) : fitted);
  };
  const fraction = p.fraction ?? 0;
  line(
    `${p.phase} ${sanitizeOneLine(p.database)} ${bar(fraction, 24)} ${Math.round(fraction * 100)}%  tables ${p.tablesDone}/${p.tablesTotal}  ${formatBytes(p.bytesWritten)}  elapsed ${formatDuration(p.elapsedMs / 1000)}${p.etaMs !== null ? `  ETA ${formatDuration(p.etaMs / 1000)}` : ''}`,
    theme.heading,
  );
  for (const table of p.currentTables.slice(0, SHOWN.jobTables)) {
    const rows = table.rowsDone === null ? '' : `${table.rowsDone}${table.rowsEstimated > 0 ? `/${Math.round(table.rowsEstimated)}` : ''} rows`;
    line(`  copying ${sanitizeOneLine(table.table)} ${rows} ${table.bytesDone === null ? '' : formatBytes(table.bytesDone)}`);
  }
  for (const notice of job.notices.slice(-SHOWN.jobNotices)) line(`  ${sanitizeOneLine(notice)}`, theme.dim);
  line('  x cancels', theme.dim);
  return lines;
}

/** The Backups view: the dumps in the backup directory, and the backup under way with its progress. */
export function backupsBody(state: AppState, height: number): string[] {
  const width = state.terminal.columns;
  const b = state.backups;
  const top: string[] = [];
  if (b.error) top.push(theme.error(fit(` ${sanitizeOneLine(b.error)}`, width)));
  else top.push(fit(` ${sanitizeOneLine(b.dir)}: ${b.list ? `${b.list.length} file(s)` : 'reading…'}${b.verifying ? `  verifying ${sanitizeOneLine(b.verifying)}…` : ''}`, width));
  top.push(theme.dim(fit(' Logical dumps of one database (pg_dump): not point-in-time recovery, no roles — use pgBackRest, WAL-G or Barman for that.', width)));
  const bottom = jobLines(state, width);
  const tableHeight = tableRows(state, 'backups') + 1;
  const rows = b.list ?? [];
  const selection = resolveSelection(
    rows.map((r) => r.file),
    b.selection,
    tableHeight - 1,
  );
  const table = renderTable(backupColumns, rows, {
    width,
    height: tableHeight - 1,
    top: selection.top,
    selectedIndex: rows.length > 0 ? selection.index : undefined,
    colour: (row) => (row.kind !== 'dump' || !row.verified ? theme.warn : undefined),
  });
  if (rows.length === 0 && b.list) table.push(theme.dim(fit(state.readOnly ? '  no dumps yet' : '  no dumps yet: b starts one', width)));
  return padLines([...top, ...padLines(table, tableHeight, width), ...bottom], height, width);
}
