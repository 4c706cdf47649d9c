import type { RawRow } from './parse.js';

/** How far before the last tick's start state changes are looked for again: a margin for the server's clock. */
const MARGIN_SECONDS = 1;

interface KnownText {
  query: unknown;
  length: unknown;
}

/**
 * The query texts of the sessions the last tick saw, so that a tick need not carry the texts of idle
 * sessions that did not change: the server sends those as NULL with a length of -1.
 */
export class QueryTexts {
  private known = new Map<string, KnownText>();
  private sinceSeconds = 0;

  /** Epoch seconds (server clock) from which idle sessions' texts are sent; 0 (every text) until a tick is seen. */
  get since(): number {
    return this.sinceSeconds;
  }

  /** A new connection: the next tick asks for every text. */
  reset(): void {
    this.known = new Map();
    this.sinceSeconds = 0;
  }

  /**
   * Puts the texts the server left out back into `rows` and remembers this tick's texts; false when a text
   * left out is not known here: the tick must be read again with every text.
   */
  complete(rows: RawRow[], serverNow: unknown): boolean {
    const next = new Map<string, KnownText>();
    for (const row of rows) {
      const key = `${String(row.pid)}:${String(row.backend_start_us)}`;
      if (row.query_length === -1) {
        const known = this.known.get(key);
        if (!known) return false;
        row.query = known.query;
        row.query_length = known.length;
      }
      next.set(key, { query: row.query, length: row.query_length });
    }
    this.known = next;
    this.sinceSeconds = serverNow instanceof Date && !Number.isNaN(serverNow.getTime()) ? serverNow.getTime() / 1000 - MARGIN_SECONDS : 0;
    return true;
  }
}
