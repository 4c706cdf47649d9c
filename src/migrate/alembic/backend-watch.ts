import type pg from 'pg';
import { blockingSessions } from '../blockers.js';
import type { BlockingSession } from '../types.js';

export interface ChildBackend {
  pid: number;
  database: string;
}

const samePids = (a: readonly BlockingSession[], b: readonly BlockingSession[]): boolean => a.length === b.length && a.every((session, i) => session.pid === b[i]?.pid);

/**
 * Finds, from a connection of pgtop's own, the backend of the Alembic child by the application_name
 * pgtop gave it, and watches which sessions block it. A lock timeout cancels the waiting statement and
 * the server then no longer says who blocked it, so the last blockers seen are kept.
 */
export class ChildBackendWatch {
  backend: ChildBackend | undefined;
  lastBlockers: BlockingSession[] = [];
  private current: BlockingSession[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private running = false;

  constructor(
    private readonly watcher: pg.Client,
    private readonly applicationName: string,
    private readonly handlers: { onBackend: (backend: ChildBackend) => void; onBlockers: (blockers: BlockingSession[]) => void },
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.polling;
    if (this.current.length > 0) {
      this.current = [];
      this.handlers.onBlockers([]);
    }
  }

  /** The child's backends still connected (after it exits, before the server notices). */
  async remaining(): Promise<ChildBackend[]> {
    const result = await this.watcher.query<{ pid: number; datname: string | null }>('SELECT pid, datname FROM pg_stat_activity WHERE application_name = $1', [this.applicationName]);
    return result.rows.map((row) => ({ pid: row.pid, database: row.datname ?? '' }));
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll();
    }, this.intervalMs);
  }

  private async poll(): Promise<void> {
    try {
      const [backend] = await this.remaining();
      if (!this.running) return;
      if (backend && backend.pid !== this.backend?.pid) {
        this.backend = backend;
        this.handlers.onBackend(backend);
      }
      const blockers = backend ? await blockingSessions(this.watcher, backend.pid) : [];
      if (!this.running) return;
      if (blockers.length > 0) this.lastBlockers = blockers;
      if (!samePids(blockers, this.current)) {
        this.current = blockers;
        this.handlers.onBlockers(blockers);
      }
    } catch {
      // The watch is best effort: a failed look leaves the last answer standing.
    } finally {
      this.schedule();
    }
  }
}
