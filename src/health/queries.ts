import { WAL_SENDERS } from '../db/stat-views.js';

/**
 * What the health checks read beyond the monitor's activity tick, one statement per piece so that a piece a
 * role may not read, or a version lacks, makes only its own checks UNKNOWN.
 */
export interface HealthQueries {
  connections: string;
  invalidIndexes: string;
  sequences: string;
  statements: string;
  checkpoints: string;
  replication: string;
  slots: string;
  archiver: string;
  horizon: string;
  wraparound: string;
  deadTuples: string;
}

/**
 * The connection limits, and (`counted`) the client connections counted in pg_stat_activity. Without, the
 * caller counts them in the sessions it already has (see countConnections) and pg_stat_activity is not read.
 */
function connectionsQuery(reserved: string, counted: boolean): string {
  const used = counted ? `, 'used', coalesce(c.n, 0)` : '';
  const join = (alias: string, column: string, key: string): string =>
    counted ? ` LEFT JOIN (SELECT ${column}, count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY ${column}) c\n            ON c.${column} = ${alias}.${key}` : '';
  return `SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS superuser_reserved,
       ${reserved} AS reserved,${counted ? `\n       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS used,` : '\n       current_user AS own_role, current_database() AS own_database, pg_backend_pid() AS own_pid,'}
       (SELECT coalesce(json_agg(json_build_object('name', r.rolname, 'limit', r.rolconnlimit${used})), '[]')
          FROM pg_roles r${join('r', 'usename', 'rolname')}
         WHERE r.rolconnlimit >= 0 AND r.rolcanlogin)::text AS roles,
       (SELECT coalesce(json_agg(json_build_object('name', d.datname, 'limit', d.datconnlimit${used})), '[]')
          FROM pg_database d${join('d', 'datname', 'datname')}
         WHERE d.datconnlimit >= 0 AND d.datallowconn)::text AS databases`;
}

/** `counted`: false when the caller counts the connections in its activity tick's sessions (the monitor). */
export function healthQueries(versionNum: number, options: { counted?: boolean } = {}): HealthQueries {
  const reserved = versionNum >= 160000 ? "current_setting('reserved_connections')::int" : '0';
  const checkpoints =
    versionNum >= 170000
      ? 'SELECT num_timed::float8 AS timed, num_requested::float8 AS requested, stats_reset FROM pg_stat_checkpointer'
      : 'SELECT checkpoints_timed::float8 AS timed, checkpoints_req::float8 AS requested, stats_reset FROM pg_stat_bgwriter';
  return {
    connections: connectionsQuery(reserved, options.counted ?? true),
    invalidIndexes: `SELECT n.nspname AS schema, c.relname AS name, t.relname AS table_name
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT i.indisvalid ORDER BY 1, 2`,
    sequences: `SELECT schemaname AS schema, sequencename AS name, data_type::text AS data_type,
       last_value::text AS last_value, min_value::text AS min_value, max_value::text AS max_value,
       increment_by::text AS increment_by, cycle,
       has_sequence_privilege(format('%I.%I', schemaname, sequencename), 'SELECT,USAGE') AS readable
  FROM pg_sequences ORDER BY 1, 2`,
    statements: `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS installed,
       'pg_stat_statements' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) AS preloaded`,
    checkpoints,
    replication: `SELECT application_name AS name, host(client_addr) AS client, state, sync_state,
       CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END AS replay_lag_bytes,
       EXTRACT(EPOCH FROM replay_lag)::float8 AS replay_lag_seconds
  FROM ${WAL_SENDERS} r ORDER BY 1`,
    slots: `SELECT slot_name AS name, slot_type AS type, active, wal_status,
       CASE WHEN pg_is_in_recovery() OR restart_lsn IS NULL THEN NULL
            ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 END AS retained_bytes
  FROM pg_replication_slots ORDER BY 1`,
    archiver: `SELECT failed_count::float8 AS failed_count, last_failed_wal, last_failed_time, last_archived_time,
       EXTRACT(EPOCH FROM now() - last_failed_time)::float8 AS failed_ago,
       current_setting('archive_mode') AS archive_mode
  FROM pg_stat_archiver`,
    horizon: `SELECT 'session' AS kind, pid::text AS id, usename AS owner, age(coalesce(backend_xid, backend_xmin))::float8 AS age_xids,
       EXTRACT(EPOCH FROM now() - xact_start)::float8 AS age_seconds, pid
  FROM pg_stat_activity WHERE coalesce(backend_xid, backend_xmin) IS NOT NULL AND pid <> pg_backend_pid()
UNION ALL
SELECT 'prepared', gid, owner, age(transaction)::float8, EXTRACT(EPOCH FROM now() - prepared)::float8, NULL
  FROM pg_prepared_xacts
UNION ALL
SELECT 'slot', slot_name, NULL, greatest(age(xmin), age(catalog_xmin))::float8, NULL, NULL
  FROM pg_replication_slots WHERE xmin IS NOT NULL OR catalog_xmin IS NOT NULL
UNION ALL
SELECT 'standby', coalesce(nullif(application_name, ''), host(client_addr), pid::text), NULL, age(backend_xmin)::float8, NULL, pid
  FROM ${WAL_SENDERS} r WHERE backend_xmin IS NOT NULL
ORDER BY 4 DESC NULLS LAST`,
    wraparound: `SELECT datname AS name, age(datfrozenxid)::float8 AS xid_age, mxid_age(datminmxid)::float8 AS mxid_age,
       current_setting('autovacuum_freeze_max_age')::float8 AS freeze_max_age,
       current_setting('autovacuum_multixact_freeze_max_age')::float8 AS mxid_freeze_max_age
  FROM pg_database WHERE datallowconn ORDER BY 2 DESC`,
    deadTuples: `SELECT schemaname AS schema, relname AS name, n_dead_tup::float8 AS dead_tuples,
       greatest(last_vacuum, last_autovacuum) AS last_vacuum, greatest(last_analyze, last_autoanalyze) AS last_analyze
  FROM pg_stat_user_tables
 WHERE (last_vacuum IS NULL AND last_autovacuum IS NULL) OR (last_analyze IS NULL AND last_autoanalyze IS NULL)
 ORDER BY n_dead_tup DESC LIMIT 20`,
  };
}
