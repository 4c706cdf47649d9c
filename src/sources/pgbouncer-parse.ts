/**
 * Rows of the PgBouncer admin console (SHOW POOLS, DATABASES, STATS, SERVERS, CLIENTS, USERS, CONFIG,
 * VERSION) parsed into typed records. Columns are read by name, never by position; every column that
 * PgBouncer added after 1.15 is optional and null when absent. Values arrive as text (the console client
 * asks for text; the captures are CSV), so everything here parses strings.
 *
 * STATS counters (`total_*`) are PostgreSQL `numeric` values of 64-bit counters. They are kept as exact
 * decimal strings: byte and microsecond totals of a long-running pooler can pass 2^53, where Number would
 * silently round, and strings survive JSON. The model subtracts them with BigInt and turns only the small
 * deltas into numbers. The per-second `avg_*` columns are small and parsed as numbers.
 */

export type AdminTextRow = Readonly<Record<string, string | null | undefined>>;

export class PgBouncerParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgBouncerParseError';
  }
}

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

function text(row: AdminTextRow, column: string): string | null {
  const value = row[column];
  return value === undefined || value === null || value === '' ? null : value;
}

function requiredText(row: AdminTextRow, column: string, what: string): string {
  const value = row[column];
  if (value === undefined || value === null) throw new PgBouncerParseError(`${what}: column "${column}" missing`);
  return value;
}

function integer(row: AdminTextRow, column: string): number | null {
  const value = text(row, column)?.trim();
  if (!value || !/^-?\d+$/.test(value)) return null;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : null;
}

function requiredInteger(row: AdminTextRow, column: string, what: string): number {
  const value = integer(row, column);
  if (value === null) throw new PgBouncerParseError(`${what}: column "${column}" missing or not an integer (${String(row[column])})`);
  return value;
}

function flag(row: AdminTextRow, column: string): boolean | null {
  const value = integer(row, column);
  return value === null ? null : value !== 0;
}

/** A non-negative integer as an exact decimal string (leading zeros dropped), or null. */
function counter(row: AdminTextRow, column: string): string | null {
  const value = text(row, column)?.trim();
  if (!value) return null;
  const match = /^(\d+)(?:\.0*)?$/.exec(value);
  return match ? match[1]!.replace(/^0+(?=\d)/, '') : null;
}

