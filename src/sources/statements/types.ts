/**
 * The cumulative counters of one pg_stat_statements entry. A counter the server's extension version does
 * not have is null (shown as "—").
 */
export interface StatementCounters {
  calls: number;
  totalExecMs: number;
  rows: number;
  plans: number | null;
  totalPlanMs: number | null;
  sharedBlksHit: number;
  sharedBlksRead: number;
  sharedBlksDirtied: number;
  sharedBlksWritten: number;
  localBlksHit: number;
  localBlksRead: number;
  localBlksDirtied: number;
  localBlksWritten: number;
  tempBlksRead: number;
  tempBlksWritten: number;
  /** blk_read_time before PostgreSQL 17, shared_blk_read_time from 17. */
  sharedBlkReadMs: number | null;
  sharedBlkWriteMs: number | null;
  localBlkReadMs: number | null;
  localBlkWriteMs: number | null;
  tempBlkReadMs: number | null;
  tempBlkWriteMs: number | null;
  walRecords: number | null;
  walFpi: number | null;
  walBytes: number | null;
  walBuffersFull: number | null;
  jitFunctions: number | null;
  parallelWorkersToLaunch: number | null;
  parallelWorkersLaunched: number | null;
}

export type CounterName = keyof StatementCounters;

/** One row of pg_stat_statements: one per queryid + database + role (top-level and nested rows summed). */
export interface StatementEntry {
  /** `queryid/dbid/userid`: the identity of the entry. */
  key: string;
  queryId: string;
  dbid: number;
  userid: number;
  database: string | null;
  user: string | null;
  /** When this entry started counting (PostgreSQL 17+), else null. */
  statsSince: string | null;
  counters: StatementCounters;
}

/** The settings that decide what the view can show. */
export interface StatementSettings {
  max: number | null;
  track: string | null;
  trackPlanning: boolean | null;
  /** compute_query_id: `off` means pg_stat_activity.query_id is empty and sessions cannot be matched. */
  computeQueryId: string | null;
  trackActivityQuerySize: number | null;
}

/** One fetch of pg_stat_statements, without texts. */
export interface StatementsSnapshot {
  /** The server's clock at the fetch (clock_timestamp()). */
  takenAt: string;
  /** pg_stat_statements_info: when all statistics were last reset, and how many entries were evicted. */
  statsReset: string | null;
  dealloc: number | null;
  settings: StatementSettings;
  extensionVersion: string;
  entries: StatementEntry[];
}

export type StatementsProblem = 'not-preloaded' | 'not-installed' | 'no-privilege';

/** Why the view cannot show (all of) pg_stat_statements, and the commands that fix it. */
export interface StatementsDiagnosis {
  problem: StatementsProblem;
  message: string;
  fix: string[];
}

export type StatementsOutcome =
  | { kind: 'data'; data: StatementsSnapshot; diagnosis: StatementsDiagnosis | null }
  | { kind: 'unavailable'; diagnosis: StatementsDiagnosis }
  | { kind: 'error'; message: string; retryInMs: number }
  | { kind: 'skipped' };
