import type pg from 'pg';

/**
 * One advisory lock per database serialises pgtop's maintenance work across processes and machines:
 * a migration and a backup (or two migrations) never run at the same time against the same database.
 * Advisory locks are scoped to the current database, so a constant key is per database.
 * It is taken by polling pg_try_advisory_lock, never by a blocking pg_advisory_lock, which would
 * deadlock with CREATE INDEX CONCURRENTLY (that waits for every open transaction, the waiter's included).
 */
export const MAINTENANCE_LOCK_KEY: readonly [number, number] = [0x70677470, 0x6d61696e]; // "pgtp" "main"

export interface LockHolder {
  pid: number;
  applicationName: string;
  user: string | null;
  client: string | null;
  since: string | null;
  /** What the holder is doing, from its application_name: a migration, a backup, or something else. */
  purpose: 'migration' | 'backup' | 'other';
}

export function purposeOf(applicationName: string): LockHolder['purpose'] {
  if (applicationName.startsWith('pgtop-migrate')) return 'migration';
  if (applicationName.startsWith('pgtop-backup')) return 'backup';
  return 'other';
}

export function describeHolder(holder: LockHolder): string {
  const what = holder.purpose === 'other' ? `session "${holder.applicationName}"` : `a pgtop ${holder.purpose}`;
  return `${what} (pid ${holder.pid}${holder.user ? `, user ${holder.user}` : ''}${holder.client ? `, from ${holder.client}` : ''}${holder.since ? `, since ${holder.since}` : ''})`;
}

export async function tryMaintenanceLock(client: pg.Client): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [...MAINTENANCE_LOCK_KEY]);
  return result.rows[0]?.locked === true;
}

export async function releaseMaintenanceLock(client: pg.Client): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, $2)', [...MAINTENANCE_LOCK_KEY]);
}

export async function maintenanceLockHolder(client: pg.Client): Promise<LockHolder | undefined> {
  const result = await client.query<{ pid: number; application_name: string | null; usename: string | null; client: string | null; since: string | null }>(
    `SELECT l.pid, a.application_name, a.usename, host(a.client_addr) AS client,
            to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS') AS since
       FROM pg_locks l
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ($1::bigint & 4294967295)::oid AND l.objid = ($2::bigint & 4294967295)::oid AND l.objsubid = 2
      LIMIT 1`,
    [...MAINTENANCE_LOCK_KEY],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const applicationName = row.application_name ?? '';
  return { pid: row.pid, applicationName, user: row.usename, client: row.client, since: row.since, purpose: purposeOf(applicationName) };
}

/**
 * Polls for the lock until `timeoutMs` has passed, telling `onWait` who holds it while it waits.
 * Returns undefined when taken, or the last holder seen when the wait ran out.
 */
export async function acquireMaintenanceLock(
  client: pg.Client,
  options: { timeoutMs: number; pollMs?: number; onWait?: (holder: LockHolder | undefined) => void; signal?: AbortSignal },
): Promise<{ acquired: true } | { acquired: false; holder: LockHolder | undefined }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await tryMaintenanceLock(client)) return { acquired: true };
    const holder = await maintenanceLockHolder(client);
    if (Date.now() >= deadline || options.signal?.aborted) return { acquired: false, holder };
    options.onWait?.(holder);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
