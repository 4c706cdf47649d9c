import type { CounterName } from './types.js';

/**
 * Counters and the pg_stat_statements columns they are read from, newest name first: PostgreSQL 17 renamed
 * blk_read_time to shared_blk_read_time, 15 added temp block times and JIT, 18 parallel workers and
 * wal_buffers_full. The columns of the installed extension version decide; an absent one is selected as NULL.
 */
export const COUNTER_COLUMNS: Record<CounterName, readonly string[]> = {
  calls: ['calls'],
  totalExecMs: ['total_exec_time', 'total_time'],
  rows: ['rows'],
  plans: ['plans'],
  totalPlanMs: ['total_plan_time'],
  sharedBlksHit: ['shared_blks_hit'],
  sharedBlksRead: ['shared_blks_read'],
  sharedBlksDirtied: ['shared_blks_dirtied'],
  sharedBlksWritten: ['shared_blks_written'],
  localBlksHit: ['local_blks_hit'],
  localBlksRead: ['local_blks_read'],
  localBlksDirtied: ['local_blks_dirtied'],
  localBlksWritten: ['local_blks_written'],
  tempBlksRead: ['temp_blks_read'],
  tempBlksWritten: ['temp_blks_written'],
  sharedBlkReadMs: ['shared_blk_read_time', 'blk_read_time'],
  sharedBlkWriteMs: ['shared_blk_write_time', 'blk_write_time'],
  localBlkReadMs: ['local_blk_read_time'],
  localBlkWriteMs: ['local_blk_write_time'],
  tempBlkReadMs: ['temp_blk_read_time'],
  tempBlkWriteMs: ['temp_blk_write_time'],
  walRecords: ['wal_records'],
  walFpi: ['wal_fpi'],
  walBytes: ['wal_bytes'],
  walBuffersFull: ['wal_buffers_full'],
  jitFunctions: ['jit_functions'],
  parallelWorkersToLaunch: ['parallel_workers_to_launch'],
  parallelWorkersLaunched: ['parallel_workers_launched'],
};

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** What pgtop learns once per connection about the extension in its database. */
export const PROBE_SQL = `SELECT e.extversion AS version, n.nspname AS schema,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
       to_regclass(format('%I.pg_stat_statements_info', n.nspname)) IS NOT NULL AS has_info
  FROM pg_extension e
  JOIN pg_namespace n ON n.oid = e.extnamespace
  LEFT JOIN pg_class c ON c.relname = 'pg_stat_statements' AND c.relnamespace = n.oid
 WHERE e.extname = 'pg_stat_statements'`;

/** Readable by every role: the library defines its settings only when preloaded. */
export const ENVIRONMENT_SQL = `SELECT current_database() AS database, current_user AS role,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
       pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats,
       EXISTS (SELECT 1 FROM pg_settings WHERE name = 'pg_stat_statements.max') AS preloaded,
       (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload_libraries,
       (SELECT setting FROM pg_settings WHERE name = 'pg_stat_statements.max')::int AS max,
       (SELECT setting FROM pg_settings WHERE name = 'pg_stat_statements.track') AS track,
       (SELECT setting FROM pg_settings WHERE name = 'pg_stat_statements.track_planning') AS track_planning,
       (SELECT setting FROM pg_settings WHERE name = 'compute_query_id') AS compute_query_id,
       (SELECT setting FROM pg_settings WHERE name = 'track_activity_query_size')::int AS track_activity_query_size`;

/** Read on every fetch: a reload can turn it off, and sessions then carry no query id. */
const COMPUTE_QUERY_ID = `current_setting('compute_query_id', true) AS compute_query_id`;

export interface StatementsSql {
  /** The entries without their texts, with database and role names (top-level and nested rows apart). */
  entries: string;
  /** pg_stat_statements_info and the server's clock, in one row. */
  info: string;
  /** Texts of the given queryids ($1, a bigint[]). */
  texts: string;
  reset: string;
}

/** Builds the SQL for the extension found by PROBE_SQL: every counter read by its column name. */
export function statementsSql(schema: string, columns: readonly string[], hasInfo: boolean): StatementsSql {
  const present = new Set(columns);
  const fn = `${quoteIdent(schema)}.pg_stat_statements`;
  const select = (Object.entries(COUNTER_COLUMNS) as [CounterName, readonly string[]][]).map(([name, candidates]) => {
    const column = candidates.find((c) => present.has(c));
    return column ? `s.${quoteIdent(column)}::float8 AS ${quoteIdent(name)}` : `NULL::float8 AS ${quoteIdent(name)}`;
  });
  const statsSince = present.has('stats_since') ? 's.stats_since' : 'NULL::timestamptz';
  return {
    entries: `SELECT s.queryid::text AS queryid, s.dbid::int8 AS dbid, s.userid::int8 AS userid,
       d.datname AS database, r.rolname AS role, ${statsSince} AS stats_since,
       ${select.join(',\n       ')}
  FROM ${fn}(false) s
  LEFT JOIN pg_database d ON d.oid = s.dbid
  LEFT JOIN pg_roles r ON r.oid = s.userid
 WHERE s.queryid IS NOT NULL`,
    info: hasInfo
      ? `SELECT i.dealloc::float8 AS dealloc, i.stats_reset, clock_timestamp() AS now, ${COMPUTE_QUERY_ID} FROM ${quoteIdent(schema)}.pg_stat_statements_info i`
      : `SELECT NULL::float8 AS dealloc, NULL::timestamptz AS stats_reset, clock_timestamp() AS now, ${COMPUTE_QUERY_ID}`,
    texts: `SELECT s.queryid::text AS queryid, s.dbid::int8 AS dbid, s.userid::int8 AS userid, s.query
  FROM ${fn}(true) s
 WHERE s.queryid = ANY($1::int8[])`,
    reset: `SELECT ${quoteIdent(schema)}.pg_stat_statements_reset()`,
  };
}
