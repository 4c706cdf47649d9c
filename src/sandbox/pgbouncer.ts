import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSettings } from '../config/types.js';
import { connectAdminConsole } from '../db/admin-console.js';
import { errorMessage } from '../errors.js';
import { parseVersion, type PgBouncerVersion } from '../sources/pgbouncer-parse.js';
import { findExecutable } from './binaries.js';
import { cleanupNow, register, type CleanupEntry } from './cleanup.js';
import { freePort } from './ports.js';
import type { PostgresSandbox } from './postgres.js';
import { giveTo, unprivilegedUser } from './runas.js';

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

// PgBouncer 1.18 reads `my-db = …` but not `"my-db" = …`; quoting is left for names that need it.
const bareIniKey = /^[A-Za-z0-9_.-]+$/;

function iniDatabaseKey(name: string): string {
  return bareIniKey.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function connstringValue(value: string): string {
  return /^[A-Za-z0-9_.\-/]+$/.test(value) ? value : `'${value.replace(/'/g, "''")}'`;
}

function userlistLine(user: string, password: string): string {
  const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`;
  return `${quote(user)} ${quote(password)}`;
}

function findPgBouncer(options: PgBouncerSandboxOptions): string {
  const given = options.binary ?? process.env.PGTOP_PGBOUNCER_BIN;
  const binary = given ?? findExecutable('pgbouncer', ['/usr/sbin']);
  if (!binary || !existsSync(binary)) {
    throw new Error(
      `no pgbouncer executable found (${given ? `${given} does not exist` : 'looked on PATH and in /usr/sbin'}). ` +
        'Install it (Debian/Ubuntu: apt-get install pgbouncer) or set PGTOP_PGBOUNCER_BIN to its path.',
    );
  }
  return binary;
}

function buildIni(settings: {
  postgres: PostgresSandbox;
  databases: string[];
  dir: string;
  port: number;
  poolMode: PoolMode;
  poolSize: number;
  adminUser: string;
  statsUser: string;
  extraIni: Record<string, string>;
}): string {
  const { postgres, dir } = settings;
  const databaseLines = settings.databases.map(
    (name) => `${iniDatabaseKey(name)} = host=127.0.0.1 port=${postgres.port} dbname=${connstringValue(name)}`,
  );
  const main: Record<string, string> = {
    listen_addr: '127.0.0.1',
    listen_port: String(settings.port),
    unix_socket_dir: dir,
    auth_type: 'scram-sha-256',
    auth_file: join(dir, 'userlist.txt'),
    admin_users: settings.adminUser,
    stats_users: settings.statsUser,
    pool_mode: settings.poolMode,
    default_pool_size: String(settings.poolSize),
    max_client_conn: '200',
    logfile: join(dir, 'pgbouncer.log'),
    pidfile: join(dir, 'pgbouncer.pid'),
    // node-postgres never sends it unless asked, but JDBC and others do.
    ignore_startup_parameters: 'extra_float_digits',
    ...settings.extraIni,
  };
  return [
    '[databases]',
    ...databaseLines,
    '',
    '[pgbouncer]',
    ...Object.entries(main).map(([key, value]) => `${key} = ${value}`),
    '',
  ].join('\n');
}

/** Starts a PgBouncer in front of the given PostgreSQL sandbox, in its own temporary directory. */
export async function startPgBouncer(options: PgBouncerSandboxOptions): Promise<PgBouncerSandbox> {
  const binary = findPgBouncer(options);
  const { postgres } = options;
  const runAs = unprivilegedUser();
  const asUser = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  const version = parseVersion(
    execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...asUser }).split('\n')[0] ?? '',
  );
  const databases = options.databases ?? ['postgres'];
  if (databases.length === 0) throw new Error('startPgBouncer: give at least one database');
  const adminUser = options.adminUser ?? postgres.superuser;
  const adminPassword = adminUser === postgres.superuser ? postgres.password : randomBytes(12).toString('hex');
  const statsUser = options.statsUser ?? 'pgtop_stats';
  const statsPassword = randomBytes(12).toString('hex');

  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'pgtop-pgb-'));
  chmodSync(dir, 0o755);
  const iniPath = join(dir, 'pgbouncer.ini');
  const userlistPath = join(dir, 'userlist.txt');
  const logPath = join(dir, 'pgbouncer.log');
  const pidPath = join(dir, 'pgbouncer.pid');

  let child: ChildProcess | undefined;
  const running = (): ChildProcess | undefined =>
    child?.pid && child.exitCode === null && child.signalCode === null ? child : undefined;
  const entry: CleanupEntry = register({ pids: () => (running()?.pid ? [running()!.pid!] : []), dirs: [dir] });

  try {
    const port = await freePort();
    const users = new Map<string, string>([
      [postgres.superuser, postgres.password],
      [adminUser, adminPassword],
      [statsUser, statsPassword],
      ...Object.entries(options.users ?? {}),
    ]);
    writeFileSync(userlistPath, [...users].map(([user, password]) => userlistLine(user, password)).join('\n') + '\n', { mode: 0o600 });
    writeFileSync(
      iniPath,
      buildIni({
        postgres,
        databases,
        dir,
        port,
        poolMode: options.poolMode ?? 'transaction',
        poolSize: options.poolSize ?? 5,
        adminUser,
        statsUser,
        extraIni: options.extraIni ?? {},
      }),
      { mode: 0o600 },
    );
    giveTo(runAs, dir, iniPath, userlistPath);

    const adminSettings = (user = adminUser, password = users.get(user) ?? ''): ConnectionSettings => ({
      host: '127.0.0.1',
      port,
      user,
      database: 'pgbouncer',
      password,
      sslmode: 'disable',
      extra: {},
    });

    const launch = async (): Promise<void> => {
      if (running()) return;
      const output: string[] = [];
      const started = spawn(binary, [iniPath], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...asUser });
      child = started;
      const collect = (chunk: Buffer): void => {
        output.push(chunk.toString());
        if (output.length > 200) output.splice(0, output.length - 200);
      };
      started.stdout?.on('data', collect);
      started.stderr?.on('data', collect);
      started.on('error', (error) => output.push(errorMessage(error)));
      const deadline = Date.now() + 30_000;
      let lastError = '';
      for (;;) {
        if (started.exitCode !== null || started.signalCode !== null) {
          throw new Error(`PgBouncer exited while starting:\n${output.join('').slice(-2000)}`);
        }
        try {
          const probe = await connectAdminConsole(adminSettings(), { connectTimeoutMs: 2000, queryTimeoutMs: 2000 });
          try {
            await probe.showVersion();
            return;
          } finally {
            await probe.close();
          }
        } catch (error) {
          lastError = errorMessage(error);
        }
        if (Date.now() > deadline) {
          throw new Error(`PgBouncer's admin console did not answer within 30 s (${lastError}):\n${output.join('').slice(-2000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    const shutdown = async (): Promise<void> => {
      const process_ = running();
      if (!process_) return;
      const exited = new Promise<void>((resolve) => process_.once('exit', () => resolve()));
      // Immediate shutdown: SIGQUIT from 1.23 on; before that SIGTERM (which 1.23 turned into a waiting shutdown).
      const immediate = version.major > 1 || version.minor >= 23 ? 'SIGQUIT' : 'SIGTERM';
      process_.kill(immediate);
      const timer = setTimeout(() => process_.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // A killed PgBouncer leaves its pidfile and socket behind; the next start would refuse or trip on them.
      rmSync(pidPath, { force: true });
      rmSync(join(dir, `.s.PGSQL.${port}`), { force: true });
    };

    await launch();

    let stopped = false;
    const sandbox: PgBouncerSandbox = {
      dir,
      iniPath,
      logPath,
      host: '127.0.0.1',
      port,
      socketDir: dir,
      adminUser,
      adminPassword,
      statsUser,
      statsPassword,
      version,
      get pid() {
        return running()?.pid;
      },
      adminUri(user = adminUser, password = users.get(user) ?? '') {
        return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/pgbouncer`;
      },
      adminSettings,
      uri(database = databases[0]!, user = postgres.superuser, password = users.get(user) ?? postgres.password) {
        return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
      },
      stopServer: shutdown,
      startServer: launch,
      async stop() {
        if (stopped) return;
        stopped = true;
        await shutdown();
        cleanupNow(entry);
      },
    };
    return sandbox;
  } catch (error) {
    cleanupNow(entry);
    throw error;
  }
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