function average(row: AdminTextRow, column: string): number | null {
  const value = text(row, column)?.trim();
  if (!value) return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function atLeast(version: { major: number; minor: number }, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/** `PgBouncer 1.18.0` (or `1.18.0`, `PgBouncer 1.25.2 (…)`) → version record. */
export function parseVersion(versionText: string): PgBouncerVersion {
  const match = /^\s*(?:PgBouncer\s+)?(\d+)\.(\d+)(?:\.(\d+))?/i.exec(versionText);
  if (!match) throw new PgBouncerParseError(`not a PgBouncer version: ${JSON.stringify(versionText.slice(0, 80))}`);
  const version = { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
  return {
    text: versionText.trim(),
    ...version,
    hasKillClient: atLeast(version, 1, 24),
    hasServerAssignmentCount: atLeast(version, 1, 23),
    hasShowState: atLeast(version, 1, 19),
    hasUserPoolSettings: atLeast(version, 1, 23),
  };
}

/** SHOW VERSION rows → version record. */
export function parseVersionRows(rows: readonly AdminTextRow[]): PgBouncerVersion {
  const value = rows[0] ? text(rows[0], 'version') : null;
  if (!value) throw new PgBouncerParseError('SHOW VERSION: no version row');
  return parseVersion(value);
}

export function parsePools(rows: readonly AdminTextRow[], options: { includeConsole?: boolean } = {}): PoolRecord[] {
  const what = 'SHOW POOLS';
  return rows
    .map(
      (row): PoolRecord => ({
        database: requiredText(row, 'database', what),
        user: requiredText(row, 'user', what),
        clActive: requiredInteger(row, 'cl_active', what),
        clWaiting: requiredInteger(row, 'cl_waiting', what),
        clCancelReq: integer(row, 'cl_cancel_req'),
        clActiveCancelReq: integer(row, 'cl_active_cancel_req'),
        clWaitingCancelReq: integer(row, 'cl_waiting_cancel_req'),
        svActive: requiredInteger(row, 'sv_active', what),
        svActiveCancel: integer(row, 'sv_active_cancel'),
        svBeingCanceled: integer(row, 'sv_being_canceled'),
        svIdle: requiredInteger(row, 'sv_idle', what),
        svUsed: requiredInteger(row, 'sv_used', what),
        svTested: requiredInteger(row, 'sv_tested', what),
        svLogin: requiredInteger(row, 'sv_login', what),
        maxwait: requiredInteger(row, 'maxwait', what),
        maxwaitUs: integer(row, 'maxwait_us') ?? 0,
        poolMode: text(row, 'pool_mode'),
        loadBalanceHosts: text(row, 'load_balance_hosts'),
      }),
    )
    .filter((pool) => options.includeConsole || pool.database !== CONSOLE_DATABASE);
}

export function parseDatabases(rows: readonly AdminTextRow[], options: { includeConsole?: boolean } = {}): DatabaseRecord[] {
  const what = 'SHOW DATABASES';
  return rows
    .map(
      (row): DatabaseRecord => ({
        name: requiredText(row, 'name', what),
        host: text(row, 'host'),
        port: integer(row, 'port'),
        database: text(row, 'database'),
        forceUser: text(row, 'force_user'),
        poolSize: integer(row, 'pool_size'),
        minPoolSize: integer(row, 'min_pool_size'),
        reservePoolSize: integer(row, 'reserve_pool_size') ?? integer(row, 'reserve_pool'),
        serverLifetime: integer(row, 'server_lifetime'),
        poolMode: text(row, 'pool_mode'),
        loadBalanceHosts: text(row, 'load_balance_hosts'),
        maxConnections: integer(row, 'max_connections'),
        currentConnections: integer(row, 'current_connections'),
        maxClientConnections: integer(row, 'max_client_connections'),
        currentClientConnections: integer(row, 'current_client_connections'),
        paused: flag(row, 'paused') ?? false,
        disabled: flag(row, 'disabled') ?? false,
      }),
    )
    .filter((database) => options.includeConsole || database.name !== CONSOLE_DATABASE);
}

export function parseStats(rows: readonly AdminTextRow[], options: { includeConsole?: boolean } = {}): StatsRecord[] {
  const what = 'SHOW STATS';
  return rows
    .map(
      (row): StatsRecord => ({
        database: requiredText(row, 'database', what),
        totals: {
          serverAssignmentCount: counter(row, 'total_server_assignment_count'),
          xactCount: counter(row, 'total_xact_count'),
          queryCount: counter(row, 'total_query_count'),
          receivedBytes: counter(row, 'total_received'),
          sentBytes: counter(row, 'total_sent'),
          xactTime: counter(row, 'total_xact_time'),
          queryTime: counter(row, 'total_query_time'),
          waitTime: counter(row, 'total_wait_time'),
          clientParseCount: counter(row, 'total_client_parse_count'),
          serverParseCount: counter(row, 'total_server_parse_count'),
          bindCount: counter(row, 'total_bind_count'),
        },
        averages: {
          serverAssignmentCount: average(row, 'avg_server_assignment_count'),
          xactCount: average(row, 'avg_xact_count'),
          queryCount: average(row, 'avg_query_count'),
          receivedBytes: average(row, 'avg_recv'),
          sentBytes: average(row, 'avg_sent'),
          xactTime: average(row, 'avg_xact_time'),
          queryTime: average(row, 'avg_query_time'),
          waitTime: average(row, 'avg_wait_time'),
        },
      }),
    )
    .filter((stats) => options.includeConsole || stats.database !== CONSOLE_DATABASE);
}

function parseSocket(row: AdminTextRow, what: string): SocketRecord {
  const type = requiredText(row, 'type', what);
  if (type !== 'C' && type !== 'S') throw new PgBouncerParseError(`${what}: unknown socket type ${JSON.stringify(type)}`);
  const remotePid = integer(row, 'remote_pid');
  return {
    type,
    user: requiredText(row, 'user', what),
    database: requiredText(row, 'database', what),
    state: requiredText(row, 'state', what),
    addr: text(row, 'addr'),
    port: integer(row, 'port'),
    localAddr: text(row, 'local_addr'),
    localPort: integer(row, 'local_port'),
    connectTime: text(row, 'connect_time'),
    requestTime: text(row, 'request_time'),
    wait: integer(row, 'wait'),
    waitUs: integer(row, 'wait_us'),
    closeNeeded: flag(row, 'close_needed'),
    ptr: requiredText(row, 'ptr', what),
    link: text(row, 'link'),
    remotePid: remotePid && remotePid > 0 ? remotePid : null,
    tls: text(row, 'tls'),
    applicationName: text(row, 'application_name'),
    preparedStatements: integer(row, 'prepared_statements'),
    replication: text(row, 'replication'),
    id: integer(row, 'id'),
  };
}

/** SHOW CLIENTS, without the console's own clients (database `pgbouncer`) unless asked. */
export function parseClients(rows: readonly AdminTextRow[], options: { includeConsole?: boolean } = {}): SocketRecord[] {
  return rows
    .map((row) => parseSocket(row, 'SHOW CLIENTS'))
    .filter((client) => options.includeConsole || client.database !== CONSOLE_DATABASE);
}

export function parseServers(rows: readonly AdminTextRow[]): SocketRecord[] {
  return rows.map((row) => parseSocket(row, 'SHOW SERVERS'));
}

export function parseUsers(rows: readonly AdminTextRow[]): UserRecord[] {
  const what = 'SHOW USERS';
  return rows.map(
    (row): UserRecord => ({
      name: requiredText(row, 'name', what),
      poolSize: integer(row, 'pool_size'),
      reservePoolSize: integer(row, 'reserve_pool_size'),
      poolMode: text(row, 'pool_mode'),
      maxUserConnections: integer(row, 'max_user_connections'),
      currentConnections: integer(row, 'current_connections'),
      maxUserClientConnections: integer(row, 'max_user_client_connections'),
      currentClientConnections: integer(row, 'current_client_connections'),
    }),
  );
}

/** SHOW CONFIG (key, value, default, changeable) → the settings the model needs. */
export function parseConfig(rows: readonly AdminTextRow[]): ConfigFigures {
  const values = new Map<string, AdminTextRow>();
  for (const row of rows) {
    const key = text(row, 'key');
    if (key) values.set(key, { value: text(row, 'value') });
  }
  const get = (key: string): number | null => {
    const row = values.get(key);
    return row ? integer(row, 'value') : null;
  };
  return {
    defaultPoolSize: get('default_pool_size'),
    reservePoolSize: get('reserve_pool_size'),
    maxClientConn: get('max_client_conn'),
    maxDbConnections: get('max_db_connections'),
    maxUserConnections: get('max_user_connections'),
    poolMode: values.get('pool_mode')?.value ?? null,
  };
}
