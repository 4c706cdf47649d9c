import type pg from 'pg';
import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import { toConnectionError } from '../db/errors.js';
import { describeTarget } from '../config/resolve.js';
import { ConnectionError } from '../errors.js';
import { Backoff } from '../db/backoff.js';
import { monitorSql, type MonitorSql } from './sql.js';
import { preparedStatementTrouble, tickStatements, type TickMode } from './prepared.js';
import { KnownSessions } from './known-sessions.js';
import { num, parseDetailQuery, parseProgressRow, parseServer, parseSession, parseSessionLock, parseWaitingLock, type RawRow } from './parse.js';
import type { PgSnapshot } from './types.js';

/** Characters of each query the monitor fetches: more than any terminal line shows. */
export const QUERY_PREVIEW_CHARS = 4096;

/** What a tick reads besides the server and the sessions (see PostgresSource.tick). */
export type TickOptions = { detailPid?: number; locks?: boolean };

export type TickOutcome<T> =
  | { kind: 'data'; data: T }
  | { kind: 'error'; error: ConnectionError; retryInMs: number }
  /** The previous tick is still running: this one is skipped, not queued. */
  | { kind: 'skipped' };

/** The monitoring queries' statement timeout for a refresh interval: two intervals, at least 2 s. */
export const monitorTimeoutMs = (intervalSeconds: number): number => Math.max(2000, intervalSeconds * 2000);

export interface PostgresSourceOptions {
  statementTimeoutMs?: number;
  /**
   * How long a tick may take, reconnecting included, before it is abandoned and its connection dropped:
   * a backend or network that stops answering is not waited for (default: statement timeout + 3 s).
   */
  tickDeadlineMs?: number;
  /** Prompt for a password on the terminal if the server asks for one. */
  interactive?: boolean;
  /**
   * How much of each session's query a tick fetches (default QUERY_PREVIEW_CHARS: what a screen can
   * show; the detail fetches its session's whole text); null fetches whole texts (snapshots).
   */
  queryChars?: number | null;
}

/**
 * The monitoring connection to PostgreSQL: one connection named `pgtop`, every query under a
 * statement timeout, one round trip per tick, reconnecting with backoff after a failure.
 */
export class PostgresSource {
  private client: pg.Client | undefined;
  private sql: MonitorSql | undefined;
  /** How the tick sends its statements on this connection. */
  private mode: TickMode = 'prepare';
  private versionNum = 0;
  private busy = false;
  private readonly backoff = new Backoff(500, 15_000);
  private lastError: ConnectionError | undefined;
  private ownPid: number | undefined;
  /** Bumped when a tick is abandoned: whatever that tick was still doing is dropped when it ends. */
  private generation = 0;
  /** The statement timeout wanted, and the one the connection has (undefined: none yet). */
  private timeoutMs: number;
  /**
   * Ticks, other sources' readings and connecting take turns: a connection runs one query at a time, and two
   * callers finding it missing at once would each open one, leaving the first open after close().
   */
  private turn: Promise<unknown> = Promise.resolve();
  private closed = false;
  private appliedTimeoutMs: number | undefined;
  private readonly known = new KnownSessions();

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
  open(): Promise<void> {
    return this.inTurn(() => this.connectNow());
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work, work);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async connectNow(): Promise<void> {
    if (this.client) return;
    if (this.closed) throw new ConnectionError(`the monitoring connection to ${this.target} is closed`, 'unreachable');
    const generation = this.generation;
    const client = await connect(this.settings, {
      applicationName: 'pgtop',
      statementTimeoutMs: this.timeoutMs,
      interactive: this.options.interactive,
    });
    try {
      const result = await client.query<{ version_num: string; pid: number; encoding: string }>(
        "SELECT current_setting('server_version_num') AS version_num, pg_backend_pid() AS pid, current_setting('server_encoding') AS encoding",
      );
      const row = result.rows[0];
      if (generation !== this.generation) throw new Error('the connection attempt was abandoned');
      this.versionNum = Number(row?.version_num ?? 0);
      this.sql = monitorSql(this.versionNum, {
        queryChars: this.options.queryChars === undefined ? QUERY_PREVIEW_CHARS : this.options.queryChars,
        utf8: row?.encoding === 'UTF8',
      });
      this.ownPid = row?.pid;
      this.mode = 'prepare';
      this.known.reset();
      this.client = client;
      this.appliedTimeoutMs = this.timeoutMs;
      this.backoff.reset();
    } catch (error) {
      await closeQuietly(client);
      throw toConnectionError(error, this.target, this.settings.user);
    }
  }

