import { formatBytes } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import type { BackupProgress, CurrentTableProgress } from '../../backup/job/progress.js';

function tableText(table: CurrentTableProgress): string {
  const name = sanitizeOneLine(table.table);
  if (table.rowsDone === null) return name;
  const rows = table.rowsEstimated > 0 ? `${table.rowsDone}/~${Math.round(table.rowsEstimated)} rows` : `${table.rowsDone} rows`;
  return `${name} ${rows}`;
}

/** One line for a terminal status line or a log: phase, tables, bytes, current table(s), time, ETA. */
export function progressLine(progress: BackupProgress): string {
  const parts: string[] = [progress.phase];
  if (progress.phase === 'dumping' || progress.phase === 'verifying' || progress.phase === 'committing' || progress.phase === 'done') {
    parts.push(`${progress.tablesDone}/${progress.tablesTotal} tables`, formatBytes(progress.bytesWritten));
  }
  if (progress.fraction !== null && progress.phase === 'dumping') parts.push(`${Math.floor(progress.fraction * 100)}%`);
  if (progress.currentTables.length > 0) parts.push(progress.currentTables.map(tableText).join(', '));
  parts.push(formatDuration(progress.elapsedMs / 1000));
  if (progress.etaMs !== null) parts.push(`ETA ${formatDuration(progress.etaMs / 1000)}`);
  return parts.join('  ');
}
