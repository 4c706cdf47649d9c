import { isoFromMicros } from './iso-micros.js';
import type { ProgressRow, ServerInfo, Session, SessionLock, WaitingLock } from './types.js';

/** A row as node-postgres returns it, before we trust any field. */
export type RawRow = Record<string, unknown>;

export const iso = (value: unknown): string | null => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return typeof value === 'string' ? value : null;
};
export const num = (value: unknown): number | null => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};
export const text = (value: unknown): string | null => (typeof value === 'string' ? value : value == null ? null : String(value));

/** Seconds from `startMicros` to `nowMicros`, exactly as the server's EXTRACT(EPOCH FROM now() - start). */
const secondsSince = (nowMicros: number | null, startMicros: unknown): number | null => {
  const start = num(startMicros);
  return start === null || nowMicros === null ? null : (nowMicros - start) / 1_000_000;
};

const HIDDEN_QUERY = '<insufficient privilege>';

/**
 * A session from the activity statement, whose times come as microseconds (ages from `nowMicros`, the server's
 * now_us), or from a row with the timestamps and ages themselves (synthetic rows).
 */
export function parseSession(row: RawRow, nowMicros: number | null = null): Session {
  const micros = row.backend_start === undefined;
  const backendType = text(row.backend_type);
  const clientAddr = text(row.client_addr);
  const clientPort = num(row.client_port);
  const hidden = row.query === HIDDEN_QUERY && row.state == null;
  let client: string | null = clientAddr;
  if (!client && clientPort === -1) client = 'local';
  else if (!client && backendType === 'client backend' && !hidden) client = 'local';
  const blockedBy = Array.isArray(row.blocked_by) ? row.blocked_by.map(Number).filter(Number.isInteger) : [];
  return {
    pid: Number(row.pid),
    database: text(row.datname),
    user: text(row.usename),
    application: text(row.application_name) ?? '',
    client,
    backendType,
    state: hidden ? null : text(row.state),
    waitEventType: text(row.wait_event_type),
    waitEvent: text(row.wait_event),
    backendStart: micros ? isoFromMicros(row.backend_start_us) : iso(row.backend_start),
    backendStartUs: text(row.backend_start_us),
    xactStart: micros ? isoFromMicros(row.xact_start_us) : iso(row.xact_start),
    queryStart: micros ? isoFromMicros(row.query_start_us) : iso(row.query_start),
    queryStartUs: text(row.query_start_us),
    stateChange: micros ? isoFromMicros(row.state_change_us) : iso(row.state_change),
    xactAgeSeconds: micros ? secondsSince(nowMicros, row.xact_start_us) : num(row.xact_age),
    queryAgeSeconds: micros ? secondsSince(nowMicros, row.query_start_us) : num(row.query_age),
    query: hidden ? null : text(row.query),
    queryLength: hidden ? null : num(row.query_length),
    queryId: text(row.query_id),
    leaderPid: num(row.leader_pid),
    blockedBy,
    hidden,
  };
}

export function parseServer(row: RawRow): ServerInfo {
  return {
    version: text(row.version) ?? '?',
    versionNum: num(row.version_num) ?? 0,
    role: row.in_recovery === true ? 'standby' : 'primary',
    startedAt: iso(row.started_at) ?? '',
    uptimeSeconds: num(row.uptime) ?? 0,
    maxConnections: num(row.max_connections) ?? 0,
    xactTotal: num(row.xacts) ?? 0,
    blocksHit: num(row.hit) ?? 0,
    blocksRead: num(row.read) ?? 0,
    now: iso(row.now) ?? new Date().toISOString(),
    currentUser: text(row.current_user) ?? '',
    seesAllSessions: row.sees_all === true,
  };
}

export function parseWaitingLock(row: RawRow): WaitingLock {
  return {
    pid: Number(row.pid),
    lockType: text(row.locktype) ?? '?',
    mode: text(row.mode) ?? '?',
    relation: text(row.relation),
    object: text(row.object),
    waitStart: iso(row.wait_start),
    waitSeconds: num(row.wait_seconds),
  };
}

export function parseSessionLock(row: RawRow): SessionLock {
  return {
    lockType: text(row.locktype) ?? '?',
    mode: text(row.mode) ?? '?',
    granted: row.granted === true,
    relation: text(row.relation),
    object: text(row.object),
  };
}

export function parseProgressRow(row: RawRow): ProgressRow {
  let fields: Record<string, string | number | null> = {};
  try {
    const parsed: unknown = JSON.parse(String(row.fields));
    if (parsed && typeof parsed === 'object') {
      for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
        if (key === 'pid' || key === 'datid' || key === 'datname') continue;
        fields[key] = typeof value === 'number' || typeof value === 'string' ? value : value == null ? null : JSON.stringify(value);
      }
    }
  } catch {
    fields = {};
  }
  return { kind: text(row.kind) ?? '?', fields };
}

/** The whole query of the session in the detail; null when hidden from this role or the session ended. */
export function parseDetailQuery(row: RawRow | undefined): string | null {
  const query = text(row?.query);
  return query === null || query === HIDDEN_QUERY ? null : query;
}
