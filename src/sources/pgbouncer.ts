import type { ConnectionSettings } from '../config/types.js';
import type { AdminConsoleOptions } from '../db/admin-client.js';
import { connectAdminConsole, type AdminConsole } from '../db/admin-console.js';
import { AdminConsoleError, type AdminConsoleErrorKind } from '../db/admin-console-error.js';
import { errorMessage } from '../errors.js';
import {
  derivePools,
  statsRates,
  summarize,
  type DatabaseRates,
  type PgBouncerSummary,
  type PoolFigures,
  type StatsSample,
} from './pgbouncer-model.js';
import { PgBouncerParseError } from './pgbouncer-cells.js';
import {
  parseClients,
  parseConfig,
  parseDatabases,
  parsePools,
  parseServers,
  parseStats,
  parseUsers,
  parseVersion,
} from './pgbouncer-parse.js';
import type { ConfigFigures, DatabaseRecord, PgBouncerVersion, SocketRecord, StatsRecord, UserRecord } from './pgbouncer-records.js';

/** Everything pgtop knows about PgBouncer after one tick. Plain data: it goes into `snapshot --json` as is. */
export interface PgBouncerSnapshot {
  /** When SHOW STATS answered (ISO 8601); the rates are measured to this moment. */
  takenAt: string;
  version: PgBouncerVersion;
  summary: PgBouncerSummary;
  /** Every pool but the console's own, with derived figures. */
  pools: PoolFigures[];
  /** Every database but the console's own. */
  databases: DatabaseRecord[];
  /** SHOW USERS where it has per-user settings (1.23+); empty before. */
  users: UserRecord[];
  stats: StatsRecord[];
  /** Per database, against the previous good tick; empty on the first. */
  rates: DatabaseRates[];
  servers: SocketRecord[];
  /** Every client but the console's own (pgtop's included). */
  clients: SocketRecord[];
  /** From SHOW CONFIG at connect; null when the console would not show it. */
  config: ConfigFigures | null;
}

export type PgBouncerErrorKind = AdminConsoleErrorKind | 'parse';

export interface PgBouncerSourceError {
  kind: PgBouncerErrorKind;
  message: string;
  /** When it failed (ISO 8601). */
  at: string;
  /** When the last good snapshot was taken, for the age shown beside the error. */
  lastGoodAt: string | null;
  /** How long until the next connection attempt. */
  retryInMs: number;
}

export type PgBouncerTick =
  | { status: 'ok'; snapshot: PgBouncerSnapshot }
  | { status: 'error'; error: PgBouncerSourceError }
  /** The previous tick is still running; nothing was queued. */
  | { status: 'skipped' };

