import { hostPort } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { PgtopError, errorMessage } from '../errors.js';

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

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOENT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'EACCES']);
const closedCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Where the console is, as messages name it: `host:port`, or the socket file. */
export function consoleTarget(settings: ConnectionSettings): string {
  return settings.host.startsWith('/') ? `${settings.host}/.s.PGSQL.${settings.port}` : hostPort(settings.host, settings.port);
}

interface ErrorFields {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
}

/** What every classified error carries: what was raised, and the console's own code and words when it spoke. */
interface Classifying {
  settings: ConnectionSettings;
  phase: 'connect' | 'query';
  where: string;
  message: string;
  code: string | undefined;
  details: { cause: unknown; sqlState: string | undefined; serverMessage: string | undefined };
}

/** Turns whatever node-postgres or the console raised into an AdminConsoleError with a readable message. */
export function classifyAdminError(error: unknown, settings: ConnectionSettings, phase: 'connect' | 'query'): AdminConsoleError {
  if (error instanceof AdminConsoleError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as ErrorFields;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const message = errorMessage(error);
  const where = `PgBouncer admin console at ${consoleTarget(settings)}`;
  const fromServer = typeof fields.severity === 'string';
  const details = { cause: error, sqlState: fromServer ? code : undefined, serverMessage: fromServer ? message : undefined };
  const classifying = { settings, phase, where, message, code, details };
  return fromServer ? consoleRefusal(classifying) : clientFailure(classifying);
}

/** An error the console sent. */
function consoleRefusal({ settings, phase, where, message, code, details }: Classifying): AdminConsoleError {
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

/** A failure on this side: the socket, the timeout, TLS, the login. */
function clientFailure({ settings, phase, where, message, code, details }: Classifying): AdminConsoleError {
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

