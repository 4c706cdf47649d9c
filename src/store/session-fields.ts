import type { Session } from '../sources/types.js';
import type { FieldSpec } from './fields.js';

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

/** The Sessions view's fields in display order. */
export const sessionFields: readonly FieldSpec<SessionRow, SessionColumnId>[] = [
  { id: 'pid', names: ['pid'], sortValue: (s) => s.pid },
  { id: 'database', names: ['db', 'datname', 'database'], sortValue: (s) => s.database },
  { id: 'user', names: ['usename', 'role', 'user'], sortValue: (s) => s.user },
  { id: 'application', names: ['application', 'application_name', 'app'], sortValue: (s) => s.application },
  { id: 'client', names: ['client_addr', 'host', 'client'], sortValue: (s) => s.client },
  { id: 'backendType', names: ['backend_type', 'type'], sortValue: (s) => s.backendType },
  { id: 'state', names: ['state'], sortValue: (s) => stateLabel(s) },
  { id: 'wait', names: ['wait_event', 'wait'], sortValue: (s) => waitLabel(s) || null },
  { id: 'blockedBy', names: ['blocked', 'blocked_by', 'blocked by'], sortValue: (s) => s.blockedBy[0] ?? null },
  { id: 'pool', names: ['pool'], sortValue: (s) => s.pool ?? null },
  { id: 'xactAge', names: ['xact', 'xact_age'], sortValue: (s) => s.xactAgeSeconds },
  { id: 'queryAge', names: ['query_age', 'age', 'query'], sortValue: (s) => s.queryAgeSeconds },
  { id: 'query', names: ['sql', 'query'], sortValue: (s) => s.query },
];

/** The fields the Sessions view shows: the pool only with a PgBouncer connected. */
export function sessionFieldIds(bouncerConfigured: boolean): SessionColumnId[] {
  return sessionFields.map((f) => f.id).filter((id) => bouncerConfigured || id !== 'pool');
}