export interface PgBouncerSourceOptions extends AdminConsoleOptions {
  /** First reconnection delay after a failure; default 500 ms. */
  backoffInitialMs?: number;
  /** Largest reconnection delay; default 15000 ms. */
  backoffMaxMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface PgBouncerSource {
  /** Polls once. Never throws; never runs two polls at once. */
  tick(): Promise<PgBouncerTick>;
  /** The last good snapshot, if any. */
  readonly last: PgBouncerSnapshot | undefined;
  /** Closes the connection; later ticks report an error. */
  close(): Promise<void>;
}

interface Connection {
  adminConsole: AdminConsole;
  version: PgBouncerVersion;
  config: ConfigFigures | null;
}

const droppedKinds = new Set<PgBouncerErrorKind>(['closed', 'timeout', 'unreachable']);

function toSourceFailure(error: unknown): { kind: PgBouncerErrorKind; message: string } {
  if (error instanceof AdminConsoleError) return { kind: error.kind, message: error.message };
  if (error instanceof PgBouncerParseError) return { kind: 'parse', message: `PgBouncer sent something pgtop cannot read: ${error.message}` };
  return { kind: 'closed', message: errorMessage(error) };
}

export function createPgBouncerSource(settings: ConnectionSettings, options: PgBouncerSourceOptions = {}): PgBouncerSource {
  const now = options.now ?? Date.now;
  const backoffInitialMs = options.backoffInitialMs ?? 500;
  const backoffMaxMs = options.backoffMaxMs ?? 15_000;

  let connection: Connection | undefined;
  let running = false;
  let closed = false;
  let delayMs = 0;
  let nextAttemptAt = 0;
  let lastError: PgBouncerSourceError | undefined;
  let last: PgBouncerSnapshot | undefined;
  let previousStats: StatsSample | undefined;

  const connect = async (): Promise<Connection> => {
    const adminConsole = await connectAdminConsole(settings, options);
    try {
      const version = parseVersion(await adminConsole.showVersion());
      let config: ConfigFigures | null = null;
      try {
        config = parseConfig(await adminConsole.show('CONFIG'));
      } catch (error) {
        if (!(error instanceof AdminConsoleError) || droppedKinds.has(error.kind)) throw error;
      }
      return { adminConsole, version, config };
    } catch (error) {
      await adminConsole.close();
      throw error;
    }
  };

  const poll = async ({ adminConsole, version, config }: Connection): Promise<PgBouncerSnapshot> => {
    const poolRows = await adminConsole.show('POOLS');
    const databaseRows = await adminConsole.show('DATABASES');
    const statsRows = await adminConsole.show('STATS');
    const statsAt = now();
    const serverRows = await adminConsole.show('SERVERS');
    const clientRows = await adminConsole.show('CLIENTS');
    const userRows = version.hasUserPoolSettings ? await adminConsole.show('USERS') : [];

    const databases = parseDatabases(databaseRows);
    const users = parseUsers(userRows);
    const servers = parseServers(serverRows);
    const pools = derivePools({ pools: parsePools(poolRows), databases, users, servers, config });
    const stats = parseStats(statsRows);
    const sample: StatsSample = { takenAt: statsAt, stats };
    const rates = previousStats && statsAt > previousStats.takenAt ? statsRates(previousStats, sample, version) : [];
    previousStats = sample;
    return {
      takenAt: new Date(statsAt).toISOString(),
      version,
      summary: summarize(version, pools),
      pools,
      databases,
      users,
      stats,
      rates,
      servers,
      clients: parseClients(clientRows),
      config,
    };
  };

  const drop = async (): Promise<void> => {
    const current = connection;
    connection = undefined;
    await current?.adminConsole.close();
  };

  const fail = (error: unknown): PgBouncerTick => {
    const failure = toSourceFailure(error);
    delayMs = delayMs === 0 ? backoffInitialMs : Math.min(delayMs * 2, backoffMaxMs);
    nextAttemptAt = now() + delayMs;
    lastError = { ...failure, at: new Date(now()).toISOString(), lastGoodAt: last?.takenAt ?? null, retryInMs: delayMs };
    return { status: 'error', error: lastError };
  };

  const closedTick = (): PgBouncerTick => ({
    status: 'error',
    error: { kind: 'closed', message: 'the PgBouncer source is closed', at: new Date(now()).toISOString(), lastGoodAt: last?.takenAt ?? null, retryInMs: 0 },
  });

  const attempt = async (): Promise<PgBouncerTick> => {
    if (closed) return closedTick();
    if (!connection && now() < nextAttemptAt && lastError) {
      return { status: 'error', error: { ...lastError, retryInMs: Math.max(0, nextAttemptAt - now()) } };
    }
    if (connection?.adminConsole.closed) await drop();
    for (let round = 0; ; round += 1) {
      const reused = connection !== undefined;
      try {
        if (!connection) {
          const opened = await connect();
          // Closed while it connected: keeping it would hold pgtop open after it quits.
          if (closed) {
            await opened.adminConsole.close();
            return closedTick();
          }
          connection = opened;
        }
        const snapshot = await poll(connection);
        delayMs = 0;
        nextAttemptAt = 0;
        lastError = undefined;
        last = snapshot;
        return { status: 'ok', snapshot };
      } catch (error) {
        await drop();
        const kind = toSourceFailure(error).kind;
        // A connection that went stale between ticks (PgBouncer restarted, a dropped socket) gets
        // one fresh try at once, so the error shown is about PgBouncer now, not about the old socket.
        if (round === 0 && reused && kind === 'closed' && !closed) continue;
        return fail(error);
      }
    }
  };

  return {
    get last() {
      return last;
    },
    async tick() {
      if (running) return { status: 'skipped' };
      running = true;
      try {
        return await attempt();
      } catch (error) {
        return fail(error);
      } finally {
        running = false;
      }
    },
    async close() {
      closed = true;
      await drop();
    },
  };
}
