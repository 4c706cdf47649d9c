import { readFileSync, statSync } from 'node:fs';
import * as tls from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import type { ClientConfig } from 'pg';
import { ConnectionError, UsageError } from '../errors.js';
import { describeTarget } from './resolve.js';
import type { ConnectionSettings } from './types.js';

export interface PgClientOptions {
  applicationName: string;
  statementTimeoutMs?: number;
  /** Used when the connection settings name no connect_timeout. */
  connectionTimeoutMs?: number;
  /** Asked when the server wants a password and none was resolved; without it the connection fails. */
  requestPassword?: () => Promise<string>;
}

/** The server asked for a password and none was known (psql would prompt for one). */
export class PasswordRequiredError extends ConnectionError {
  constructor(readonly settings: Pick<ConnectionSettings, 'host' | 'port' | 'database' | 'user'>) {
    super(
      `${describeTarget(settings)}: the server asks for a password for user "${settings.user}" and none was given; ` +
        'set PGPASSWORD, add it to ~/.pgpass, or run on a terminal to be asked for it',
      'auth',
    );
  }
}

function systemCertificates(): string[] | undefined {
  const read = (tls as { getCACertificates?: (type: 'system') => string[] }).getCACertificates;
  return read ? read('system') : undefined;
}

function readTlsFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`could not read ${what} file "${path}": ${code ?? String(error)}`, { cause: error });
  }
}

/** libpq refuses a private key others can read: 0600 if owned by the user, 0640 if owned by root. */
function checkKeyPermissions(path: string): void {
  if (process.platform === 'win32') return;
  let mode: number;
  let uid: number;
  try {
    ({ mode, uid } = statSync(path));
  } catch {
    return;
  }
  const loose = uid === 0 ? (mode & 0o037) !== 0 : (mode & 0o077) !== 0;
  if (loose) {
    throw new UsageError(
      `private key file "${path}" has group or world access; file must have permissions u=rw (0600) or less ` +
        'if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root',
    );
  }
}

function clientCertificate(settings: ConnectionSettings): ConnectionOptions {
  const options: ConnectionOptions = {};
  if (settings.sslcert !== undefined) options.cert = readTlsFile(settings.sslcert, 'certificate');
  if (settings.sslkey !== undefined) {
    checkKeyPermissions(settings.sslkey);
    options.key = readTlsFile(settings.sslkey, 'private key');
  }
  if (settings.extra.sslpassword !== undefined) options.passphrase = settings.extra.sslpassword;
  return options;
}

/** The `ssl` option for node-postgres that matches the sslmode as closely as node-postgres allows. */
export function sslConfig(settings: ConnectionSettings): false | ConnectionOptions {
  // libpq never uses TLS on a Unix socket, whatever the sslmode.
  if (settings.host.startsWith('/')) return false;
  const rootCert = settings.sslrootcert === 'system' ? undefined : settings.sslrootcert;
  switch (settings.sslmode) {
    case 'disable':
      return false;
    case 'allow':
      // The first attempt of allow is plain; sslAttempts gives the TLS one that follows a refusal.
      return false;
    case 'prefer':
      return tlsWithoutVerification(settings, rootCert);
    case 'require':
      // Like libpq: with a root certificate present, require verifies the chain as verify-ca does.
      if (rootCert !== undefined) return verified(settings, rootCert, false);
      return { rejectUnauthorized: false, ...clientCertificate(settings) };
    case 'verify-ca':
      return verified(settings, rootCert, false);
    case 'verify-full':
      return verified(settings, rootCert, true);
  }
}

/** TLS as require asks for it: verified as verify-ca does only when a root certificate is given. */
function tlsWithoutVerification(settings: ConnectionSettings, rootCert: string | undefined): ConnectionOptions {
  if (rootCert !== undefined) return verified(settings, rootCert, false);
  return { rejectUnauthorized: false, ...clientCertificate(settings) };
}

/**
 * The `ssl` options to try in turn, as libpq does: prefer tries TLS and falls back to a plain connection,
 * allow tries a plain connection and then TLS; every other mode has one attempt.
 */
export function sslAttempts(settings: ConnectionSettings): (false | ConnectionOptions)[] {
  if (settings.host.startsWith('/')) return [false];
  const rootCert = settings.sslrootcert === 'system' ? undefined : settings.sslrootcert;
  if (settings.sslmode === 'prefer') return [tlsWithoutVerification(settings, rootCert), false];
  if (settings.sslmode === 'allow') return [false, tlsWithoutVerification(settings, rootCert)];
  return [sslConfig(settings)];
}

function verified(settings: ConnectionSettings, rootCert: string | undefined, checkHost: boolean): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: true, ...clientCertificate(settings) };
  if (rootCert !== undefined) options.ca = readTlsFile(rootCert, 'root certificate');
  else if (settings.sslrootcert === 'system') {
    // The operating system's trusted roots where Node can read them (22.15 and later); older Node versions
    // use the Mozilla roots they bundle.
    const system = systemCertificates();
    if (system) options.ca = system;
  }
  if (!checkHost) options.checkServerIdentity = () => undefined;
  return options;
}

/**
 * The node-postgres configuration for resolved settings. Every field is set explicitly so node-postgres
 * never falls back to the PG* environment or its own password-file lookup (which writes warnings to
 * stderr, under the full-screen display).
 */
export function toPgClientConfig(settings: ConnectionSettings, options: PgClientOptions, ssl: false | ConnectionOptions = sslConfig(settings)): ClientConfig {
  const { requestPassword } = options;
  const connectTimeoutMs =
    settings.connectTimeoutSeconds !== undefined ? settings.connectTimeoutSeconds * 1000 : options.connectionTimeoutMs;
  const config: ClientConfig = {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    database: settings.database,
    password:
      settings.password ??
      (async () => {
        if (requestPassword) return requestPassword();
        throw new PasswordRequiredError(settings);
      }),
    ssl,
    application_name: options.applicationName,
    connectionTimeoutMillis: connectTimeoutMs ?? 0,
    keepAlive: true,
  };
  if (options.statementTimeoutMs !== undefined) config.statement_timeout = options.statementTimeoutMs;
  const { extra } = settings;
  if (extra.options !== undefined) config.options = extra.options;
  if (extra.client_encoding !== undefined) config.client_encoding = extra.client_encoding;
  if (config.ssl && (extra.sslnegotiation === 'postgres' || extra.sslnegotiation === 'direct')) {
    config.sslnegotiation = extra.sslnegotiation;
  }
  if (config.ssl && extra.channel_binding !== undefined) {
    config.enableChannelBinding = extra.channel_binding !== 'disable';
  }
  return config;
}
