import type { PgSnapshot, ServerInfo, Session } from '../../src/sources/types.js';

/** When a synthetic snapshot is taken unless told otherwise: 2024-05-01T12:00:00Z. */
const TAKEN_AT = '2024-05-01T12:00:00.000Z';

/**
 * An active client session of `api` on database `app`, connected from 10.0.0.1 an hour before the
 * snapshot: application `app-<pid>`, query `SELECT <pid>` running for `pid` seconds, no transaction
 * age, waiting on nothing. `overrides` replace any of these fields.
 */
export function syntheticSession(pid: number, overrides: Partial<Session> = {}): Session {
  return {
    pid,
    database: 'app',
    user: 'api',
    application: `app-${pid}`,
    client: '10.0.0.1',
    backendType: 'client backend',
    state: 'active',
    waitEventType: null,
    waitEvent: null,
    backendStart: '2024-05-01T11:00:00Z',
    backendStartUs: String(1_714_561_200_000_000 + pid),
    xactStart: null,
    queryStart: null,
    queryStartUs: null,
    stateChange: null,
    xactAgeSeconds: null,
    queryAgeSeconds: pid,
    query: `SELECT ${pid}`,
    queryLength: null,
    queryId: null,
    leaderPid: null,
    blockedBy: [],
    hidden: false,
    ...overrides,
  };
}

/** Fields of a synthetic snapshot to replace; `server` replaces only the server fields it names. */
export type SyntheticSnapshotOverrides = Omit<Partial<PgSnapshot>, 'server'> & { server?: Partial<ServerInfo> };

/**
 * A snapshot of `sessions` taken at 2024-05-01T12:00:00Z on a PostgreSQL 16.4 primary, seen by
 * `postgres` with every session's details: no waiting locks, no detail, all counters at zero.
 * The server's clock (`server.now`) is the snapshot's `takenAt` unless an override sets it.
 */
export function syntheticSnapshot(sessions: Session[], overrides: SyntheticSnapshotOverrides = {}): PgSnapshot {
  const { server, ...snapshot } = overrides;
  const takenAt = snapshot.takenAt ?? TAKEN_AT;
  return {
    takenAt,
    sessions,
    waitingLocks: [],
    detail: null,
    ...snapshot,
    server: {
      version: '16.4',
      versionNum: 160004,
      role: 'primary',
      startedAt: '2024-04-01T00:00:00Z',
      uptimeSeconds: 1000,
      maxConnections: 100,
      xactTotal: 0,
      blocksHit: 0,
      blocksRead: 0,
      now: takenAt,
      currentUser: 'postgres',
      seesAllSessions: true,
      ...server,
    },
  };
}
