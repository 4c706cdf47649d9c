import type { RawRow } from './parse.js';
import { activityRows } from './activity-rows.js';
import { HELD_COLUMNS, RESTING, RESTING_COLUMNS, UNCHANGED } from './sql.js';

/** The characters of a text as PostgreSQL's length() counts them in UTF8: code points, a surrogate pair being one. */
export function textLength(text: string): number {
  if (!LOW_SURROGATE.test(text)) return text.length;
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) count--;
  }
  return count;
}
const LOW_SURROGATE = /[\udc00-\udfff]/;

/** Whether a row is a resting session's as the server would send it whole: idle, waiting for its client, blocked by none. */
function rests(row: RawRow): boolean {
  const blockedBy = row.blocked_by;
  return (
    row.state === RESTING_COLUMNS.state &&
    row.wait_event_type === RESTING_COLUMNS.wait_event_type &&
    row.wait_event === RESTING_COLUMNS.wait_event &&
    (!Array.isArray(blockedBy) || blockedBy.length === 0)
  );
}

/** How far before the last tick's start state changes are looked for again: a margin for the server's clock. */
const MARGIN_SECONDS = 1;

/**
 * The sessions' rows as the last tick saw them, so that a tick need not carry what did not change: the
 * server sends a session whose state did not change with a query_length of UNCHANGED and its held columns
 * NULL, or as RESTING and only its pid (see MonitorSql.activity and activityRows), and a query text sent
 * whole with a NULL query_length (see MonitorSqlOptions.utf8).
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
   * The activity statement's rows as whole rows (see activityRows and complete); undefined when a row left
   * out is not known here: the tick must be read again whole.
   */
  read(statementRows: readonly RawRow[], serverNow: unknown): RawRow[] | undefined {
    const rows = activityRows(statementRows);
    return this.complete(rows, serverNow) ? rows : undefined;
  }

  /**
   * Puts what the server left out back into `rows` and remembers this tick's rows; false when a row left
   * out is not known here: the tick must be read again whole.
   */
  complete(rows: RawRow[], serverNow: unknown): boolean {
    const next = new Map<unknown, RawRow>();
    for (let i = 0; i < rows.length; i++) {
      let row = rows[i] as RawRow;
      if (row.query_length === RESTING || row.query_length === UNCHANGED) {
        const known = this.rows.get(row.pid);
        if (!known) return false;
        if (row.query_length === RESTING) {
          // A session that rested already is the same row again; one that just came to rest is its last row, at rest.
          row = rests(known) ? known : { ...known, ...RESTING_COLUMNS, blocked_by: null };
          rows[i] = row;
        } else {
          for (const column of HELD_COLUMNS) row[column] = known[column];
          row.query_length = known.query_length;
        }
      } else if (row.query_length === null && typeof row.query === 'string') {
        row.query_length = textLength(row.query);
      }
      next.set(row.pid, row);
    }
    this.rows = next;
    this.sinceSeconds = serverNow instanceof Date && !Number.isNaN(serverNow.getTime()) ? serverNow.getTime() / 1000 - MARGIN_SECONDS : 0;
    return true;
  }
}
