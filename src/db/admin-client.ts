import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from './pg-driver.js';
import type { ConnectionSettings } from '../config/types.js';
import { errorMessage } from '../errors.js';
import { AdminConsoleError } from './admin-console-error.js';

export interface AdminConsoleOptions {
  /** Client-side limit for one query; default 5000 ms. */
  queryTimeoutMs?: number;
  /** Limit for connecting and logging in; default `settings.connectTimeoutSeconds` or 5000 ms. */
  connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

function sslOptions(settings: ConnectionSettings): false | ConnectionOptions {
  if (settings.sslmode !== 'require' && settings.sslmode !== 'verify-ca' && settings.sslmode !== 'verify-full') {
    // node-postgres cannot fall back from TLS to plain text, and PgBouncer's client TLS is off by default.
    return false;
  }
  const read = (path: string | undefined, what: string): Buffer | undefined => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new AdminConsoleError(`cannot read the ${what} ${path}: ${errorMessage(error)}`, 'tls', { cause: error });
    }
  };
  const files = {
    ca: read(settings.sslrootcert, 'TLS root certificate (sslrootcert)'),
    cert: read(settings.sslcert, 'TLS client certificate (sslcert)'),
    key: read(settings.sslkey, 'TLS client key (sslkey)'),
  };
  switch (settings.sslmode) {
    case 'require':
      return { ...files, rejectUnauthorized: false };
    case 'verify-ca':
      return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...files, rejectUnauthorized: true };
  }
}

/**
 * node-postgres adds `options`, `application_name`, `statement_timeout`, … to the startup packet from PG*
 * environment variables (PGOPTIONS, PGAPPNAME, …). The console refuses some of them, so the startup packet
 * is pinned to user and database.
 */
function pinStartupParameters(client: pg.Client, settings: ConnectionSettings): void {
  const startup = client as unknown as { getStartupConf?: () => Record<string, string> };
  if (typeof startup.getStartupConf === 'function') {
    startup.getStartupConf = () => ({ user: settings.user, database: settings.database });
  }
}

/**
 * A pg.Client configured for the console: no startup parameters beyond user and database, every value
 * returned as text, and an `error` listener attached so that a console error that closes the socket never
 * crashes the process. The caller connects it, sends bare strings only, and ends it.
 */
export function createAdminClient(settings: ConnectionSettings, options: AdminConsoleOptions = {}): pg.Client {
  const connectTimeoutMs =
    options.connectTimeoutMs ?? (settings.connectTimeoutSeconds ? settings.connectTimeoutSeconds * 1000 : DEFAULT_CONNECT_TIMEOUT_MS);
  const client = new pg.Client({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    database: settings.database,
    password: settings.password ?? '',
    ssl: sslOptions(settings),
    connectionTimeoutMillis: connectTimeoutMs,
    keepAlive: true,
    types: { getTypeParser: () => (value: string) => value },
  });
  pinStartupParameters(client, settings);
  client.on('error', () => undefined);
  return client;
}

