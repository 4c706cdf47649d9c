import type {
  ConfigFigures,
  DatabaseRecord,
  PgBouncerVersion,
  PoolRecord,
  SocketRecord,
  StatsRecord,
  StatsTotals,
  UserRecord,
} from './pgbouncer-records.js';

/** Where a pool's size came from. */
export type PoolSizeSource = 'user' | 'database' | 'config';

/** A pool as SHOW POOLS gives it, plus what pgtop derives from it. */
export interface PoolFigures extends PoolRecord {
  /** The number of servers the pool may open; null when nothing says. */
  poolSize: number | null;
  poolSizeSource: PoolSizeSource | null;
  /** sv_active + sv_idle + sv_used + sv_tested + sv_login. */
  serversOpen: number;
  /** sv_active / pool size (may pass 1 when the reserve pool is in use). */
  utilisation: number | null;
  /** (sv_active + cl_waiting) / pool size. */
  demand: number | null;
  /** How long the oldest waiting client has waited: maxwait + maxwait_us / 1e6. */
  longestWaitSeconds: number;
  /** The database's max_db_connections or the user's max_user_connections is reached. */
  connectionCapReached: boolean;
  /** Clients wait, no idle or used server is left, and no more servers may be opened. */
  saturated: boolean;
}

export interface PoolModelInput {
  pools: readonly PoolRecord[];
  databases: readonly DatabaseRecord[];
  /** SHOW USERS (per-user pool_size and limits: 1.23+). */
  users?: readonly UserRecord[];
  /** SHOW SERVERS, to count a user's servers where SHOW USERS does not. */
  servers?: readonly SocketRecord[];
  config?: ConfigFigures | null;
}

function positive(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && value > 0 ? value : null;
}

/** The pool size PgBouncer applies: the user's pool_size, else the database's, else default_pool_size. */
export function effectivePoolSize(
  database: DatabaseRecord | undefined,
  user: UserRecord | undefined,
  config: ConfigFigures | null | undefined,
): { size: number | null; source: PoolSizeSource | null } {
  const fromUser = positive(user?.poolSize);
  if (fromUser !== null) return { size: fromUser, source: 'user' };
  // SHOW DATABASES already shows default_pool_size for a database without its own pool_size.
  const fromDatabase = database?.poolSize;
  if (fromDatabase !== null && fromDatabase !== undefined && fromDatabase >= 0) return { size: fromDatabase, source: 'database' };
  const fromConfig = config?.defaultPoolSize;
  if (fromConfig !== null && fromConfig !== undefined && fromConfig >= 0) return { size: fromConfig, source: 'config' };
  return { size: null, source: null };
}

export function serversOpen(pool: PoolRecord): number {
  return pool.svActive + pool.svIdle + pool.svUsed + pool.svTested + pool.svLogin;
}

export function longestWaitSeconds(pool: Pick<PoolRecord, 'maxwait' | 'maxwaitUs'>): number {
  return pool.maxwait + pool.maxwaitUs / 1e6;
}

function capReached(limit: number | null, current: number | null): boolean {
  return limit !== null && current !== null && current >= limit;
}

/** Derives size, utilisation, demand, longest wait and saturation for every pool. */
export function derivePools(input: PoolModelInput): PoolFigures[] {
  const databases = new Map(input.databases.map((database) => [database.name, database]));
  const users = new Map((input.users ?? []).map((user) => [user.name, user]));
  const serversPerUser = new Map<string, number>();
  for (const server of input.servers ?? []) serversPerUser.set(server.user, (serversPerUser.get(server.user) ?? 0) + 1);

  return input.pools.map((pool): PoolFigures => {
    const database = databases.get(pool.database);
    const user = users.get(pool.user);
    const { size, source } = effectivePoolSize(database, user, input.config);
    const open = serversOpen(pool);

    // A per-database or per-user value of 0 means "use the global setting", and a global 0 means no limit.
    const databaseCap = positive(database?.maxConnections) ?? positive(input.config?.maxDbConnections);
    const userCap = positive(user?.maxUserConnections) ?? positive(input.config?.maxUserConnections);
    const userCurrent = user?.currentConnections ?? (input.servers ? (serversPerUser.get(pool.user) ?? 0) : null);
    const connectionCapReached =
      capReached(databaseCap, database?.currentConnections ?? null) || capReached(userCap, userCurrent);

    const allAllowedOpen = size !== null && open >= size;
    const saturated = pool.clWaiting > 0 && pool.svIdle === 0 && pool.svUsed === 0 && (allAllowedOpen || connectionCapReached);

    return {
      ...pool,
      poolSize: size,
      poolSizeSource: source,
      serversOpen: open,
      utilisation: size ? pool.svActive / size : null,
      demand: size ? (pool.svActive + pool.clWaiting) / size : null,
      longestWaitSeconds: longestWaitSeconds(pool),
      connectionCapReached,
      saturated,
    };
  });
}

