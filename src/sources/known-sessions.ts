import type { RawRow } from './parse.js';
import { UNCHANGED_IDLE_COLUMNS } from './sql.js';

/** How far before the last tick's start state changes are looked for again: a margin for the server's clock. */
const MARGIN_SECONDS = 1;

/**
 * The sessions' rows as the last tick saw them, so that a tick need not carry what did not change: the
 * server sends an idle session whose state did not change with a query_length of -1 and most columns NULL.
 */
export class KnownSessions {
  private rows = new Map<unknown, RawRow>();
  private sinceSeconds = 0;

  /** Epoch seconds (server clock) from which idle sessions are sent whole; 0 (all of them) until a tick is seen. */
  get since(): number {
    return this.sinceSeconds;
  }

  /** A new connection: the next tick asks for every row whole. */
  reset(): void {
    this.rows = new Map();
    this.sinceSeconds = 0;
  }

  /**
   * Puts what the server left out back into `rows` and remembers this tick's rows; false when a row left
   * out is not known here: the tick must be read again whole.
   */
  complete(rows: RawRow[], serverNow: unknown): boolean {
    const next = new Map<unknown, RawRow>();
    for (const row of rows) {
      if (row.query_length === -1) {
        const known = this.rows.get(row.pid);
        if (!known) return false;
        for (const column of UNCHANGED_IDLE_COLUMNS) row[column] = known[column];
        row.query_length = known.query_length;
      }
      next.set(row.pid, row);
    }
    this.rows = next;
    this.sinceSeconds = serverNow instanceof Date && !Number.isNaN(serverNow.getTime()) ? serverNow.getTime() / 1000 - MARGIN_SECONDS : 0;
    return true;
  }
}
