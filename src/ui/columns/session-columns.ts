import type { Session } from '../../sources/types.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { formatDuration } from '../../text/duration.js';
import type { ColumnSpec } from './types.js';
import { stateLabel, waitLabel, type SessionColumnId, type SessionRow } from '../../store/session-fields.js';

export const HIDDEN_QUERY_TEXT = '<insufficient privilege>';

/**
 * A session's query on one line; for a cell of `width` columns only the text's start is read (twice the
 * width: a text of zero-width marks, or one that goes on, is still cut with its `…`).
 */
export function queryLabel(s: Session, width?: number): string {
  if (s.hidden) return HIDDEN_QUERY_TEXT;
  return width === undefined ? sanitizeOneLine(s.query ?? '') : sanitizeOneLine(s.query ?? '', Math.max(MIN_READ, 2 * width));
}

/** The least of a query a cell reads, whatever its width. */
const MIN_READ = 64;

const str = (v: string | null | undefined): string => sanitizeOneLine(v ?? '');

/**
 * Priorities (lower stays longest as the terminal narrows): what a DBA acts on first — the state, what the
 * session waits for, its durations and who blocks it — then who it is and where from.
 */
export const sessionColumns: readonly ColumnSpec<SessionRow, SessionColumnId>[] = [
  { id: 'pid', title: 'PID', width: 7, align: 'right', priority: 0, text: (s) => String(s.pid) },
  { id: 'database', title: 'DB', width: 10, align: 'left', priority: 8, text: (s) => str(s.database) },
  { id: 'user', title: 'USER', width: 10, align: 'left', priority: 6, text: (s) => str(s.user) },
  { id: 'application', title: 'APP', width: 14, align: 'left', priority: 7, text: (s) => str(s.application) },
  { id: 'client', title: 'CLIENT', width: 15, align: 'left', priority: 10, text: (s) => str(s.client) },
  { id: 'backendType', title: 'TYPE', width: 14, align: 'left', priority: 12, text: (s) => str(s.backendType) },
  { id: 'state', title: 'STATE', width: 10, align: 'left', priority: 1, text: stateLabel },
  { id: 'wait', title: 'WAIT', width: 18, align: 'left', priority: 2, text: (s) => str(waitLabel(s)) },
  { id: 'blockedBy', title: 'BLOCKED BY', width: 10, align: 'left', priority: 5, text: (s) => s.blockedBy.join(',') },
  { id: 'pool', title: 'POOL', width: 20, align: 'left', priority: 9, text: (s) => str(s.pool) },
  { id: 'xactAge', title: 'XACT', width: 7, align: 'right', priority: 4, text: (s) => formatDuration(s.xactAgeSeconds) },
  { id: 'queryAge', title: 'QUERY', width: 7, align: 'right', priority: 3, text: (s) => formatDuration(s.queryAgeSeconds) },
  { id: 'query', title: 'SQL', width: 20, align: 'left', priority: 0, flex: true, text: queryLabel },
];

/**
 * Columns the SQL keeps at least at this width: little at 80 columns, where the columns above come first
 * (Enter shows the whole query), more as the terminal widens.
 */
export const sessionSqlMinWidth = (width: number): number => Math.max(14, Math.floor(width * 0.3) - 10);

/** The columns for this screen: the pool column only with a PgBouncer connected, and then right after the user. */
export function sessionColumnsFor(bouncerConfigured: boolean): readonly ColumnSpec<SessionRow, SessionColumnId>[] {
  return bouncerConfigured ? pooledColumns : unpooledColumns;
}

const pooledColumns = sessionColumns.map((c) => (c.id === 'pool' ? { ...c, priority: 6.5 } : c));
const unpooledColumns = sessionColumns.filter((c) => c.id !== 'pool');
