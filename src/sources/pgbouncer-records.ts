/**
 * Typed records of the PgBouncer admin console's rows (SHOW POOLS, DATABASES, STATS, SERVERS, CLIENTS,
 * USERS, CONFIG, VERSION). Every column that PgBouncer added after 1.15 is optional and null when absent.
 *
 * STATS counters (`total_*`) are PostgreSQL `numeric` values of 64-bit counters. They are kept as exact
 * decimal strings: byte and microsecond totals of a long-running pooler can pass 2^53, where Number would
 * silently round, and strings survive JSON. The model subtracts them with BigInt and turns only the small
 * deltas into numbers. The per-second `avg_*` columns are small and parsed as numbers.
 */

/** The console's own database and pool, left out of what pgtop shows as pools. */
export const CONSOLE_DATABASE = 'pgbouncer';

export interface PgBouncerVersion {
  /** As the console says it: `PgBouncer 1.18.0`. */
  text: string;
  major: number;
  minor: number;
  patch: number;
  /** KILL_CLIENT and SHOW CLIENTS.id: 1.24+. */
  hasKillClient: boolean;
  /** STATS total_server_assignment_count: 1.23+. */
  hasServerAssignmentCount: boolean;
  /** SHOW STATE: 1.19+. */
  hasShowState: boolean;
  /** Per-user pool_size and limits in SHOW USERS: 1.23+. */
  hasUserPoolSettings: boolean;
}

export interface PoolRecord {
  database: string;
  user: string;
  clActive: number;
  clWaiting: number;
  /** 1.16–1.17 only. */
  clCancelReq: number | null;
  /** 1.18+. */
  clActiveCancelReq: number | null;
  /** 1.18+. */
  clWaitingCancelReq: number | null;
  svActive: number;
  /** 1.18+. */
  svActiveCancel: number | null;
  /** 1.18+. */
  svBeingCanceled: number | null;
  svIdle: number;
  svUsed: number;
  svTested: number;
  svLogin: number;
  /** Seconds part of the oldest waiting client's wait. */
  maxwait: number;
  /** Microseconds part of it. */
  maxwaitUs: number;
  poolMode: string | null;
  /** 1.24+. */
  loadBalanceHosts: string | null;
}

export interface DatabaseRecord {
  name: string;
  host: string | null;
  port: number | null;
  database: string | null;
  forceUser: string | null;
  /** Resolved by PgBouncer: the database's pool_size, else default_pool_size. */
  poolSize: number | null;
  /** 1.16+. */
  minPoolSize: number | null;
  /** `reserve_pool` before 1.24, `reserve_pool_size` from 1.24. */
  reservePoolSize: number | null;
  /** 1.23+. */
  serverLifetime: number | null;
  poolMode: string | null;
  /** 1.24+. */
  loadBalanceHosts: string | null;
  /** max_db_connections (0: no limit). */
  maxConnections: number | null;
  /** Server connections open to this database. */
  currentConnections: number | null;
  /** 1.24+. */
  maxClientConnections: number | null;
  /** 1.24+. */
  currentClientConnections: number | null;
  paused: boolean;
  disabled: boolean;
}

/** Exact decimal strings (see the file comment); null when this version lacks the column. */
export interface StatsTotals {
  /** 1.23+. */
  serverAssignmentCount: string | null;
  xactCount: string | null;
  queryCount: string | null;
  receivedBytes: string | null;
  sentBytes: string | null;
  /** Microseconds. */
  xactTime: string | null;
  /** Microseconds. */
  queryTime: string | null;
  /** Microseconds. */
  waitTime: string | null;
  /** 1.24+. */
  clientParseCount: string | null;
  /** 1.24+. */
  serverParseCount: string | null;
  /** 1.24+. */
  bindCount: string | null;
}

/** PgBouncer's own per-second averages over its last stats_period (not used for pgtop's rates). */
export interface StatsAverages {
  serverAssignmentCount: number | null;
  xactCount: number | null;
  queryCount: number | null;
  receivedBytes: number | null;
  sentBytes: number | null;
  xactTime: number | null;
  queryTime: number | null;
  /** Its meaning changed in 1.23 (per assignment instead of per transaction). */
  waitTime: number | null;
}

export interface StatsRecord {
  database: string;
  totals: StatsTotals;
  averages: StatsAverages;
}

/** A row of SHOW CLIENTS (type C) or SHOW SERVERS (type S). */
export interface SocketRecord {
  type: 'C' | 'S';
  user: string;
  database: string;
  state: string;
  addr: string | null;
  port: number | null;
  localAddr: string | null;
  localPort: number | null;
  connectTime: string | null;
  requestTime: string | null;
  /** Seconds part of how long the current request has waited. */
  wait: number | null;
  /** Microseconds part of it. */
  waitUs: number | null;
  closeNeeded: boolean | null;
  /** This socket's address inside PgBouncer: its identity. */
  ptr: string;
  /** The ptr of the socket it is paired with (client ↔ server), or null. */
  link: string | null;
  /** Servers: the PostgreSQL backend pid (pg_stat_activity.pid). Clients on a Unix socket: their pid. Null when unknown. */
  remotePid: number | null;
  tls: string | null;
  /** 1.18+. */
  applicationName: string | null;
  /** 1.21+. */
  preparedStatements: number | null;
  /** 1.23+: none, logical or physical. */
  replication: string | null;
  /** 1.24+: the handle KILL_CLIENT takes. */
  id: number | null;
}

export interface UserRecord {
  name: string;
  /** 1.23+; null when the user has no own setting. */
  poolSize: number | null;
  /** 1.23+. */
  reservePoolSize: number | null;
  poolMode: string | null;
  /** 1.23+ (0: no limit). */
  maxUserConnections: number | null;
  /** 1.23+. */
  currentConnections: number | null;
  /** 1.24+. */
  maxUserClientConnections: number | null;
  /** 1.24+. */
  currentClientConnections: number | null;
}

/** The few SHOW CONFIG settings the saturation model needs. */
export interface ConfigFigures {
  defaultPoolSize: number | null;
  reservePoolSize: number | null;
  maxClientConn: number | null;
  /** 0: no limit. */
  maxDbConnections: number | null;
  /** 0: no limit. */
  maxUserConnections: number | null;
  poolMode: string | null;
}
