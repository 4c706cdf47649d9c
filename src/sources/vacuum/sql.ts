import { SOME_LOCK_WAIT, WAL_SENDERS } from '../../db/stat-views.js';

/** Vacuum SQL for PostgreSQL 14 to 18, chosen from server_version_num: one round trip per reading. */
export interface VacuumSql {
  settings: string;
  /** The autovacuum workers running, for a reading without the sessions of an activity tick to count them in. */
  workersRunning: string;
  vacuumProgress: string;
  clusterProgress: string;
  analyzeProgress: string;
  /** Manual VACUUM / ANALYZE / CLUSTER still waiting for their table lock (not yet in the progress views). */
  waitingMaintenance: string;
  horizon: string;
  wraparound: string;
  freezeTables: string;
  deadTupleTables: string;
}

const PG17 = 170000;
const TABLE_LIMIT = 10;

/** The relation's name when it is in the connected database, else its oid. */
const relation = (alias: string): string => `CASE WHEN ${alias}.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
            THEN ${alias}.relid::regclass::text ELSE 'oid ' || ${alias}.relid::text END`;

/** The session behind progress row `p`, its own status row alone: pg_stat_activity would build every session's. */
const progressSession = 'LEFT JOIN LATERAL pg_stat_get_activity(p.pid) a ON true';

/** The session behind a progress row: what it is, how long it runs, what it waits for and who blocks it. */
const sessionColumns = (alias: string): string => `a.backend_type, a.query,
       EXTRACT(EPOCH FROM now() - coalesce(a.xact_start, a.query_start))::float8 AS elapsed,
       a.wait_event_type, a.wait_event,
       CASE WHEN a.wait_event_type = 'Lock' THEN
         (SELECT json_agg(json_build_object('pid', b.pid, 'user', b.usename, 'state', b.state, 'query', left(b.query, 200)))::text
            FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(${alias}.pid))) END AS blockers`;

const oneLine = (expr: string, width: number): string => `left(regexp_replace(${expr}, '\\s+', ' ', 'g'), ${width})`;

