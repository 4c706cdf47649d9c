import type pg from 'pg';
import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import { toConnectionError } from '../db/errors.js';
import { describeTarget } from '../config/resolve.js';
import type { ConnectionError } from '../errors.js';
import { Backoff } from '../db/backoff.js';
import { monitorSql, type MonitorSql } from './sql.js';
import { parseProgressRow, parseServer, parseSession, parseSessionLock, parseWaitingLock, type RawRow } from './parse.js';
import type { PgSnapshot } from './types.js';

export type TickOutcome<T> =
  | { kind: 'data'; data: T }
  | { kind: 'error'; error: ConnectionError; retryInMs: number }
  /** The previous tick is still running: this one is skipped, not queued. */
  | { kind: 'skipped' };

/** The monitoring queries' statement timeout for a refresh interval: two intervals, at least 2 s. */
export const monitorTimeoutMs = (intervalSeconds: number): number => Math.max(2000, intervalSeconds * 2000);

export interface PostgresSourceOptions {
  statementTimeoutMs?: number;
  /** Prompt for a password on the terminal if the server asks for one. */
  interactive?: boolean;
}

/**
 * The monitoring connection to PostgreSQL: one connection named `pgtop`, every query under a
 * statement timeout, one round trip per tick, reconnecting with backoff after a failure.
 */
export class PostgresSource {
  private client: pg.Client | undefined;
  private sql: MonitorSql | undefined;
  private busy = false;
  private readonly backoff = new Backoff(500, 15_000);
  private lastError: ConnectionError | undefined;
  private ownPid: number | undefined;
  /** The statement timeout wanted, and the one the connection has (undefined: none yet). */
  private timeoutMs: number;
  private appliedTimeoutMs: number | undefined;

  constructor(
    readonly settings: ConnectionSettings,
    private readonly options: PostgresSourceOptions = {},
  ) {
    this.timeoutMs = options.statementTimeoutMs ?? 5000;
  }

  get target(): string {
    return describeTarget(this.settings);
  }

  /** The backend pid of the monitoring connection (left out of the sessions). */
  get backendPid(): number | undefined {
    return this.ownPid;
  }

  /** The statement timeout of the monitoring queries (the interval changed); applied from the next tick on. */
  setStatementTimeout(ms: number): void {
    this.timeoutMs = ms;
  }

  get statementTimeoutMs(): number {
    return this.timeoutMs;
  }

  /** Connects now, throwing a ConnectionError: used at start-up, where a failure ends the program. */
  async open(): Promise<void> {
    if (this.client) return;
    const client = await connect(this.settings, {
      applicationName: 'pgtop',
      statementTimeoutMs: this.timeoutMs,
      interactive: this.options.interactive,
    });
    try {
      const result = await client.query<{ version_num: string; pid: number }>(
        "SELECT current_setting('server_version_num') AS version_num, pg_backend_pid() AS pid",
      );
      const row = result.rows[0];
      this.sql = monitorSql(Number(row?.version_num ?? 0));
      this.ownPid = row?.pid;
      this.client = client;
      this.appliedTimeoutMs = this.timeoutMs;
      this.backoff.reset();
    } catch (error) {
      await closeQuietly(client);
      throw toConnectionError(error, this.target, this.settings.user);
    }
  }

  async tick(options: { detailPid?: number } = {}): Promise<TickOutcome<PgSnapshot>> {
    if (this.busy) return { kind: 'skipped' };
    this.busy = true;
    try {
      if (!this.client) {
        const wait = this.backoff.remainingMs();
        if (wait > 0 && this.lastError) return { kind: 'error', error: this.lastError, retryInMs: wait };
        try {
          await this.open();
        } catch (error) {
          return this.fail(error);
        }
      }
      return { kind: 'data', data: await this.query(options.detailPid) };
    } catch (error) {
      return this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private async query(detailPid: number | undefined): Promise<PgSnapshot> {
    const client = this.client;
    const sql = this.sql;
    if (!client || !sql) throw new Error('not connected');
    if (this.timeoutMs !== this.appliedTimeoutMs) {
      const timeout = this.timeoutMs;
      await client.query(`SET statement_timeout = ${Math.round(timeout)}`);
      this.appliedTimeoutMs = timeout;
    }
    const statements = [sql.server, sql.activity, sql.waitingLocks, ...(detailPid ? sql.detail(detailPid) : [])];
    const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult<RawRow>[];
    const [server, activity, locks, detailLocks, detailProgress] = results;
    const serverRow = server?.rows[0];
    if (!serverRow || !activity || !locks) throw new Error('the monitoring query returned no rows');
    return {
      takenAt: new Date().toISOString(),
      server: parseServer(serverRow),
      sessions: activity.rows.map(parseSession),
      waitingLocks: locks.rows.map(parseWaitingLock),
      detail:
        detailPid && detailLocks && detailProgress
          ? { pid: detailPid, locks: detailLocks.rows.map(parseSessionLock), progress: detailProgress.rows.map(parseProgressRow) }
          : null,
    };
  }

  private async fail(error: unknown): Promise<TickOutcome<PgSnapshot>> {
    const connectionError = toConnectionError(error, this.target, this.settings.user);
    // A query cancelled by its timeout leaves a healthy connection; anything else starts over.
    if (connectionError.kind !== 'timeout' || !this.client) {
      const broken = this.client;
      this.client = undefined;
      this.sql = undefined;
      void closeQuietly(broken);
      this.backoff.failed();
    }
    this.lastError = connectionError;
    return { kind: 'error', error: connectionError, retryInMs: this.backoff.remainingMs() };
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await closeQuietly(client);
  }
}
