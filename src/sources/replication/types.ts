/** What view 7 shows and `snapshot --json` prints as `replication`. Bytes are numbers; times ISO strings; ages seconds. */
export interface ReplicationSnapshot {
  takenAt: string;
  role: 'primary' | 'standby';
  /** The current WAL position (primary: insert position; standby: last received). */
  currentLsn: string | null;
  /** currentLsn in bytes from 0/0, for the WAL generation rate. */
  currentLsnBytes: number | null;
  standbys: StandbyRow[];
  slots: SlotRow[];
  archiver: ArchiverState;
  /** Only on a standby. */
  recovery: RecoveryState | null;
  /** What the role could not see, and which role would do; empty when it sees everything. */
  notes: string[];
}

/** One walsender: a standby (or a logical subscriber) fed by this server. */
export interface StandbyRow {
  pid: number;
  name: string;
  user: string | null;
  client: string | null;
  state: string | null;
  syncState: string | null;
  sentLsn: string | null;
  replayLsn: string | null;
  /** Bytes behind the current WAL position. */
  sentLagBytes: number | null;
  writeLagBytes: number | null;
  flushLagBytes: number | null;
  replayLagBytes: number | null;
  writeLagSeconds: number | null;
  flushLagSeconds: number | null;
  replayLagSeconds: number | null;
  /** hot_standby_feedback: the standby's oldest snapshot, which holds back vacuum here. */
  feedbackXmin: string | null;
  feedbackXminAge: number | null;
  replyTime: string | null;
}

export interface SlotRow {
  name: string;
  type: 'physical' | 'logical';
  plugin: string | null;
  database: string | null;
  temporary: boolean;
  active: boolean;
  activePid: number | null;
  /** Who holds it: the walsender's application name and client. */
  activeBy: string | null;
  restartLsn: string | null;
  /** WAL kept on disk for this slot: the current position minus restart_lsn. */
  retainedBytes: number | null;
  walStatus: string | null;
  safeWalSizeBytes: number | null;
  /** 17+: when the slot became inactive. */
  inactiveSince: string | null;
  inactiveSeconds: number | null;
  xmin: string | null;
  xminAge: number | null;
  catalogXmin: string | null;
  catalogXminAge: number | null;
  /** 17+: why the slot was invalidated; 16: 'conflicting' for a logical slot invalidated on a standby. */
  invalidationReason: string | null;
}

export interface ArchiverState {
  mode: string;
  archivedCount: number;
  failedCount: number;
  lastArchivedWal: string | null;
  lastArchivedAt: string | null;
  lastFailedWal: string | null;
  lastFailedAt: string | null;
  /** True when the last attempt failed (last failure after the last success). */
  failing: boolean;
  /** Seconds since the last success (or since the statistics were reset) while failing. */
  failingForSeconds: number | null;
}

export interface RecoveryState {
  receiveLsn: string | null;
  replayLsn: string | null;
  /** Received but not yet replayed. */
  replayLagBytes: number | null;
  lastReplayAt: string | null;
  /** now - last replayed transaction's commit time: grows on an idle primary too. */
  replayAgeSeconds: number | null;
  /** 'not paused', 'pause requested' or 'paused'. */
  replayPause: string | null;
  receiverStatus: string | null;
  upstreamHost: string | null;
  upstreamPort: number | null;
  upstreamSlot: string | null;
  lastMessageAgeSeconds: number | null;
}
