import type { ConnectionSettings } from '../../config/types.js';

/** How long a statement of the child may wait for a lock, and run; sent as PGOPTIONS. */
export interface ChildTimeouts {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

export const DEFAULT_CHILD_TIMEOUTS: ChildTimeouts = { lockTimeoutMs: 2000, statementTimeoutMs: 30 * 60_000 };

/** SQLAlchemy dialects whose driver is built on libpq, which reads PGOPTIONS and PGAPPNAME. */
const LIBPQ_DRIVERS = new Set(['', 'psycopg2', 'psycopg', 'psycopg2cffi', 'pygresql']);

/** The driver alembic.ini's URL names (`postgresql+asyncpg://` → asyncpg; `postgresql://` → ''), or undefined for no postgres URL. */
export function driverOf(url: string | undefined): string | undefined {
  const match = /^postgres(?:ql)?(?:\+(\w+))?:\/\//.exec(url ?? '');
  return match ? (match[1] ?? '') : undefined;
}

/** A sentence when the project's driver will not honour PGOPTIONS (lock_timeout, statement_timeout) and PGAPPNAME. */
export function driverNote(url: string | undefined): string | undefined {
  const driver = driverOf(url);
  if (driver === undefined) {
    return "alembic.ini names no postgresql URL, so pgtop cannot tell the project's driver: lock_timeout and statement_timeout reach it through PGOPTIONS only if it is libpq-based (psycopg2, psycopg).";
  }
  if (LIBPQ_DRIVERS.has(driver)) return undefined;
  return `the project's driver, ${driver}, is not libpq-based and ignores PGOPTIONS and PGAPPNAME: lock_timeout and statement_timeout are not applied, and pgtop cannot find its session to show what blocks it. Set them in env.py (connect_args) instead.`;
}

/** PGOPTIONS with pgtop's timeouts, after any options the connection already had (later -c wins). */
export function pgOptions(timeouts: ChildTimeouts, existing: string | undefined): string {
  const ours = `-c lock_timeout=${Math.round(timeouts.lockTimeoutMs)} -c statement_timeout=${Math.round(timeouts.statementTimeoutMs)}`;
  return existing ? `${existing} ${ours}` : ours;
}

/**
 * The environment the project's `alembic` runs with: the caller's, less every PG* variable and
 * DATABASE_URL, plus the target as libpq variables and as DATABASE_URL (without the password, which
 * goes through PGPASSFILE only), the application_name pgtop finds its session by, and the timeouts.
 */
export function alembicEnvironment(
  settings: ConnectionSettings,
  options: { applicationName: string; timeouts: ChildTimeouts; passfilePath: string | undefined; parentPid: number },
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('PG') && key !== 'DATABASE_URL') env[key] = value;
  env.PGHOST = settings.host;
  env.PGPORT = String(settings.port);
  env.PGUSER = settings.user;
  env.PGDATABASE = settings.database;
  env.PGSSLMODE = settings.sslmode;
  env.PGAPPNAME = options.applicationName;
  env.PGOPTIONS = pgOptions(options.timeouts, settings.extra.options);
  if (settings.sslrootcert) env.PGSSLROOTCERT = settings.sslrootcert;
  if (settings.sslcert) env.PGSSLCERT = settings.sslcert;
  if (settings.sslkey) env.PGSSLKEY = settings.sslkey;
  if (settings.connectTimeoutSeconds !== undefined) env.PGCONNECT_TIMEOUT = String(settings.connectTimeoutSeconds);
  if (options.passfilePath) env.PGPASSFILE = options.passfilePath;
  else if (base.PGPASSFILE) env.PGPASSFILE = base.PGPASSFILE;
  const host = settings.host.startsWith('/') ? `?host=${encodeURIComponent(settings.host)}` : '';
  const hostPart = settings.host.startsWith('/') ? '' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  env.DATABASE_URL = `postgresql://${encodeURIComponent(settings.user)}@${hostPart}:${settings.port}/${encodeURIComponent(settings.database)}${host}`;
  env.PYTHONUNBUFFERED = '1';
  env.PGTOP_PARENT_PID = String(options.parentPid);
  return env;
}
