import type { FieldSpec } from './fields.js';
import type { StatementRate } from './statement-rates.js';

/** Rates over the last interval, or totals since each entry started counting. */
export type StatementsMode = 'rates' | 'totals';

export type StatementNumberId = 'calls' | 'time' | 'share' | 'mean' | 'rows' | 'hit' | 'read' | 'temp' | 'wal' | 'plan';
export type StatementColumnId = StatementNumberId | 'database' | 'user' | 'query';

/** One row of the Statements view: the entry, its figures in the current mode, and its text once fetched. */
export interface StatementRow {
  key: string;
  rate: StatementRate;
  values: Record<StatementNumberId, number | null>;
  text: string | null;
}

const div = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);
const plus = (a: number | null, b: number | null): number | null => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));

/** The figures a row shows in a mode; `totalExecMs` is every entry's execution time (for the share). */
export function statementValues(rate: StatementRate, mode: StatementsMode, totalExecMs: number): Record<StatementNumberId, number | null> {
  if (mode === 'rates') {
    return {
      calls: rate.callsPerSecond,
      time: rate.execMsPerSecond,
      share: rate.timeShare,
      mean: rate.meanMs,
      rows: rate.rowsPerCall,
      hit: rate.hitPerCall,
      read: rate.readPerCall,
      temp: rate.tempBlksPerSecond,
      wal: rate.walBytesPerSecond,
      plan: rate.planMsPerSecond,
    };
  }
  const c = rate.entry.counters;
  return {
    calls: c.calls,
    time: c.totalExecMs,
    share: div(c.totalExecMs, totalExecMs),
    mean: div(c.totalExecMs, c.calls),
    rows: div(c.rows, c.calls),
    hit: div(c.sharedBlksHit, c.calls),
    read: div(c.sharedBlksRead, c.calls),
    temp: plus(c.tempBlksRead, c.tempBlksWritten),
    wal: c.walBytes,
    plan: c.totalPlanMs,
  };
}

const number = (id: StatementNumberId, names: string[]): FieldSpec<StatementRow, StatementColumnId> => ({ id, names, sortValue: (r) => r.values[id] });

/** The Statements view's fields in display order. */
export const statementFields: readonly FieldSpec<StatementRow, StatementColumnId>[] = [
  number('calls', ['calls']),
  number('time', ['time', 'total_time']),
  number('share', ['share', 'pct']),
  number('mean', ['mean', 'mean_time']),
  number('rows', ['rows']),
  number('hit', ['hit', 'shared_blks_hit']),
  number('read', ['read', 'shared_blks_read']),
  number('temp', ['temp']),
  number('wal', ['wal', 'wal_bytes']),
  number('plan', ['plan', 'plan_time']),
  { id: 'database', names: ['db', 'datname', 'database'], sortValue: (r) => r.rate.entry.database },
  { id: 'user', names: ['user', 'role', 'usename'], sortValue: (r) => r.rate.entry.user },
  { id: 'query', names: ['query', 'sql', 'text'], sortValue: (r) => r.text },
];
