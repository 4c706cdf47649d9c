import type pg from 'pg';
import type { BlockingSession } from './types.js';

const BLOCKERS_SQL = `
SELECT a.pid, a.usename, a.application_name, host(a.client_addr) AS client, a.state,
       extract(epoch FROM clock_timestamp() - a.xact_start)::float8 AS xact_seconds, a.query
  FROM pg_stat_activity a
 WHERE a.pid = ANY (pg_blocking_pids($1))
 ORDER BY a.pid`;

interface BlockerRow {
  pid: number;
  usename: string | null;
  application_name: string | null;
  client: string | null;
  state: string | null;
  xact_seconds: number | null;
  query: string | null;
}

/** The sessions holding locks that `pid` waits for (pg_blocking_pids, so advisory locks count too). */
export async function blockingSessions(watcher: pg.Client, pid: number): Promise<BlockingSession[]> {
  const result = await watcher.query<BlockerRow>(BLOCKERS_SQL, [pid]);
  return result.rows.map((row) => ({
    pid: row.pid,
    user: row.usename,
    applicationName: row.application_name,
    client: row.client,
    state: row.state,
    transactionSeconds: row.xact_seconds,
    query: row.query,
  }));
}

const samePids = (a: readonly BlockingSession[], b: readonly BlockingSession[]): boolean =>
  a.length === b.length && a.every((session, i) => session.pid === b[i]?.pid);

/** The backend to watch: a known pid, or a look-up made at every poll (undefined while there is none). */
export type WatchedBackend = number | (() => Promise<number | undefined>);

/**
 * Watches, from a second connection, which sessions block a migration's backend while it runs.
 * A lock timeout cancels the waiting statement, and by then the server no longer says who blocked it,
 * so the watch remembers the last blockers it saw.
 */
export class BlockerWatch {
  private current: BlockingSession[] = [];
  private lastSeen: BlockingSession[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private running = false;

  constructor(
    private readonly watcher: pg.Client,
    private readonly backend: WatchedBackend,
    private readonly onChange: (blockers: BlockingSession[]) => void,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.current = [];
    this.lastSeen = [];
    this.running = true;
    this.schedule();
  }

  /** The last non-empty set of blockers seen since start(). */
  get lastBlockers(): BlockingSession[] {
    return this.lastSeen;
  }

  /** Stops watching and returns the last non-empty set of blockers seen since start(). */
  async stop(): Promise<BlockingSession[]> {
    this.running = false;
    clearTimeout(this.timer);
    await this.polling;
    if (this.current.length > 0) {
      this.current = [];
      this.onChange([]);
    }
    return this.lastSeen;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll();
    }, this.intervalMs);
  }

  private async poll(): Promise<void> {
    try {
      const pid = typeof this.backend === 'number' ? this.backend : await this.backend();
      if (!this.running) return;
      const blockers = pid === undefined ? [] : await blockingSessions(this.watcher, pid);
      if (!this.running) return;
      if (blockers.length > 0) this.lastSeen = blockers;
      if (!samePids(blockers, this.current)) {
        this.current = blockers;
        this.onChange(blockers);
      }
    } catch {
      // The watch is best effort: a failed look leaves the last answer standing.
    } finally {
      this.schedule();
    }
  }
}
