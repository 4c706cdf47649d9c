import { sanitizeOneLine } from '../../text/sanitize.js';
import type { HistoryFinding, ToolHistory } from './types.js';

const TOOL_NAMES: Record<ToolHistory['tool'], string> = {
  flyway: 'Flyway',
  'golang-migrate': 'golang-migrate',
  'node-pg-migrate': 'node-pg-migrate',
  dbmate: 'dbmate',
  rails: 'Rails',
  sqitch: 'Sqitch',
};

const when = (date: Date | null): string => (date ? date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

function state(entry: ToolHistory['entries'][number]): string {
  if (entry.dirty === true) return 'DIRTY';
  if (entry.success === false) return 'FAILED';
  return entry.success === true || entry.dirty === false ? 'ok' : 'applied';
}

/** `pgtop migrate history`: each tool's table, its entries (version, description, when, state, checksum), then the findings. */
export function formatHistories(histories: readonly ToolHistory[], findings: readonly HistoryFinding[]): string {
  if (histories.length === 0) return 'No other migration tool\'s history in this database (looked for Flyway, golang-migrate, node-pg-migrate, dbmate, Rails and Sqitch).';
  const lines: string[] = [];
  for (const history of histories) {
    lines.push(`${TOOL_NAMES[history.tool]}: ${sanitizeOneLine(history.table)}, ${history.entries.length} entr${history.entries.length === 1 ? 'y' : 'ies'}${history.note ? ` (${sanitizeOneLine(history.note)})` : ''}`);
    for (const entry of history.entries) {
      const parts = [entry.version, entry.description ?? '', when(entry.appliedAt), state(entry), entry.checksum ? `checksum ${entry.checksum}` : ''];
      lines.push(`  ${parts.map((part) => sanitizeOneLine(part)).filter((part) => part !== '').join('  ')}`);
    }
  }
  for (const finding of findings) lines.push(`${finding.severity === 'critical' ? 'CRITICAL' : 'warning'}: ${sanitizeOneLine(finding.message)}`);
  return lines.join('\n');
}
