import { iso, num, text, type RawRow } from '../parse.js';
import type { ArchiverState, RecoveryState, SlotRow, StandbyRow } from './types.js';

export function parseStandby(row: RawRow): StandbyRow {
  return {
    pid: Number(row.pid),
    name: text(row.application_name) ?? '',
    user: text(row.usename),
    client: text(row.client_addr),
    state: text(row.state),
    syncState: text(row.sync_state),
    sentLsn: text(row.sent_lsn),
    replayLsn: text(row.replay_lsn),
    sentLagBytes: num(row.sent_lag),
    writeLagBytes: num(row.write_lag_bytes),
    flushLagBytes: num(row.flush_lag_bytes),
    replayLagBytes: num(row.replay_lag_bytes),
    writeLagSeconds: num(row.write_lag),
    flushLagSeconds: num(row.flush_lag),
    replayLagSeconds: num(row.replay_lag),
    feedbackXmin: text(row.backend_xmin),
    feedbackXminAge: num(row.backend_xmin_age),
    replyTime: iso(row.reply_time),
  };
}

export function parseSlot(row: RawRow): SlotRow {
  return {
    name: text(row.slot_name) ?? '',
    type: row.slot_type === 'logical' ? 'logical' : 'physical',
    plugin: text(row.plugin),
    database: text(row.database),
    temporary: row.temporary === true,
    active: row.active === true,
    activePid: num(row.active_pid),
    activeBy: text(row.active_by),
    restartLsn: text(row.restart_lsn),
    retainedBytes: num(row.retained_bytes),
    walStatus: text(row.wal_status),
    safeWalSizeBytes: num(row.safe_wal_size),
    inactiveSince: iso(row.inactive_since),
    inactiveSeconds: num(row.inactive_seconds),
    xmin: text(row.xmin),
    xminAge: num(row.xmin_age),
    catalogXmin: text(row.catalog_xmin),
    catalogXminAge: num(row.catalog_xmin_age),
    invalidationReason: text(row.invalidation_reason),
  };
}

export function parseArchiver(row: RawRow | undefined): ArchiverState {
  const lastArchivedAt = iso(row?.last_archived_time);
  const lastFailedAt = iso(row?.last_failed_time);
  const failing = lastFailedAt !== null && (lastArchivedAt === null || Date.parse(lastFailedAt) > Date.parse(lastArchivedAt));
  return {
    mode: text(row?.archive_mode) ?? 'off',
    archivedCount: num(row?.archived_count) ?? 0,
    failedCount: num(row?.failed_count) ?? 0,
    lastArchivedWal: text(row?.last_archived_wal),
    lastArchivedAt,
    lastFailedWal: text(row?.last_failed_wal),
    lastFailedAt,
    failing,
    failingForSeconds: failing ? num(row?.since_success) : null,
  };
}

export function parseRecovery(position: RawRow, receiver: RawRow | undefined): RecoveryState {
  return {
    receiveLsn: text(position.receive_lsn),
    replayLsn: text(position.replay_lsn),
    replayLagBytes: num(position.replay_lag_bytes),
    lastReplayAt: iso(position.last_replay_at),
    replayAgeSeconds: num(position.replay_age),
    replayPause: text(position.replay_pause),
    receiverStatus: text(receiver?.status),
    upstreamHost: text(receiver?.sender_host),
    upstreamPort: num(receiver?.sender_port),
    upstreamSlot: text(receiver?.slot_name),
    lastMessageAgeSeconds: num(receiver?.last_msg_age),
  };
}
