import type { ConnectionSettings } from '../../config/types.js';

export const BACKUP_APPLICATION_NAME = 'pgtop-backup';

/**
 * The environment pg_dump and pg_restore run with: the caller's, less every PG* variable, plus the
 * resolved target. The password is never here: it goes through `passfilePath` (PGPASSFILE).
 */
export function dumpEnvironment(settings: ConnectionSettings, passfilePath: string | undefined, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('PG')) env[key] = value;
  env.PGHOST = settings.host;
  env.PGPORT = String(settings.port);
  env.PGUSER = settings.user;
  env.PGDATABASE = settings.database;
  env.PGSSLMODE = settings.sslmode;
  env.PGAPPNAME = BACKUP_APPLICATION_NAME;
  if (settings.sslrootcert) env.PGSSLROOTCERT = settings.sslrootcert;
  if (settings.sslcert) env.PGSSLCERT = settings.sslcert;
  if (settings.sslkey) env.PGSSLKEY = settings.sslkey;
  if (settings.connectTimeoutSeconds !== undefined) env.PGCONNECT_TIMEOUT = String(settings.connectTimeoutSeconds);
  if (settings.extra.options) env.PGOPTIONS = settings.extra.options;
  if (passfilePath) env.PGPASSFILE = passfilePath;
  else if (base.PGPASSFILE) env.PGPASSFILE = base.PGPASSFILE;
  return env;
}