export function vacuumSql(versionNum: number): VacuumSql {
  const deadTuples = versionNum >= PG17 ? 'p.num_dead_item_ids' : 'p.num_dead_tuples';
  const indexes = versionNum >= PG17 ? 'p.indexes_total, p.indexes_processed' : 'NULL::bigint AS indexes_total, NULL::bigint AS indexes_processed';
  return {
    settings: `SELECT now() AS now, current_user AS current_user,
       current_setting('autovacuum_max_workers')::int AS workers_max,
       current_setting('autovacuum') = 'on' AS autovacuum_on,
       (pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
         OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)) AS sees_all`,
    workersRunning: `SELECT count(*)::int AS workers_running FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
    vacuumProgress: `SELECT p.pid, p.datname, ${relation('p')} AS rel, p.phase,
       p.heap_blks_total, p.heap_blks_scanned, p.heap_blks_vacuumed, p.index_vacuum_count,
       ${deadTuples} AS dead_tuples, ${indexes},
       ${sessionColumns('p')}
  FROM pg_stat_progress_vacuum p ${progressSession}`,
    clusterProgress: `SELECT p.pid, p.datname, ${relation('p')} AS rel, p.command || ': ' || p.phase AS phase,
       p.heap_blks_total, p.heap_blks_scanned, p.index_rebuild_count,
       ${sessionColumns('p')}
  FROM pg_stat_progress_cluster p ${progressSession}`,
    analyzeProgress: `SELECT p.pid, p.datname, ${relation('p')} AS rel, p.phase,
       p.sample_blks_total, p.sample_blks_scanned,
       ${sessionColumns('p')}
  FROM pg_stat_progress_analyze p ${progressSession}`,
    waitingMaintenance: `SELECT CASE WHEN a.query ~* '^\\s*analyze' THEN 'analyze'
            WHEN a.query ~* '^\\s*(cluster|vacuum\\s*(\\(.*full|full))' THEN 'cluster' ELSE 'vacuum' END AS kind,
       a.pid, a.datname,
       (SELECT l.relation::regclass::text FROM pg_locks l
         WHERE l.pid = a.pid AND NOT l.granted AND l.relation IS NOT NULL
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1) AS rel,
       'waiting for lock' AS phase,
       ${sessionColumns('a')}
  FROM pg_stat_activity a
 WHERE ${SOME_LOCK_WAIT} AND a.wait_event_type = 'Lock' AND a.pid <> pg_backend_pid()
   AND (a.backend_type = 'autovacuum worker' OR a.query ~* '^\\s*(vacuum|analyze|cluster)')
   AND a.pid NOT IN (SELECT pid FROM pg_stat_progress_vacuum UNION ALL SELECT pid FROM pg_stat_progress_cluster
                     UNION ALL SELECT pid FROM pg_stat_progress_analyze)`,
    horizon: `SELECT * FROM (
SELECT 'session' AS kind, a.pid::text AS id, a.pid,
       floor(EXTRACT(EPOCH FROM a.backend_start) * 1000000)::bigint::text AS backend_start_us,
       (CASE WHEN age(a.backend_xid) >= coalesce(age(a.backend_xmin), 0) THEN a.backend_xid ELSE a.backend_xmin END)::text AS xid,
       greatest(age(a.backend_xid), age(a.backend_xmin)) AS age_xids,
       EXTRACT(EPOCH FROM now() - a.xact_start)::float8 AS age_seconds,
       a.datname AS database, a.usename AS owner,
       coalesce(a.state, a.backend_type, '?') || coalesce(': ' || ${oneLine('a.query', 160)}, '') AS description
  FROM pg_stat_activity a
 WHERE (a.backend_xmin IS NOT NULL OR a.backend_xid IS NOT NULL)
   AND a.pid <> pg_backend_pid() AND a.backend_type IS DISTINCT FROM 'walsender'
UNION ALL
SELECT 'prepared', p.gid, NULL, NULL, p.transaction::text, age(p.transaction),
       EXTRACT(EPOCH FROM now() - p.prepared)::float8, p.database, p.owner::text, 'prepared transaction ' || p.gid
  FROM pg_prepared_xacts p
UNION ALL
SELECT 'slot', s.slot_name::text, s.active_pid, NULL, s.xmin::text, age(s.xmin), NULL, s.database::text, NULL,
       s.slot_type || ' slot' || CASE WHEN s.active THEN ' (active)' ELSE ' (inactive)' END
  FROM pg_replication_slots s WHERE s.xmin IS NOT NULL
UNION ALL
SELECT 'slot-catalog', s.slot_name::text, s.active_pid, NULL, s.catalog_xmin::text, age(s.catalog_xmin), NULL, s.database::text, NULL,
       s.slot_type || ' slot catalog_xmin' || CASE WHEN s.active THEN ' (active)' ELSE ' (inactive)' END
  FROM pg_replication_slots s WHERE s.catalog_xmin IS NOT NULL
UNION ALL
SELECT 'standby', r.application_name::text, r.pid, NULL, r.backend_xmin::text, age(r.backend_xmin), NULL, NULL, r.usename::text,
       'hot_standby_feedback of standby ' || r.application_name || coalesce(' @' || host(r.client_addr), '')
  FROM ${WAL_SENDERS} r WHERE r.backend_xmin IS NOT NULL
) h ORDER BY age_xids DESC, kind, id`,
    wraparound: `SELECT d.datname, age(d.datfrozenxid) AS xid_age, mxid_age(d.datminmxid) AS mxid_age, d.datallowconn,
       current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age,
       current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mxid_freeze_max_age
  FROM pg_database d
 ORDER BY age(d.datfrozenxid) DESC, d.datname`,
    // The sizes (a stat of every file) only for the tables shown, after the limit.
    freezeTables: `SELECT t.table_name, t.xid_age, t.mxid_age, t.freeze_max_age, pg_total_relation_size(t.oid) AS bytes,
       t.last_vacuum, t.last_autovacuum
  FROM (SELECT * FROM (
        SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS table_name,
               greatest(age(c.relfrozenxid), age(toast.relfrozenxid)) AS xid_age,
               mxid_age(c.relminmxid) AS mxid_age,
               least(current_setting('autovacuum_freeze_max_age')::bigint,
                     (SELECT o.option_value::bigint FROM pg_options_to_table(c.reloptions) o
                       WHERE o.option_name = 'autovacuum_freeze_max_age')) AS freeze_max_age,
               s.last_vacuum, s.last_autovacuum
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_class toast ON toast.oid = c.reltoastrelid
          LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
         WHERE c.relkind IN ('r', 'm')) a
         ORDER BY a.xid_age::float8 / a.freeze_max_age DESC, a.table_name
         LIMIT ${TABLE_LIMIT}) t
 ORDER BY t.xid_age::float8 / t.freeze_max_age DESC, t.table_name`,
    deadTupleTables: `SELECT format('%I.%I', s.schemaname, s.relname) AS table_name, s.n_dead_tup, s.n_live_tup, s.n_mod_since_analyze,
       s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze
  FROM pg_stat_all_tables s
 WHERE s.n_dead_tup > 0 AND s.schemaname <> 'pg_toast'
 ORDER BY s.n_dead_tup DESC, table_name
 LIMIT ${TABLE_LIMIT}`,
  };
}
