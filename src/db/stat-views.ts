/**
 * pg_stat_replication's rows read from the WAL senders, each joined to its own backend's status, rather
 * than through the view, which builds every session's pg_stat_activity row first: on a server with many
 * sessions and no standby that costs as much as reading pg_stat_activity, on every read.
 */
export const WAL_SENDERS = `(SELECT s.pid, s.usesysid, u.rolname AS usename, s.application_name, s.client_addr,
          s.client_hostname, s.client_port, s.backend_start, s.backend_xmin,
          w.state, w.sent_lsn, w.write_lsn, w.flush_lsn, w.replay_lsn, w.write_lag, w.flush_lag, w.replay_lag,
          w.sync_priority, w.sync_state, w.reply_time
     FROM pg_stat_get_wal_senders() w
     CROSS JOIN LATERAL pg_stat_get_activity(w.pid) s
     LEFT JOIN pg_roles u ON u.oid = s.usesysid)`;

/**
 * Whether some session waits on a heavyweight lock, from the backends' wait events alone (no rows built).
 * Each lookup searches the process array: with a thousand sessions it costs about what pg_locks does.
 */
export const SOME_LOCK_WAIT = `EXISTS (SELECT 1 FROM pg_stat_get_backend_idset() b
                     WHERE pg_stat_get_backend_wait_event_type(b) = 'Lock')`;