/** STATS taken at one moment. */
export interface StatsSample {
  /** Milliseconds since the epoch. */
  takenAt: number;
  stats: readonly StatsRecord[];
}

export interface DatabaseRates {
  database: string;
  /** Seconds between the two samples. */
  seconds: number;
  transactionsPerSecond: number | null;
  queriesPerSecond: number | null;
  receivedBytesPerSecond: number | null;
  sentBytesPerSecond: number | null;
  /** Mean time a client waited for a server, over the interval; null when nothing was served. */
  averageWaitSeconds: number | null;
  /** What the wait is averaged over: server assignments (1.23+) or transactions (before). */
  averageWaitPer: 'assignment' | 'transaction';
}

/** current − previous of an exact counter, as a number; null when either is missing or the counter went back (restart). */
function counterDelta(current: string | null, previous: string | null): number | null {
  if (current === null || previous === null) return null;
  const delta = BigInt(current) - BigInt(previous);
  return delta < 0n ? null : Number(delta);
}

function perSecond(delta: number | null, seconds: number): number | null {
  return delta === null ? null : delta / seconds;
}

/**
 * Rates per database from the `total_*` counters of two STATS samples (not PgBouncer's `avg_*` columns, which
 * cover its own stats_period and changed meaning in 1.23). Databases absent from the previous sample, or whose
 * counters went back (a restart), get null rates.
 */
export function statsRates(previous: StatsSample, current: StatsSample, version: Pick<PgBouncerVersion, 'hasServerAssignmentCount'>): DatabaseRates[] {
  const seconds = (current.takenAt - previous.takenAt) / 1000;
  const before = new Map(previous.stats.map((stats) => [stats.database, stats.totals]));
  const averageWaitPer = version.hasServerAssignmentCount ? 'assignment' : 'transaction';
  return current.stats.map((stats): DatabaseRates => {
    const old: StatsTotals | undefined = before.get(stats.database);
    const now = stats.totals;
    const delta = (key: keyof StatsTotals): number | null => (old && seconds > 0 ? counterDelta(now[key], old[key]) : null);
    const served = averageWaitPer === 'assignment' ? delta('serverAssignmentCount') : delta('xactCount');
    const waited = delta('waitTime');
    return {
      database: stats.database,
      seconds,
      transactionsPerSecond: perSecond(delta('xactCount'), seconds),
      queriesPerSecond: perSecond(delta('queryCount'), seconds),
      receivedBytesPerSecond: perSecond(delta('receivedBytes'), seconds),
      sentBytesPerSecond: perSecond(delta('sentBytes'), seconds),
      averageWaitSeconds: served !== null && served > 0 && waited !== null ? waited / served / 1e6 : null,
      averageWaitPer,
    };
  });
}

/** The figures of the header's PgBouncer line. */
export interface PgBouncerSummary {
  version: string;
  /** Clients of every pool: active + waiting (the console's own left out). */
  totalClients: number;
  waitingClients: number;
  longestWaitSeconds: number;
  poolCount: number;
  saturatedCount: number;
}

export function summarize(version: Pick<PgBouncerVersion, 'text'>, pools: readonly PoolFigures[]): PgBouncerSummary {
  let totalClients = 0;
  let waitingClients = 0;
  let longest = 0;
  let saturatedCount = 0;
  for (const pool of pools) {
    totalClients += pool.clActive + pool.clWaiting;
    waitingClients += pool.clWaiting;
    longest = Math.max(longest, pool.longestWaitSeconds);
    if (pool.saturated) saturatedCount += 1;
  }
  return { version: version.text, totalClients, waitingClients, longestWaitSeconds: longest, poolCount: pools.length, saturatedCount };
}

export interface BackendPool {
  database: string;
  user: string;
}

/** PostgreSQL backend pid (SHOW SERVERS.remote_pid = pg_stat_activity.pid) → the pool it serves. */
export function poolOfBackend(servers: readonly SocketRecord[]): Map<number, BackendPool> {
  const pools = new Map<number, BackendPool>();
  for (const server of servers) {
    if (server.type === 'S' && server.remotePid !== null) pools.set(server.remotePid, { database: server.database, user: server.user });
  }
  return pools;
}

/** The PgBouncer client a PostgreSQL backend is serving right now (SHOW SERVERS.link = SHOW CLIENTS.ptr), or null. */
export function clientOfBackend(remotePid: number, servers: readonly SocketRecord[], clients: readonly SocketRecord[]): SocketRecord | null {
  const server = servers.find((candidate) => candidate.type === 'S' && candidate.remotePid === remotePid);
  if (!server?.link) return null;
  return clients.find((client) => client.ptr === server.link) ?? null;
}
