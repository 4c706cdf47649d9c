import pg from 'pg';
import { resolveConnection } from '../../src/config/resolve.js';
import type { ConnectionSettings } from '../../src/config/types.js';
import type { PostgresSandbox } from '../../src/sandbox/postgres.js';
import { PostgresSource } from '../../src/sources/postgres.js';
import type { PgSnapshot, Session } from '../../src/sources/types.js';
import { tempDir } from './migrate-harness.js';
import { WaitAborted, waitUntil } from './wait.js';

export const ROLE_PASSWORD = 'role-secret';

/** Connection settings for `user` on the sandbox, as the CLI would resolve them from a URI. */
export function roleSettings(sandbox: PostgresSandbox, user = sandbox.superuser, database = 'postgres'): ConnectionSettings {
  const password = user === sandbox.superuser ? sandbox.password : ROLE_PASSWORD;
  return resolveConnection({ flags: {}, target: sandbox.uri(database, user, password), env: {}, homeDir: tempDir('pgtop-home-') }).settings;
}

/** Creates login roles that do not exist yet; each is granted the given roles. */
export async function createRoles(sandbox: PostgresSandbox, roles: Record<string, string[]>): Promise<void> {
  for (const [name, grants] of Object.entries(roles)) {
    await sandbox.query(`CREATE ROLE ${name} LOGIN PASSWORD '${ROLE_PASSWORD}'${grants.length ? ` IN ROLE ${grants.join(', ')}` : ''}`);
  }
}

/** One tick of the monitoring source as `settings`' role sees it. */
export async function snapshotAs(settings: ConnectionSettings, detailPid?: number): Promise<PgSnapshot> {
  const source = new PostgresSource(settings);
  try {
    const outcome = await source.tick({ detailPid });
    if (outcome.kind !== 'data') throw new Error(`no snapshot: ${outcome.kind === 'error' ? outcome.error.message : 'skipped'}`);
    return outcome.data;
  } finally {
    await source.close();
  }
}

export function sessionIn(snapshot: PgSnapshot, pid: number): Session {
  const found = snapshot.sessions.find((s) => s.pid === pid);
  if (!found) throw new Error(`session ${pid} is missing from the snapshot`);
  return found;
}

/** A connection of `user` that runs statements the test starts and ends. */
export interface TestSession {
  pid: number;
  client: pg.Client;
  /** Sends a statement that keeps running (pg_sleep, a lock wait) and waits until the server runs it. */
  start(sql: string): Promise<{ settled: () => boolean; result: Promise<unknown> }>;
  end(): Promise<void>;
}

export async function openSession(sandbox: PostgresSandbox, user = sandbox.superuser, application = 'test-session'): Promise<TestSession> {
  const password = user === sandbox.superuser ? sandbox.password : ROLE_PASSWORD;
  const client = new pg.Client({ host: sandbox.host, port: sandbox.port, user, password, database: 'postgres', application_name: application });
  client.on('error', () => undefined);
  await client.connect();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  if (typeof pid !== 'number') throw new Error('no backend pid');
  return {
    pid,
    client,
    async start(sql: string) {
      let settled = false;
      const result = client.query(sql).finally(() => (settled = true));
      result.catch(() => undefined);
      await waitUntil(
        async () => {
          if (settled) throw new WaitAborted(`"${sql.slice(0, 80)}" ended at once`);
          const { rows } = await sandbox.query<{ query: string; state: string }>('SELECT query, state FROM pg_stat_activity WHERE pid = $1', [pid]);
          return rows[0]?.state === 'active' && rows[0].query === sql;
        },
        { what: `session ${pid} to run ${sql.slice(0, 80)}` },
      );
      return { settled: () => settled, result };
    },
    async end() {
      await sandbox.query('SELECT pg_terminate_backend($1)', [pid]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
