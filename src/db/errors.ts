import { ConnectionError, type ConnectionErrorKind } from '../errors.js';

interface PgLikeError {
  code?: string;
  message?: string;
  errno?: number | string;
  syscall?: string;
}

function describeError(error: unknown): PgLikeError {
  if (error && typeof error === 'object') return error as PgLikeError;
  return { message: String(error) };
}

/**
 * Turns what node-postgres or the socket throws into a ConnectionError whose message a DBA can act on.
 * `where` names the target (host:port/db) and `user` the role.
 */
export function toConnectionError(error: unknown, where: string, user: string): ConnectionError {
  if (error instanceof ConnectionError) return error;
  const { code, message = '' } = describeError(error);
  const make = (kind: ConnectionErrorKind, text: string): ConnectionError => new ConnectionError(text, kind, { cause: error });
  switch (code) {
    case 'ECONNREFUSED':
      return make('refused', `could not connect to ${where}: connection refused. Is the server running and listening on that address and port?`);
    case 'ENOENT':
      return make('refused', `could not connect to ${where}: no server socket there. Is the server running, and is that the right socket directory and port?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make('unreachable', `could not connect to ${where}: host name not found. Check the host name (-h or PGHOST).`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return make('unreachable', `could not connect to ${where}: host unreachable. Check the network and the host name.`);
    case 'ETIMEDOUT':
      return make('timeout', `could not connect to ${where}: timed out. Check the host, the port and any firewall.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return make('server-gone', `the connection to ${where} was closed by the server or the network.`);
    case 'EACCES':
      return make('refused', `could not connect to ${where}: permission denied on the socket.`);
    case '28P01':
      return make(
        'auth',
        `password authentication failed for user "${user}" on ${where}. Check the password (PGPASSWORD, ~/.pgpass, or the URI), and the user name: the server does not say whether the role exists.`,
      );
    case '3D000':
      return make('no-database', `${message} on ${where}. Check the database name (-d or PGDATABASE).`);
    case '28000':
      if (/role .* does not exist/.test(message)) return make('no-role', `${message} on ${where}. Check the user name (-U or PGUSER).`);
      if (/no encryption|SSL off/i.test(message)) return make('tls', `${where} requires an encrypted connection: ${message}. Use sslmode=require (PGSSLMODE=require or ?sslmode=require).`);
      return make('auth', `${message} (${where}). The server's pg_hba.conf does not let this user in from here.`);
    case '42501':
      return make('privilege', `${message}. The role "${user}" lacks a privilege this needs.`);
    case '53300':
      return make('refused', `${where} refused the connection: ${message}. Too many connections; free some or raise max_connections.`);
    case '57P03':
      return make('refused', `${where} is not accepting connections yet: ${message}.`);
    case '57P01':
    case '57P02':
      return make('server-gone', `the server at ${where} shut down or terminated this connection: ${message}.`);
    case '57014':
      return make('timeout', `a query on ${where} ran past its timeout and was cancelled: ${message}.`);
    default:
      break;
  }
  if (/does not support SSL/i.test(message)) {
    return make('tls', `${where} does not accept TLS connections but sslmode asks for one. Use sslmode=prefer or disable, or enable ssl on the server.`);
  }
  if (/self[- ]signed certificate|certificate|unable to verify/i.test(message)) {
    return make('tls', `the TLS certificate of ${where} could not be verified: ${message}. Check sslrootcert, or use sslmode=require to skip verification.`);
  }
  if (/client password must be a string|password authentication failed|no password supplied/i.test(message)) {
    return make('auth', `${where} asks for a password for user "${user}" and none was given. Set PGPASSWORD, add it to ~/.pgpass, or run in a terminal to be prompted.`);
  }
  if (/timeout/i.test(message)) {
    return make('timeout', `could not connect to ${where}: timed out. Check the host, the port and any firewall.`);
  }
  if (/Connection terminated|connection.*closed|terminating connection/i.test(message)) {
    return make('server-gone', `the connection to ${where} was lost: ${message}.`);
  }
  return make('other', `${where}: ${message || 'unknown error'}`);
}
