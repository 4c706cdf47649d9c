import { hostname, userInfo } from 'node:os';
import type pg from 'pg';
import { describeTarget } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import { acquireMaintenanceLock, describeHolder, releaseMaintenanceLock, type LockHolder } from '../db/maintenance-lock.js';
import { errorMessage } from '../errors.js';
import { formatMs } from './describe.js';
import type { MigrationEventListener, Refusal } from './types.js';

/** The application_name of migration sessions; a backup that finds the maintenance lock taken reads it. */
export const MIGRATE_APPLICATION_NAME = 'pgtop-migrate';
export const DEFAULT_LOCK_WAIT_MS = 60_000;

/** A connection to the database being migrated, checked to be a primary reached directly. */
export interface MigrationSession {
  client: pg.Client;
  settings: ConnectionSettings;
  /** `host:port/database`. */
  target: string;
  role: string;
  serverVersion: string;
  backendPid: number;
  /** What the tracking table records as applied_by: the role and the OS user and host that ran pgtop. */
  appliedBy: string;
  holdsLock: boolean;
  /** Releases the maintenance lock (when held) and ends the connection. Never throws. */
  close(): Promise<void>;
}

interface Identity {
  role: string;
  server_version: string;
  pid: number;
  standby: boolean;
}

function osIdentity(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return `${user}@${hostname()}`;
}

const bouncerRefusal = (target: string, why: string): Refusal => ({
  kind: 'pgbouncer',
  message: `${target} ${why}. Migrations need a PostgreSQL session of their own (a session lock, session timeouts, CREATE INDEX CONCURRENTLY): connect to PostgreSQL directly, not through PgBouncer.`,
});

/** PgBouncer hands out its own cancel key instead of the server's, so the announced pid is not the backend's. */
function announcedPid(client: pg.Client): number | undefined {
  const pid = (client as unknown as { processID?: unknown }).processID;
  return typeof pid === 'number' ? pid : undefined;
}

/**
 * Connects as `pgtop-migrate` and checks that the server can be migrated: PostgreSQL itself (not
 * PgBouncer) and a primary (not a standby). Returns the session, or a refusal (the connection closed).
 * Connection failures throw ConnectionError.
 */
export async function openMigrationSession(
  settings: ConnectionSettings,
  options: { interactive?: boolean; onEvent?: MigrationEventListener; allowStandby?: boolean },
): Promise<{ session: MigrationSession } | { refusal: Refusal }> {
  const target = describeTarget(settings);
  const client = await connect(settings, { applicationName: MIGRATE_APPLICATION_NAME, interactive: options.interactive });
  let identity: Identity;
  try {
    const result = await client.query<Identity>(
      `SELECT current_user AS role, current_setting('server_version') AS server_version, pg_backend_pid() AS pid, pg_is_in_recovery() AS standby`,
    );
    const row = result.rows[0];
    if (!row) throw new Error('no answer to the identity query');
    identity = row;
  } catch (error) {
    await closeQuietly(client);
    if (/SHOW HELP/i.test(errorMessage(error))) return { refusal: bouncerRefusal(target, 'is the PgBouncer admin console, not a database') };
    throw error;
  }

  const pid = announcedPid(client);
  let refusal: Refusal | undefined;
  if (identity.server_version.endsWith('/bouncer')) refusal = bouncerRefusal(target, 'is PgBouncer');
  else if (pid !== undefined && pid !== identity.pid) refusal = bouncerRefusal(target, 'goes through PgBouncer (or another connection pooler)');
  else if (identity.standby && !options.allowStandby) {
    refusal = { kind: 'standby', message: `${target} is a standby (in recovery) and cannot be changed. Run migrations against the primary.` };
  }
  if (refusal) {
    await closeQuietly(client);
    return { refusal };
  }

  options.onEvent?.({ type: 'connected', target, role: identity.role, serverVersion: identity.server_version, backendPid: identity.pid });
  const session: MigrationSession = {
    client,
    settings,
    target,
    role: identity.role,
    serverVersion: identity.server_version,
    backendPid: identity.pid,
    appliedBy: `${identity.role} (${osIdentity()})`,
    holdsLock: false,
    async close() {
      if (session.holdsLock) {
        await releaseMaintenanceLock(client).catch(() => undefined);
        session.holdsLock = false;
      }
      await closeQuietly(client);
    },
  };
  return { session };
}

function busyRefusal(holder: LockHolder | undefined, waitedMs: number): Refusal {
  const waited = `Waited ${formatMs(waitedMs)}`;
  if (!holder) {
    return { kind: 'busy', message: `the maintenance lock of this database stayed taken. ${waited}; try again later.` };
  }
  if (holder.purpose === 'backup') {
    return {
      kind: 'busy',
      message: `a backup of this database is running: ${describeHolder(holder)}. Migrations do not run during a backup. ${waited}; try again when it has finished.`,
    };
  }
  return {
    kind: 'busy',
    message: `${describeHolder(holder)} holds this database's maintenance lock (migrations and backups take it). ${waited}; try again when it has finished.`,
  };
}

/**
 * Takes the per-database maintenance lock by polling, reporting the holder while it waits. Returns
 * undefined when taken, a refusal when the wait ran out, or 'cancelled' when `signal` fired.
 */
export async function lockSession(
  session: MigrationSession,
  options: { timeoutMs?: number; signal?: AbortSignal; onEvent?: MigrationEventListener },
): Promise<Refusal | 'cancelled' | undefined> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_WAIT_MS;
  const started = Date.now();
  const result = await acquireMaintenanceLock(session.client, {
    timeoutMs,
    signal: options.signal,
    onWait: (holder) => options.onEvent?.({ type: 'lock-waiting', holder, waitedMs: Date.now() - started, timeoutMs }),
  });
  if (!result.acquired) return options.signal?.aborted ? 'cancelled' : busyRefusal(result.holder, Date.now() - started);
  session.holdsLock = true;
  options.onEvent?.({ type: 'lock-acquired', waitedMs: Date.now() - started });
  return undefined;
}
