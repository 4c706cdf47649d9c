/**
 * Rows of the PgBouncer admin console (SHOW POOLS, DATABASES, STATS, SERVERS, CLIENTS, USERS, CONFIG,
 * VERSION) parsed into typed records. Columns are read by name, never by position; every column that
 * PgBouncer added after 1.15 is optional and null when absent. Values arrive as text (the console client
 * asks for text; the captures are CSV), so everything here parses strings.
 */
import { PgBouncerParseError, atLeast, average, counter, flag, integer, requiredInteger, requiredText, text, type AdminTextRow } from './pgbouncer-cells.js';
import {
  CONSOLE_DATABASE,
  type ConfigFigures,
  type DatabaseRecord,
  type PgBouncerVersion,
  type PoolRecord,
  type SocketRecord,
  type StatsRecord,
  type UserRecord,
} from './pgbouncer-records.js';

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
