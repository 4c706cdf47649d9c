import { COUNTER_COLUMNS } from './sql.js';
import type { CounterName, StatementCounters, StatementEntry } from './types.js';

type RawRow = Record<string, unknown>;

const num = (value: unknown): number | null => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};
const iso = (value: unknown): string | null => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return typeof value === 'string' ? value : null;
};
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const ALWAYS_PRESENT: ReadonlySet<CounterName> = new Set([
  'calls', 'totalExecMs', 'rows', 'sharedBlksHit', 'sharedBlksRead', 'sharedBlksDirtied', 'sharedBlksWritten',
  'localBlksHit', 'localBlksRead', 'localBlksDirtied', 'localBlksWritten', 'tempBlksRead', 'tempBlksWritten',
]);

export const entryKey = (queryId: string, dbid: number, userid: number): string => `${queryId}/${dbid}/${userid}`;

export function parseCounters(row: RawRow): StatementCounters {
  const counters: Record<string, number | null> = {};
  for (const name of Object.keys(COUNTER_COLUMNS) as CounterName[]) {
    const value = num(row[name]);
    counters[name] = ALWAYS_PRESENT.has(name) ? (value ?? 0) : value;
  }
  return counters as unknown as StatementCounters;
}

export function parseEntry(row: RawRow): StatementEntry {
  const queryId = String(row.queryid);
  const dbid = num(row.dbid) ?? 0;
  const userid = num(row.userid) ?? 0;
  return {
    key: entryKey(queryId, dbid, userid),
    queryId,
    dbid,
    userid,
    database: text(row.database),
    user: text(row.role),
    statsSince: iso(row.stats_since),
    counters: parseCounters(row),
  };
}

export { iso as parseTimestamp, num as parseNumber };

/** Sums the rows of one queryid + database + role (pg_stat_statements.track = all keeps top-level and nested apart). */
export function mergeEntries(entries: readonly StatementEntry[]): StatementEntry[] {
  const byKey = new Map<string, StatementEntry>();
  for (const entry of entries) {
    const seen = byKey.get(entry.key);
    if (!seen) {
      byKey.set(entry.key, entry);
      continue;
    }
    const counters = { ...seen.counters };
    for (const name of Object.keys(COUNTER_COLUMNS) as CounterName[]) {
      const a = seen.counters[name];
      const b = entry.counters[name];
      (counters as Record<CounterName, number | null>)[name] = a === null && b === null ? null : (a ?? 0) + (b ?? 0);
    }
    const statsSince = seen.statsSince !== null && entry.statsSince !== null && entry.statsSince < seen.statsSince ? entry.statsSince : seen.statsSince;
    byKey.set(entry.key, { ...seen, counters, statsSince });
  }
  return [...byKey.values()];
}
