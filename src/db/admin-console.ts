import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { hostPort } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { PgtopError, errorMessage } from '../errors.js';

/**
 * A client for the PgBouncer admin console (database `pgbouncer`).
 *
 * The console speaks the simple query protocol only, takes one command per query, and refuses startup
 * parameters such as `statement_timeout` or `options`. A parameterised query makes it answer 08P01 and close
 * the socket. So: bare strings only, a client-side timeout per query, and an `error` listener always attached.
 */

export type AdminConsoleErrorKind =
  /** Nothing listens there (refused, no such socket, host unreachable). */
  | 'unreachable'
  /** Wrong password or unknown user. */
  | 'auth'
  /** The user is in neither admin_users nor stats_users, or (for a command) only in stats_users. */
  | 'not-allowed'
  /** No answer within the client-side timeout; the connection was dropped. */
  | 'timeout'
  /** The connection closed under us (PgBouncer stopped, restarted, or dropped it). */
  | 'closed'
  /** The console does not know the command or the protocol used. */
  | 'unsupported'
  /** TLS negotiation failed. */
  | 'tls'
  /** The console refused the command (no such database, not paused, …). */
  | 'command';

export class AdminConsoleError extends PgtopError {
  constructor(
    message: string,
    readonly kind: AdminConsoleErrorKind,
    options?: { cause?: unknown; sqlState?: string; serverMessage?: string },
  ) {
    super(message, 2, options);
    this.sqlState = options?.sqlState;
    this.serverMessage = options?.serverMessage;
  }

  readonly sqlState: string | undefined;
  /** The console's own words, when it said something. */
  readonly serverMessage: string | undefined;
}

/** One row of a SHOW: every value as the console sent it, in text. */
export type AdminRow = Record<string, string | null>;

export interface AdminConsoleOptions {
  /** Client-side limit for one query; default 5000 ms. */
  queryTimeoutMs?: number;
  /** Limit for connecting and logging in; default `settings.connectTimeoutSeconds` or 5000 ms. */
  connectTimeoutMs?: number;
}

export interface AdminCommandOptions {
  /** Overrides the query timeout; `null` waits without limit (the caller abandons by closing). */
  timeoutMs?: number | null;
}

export interface AdminConsole {
  readonly settings: ConnectionSettings;
  /** True once the connection is gone, for whatever reason. */
  readonly closed: boolean;
  /** This end's TCP port (PgBouncer's SHOW CLIENTS.port), or undefined over a Unix socket. */
  readonly localPort: number | undefined;
  /** `SHOW VERSION`: the text, e.g. `PgBouncer 1.18.0`. */
  showVersion(): Promise<string>;
  /** `SHOW <name>` (POOLS, DATABASES, STATS, …): rows keyed by column name. */
  show(name: string): Promise<AdminRow[]>;
  /** One admin command as a bare string (PAUSE, RESUME, …); resolves to the command tag. */
  command(sql: string, options?: AdminCommandOptions): Promise<string>;
  /** Ends the connection; never rejects. */
  close(): Promise<void>;
}

const DEFAULT_QUERY_TIMEOUT_MS = 5000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOENT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'EACCES']);
const closedCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function target(settings: ConnectionSettings): string {
  return settings.host.startsWith('/') ? `${settings.host}/.s.PGSQL.${settings.port}` : hostPort(settings.host, settings.port);
}

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

interface ErrorFields {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
}

