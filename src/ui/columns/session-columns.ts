import type { Session } from '../../sources/types.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { formatDuration } from '../../text/duration.js';
import type { ColumnSpec } from './types.js';

/** A session with what other sources add to it (the PgBouncer pool it arrives through). */
export interface SessionRow extends Session {
  /** `database/user` of the PgBouncer pool; absent when no PgBouncer is connected. */
  pool?: string | null;
}

export type SessionColumnId =
  | 'pid'
  | 'database'
  | 'user'
  | 'application'
  | 'client'
  | 'backendType'
  | 'state'
  | 'wait'
  | 'blockedBy'
  | 'pool'
  | 'xactAge'
  | 'queryAge'
  | 'query';

const STATE_SHORT: Record<string, string> = {
  'idle in transaction': 'idle xact',
  'idle in transaction (aborted)': 'idle xact!',
  'fastpath function call': 'fastpath',
};

export function stateLabel(s: Session): string {
  if (s.hidden) return '?';
  if (s.state) return STATE_SHORT[s.state] ?? s.state;
  return '';
}

export function waitLabel(s: Session): string {
  return s.waitEventType ? `${s.waitEventType}:${s.waitEvent ?? ''}` : '';
}

export const HIDDEN_QUERY_TEXT = '<insufficient privilege>';

export function queryLabel(s: Session): string {
  if (s.hidden) return HIDDEN_QUERY_TEXT;
  return sanitizeOneLine(s.query ?? '');
}

const str = (v: string | null | undefined): string => sanitizeOneLine(v ?? '');

export const sessionColumns: readonly ColumnSpec<SessionRow, SessionColumnId>[] = [
  { id: 'pid', title: 'PID', width: 7, align: 'right', priority: 0, sortValue: (s) => s.pid, text: (s) => String(s.pid) },
  { id: 'database', title: 'DB', aliases: ['db', 'datname', 'database'], width: 10, align: 'left', priority: 7, sortValue: (s) => s.database, text: (s) => str(s.database) },
  { id: 'user', title: 'USER', aliases: ['usename', 'role'], width: 10, align: 'left', priority: 3, sortValue: (s) => s.user, text: (s) => str(s.user) },
  { id: 'application', title: 'APP', aliases: ['application', 'application_name'], width: 14, align: 'left', priority: 6.5, sortValue: (s) => s.application, text: (s) => str(s.application) },
  { id: 'client', title: 'CLIENT', aliases: ['client_addr', 'host'], width: 15, align: 'left', priority: 10, sortValue: (s) => s.client, text: (s) => str(s.client) },
  { id: 'backendType', title: 'TYPE', aliases: ['backend_type'], width: 14, align: 'left', priority: 12, sortValue: (s) => s.backendType, text: (s) => str(s.backendType) },
  { id: 'state', title: 'STATE', width: 10, align: 'left', priority: 1, sortValue: (s) => stateLabel(s), text: stateLabel },
  { id: 'wait', title: 'WAIT', aliases: ['wait_event'], width: 18, align: 'left', priority: 4, sortValue: (s) => waitLabel(s) || null, text: (s) => str(waitLabel(s)) },
  { id: 'blockedBy', title: 'BLOCKED BY', aliases: ['blocked', 'blocked_by'], width: 10, align: 'left', priority: 5, sortValue: (s) => s.blockedBy[0] ?? null, text: (s) => s.blockedBy.join(',') },
  { id: 'pool', title: 'POOL', aliases: ['pool'], width: 20, align: 'left', priority: 9, sortValue: (s) => s.pool ?? null, text: (s) => str(s.pool) },
  { id: 'xactAge', title: 'XACT', aliases: ['xact', 'xact_age'], width: 7, align: 'right', priority: 6, sortValue: (s) => s.xactAgeSeconds, text: (s) => formatDuration(s.xactAgeSeconds) },
  { id: 'queryAge', title: 'QUERY', aliases: ['query_age', 'age'], width: 7, align: 'right', priority: 2, sortValue: (s) => s.queryAgeSeconds, text: (s) => formatDuration(s.queryAgeSeconds) },
  { id: 'query', title: 'SQL', aliases: ['sql', 'query'], width: 20, align: 'left', priority: 0, flex: true, sortValue: (s) => s.query, text: queryLabel },
];

export const SESSION_COLUMN_IDS = sessionColumns.map((c) => c.id);

/** The columns for this screen: the pool column only with a PgBouncer connected, and then high in priority. */
export function sessionColumnsFor(bouncerConfigured: boolean): readonly ColumnSpec<SessionRow, SessionColumnId>[] {
  return bouncerConfigured ? pooledColumns : unpooledColumns;
}

const pooledColumns = sessionColumns.map((c) => (c.id === 'pool' ? { ...c, priority: 3.5 } : c));
const unpooledColumns = sessionColumns.filter((c) => c.id !== 'pool');
