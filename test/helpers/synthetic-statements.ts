import { parseCounters } from '../../src/sources/statements/parse.js';
import type { StatementEntry, StatementsSnapshot } from '../../src/sources/statements/types.js';

/** A pg_stat_statements entry with `calls` calls of `ms` milliseconds in all. */
export function syntheticEntry(queryId: string, calls: number, ms: number, overrides: Partial<StatementEntry> = {}): StatementEntry {
  return {
    key: `${queryId}/1/10`,
    queryId,
    dbid: 1,
    userid: 10,
    database: 'app',
    user: 'app',
    statsSince: null,
    counters: parseCounters({ calls, totalExecMs: ms, rows: calls }),
    ...overrides,
  };
}

/** A fetch of `count` entries (query ids 1…count, the later ones busier), taken at second `at`. */
export function syntheticStatements(count: number, at = 0, entries?: StatementEntry[]): StatementsSnapshot {
  return {
    takenAt: new Date(Date.UTC(2024, 4, 1, 12, 0, at)).toISOString(),
    statsReset: '2024-05-01T00:00:00.000Z',
    dealloc: 0,
    settings: { max: 5000, track: 'top', trackPlanning: false, computeQueryId: 'auto', trackActivityQuerySize: 1024 },
    extensionVersion: '1.10',
    entries: entries ?? Array.from({ length: count }, (_, i) => syntheticEntry(String(i + 1), (i + 1) * 10, (i + 1) * 5)),
  };
}
