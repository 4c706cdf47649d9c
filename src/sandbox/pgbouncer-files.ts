import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from './binaries.js';
import type { PoolMode } from './pgbouncer.js';
import type { PostgresSandbox } from './postgres.js';
import { giveTo, type RunAs } from './runas.js';

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

/** The pgbouncer executable: the one given, else PGTOP_PGBOUNCER_BIN, else found on PATH or in /usr/sbin. */
export function findPgBouncer(binaryOption: string | undefined): string {
  const given = binaryOption ?? process.env.PGTOP_PGBOUNCER_BIN;
  const binary = given ?? findExecutable('pgbouncer', ['/usr/sbin']);
  if (!binary || !existsSync(binary)) {
    throw new Error(
      `no pgbouncer executable found (${given ? `${given} does not exist` : 'looked on PATH and in /usr/sbin'}). ` +
        'Install it (Debian/Ubuntu: apt-get install pgbouncer) or set PGTOP_PGBOUNCER_BIN to its path.',
    );
  }
  return binary;
}

/** What the sandbox's pgbouncer.ini says. */
export interface IniSettings {
  postgres: PostgresSandbox;
  databases: string[];
  dir: string;
  port: number;
  poolMode: PoolMode;
  poolSize: number;
  adminUser: string;
  statsUser: string;
  extraIni: Record<string, string>;
}

function buildIni(settings: IniSettings): string {
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

/** Writes the auth_file (every user with its password) and pgbouncer.ini, readable by the server's user only. */
export function writeConfigFiles(settings: IniSettings, users: ReadonlyMap<string, string>, runAs: RunAs | undefined): { iniPath: string } {
  const iniPath = join(settings.dir, 'pgbouncer.ini');
  const userlistPath = join(settings.dir, 'userlist.txt');
  writeFileSync(userlistPath, [...users].map(([user, password]) => userlistLine(user, password)).join('\n') + '\n', { mode: 0o600 });
  writeFileSync(iniPath, buildIni(settings), { mode: 0o600 });
  giveTo(runAs, settings.dir, iniPath, userlistPath);
  return { iniPath };
}