/** Turns whatever node-postgres or the console raised into an AdminConsoleError with a readable message. */
export function classifyAdminError(error: unknown, settings: ConnectionSettings, phase: 'connect' | 'query'): AdminConsoleError {
  if (error instanceof AdminConsoleError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as ErrorFields;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const message = errorMessage(error);
  const where = `PgBouncer admin console at ${target(settings)}`;
  const fromServer = typeof fields.severity === 'string';
  const details = { cause: error, sqlState: fromServer ? code : undefined, serverMessage: fromServer ? message : undefined };

  if (fromServer) {
    if (/not allowed/i.test(message)) {
      return new AdminConsoleError(
        `user "${settings.user}" may not use the ${where}: add it to admin_users (or stats_users to only watch) in pgbouncer.ini`,
        'not-allowed',
        details,
      );
    }
    if (/admin access needed/i.test(message)) {
      return new AdminConsoleError(
        `user "${settings.user}" is only a stats user: admin actions need admin_users`,
        'not-allowed',
        details,
      );
    }
    if (/password authentication failed|SASL authentication failed|auth failed|no such user|authentication/i.test(message) || code === '28P01' || code === '28000') {
      return new AdminConsoleError(
        `${where} refused user "${settings.user}": ${message}. Check the password (PGPASSWORD, ~/.pgpass) and PgBouncer's auth_file`,
        'auth',
        details,
      );
    }
    if (/extended query protocol|unsupported packet|invalid command|unsupported startup parameter/i.test(message)) {
      return new AdminConsoleError(`${where} does not support this: ${message}`, 'unsupported', details);
    }
    if (/no such database/i.test(message) && phase === 'connect') {
      return new AdminConsoleError(`${where}: ${message}. The admin console is the database "pgbouncer"`, 'command', details);
    }
    return new AdminConsoleError(`${where}: ${message}`, 'command', details);
  }

  if (code && unreachableCodes.has(code)) {
    return new AdminConsoleError(`${where} is not reachable (${message}): is PgBouncer running, and listening there?`, 'unreachable', details);
  }
  if (code && closedCodes.has(code)) {
    return new AdminConsoleError(`${where} closed the connection (${message})`, 'closed', details);
  }
  if (/timeout/i.test(message)) {
    return phase === 'connect'
      ? new AdminConsoleError(`${where} did not answer the login in time (${message})`, 'timeout', details)
      : new AdminConsoleError(`${where} did not answer in time`, 'timeout', details);
  }
  if (/SSL|TLS|certificate/i.test(message)) {
    return new AdminConsoleError(`${where}: TLS failed (${message}); check sslmode and PgBouncer's client_tls_* settings`, 'tls', details);
  }
  if (/SASL|password/i.test(message)) {
    return new AdminConsoleError(`${where} asked user "${settings.user}" for a password: ${message}`, 'auth', details);
  }
  if (/terminated|not queryable|closed|ended/i.test(message)) {
    return new AdminConsoleError(`${where} closed the connection (${message})`, 'closed', details);
  }
  return new AdminConsoleError(`${where}: ${message}`, phase === 'connect' ? 'unreachable' : 'closed', details);
}

const SHOW_NAME = /^[A-Za-z_]+$/;

/** Quotes a database name for an admin command: `my-db` → `"my-db"`; plain lower-case names stay bare. */
export function quoteAdminIdentifier(name: string): string {
  if (name.length === 0) throw new AdminConsoleError('an empty database name cannot be sent to the admin console', 'command');
  if (/[\0-\x1f\x7f]/.test(name)) {
    throw new AdminConsoleError('a database name with control characters cannot be sent to the admin console', 'command');
  }
  const quoted = /^[a-z0-9_]+$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
  // PgBouncer copies the argument, quotes included, into a 64-byte buffer and answers "bad arguments" beyond.
  if (Buffer.byteLength(quoted) > 63) throw new AdminConsoleError(`database name too long for the admin console: ${name}`, 'command');
  return quoted;
}

/** node-postgres keeps its socket private; the local port is all that is read from it. */
function socketOf(client: pg.Client): { localPort?: number } | undefined {
  const connection = (client as unknown as { connection?: { stream?: { localPort?: number } } }).connection;
  return connection?.stream;
}

/** Connects and logs in to the console. Rejects with an AdminConsoleError. */
export async function connectAdminConsole(settings: ConnectionSettings, options: AdminConsoleOptions = {}): Promise<AdminConsole> {
  const client = createAdminClient(settings, options);
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  let closed = false;
  let closeReason: AdminConsoleError | undefined;
  client.on('error', (error) => {
    // An error outside a query ends the connection, whatever the console said (shutting down, forced disconnect).
    const classified = classifyAdminError(error, settings, 'query');
    closeReason ??=
      classified.kind === 'command' || classified.kind === 'unsupported'
        ? new AdminConsoleError(`PgBouncer admin console at ${target(settings)} closed the connection (${errorMessage(error)})`, 'closed', { cause: error })
        : classified;
  });
  client.on('end', () => {
    closed = true;
  });

  try {
    await client.connect();
  } catch (error) {
    closed = true;
    await client.end().catch(() => undefined);
    throw classifyAdminError(error, settings, 'connect');
  }

  const localPort = socketOf(client)?.localPort;

  const run = async (text: string, timeoutMs: number | null): Promise<pg.QueryResult<AdminRow>> => {
    if (closed) {
      throw closeReason ?? new AdminConsoleError(`the connection to the PgBouncer admin console at ${target(settings)} is closed`, 'closed');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout =
      timeoutMs === null
        ? undefined
        : new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              closeReason = new AdminConsoleError(
                `PgBouncer admin console at ${target(settings)} did not answer "${text}" within ${timeoutMs} ms; the connection was dropped`,
                'timeout',
              );
              reject(closeReason);
              // With a query in flight, end() destroys the socket instead of waiting for an answer.
              client.end().catch(() => undefined);
            }, timeoutMs);
          });
    const query = client.query<AdminRow>(text);
    try {
      return await (timeout ? Promise.race([query, timeout]) : query);
    } catch (error) {
      if (error instanceof AdminConsoleError) throw error;
      throw classifyAdminError(closed && closeReason ? closeReason : error, settings, 'query');
    } finally {
      if (timer) clearTimeout(timer);
      query.catch(() => undefined);
    }
  };

  const adminConsole: AdminConsole = {
    settings,
    get closed() {
      return closed;
    },
    localPort,
    async showVersion() {
      const result = await run('SHOW VERSION', queryTimeoutMs);
      const version = result.rows[0]?.version;
      if (!version) throw new AdminConsoleError(`PgBouncer admin console at ${target(settings)} sent no version`, 'unsupported');
      return version;
    },
    async show(name: string) {
      if (!SHOW_NAME.test(name)) throw new AdminConsoleError(`not a SHOW subject: ${JSON.stringify(name)}`, 'unsupported');
      const result = await run(`SHOW ${name.toUpperCase()}`, queryTimeoutMs);
      return result.rows;
    },
    async command(sql: string, commandOptions: AdminCommandOptions = {}) {
      const text = sql.trim().replace(/;\s*$/, '');
      if (text.includes(';')) throw new AdminConsoleError('the admin console takes one command per query', 'unsupported');
      const timeoutMs = commandOptions.timeoutMs === undefined ? queryTimeoutMs : commandOptions.timeoutMs;
      const result = await run(text, timeoutMs);
      return result.command ?? text.split(/\s+/)[0]!.toUpperCase();
    },
    async close() {
      if (closed) return;
      closed = true;
      closeReason ??= new AdminConsoleError(`the connection to the PgBouncer admin console at ${target(settings)} was closed`, 'closed');
      await client.end().catch(() => undefined);
    },
  };
  return adminConsole;
}
