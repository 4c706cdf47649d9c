import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { ConnectionSettings } from '../../config/types.js';
import { applyMigrations } from '../../migrate/apply.js';
import { discoverMigrations } from '../../migrate/discover.js';
import { cleanupNow, register, type CleanupEntry } from '../cleanup.js';
import { serverPidsIn } from './processes.js';
import { startPgBouncer, type PgBouncerSandbox } from '../pgbouncer.js';
import { startPostgres, type PostgresSandbox } from '../postgres.js';
import { createLogicalSlot, PRIMARY_SETTINGS, startStandby } from '../standby.js';

export const DEMO_DATABASE = 'shop';

/** Settings that give the views something to show. */
const serverSettings = {
  max_connections: 100,
  track_io_timing: 'on',
  // A backend whose client went away (the workload stopped mid-query) ends within a second, not after its pg_sleep.
  client_connection_check_interval: '1s',
  // The Statements view's data; the extension is created in the demo database.
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track_planning': 'on',
};

/** A temporary directory for everything the demo starts, removed on any exit. */
export interface DemoDir {
  readonly path: string;
  /** Stops whatever still runs in it and removes it. */
  remove(): void;
}

/**
 * Creates the demo's directory and registers it for cleanup at once: on exit, a crash or a signal,
 * every server started in it is stopped (found by its command line, even mid-start) and it is removed.
 */
export function createDemoDir(parentDir: string = tmpdir()): DemoDir {
  const path = mkdtempSync(join(parentDir, 'pgtop-demo-'));
  // The servers run as an unprivileged user when this is root: they must reach their directories.
  chmodSync(path, 0o755);
  const entry: CleanupEntry = register({ pids: () => serverPidsIn(path), dirs: [path] });
  return { path, remove: () => cleanupNow(entry) };
}

export interface DemoStack {
  readonly postgres: PostgresSandbox;
  /** A streaming hot standby of it, for the Replication view. */
  readonly standby: PostgresSandbox;
  readonly bouncer: PgBouncerSandbox | undefined;
  /** Where the Backups view writes (inside the demo directory). */
  readonly backupDir: string;
  /** The demo database, reached directly. */
  readonly settings: ConnectionSettings;
  /** Client settings for the workload: direct, and through PgBouncer when there is one. */
  readonly direct: pg.ClientConfig;
  readonly pooled: pg.ClientConfig | undefined;
  /** Stops PgBouncer and PostgreSQL and removes the demo directory. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface DemoStackOptions {
  dir: DemoDir;
  binDir: string;
  withPgBouncer: boolean;
  migrationsDir: string;
}

/** The newest sample migration is left pending, so the Migrations view has a plan to show and run. */
function versionBeforeLast(migrationsDir: string): number | undefined {
  const { files } = discoverMigrations(migrationsDir);
  return files.length > 1 ? files.at(-2)?.version : undefined;
}

/** PostgreSQL with the `shop` database migrated (all but the newest migration), PgBouncer in front (pool of 3, transaction mode) when asked. */
export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const { dir } = options;
  let postgres: PostgresSandbox | undefined;
  let standby: PostgresSandbox | undefined;
  let bouncer: PgBouncerSandbox | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await bouncer?.stop().catch(() => undefined);
      await standby?.stop().catch(() => undefined);
      await postgres?.stop().catch(() => undefined);
      dir.remove();
    })();
    return stopping;
  };
  try {
    const server = await startPostgres({ settings: { ...serverSettings, ...PRIMARY_SETTINGS }, parentDir: dir.path, binDir: options.binDir });
    postgres = server;
    await server.query(`CREATE DATABASE ${DEMO_DATABASE}`);
    await server.query('CREATE EXTENSION pg_stat_statements', [], DEMO_DATABASE);
    const settings: ConnectionSettings = {
      host: server.host,
      port: server.port,
      user: server.superuser,
      password: server.password,
      database: DEMO_DATABASE,
      sslmode: 'disable',
      extra: {},
    };
    const result = await applyMigrations({
      settings,
      dir: options.migrationsDir,
      to: versionBeforeLast(options.migrationsDir),
      // The demo's own setup is not an action on a real server: keep it out of the user's audit log.
      auditEnv: { XDG_STATE_HOME: join(dir.path, 'state') },
    });
    if (result.outcome !== 'done' && result.outcome !== 'nothing-to-do') {
      const why = result.failure?.message ?? result.refusals.map((refusal) => refusal.message).join(' ');
      throw new Error(`the sample migrations in ${options.migrationsDir} did not apply (${result.outcome}): ${why}`);
    }
    standby = await startStandby(server, { name: 'demo_standby', parentDir: dir.path });
    // An inactive logical slot: it retains WAL and holds the catalog xmin, for views 7 and 8.
    await createLogicalSlot(server, 'demo_logical', DEMO_DATABASE);
    const backupDir = join(dir.path, 'backups');
    mkdirSync(backupDir, { mode: 0o700 });
    if (options.withPgBouncer) {
      bouncer = await startPgBouncer({ postgres: server, databases: [DEMO_DATABASE], poolMode: 'transaction', poolSize: 3, parentDir: dir.path });
    }
    const login = { user: server.superuser, password: server.password, database: DEMO_DATABASE, ssl: false };
    const direct: pg.ClientConfig = { host: server.host, port: server.port, ...login };
    const pooled: pg.ClientConfig | undefined = bouncer ? { host: bouncer.host, port: bouncer.port, ...login } : undefined;
    return { postgres: server, standby, bouncer, backupDir, settings, direct, pooled, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
