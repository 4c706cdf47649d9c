import { WAL_SENDERS } from '../../db/stat-views.js';

/**
 * Replication SQL for PostgreSQL 14 to 18, chosen from server_version_num. One round trip, on a primary or a
 * standby alike: functions that fail during recovery (pg_current_wal_lsn) are only reached outside it.
 */
export interface ReplicationSql {
  position: string;
  standbys: string;
  slots: string;
  archiver: string;
  receiver: string;
}

const PG16 = 160000;
const PG17 = 170000;

/** The WAL position lags are measured from: the insert position on a primary, the last received on a standby. */
const CURRENT_LSN = 'CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END';

export function replicationSql(versionNum: number): ReplicationSql {
  const inactiveSince = versionNum >= PG17 ? 's.inactive_since' : 'NULL::timestamptz';
  const invalidation =
    versionNum >= PG17 ? 's.invalidation_reason' : versionNum >= PG16 ? "CASE WHEN s.conflicting THEN 'conflicting' END" : 'NULL::text';
  return {
    position: `SELECT pg_is_in_recovery() AS in_recovery, now() AS now,
       (${CURRENT_LSN})::text AS current_lsn,
       pg_wal_lsn_diff(${CURRENT_LSN}, '0/0')::text AS current_bytes,
       pg_last_wal_receive_lsn()::text AS receive_lsn,
       pg_last_wal_replay_lsn()::text AS replay_lsn,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text AS replay_lag_bytes,
       pg_last_xact_replay_timestamp() AS last_replay_at,
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_age,
       CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() END AS replay_pause,
       current_user AS current_user,
       (pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
         OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)) AS sees_all`,
    standbys: `SELECT r.pid, r.application_name, r.usename, host(r.client_addr) AS client_addr, r.state, r.sync_state,
       r.sent_lsn::text AS sent_lsn, r.replay_lsn::text AS replay_lsn,
       pg_wal_lsn_diff(${CURRENT_LSN}, r.sent_lsn)::text AS sent_lag,
       pg_wal_lsn_diff(${CURRENT_LSN}, r.write_lsn)::text AS write_lag_bytes,
       pg_wal_lsn_diff(${CURRENT_LSN}, r.flush_lsn)::text AS flush_lag_bytes,
       pg_wal_lsn_diff(${CURRENT_LSN}, r.replay_lsn)::text AS replay_lag_bytes,
       EXTRACT(EPOCH FROM r.write_lag)::float8 AS write_lag,
       EXTRACT(EPOCH FROM r.flush_lag)::float8 AS flush_lag,
       EXTRACT(EPOCH FROM r.replay_lag)::float8 AS replay_lag,
       r.backend_xmin::text AS backend_xmin, age(r.backend_xmin) AS backend_xmin_age, r.reply_time
  FROM ${WAL_SENDERS} r
 ORDER BY r.application_name, r.pid`,
    slots: `SELECT s.slot_name, s.slot_type, s.plugin, s.database, s.temporary, s.active, s.active_pid,
       CASE WHEN s.active_pid IS NOT NULL THEN
         (SELECT a.application_name || coalesce(' @' || host(a.client_addr), '') FROM pg_stat_get_activity(s.active_pid) a) END AS active_by,
       s.restart_lsn::text AS restart_lsn,
       pg_wal_lsn_diff(${CURRENT_LSN}, s.restart_lsn)::text AS retained_bytes,
       s.wal_status, s.safe_wal_size::text AS safe_wal_size,
       ${inactiveSince} AS inactive_since,
       EXTRACT(EPOCH FROM now() - ${inactiveSince})::float8 AS inactive_seconds,
       s.xmin::text AS xmin, age(s.xmin) AS xmin_age,
       s.catalog_xmin::text AS catalog_xmin, age(s.catalog_xmin) AS catalog_xmin_age,
       ${invalidation} AS invalidation_reason
  FROM pg_replication_slots s
 ORDER BY s.slot_name`,
    archiver: `SELECT current_setting('archive_mode') AS archive_mode,
       archived_count, failed_count, last_archived_wal, last_archived_time, last_failed_wal, last_failed_time,
       EXTRACT(EPOCH FROM now() - coalesce(last_archived_time, stats_reset))::float8 AS since_success
  FROM pg_stat_archiver`,
    receiver: `SELECT status, sender_host, sender_port, slot_name,
       EXTRACT(EPOCH FROM now() - last_msg_receipt_time)::float8 AS last_msg_age
  FROM pg_stat_wal_receiver`,
  };
}
