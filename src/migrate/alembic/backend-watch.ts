import type pg from 'pg';
import { BlockerWatch } from '../blockers.js';
import type { BlockingSession } from '../types.js';

export interface ChildBackend {
  pid: number;
  database: string;
}

/**
 * Finds, from a connection of pgtop's own, the backend of the Alembic child by the application_name
 * pgtop gave it, and watches which sessions block it (the same watch as pgtop's own migrations').
 */
export class ChildBackendWatch {
  backend: ChildBackend | undefined;
  private readonly blockers: BlockerWatch;

  constructor(
    private readonly watcher: pg.Client,
    private readonly applicationName: string,
    handlers: { onBackend: (backend: ChildBackend) => void; onBlockers: (blockers: BlockingSession[]) => void },
    intervalMs = 100,
  ) {
    const findBackend = async (): Promise<number | undefined> => {
      const [backend] = await this.remaining();
      if (backend && backend.pid !== this.backend?.pid) {
        this.backend = backend;
        handlers.onBackend(backend);
      }
      return backend?.pid;
    };
    this.blockers = new BlockerWatch(watcher, findBackend, handlers.onBlockers, intervalMs);
  }

  /** The last non-empty set of blockers seen: after a lock timeout the server no longer says who blocked. */
  get lastBlockers(): BlockingSession[] {
    return this.blockers.lastBlockers;
  }

  start(): void {
    this.blockers.start();
  }

  async stop(): Promise<void> {
    await this.blockers.stop();
  }

  /** The child's backends still connected (after it exits, before the server notices). */
  async remaining(): Promise<ChildBackend[]> {
    const result = await this.watcher.query<{ pid: number; datname: string | null }>('SELECT pid, datname FROM pg_stat_activity WHERE application_name = $1', [this.applicationName]);
    return result.rows.map((row) => ({ pid: row.pid, database: row.datname ?? '' }));
  }
}
