import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSettings } from '../config/types.js';
import { parseVersion } from '../sources/pgbouncer-parse.js';
import type { PgBouncerVersion } from '../sources/pgbouncer-records.js';
import { cleanupNow, register, type CleanupEntry } from './cleanup.js';
import { findPgBouncer, writeConfigFiles } from './pgbouncer-files.js';
import { PgBouncerProcess } from './pgbouncer-process.js';
import { freePort } from './ports.js';
import type { PostgresSandbox } from './postgres.js';
import { unprivilegedUser } from './runas.js';

export type PoolMode = 'session' | 'transaction' | 'statement';

export interface PgBouncerSandboxOptions {
  postgres: PostgresSandbox;
  /** Databases of the PostgreSQL sandbox served through the pool; default `['postgres']`. */
  databases?: string[];
  poolMode?: PoolMode;
  /** `default_pool_size`; default 5. */
  poolSize?: number;
  /** In `admin_users`; default the PostgreSQL superuser, with its password. */
  adminUser?: string;
  /** In `stats_users` only; default `pgtop_stats`. */
  statsUser?: string;
  /** More `user: password` pairs for the auth_file (clients that log in through the pool). */
  users?: Record<string, string>;
  /** More `[pgbouncer]` settings, written last. */
  extraIni?: Record<string, string>;
  /** Parent directory of the sandbox's temporary directory. */
  parentDir?: string;
  /** The pgbouncer executable; default PGTOP_PGBOUNCER_BIN, else found on PATH or in /usr/sbin. */
  binary?: string;
}

export interface PgBouncerSandbox {
  readonly dir: string;
  readonly iniPath: string;
  readonly logPath: string;
  readonly host: string;
  readonly port: number;
  /** The directory holding PgBouncer's Unix socket. */
  readonly socketDir: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly statsUser: string;
  readonly statsPassword: string;
  readonly version: PgBouncerVersion;
  /** PgBouncer's pid, or undefined while it is stopped. */
  readonly pid: number | undefined;
  /** postgres:// URI of the admin console (database `pgbouncer`), as the admin user unless told otherwise. */
  adminUri(user?: string, password?: string): string;
  /** Connection settings for the admin console, as the admin user unless told otherwise. */
  adminSettings(user?: string, password?: string): ConnectionSettings;
  /** postgres:// URI for a client going through the pool to `database` (default the first one). */
  uri(database?: string, user?: string, password?: string): string;
  /** Stops PgBouncer at once (clients are cut off), keeping its files: for outage tests. */
  stopServer(): Promise<void>;
  /** Starts it again on the same port. */
  startServer(): Promise<void>;
  /** Stops PgBouncer and removes every file. Safe to call twice. */
  stop(): Promise<void>;
}

interface SandboxUsers {
  adminUser: string;
  adminPassword: string;
  statsUser: string;
  statsPassword: string;
  /** Everyone in the auth_file, with their passwords. */
  users: ReadonlyMap<string, string>;
}

/** The users of the sandbox and their passwords: the PostgreSQL superuser, the admin and stats users, and more. */
function sandboxUsers(options: PgBouncerSandboxOptions): SandboxUsers {
  const { postgres } = options;
  const adminUser = options.adminUser ?? postgres.superuser;
  const adminPassword = adminUser === postgres.superuser ? postgres.password : randomBytes(12).toString('hex');
  const statsUser = options.statsUser ?? 'pgtop_stats';
  const statsPassword = randomBytes(12).toString('hex');
  const users = new Map<string, string>([
    [postgres.superuser, postgres.password],
    [adminUser, adminPassword],
    [statsUser, statsPassword],
    ...Object.entries(options.users ?? {}),
  ]);
  return { adminUser, adminPassword, statsUser, statsPassword, users };
}

/** Starts a PgBouncer in front of the given PostgreSQL sandbox, in its own temporary directory. */
export async function startPgBouncer(options: PgBouncerSandboxOptions): Promise<PgBouncerSandbox> {
  const binary = findPgBouncer(options.binary);
  const runAs = unprivilegedUser();
  const asUser = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  const version = parseVersion(
    execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...asUser }).split('\n')[0] ?? '',
  );
  const databases = options.databases ?? ['postgres'];
  if (databases.length === 0) throw new Error('startPgBouncer: give at least one database');
  const credentials = sandboxUsers(options);
  const { adminUser, statsUser, users } = credentials;

  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'pgtop-pgb-'));
  chmodSync(dir, 0o755);
  let server: PgBouncerProcess | undefined;
  const entry: CleanupEntry = register({ pids: () => (server?.running()?.pid ? [server.running()!.pid!] : []), dirs: [dir] });

  try {
    const port = await freePort();
    const ini = { postgres: options.postgres, databases, dir, port, poolMode: options.poolMode ?? 'transaction', poolSize: options.poolSize ?? 5, adminUser, statsUser, extraIni: options.extraIni ?? {} };
    const { iniPath } = writeConfigFiles(ini, users, runAs);
    const adminSettings = (user = adminUser, password = users.get(user) ?? ''): ConnectionSettings => ({
      host: '127.0.0.1',
      port,
      user,
      database: 'pgbouncer',
      password,
      sslmode: 'disable',
      extra: {},
    });
    server = new PgBouncerProcess({ binary, iniPath, dir, port, asUser, version, adminSettings });
    await server.start();
    return sandboxOf(server, entry, { ...ini, ...credentials, iniPath, version, adminSettings });
  } catch (error) {
    cleanupNow(entry);
    throw error;
  }
}

interface StartedSandbox extends SandboxUsers {
  postgres: PostgresSandbox;
  databases: string[];
  dir: string;
  iniPath: string;
  port: number;
  version: PgBouncerVersion;
  adminSettings: (user?: string, password?: string) => ConnectionSettings;
}

function sandboxOf(server: PgBouncerProcess, entry: CleanupEntry, started: StartedSandbox): PgBouncerSandbox {
  const { postgres, databases, dir, port, adminUser, statsUser, users } = started;
  let stopped = false;
  return {
    dir,
    iniPath: started.iniPath,
    logPath: join(dir, 'pgbouncer.log'),
    host: '127.0.0.1',
    port,
    socketDir: dir,
    adminUser,
    adminPassword: started.adminPassword,
    statsUser,
    statsPassword: started.statsPassword,
    version: started.version,
    get pid() {
      return server.running()?.pid;
    },
    adminUri(user = adminUser, password = users.get(user) ?? '') {
      return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/pgbouncer`;
    },
    adminSettings: started.adminSettings,
    uri(database = databases[0]!, user = postgres.superuser, password = users.get(user) ?? postgres.password) {
      return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    },
    stopServer: () => server.stop(),
    startServer: () => server.start(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      cleanupNow(entry);
    },
  };
}

/** Runs `body` with a fresh PgBouncer and always stops and removes it afterwards. */
export async function withPgBouncer<T>(body: (sandbox: PgBouncerSandbox) => Promise<T>, options: PgBouncerSandboxOptions): Promise<T> {
  const sandbox = await startPgBouncer(options);
  try {
    return await body(sandbox);
  } finally {
    await sandbox.stop();
  }
}
