import type { StatementCounters, StatementSettings, StatementsDiagnosis, StatementsSnapshot } from '../sources/statements/types.js';
import type { RateBasis, StatementRates } from './statement-rates.js';

/** One statement in `pgtop snapshot --json --statements`. */
export interface StatementDocumentRow {
  queryId: string;
  database: string | null;
  user: string | null;
  /** The normalised text ($1 for constants), as pg_stat_statements keeps it. */
  query: string | null;
  basis: RateBasis;
  callsPerSecond: number | null;
  execMsPerSecond: number | null;
  timeShare: number | null;
  meanMs: number | null;
  rowsPerCall: number | null;
  hitPerCall: number | null;
  readPerCall: number | null;
  tempBlksPerSecond: number | null;
  walBytesPerSecond: number | null;
  planMsPerSecond: number | null;
  /** Cumulative counters since the entry started counting. */
  totals: StatementCounters;
}

export type StatementsDocument =
  | {
      available: true;
      takenAt: string;
      intervalSeconds: number | null;
      statsReset: string | null;
      resetAt: string | null;
      evicted: number | null;
      vanished: number;
      extensionVersion: string;
      settings: StatementSettings;
      /** A limit on what the role sees (no pg_read_all_stats), with the command that lifts it. */
      diagnosis: StatementsDiagnosis | null;
      statements: StatementDocumentRow[];
    }
  | ({ available: false } & StatementsDiagnosis)
  | { available: false; problem: 'error'; message: string };

/** The rows by execution time over the interval (or in total on a first fetch), busiest first. */
export function buildStatementsDocument(
  snapshot: StatementsSnapshot,
  rates: StatementRates,
  texts: ReadonlyMap<string, string>,
  diagnosis: StatementsDiagnosis | null,
): StatementsDocument {
  const statements = rates.rows.map(
    (rate): StatementDocumentRow => ({
      queryId: rate.entry.queryId,
      database: rate.entry.database,
      user: rate.entry.user,
      query: texts.get(rate.entry.key) ?? null,
      basis: rate.basis,
      callsPerSecond: rate.callsPerSecond,
      execMsPerSecond: rate.execMsPerSecond,
      timeShare: rate.timeShare,
      meanMs: rate.meanMs,
      rowsPerCall: rate.rowsPerCall,
      hitPerCall: rate.hitPerCall,
      readPerCall: rate.readPerCall,
      tempBlksPerSecond: rate.tempBlksPerSecond,
      walBytesPerSecond: rate.walBytesPerSecond,
      planMsPerSecond: rate.planMsPerSecond,
      totals: rate.entry.counters,
    }),
  );
  const weight = (row: StatementDocumentRow): number => row.execMsPerSecond ?? row.totals.totalExecMs;
  statements.sort((a, b) => weight(b) - weight(a) || b.totals.totalExecMs - a.totals.totalExecMs);
  return {
    available: true,
    takenAt: snapshot.takenAt,
    intervalSeconds: rates.intervalSeconds,
    statsReset: snapshot.statsReset,
    resetAt: rates.resetAt,
    evicted: rates.evicted,
    vanished: rates.vanished,
    extensionVersion: snapshot.extensionVersion,
    settings: snapshot.settings,
    diagnosis,
    statements,
  };
}
