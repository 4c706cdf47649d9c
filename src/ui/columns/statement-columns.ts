import type { StatementColumnId, StatementNumberId, StatementRow, StatementsMode } from '../../store/statement-fields.js';
import { formatBytes, formatCount, formatPercent } from '../../text/bytes.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import type { ColumnSpec } from './types.js';

export const ABSENT = '—';

/** A figure for a narrow column: `—` when the server's version does not count it. */
export function figure(value: number | null, format: (n: number) => string = formatCount): string {
  return value === null || !Number.isFinite(value) ? ABSENT : format(value);
}

/** Milliseconds with a unit that keeps the column narrow: `0.42ms`, `35ms`, `1.2s`, `2.3h`. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 600) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  if (s < 36_000) return `${(s / 60).toFixed(0)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}

const TITLES: Record<StatementNumberId, Record<StatementsMode, string>> = {
  calls: { rates: 'CALLS/s', totals: 'CALLS' },
  time: { rates: 'TIME/s', totals: 'TIME' },
  share: { rates: '%TIME', totals: '%TIME' },
  mean: { rates: 'MEAN', totals: 'MEAN' },
  rows: { rates: 'ROWS/c', totals: 'ROWS/c' },
  hit: { rates: 'HIT/c', totals: 'HIT/c' },
  read: { rates: 'READ/c', totals: 'READ/c' },
  temp: { rates: 'TEMP/s', totals: 'TEMP' },
  wal: { rates: 'WAL/s', totals: 'WAL' },
  plan: { rates: 'PLAN/s', totals: 'PLAN' },
};

const FORMATS: Record<StatementNumberId, (n: number) => string> = {
  calls: formatCount,
  time: formatMs,
  share: (n) => formatPercent(n),
  mean: formatMs,
  rows: formatCount,
  hit: formatCount,
  read: formatCount,
  temp: formatCount,
  wal: (n) => formatBytes(n).replace(' ', ''),
  plan: formatMs,
};

const WIDTHS: Record<StatementNumberId, number> = { calls: 7, time: 7, share: 6, mean: 7, rows: 6, hit: 6, read: 6, temp: 6, wal: 8, plan: 7 };
const PRIORITIES: Record<StatementNumberId, number> = { calls: 0, time: 0, share: 1, mean: 1, rows: 3, hit: 4, read: 2, temp: 5, wal: 6, plan: 7 };

function numberColumn(id: StatementNumberId, mode: StatementsMode): ColumnSpec<StatementRow, StatementColumnId> {
  return { id, title: TITLES[id][mode], width: WIDTHS[id], align: 'right', priority: PRIORITIES[id], text: (r) => figure(r.values[id], FORMATS[id]) };
}

const cache = new Map<StatementsMode, readonly ColumnSpec<StatementRow, StatementColumnId>[]>();

/** The Statements view's columns in a mode: the figures, database, role and the normalised text. */
export function statementColumns(mode: StatementsMode): readonly ColumnSpec<StatementRow, StatementColumnId>[] {
  let columns = cache.get(mode);
  if (!columns) {
    const ids: StatementNumberId[] = ['calls', 'time', 'share', 'mean', 'rows', 'hit', 'read', 'temp', 'wal', 'plan'];
    columns = [
      ...ids.map((id) => numberColumn(id, mode)),
      { id: 'database', title: 'DB', width: 10, align: 'left', priority: 2.5, text: (r) => sanitizeOneLine(r.rate.entry.database ?? '') },
      { id: 'user', title: 'USER', width: 10, align: 'left', priority: 3.5, text: (r) => sanitizeOneLine(r.rate.entry.user ?? '') },
      { id: 'query', title: 'QUERY', width: 20, align: 'left', priority: 0, flex: true, text: (r) => (r.text === null ? '…' : sanitizeOneLine(r.text)) },
    ];
    cache.set(mode, columns);
  }
  return columns;
}
