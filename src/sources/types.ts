/** One row of pg_stat_activity, as pgtop shows it. Times are ISO strings; ages are seconds. */
export interface Session {
  pid: number;
  database: string | null;
  user: string | null;
  application: string;
  /** Client address, `local` for a Unix socket, null for background processes. */
  client: string | null;
  backendType: string | null;
  state: string | null;
  waitEventType: string | null;
  waitEvent: string | null;
  backendStart: string | null;
  /** backend_start in microseconds since the epoch: with the pid, the identity an action re-checks. */
  backendStartUs: string | null;
  xactStart: string | null;
  queryStart: string | null;
  /** query_start in microseconds since the epoch: with pid and backend_start, the statement a cancel re-checks. */
  queryStartUs: string | null;
  stateChange: string | null;
  xactAgeSeconds: number | null;
  queryAgeSeconds: number | null;
  /**
   * The query text exactly as the server has it (not sanitised: that happens where it is drawn); only its
   * start when the source fetches a preview (see queryLength).
   */
  query: string | null;
  /** The length of the whole query text on the server (characters), when known. */
  queryLength: number | null;
  queryId: string | null;
  leaderPid: number | null;
  /** Sessions this one waits on (pg_blocking_pids), advisory locks included. */
  blockedBy: number[];
  /** True when the role may not see this session's details (no pg_read_all_stats): those fields are null. */
  hidden: boolean;
}

export interface ServerInfo {
  version: string;
  versionNum: number;
  role: 'primary' | 'standby';
  startedAt: string;
  uptimeSeconds: number;
  maxConnections: number;
  /** Cumulative counters across databases (for rates). */
  xactTotal: number;
  blocksHit: number;
  blocksRead: number;
  /** The server's clock when the snapshot was taken. */
  now: string;
  /** The role pgtop is connected as, and whether it sees every session's details. */
  currentUser: string;
  seesAllSessions: boolean;
}

/** A lock a session is waiting for (pg_locks, not granted). */
export interface WaitingLock {
  pid: number;
  lockType: string;
  mode: string;
  /** The relation's name when it is in the connected database, its OID otherwise, or null. */
  relation: string | null;
  /** Advisory lock key, or the transaction/tuple being waited for. */
  object: string | null;
  waitStart: string | null;
  waitSeconds: number | null;
}

/** A lock a session holds or awaits, for the detail view. */
export interface SessionLock {
  lockType: string;
  mode: string;
  granted: boolean;
  relation: string | null;
  object: string | null;
}

/** One pg_stat_progress_* row of a session, for the detail view. */
export interface ProgressRow {
  kind: string;
  fields: Record<string, string | number | null>;
}

export interface SessionDetail {
  pid: number;
  /** The session's whole query text, or null when it is hidden or the session ended. */
  query: string | null;
  locks: SessionLock[];
  progress: ProgressRow[];
}

export interface StateCounts {
  total: number;
  active: number;
  idle: number;
  idleInTransaction: number;
  waiting: number;
  other: number;
}

export interface Rates {
  /** Transactions (commits + rollbacks) per second over the last interval; null on the first tick. */
  tps: number | null;
  /** Buffer cache hit ratio (0..1) over the last interval; null on the first tick or with no reads. */
  hitRatio: number | null;
}

export interface BlockingEdge {
  waiter: number;
  blocker: number;
}

/** What one tick of the PostgreSQL source gathers. */
export interface PgSnapshot {
  takenAt: string;
  server: ServerInfo;
  sessions: Session[];
  /**
   * The locks the sessions wait for; null when the tick did not read them (the monitor reads them only while
   * the Locks view is shown, unless it records). The sessions' blockers come with the sessions all the same.
   */
  waitingLocks: WaitingLock[] | null;
  detail: SessionDetail | null;
}
