import pg from 'pg';
import type { PostgresSandbox } from '../../src/sandbox/postgres.js';
import { waitUntil } from './wait.js';

export interface WorkloadOptions {
  /** How many idle sessions to open (default 3). */
  idleSessions?: number;
  database?: string;
  timeoutMs?: number;
}

export interface WorkloadPids {
  idle: number[];
  /** `SELECT pg_sleep(600)`: active, Timeout:PgSleep. */
  sleeper: number;
  /** `BEGIN; SELECT 1` and nothing since. */
  idleInTransaction: number;
  /** Holds the row lock on wl_accounts id=1 (idle in transaction). */
  lockA: number;
  /** Updates the same row: waits on A. */
  lockB: number;
  /** Updates the same row: waits on B (the tuple lock B holds while it waits for A). */
  lockC: number;
  /** Holds advisory lock 42 (idle). */
  advisoryD: number;
  /** Waits for advisory lock 42. */
  advisoryE: number;
  /** Runs the query whose text holds control characters. */
  evil: number;
}

export interface Workload {
  pids: WorkloadPids;
  /** Every pid above. */
  allPids: number[];
  applicationOf: Map<number, string>;
  /** The exact text of the query with control characters. */
  evilQuery: string;
  /** Ends every session of the workload. Safe to call more than once. */
  stop(): Promise<void>;
}

export const EVIL_QUERY = '/* \x1b]0;pwned\x07 \x1b[31mred \x1b[2J \x08 \x7f \x9b \u202e */ SELECT pg_sleep(600)';

/**
 * Opens real sessions on the sandbox server in known states: idle, active, idle in transaction, a row-lock
 * chain A ← B ← C on `wl_accounts`, an advisory lock held by D and awaited by E, and a running query
 * whose text carries terminal control characters.
 */
export async function startWorkload(sandbox: PostgresSandbox, options: WorkloadOptions = {}): Promise<Workload> {
  const database = options.database ?? 'postgres';
  const timeoutMs = options.timeoutMs ?? 15_000;
  const clients: pg.Client[] = [];
  const pending: Promise<unknown>[] = [];
  const applicationOf = new Map<number, string>();
  let stopped: Promise<void> | undefined;

  const open = async (application: string): Promise<{ client: pg.Client; pid: number }> => {
    const client = new pg.Client({
      host: sandbox.host,
      port: sandbox.port,
      user: sandbox.superuser,
      password: sandbox.password,
      database,
      application_name: application,
      connectionTimeoutMillis: timeoutMs,
    });
    client.on('error', () => undefined);
    clients.push(client);
    await client.connect();
    const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = result.rows[0]?.pid;
    if (typeof pid !== 'number') throw new Error(`no backend pid for ${application}`);
    applicationOf.set(pid, application);
    return { client, pid };
  };

  /** Sends a statement that blocks, without waiting for it; its error (when terminated) is expected. */
  const launch = (client: pg.Client, sql: string): void => {
    pending.push(client.query(sql).catch(() => undefined));
  };

  const waitingOn = async (pid: number, what: string, blockers: number[], waitEventType: string): Promise<void> => {
    await waitUntil(
      async () => {
        const result = await sandbox.query<{ wait_event_type: string | null; blocked_by: number[] }>(
          'SELECT wait_event_type, pg_blocking_pids(pid) AS blocked_by FROM pg_stat_activity WHERE pid = $1',
          [pid],
          database,
        );
        const row = result.rows[0];
        return row?.wait_event_type === waitEventType && blockers.every((b) => row.blocked_by.includes(b));
      },
      { what: `${what} (pid ${pid}) to wait on ${blockers.join(', ')}`, timeoutMs },
    );
  };

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const pids = [...applicationOf.keys()];
      // A backend inside pg_sleep or a lock wait does not notice its client went away: end it server-side,
      // and wait (up to 5 s each) until it is gone so that the next test on this server does not see it.
      if (pids.length > 0 && sandbox.pid !== undefined) {
        await sandbox.query('SELECT pg_terminate_backend(pid, 5000) FROM unnest($1::int[]) AS pid', [pids], database).catch(() => undefined);
      }
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await Promise.all(pending);
    })();
    return stopped;
  };

  try {
    await sandbox.query(
      `CREATE TABLE IF NOT EXISTS wl_accounts (id int PRIMARY KEY, balance int NOT NULL);
       INSERT INTO wl_accounts VALUES (1, 100), (2, 200) ON CONFLICT (id) DO NOTHING`,
      [],
      database,
    );

    const idle: number[] = [];
    for (let i = 0; i < (options.idleSessions ?? 3); i++) idle.push((await open('wl-idle')).pid);

    const sleeper = await open('wl-sleep');
    launch(sleeper.client, 'SELECT pg_sleep(600)');

    const idleInTransaction = await open('wl-idle-xact');
    await idleInTransaction.client.query('BEGIN');
    await idleInTransaction.client.query('SELECT 1');

    const lockA = await open('wl-lock-a');
    await lockA.client.query('BEGIN');
    await lockA.client.query('UPDATE wl_accounts SET balance = balance + 1 WHERE id = 1');
    const lockB = await open('wl-lock-b');
    launch(lockB.client, 'UPDATE wl_accounts SET balance = balance + 2 WHERE id = 1');
    await waitingOn(lockB.pid, 'wl-lock-b', [lockA.pid], 'Lock');
    const lockC = await open('wl-lock-c');
    launch(lockC.client, 'UPDATE wl_accounts SET balance = balance + 3 WHERE id = 1');
    await waitingOn(lockC.pid, 'wl-lock-c', [lockB.pid], 'Lock');

    const advisoryD = await open('wl-adv-d');
    await advisoryD.client.query('SELECT pg_advisory_lock(42)');
    const advisoryE = await open('wl-adv-e');
    launch(advisoryE.client, 'SELECT pg_advisory_lock(42)');
    await waitingOn(advisoryE.pid, 'wl-adv-e', [advisoryD.pid], 'Lock');

    const evil = await open('wl-evil');
    launch(evil.client, EVIL_QUERY);

    await waitUntil(
      async () => {
        const result = await sandbox.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE (pid = $1 OR pid = $2) AND state = 'active' AND wait_event = 'PgSleep'`,
          [sleeper.pid, evil.pid],
          database,
        );
        return result.rows[0]?.n === 2;
      },
      { what: 'wl-sleep and wl-evil to be inside pg_sleep', timeoutMs },
    );

    const pids: WorkloadPids = {
      idle,
      sleeper: sleeper.pid,
      idleInTransaction: idleInTransaction.pid,
      lockA: lockA.pid,
      lockB: lockB.pid,
      lockC: lockC.pid,
      advisoryD: advisoryD.pid,
      advisoryE: advisoryE.pid,
      evil: evil.pid,
    };
    return { pids, allPids: [...applicationOf.keys()], applicationOf, evilQuery: EVIL_QUERY, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