  /**
   * One refresh. `detailPid`: also the detail of that session. `locks` (default true): also the locks the
   * sessions wait for, which cost a copy of the server's whole lock table (pg_locks) on a tick with lock waits.
   */
  async tick(options: TickOptions = {}): Promise<TickOutcome<PgSnapshot>> {
    if (this.busy) return { kind: 'skipped' };
    this.busy = true;
    const deadlineMs = this.options.tickDeadlineMs ?? this.timeoutMs + 3000;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), deadlineMs);
    });
    const work = this.attempt(options);
    try {
      const outcome = await Promise.race([work, expired]);
      return outcome === 'expired' ? this.abandon(deadlineMs) : outcome;
    } finally {
      clearTimeout(timer);
      this.busy = false;
    }
  }

  private attempt(options: TickOptions): Promise<TickOutcome<PgSnapshot>> {
    const generation = this.generation;
    // A tick abandoned at its deadline leaves the state to the ticks after it.
    const failed = (error: unknown): TickOutcome<PgSnapshot> =>
      generation === this.generation ? this.fail(error) : { kind: 'error', error: toConnectionError(error, this.target, this.settings.user), retryInMs: 0 };
    return this.inTurn(async () => {
      // Abandoned while it waited for its turn: its outcome is no longer wanted.
      if (generation !== this.generation) return { kind: 'skipped' };
      try {
        if (!this.client) {
          const wait = this.backoff.remainingMs();
          if (wait > 0 && this.lastError) return { kind: 'error', error: this.lastError, retryInMs: wait };
          await this.connectNow();
        }
        return { kind: 'data', data: await this.query(options.detailPid, options.locks ?? true) };
      } catch (error) {
        return failed(error);
      }
    });
  }

  /** The tick ran past its deadline: its connection is dropped (an answer arriving later is ignored). */
  private abandon(deadlineMs: number): TickOutcome<PgSnapshot> {
    this.generation++;
    const stuck = this.client;
    this.client = undefined;
    this.sql = undefined;
    // With a query in flight, end() destroys the socket rather than waiting for the server.
    void closeQuietly(stuck);
    this.backoff.failed();
    this.lastError = new ConnectionError(
      `no answer from ${this.target} within ${Math.round(deadlineMs / 100) / 10} s: the monitoring connection was dropped and is being re-established`,
      'timeout',
    );
    return { kind: 'error', error: this.lastError, retryInMs: this.backoff.remainingMs() };
  }

  /**
   * Runs another source's reading (replication, vacuum) on the monitoring connection, with the server's
   * version for its SQL. It waits for a running tick to end rather than opening a second connection.
   */
  read<T>(reading: (client: pg.Client, versionNum: number) => Promise<T>): Promise<TickOutcome<T>> {
    return this.inTurn(async () => {
      try {
        await this.connectNow();
        const client = this.client;
        if (!client) throw new Error('not connected');
        return { kind: 'data', data: await reading(client, this.versionNum) };
      } catch (error) {
        return this.fail(error);
      }
    });
  }

  private async query(detailPid: number | undefined, locks: boolean): Promise<PgSnapshot> {
    const client = this.client;
    const sql = this.sql;
    if (!client || !sql) throw new Error('not connected');
    if (this.timeoutMs !== this.appliedTimeoutMs) {
      const timeout = this.timeoutMs;
      await client.query(`SET statement_timeout = ${Math.round(timeout)}`);
      this.appliedTimeoutMs = timeout;
    }
    let results = await this.send(client, sql, { detailPid, locks, since: this.known.since });
    let sessions = this.known.read(results[1]?.rows ?? [], results[0]?.rows[0]?.now);
    if (!sessions) {
      results = await this.send(client, sql, { detailPid, locks, since: 0 });
      sessions = this.known.read(results[1]?.rows ?? [], results[0]?.rows[0]?.now) ?? [];
    }
    const [server, activity, ...rest] = results;
    const lockRows = locks ? rest.shift() : undefined;
    const [detailLocks, detailProgress, detailQuery] = rest;
    const serverRow = server?.rows[0];
    if (!serverRow || !activity || (locks && !lockRows)) throw new Error('the monitoring query returned no rows');
    return {
      takenAt: new Date().toISOString(),
      server: parseServer(serverRow),
      sessions: sessions.map((row) => parseSession(row, num(serverRow.now_us))),
      waitingLocks: lockRows ? lockRows.rows.map(parseWaitingLock) : null,
      detail:
        detailPid && detailLocks && detailProgress
          ? {
              pid: detailPid,
              query: parseDetailQuery(detailQuery?.rows[0]),
              locks: detailLocks.rows.map(parseSessionLock),
              progress: detailProgress.rows.map(parseProgressRow),
            }
          : null,
    };
  }

  /** One round trip with the tick's statements (and the detail's), prepared ones if the connection has them. */
  private async send(client: pg.Client, sql: MonitorSql, tick: { detailPid: number | undefined; locks: boolean; since: number }): Promise<pg.QueryResult<RawRow>[]> {
    const { detailPid } = tick;
    const sendIn = async (mode: TickMode): Promise<pg.QueryResult<RawRow>[]> => {
      const { statements, skip } = tickStatements(sql, mode, tick.since, tick.locks);
      const all = [...statements, ...(detailPid ? sql.detail(detailPid) : [])];
      return ((await client.query(all.join(';\n'))) as unknown as pg.QueryResult<RawRow>[]).slice(skip);
    };
    try {
      const results = await sendIn(this.mode);
      if (this.mode === 'prepare') this.mode = 'execute';
      return results;
    } catch (error) {
      const trouble = preparedStatementTrouble(error);
      if (this.mode === 'text' || !trouble) throw error;
      // Prepared by an earlier tick that failed after its PREPAREs (they outlive the failed transaction).
      this.mode = this.mode === 'prepare' && trouble === 'duplicate' ? 'execute' : 'text';
      return sendIn(this.mode).catch((again: unknown) => {
        if (this.mode !== 'execute' || !preparedStatementTrouble(again)) throw again;
        this.mode = 'text';
        return sendIn('text');
      });
    }
  }

  private fail(error: unknown): TickOutcome<never> {
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
    this.closed = true;
    this.generation++;
    const client = this.client;
    this.client = undefined;
    await closeQuietly(client);
  }
}
