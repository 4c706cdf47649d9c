import type pg from 'pg';
import type { ConnectionSettings } from '../config/types.js';
import { errorMessage } from '../errors.js';
import { createAdminClient, type AdminConsoleOptions } from './admin-client.js';
import { AdminConsoleError, classifyAdminError, consoleTarget } from './admin-console-error.js';

/**
 * A client for the PgBouncer admin console (database `pgbouncer`).
 *
 * The console speaks the simple query protocol only, takes one command per query, and refuses startup
 * parameters such as `statement_timeout` or `options`. A parameterised query makes it answer 08P01 and close
 * the socket. So: bare strings only, a client-side timeout per query, and an `error` listener always attached.
 */

/** One row of a SHOW: every value as the console sent it, in text. */
export type AdminRow = Record<string, string | null>;

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

/** Whether the connection is gone, and why: the error that a later query rejects with. */
interface ConnectionState {
  closed: boolean;
  closeReason: AdminConsoleError | undefined;
}

function watchConnection(client: pg.Client, settings: ConnectionSettings, state: ConnectionState): void {
  client.on('error', (error) => {
    // An error outside a query ends the connection, whatever the console said (shutting down, forced disconnect).
    const classified = classifyAdminError(error, settings, 'query');
    state.closeReason ??=
      classified.kind === 'command' || classified.kind === 'unsupported'
        ? new AdminConsoleError(`PgBouncer admin console at ${consoleTarget(settings)} closed the connection (${errorMessage(error)})`, 'closed', { cause: error })
        : classified;
  });
  client.on('end', () => {
    state.closed = true;
  });
}

/** Sends one bare string; with no answer within `timeoutMs` drops the connection and rejects. */
async function runQuery(client: pg.Client, settings: ConnectionSettings, state: ConnectionState, text: string, timeoutMs: number | null): Promise<pg.QueryResult<AdminRow>> {
  if (state.closed) {
    throw state.closeReason ?? new AdminConsoleError(`the connection to the PgBouncer admin console at ${consoleTarget(settings)} is closed`, 'closed');
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout =
    timeoutMs === null
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            state.closeReason = new AdminConsoleError(
              `PgBouncer admin console at ${consoleTarget(settings)} did not answer "${text}" within ${timeoutMs} ms; the connection was dropped`,
              'timeout',
            );
            reject(state.closeReason);
            // With a query in flight, end() destroys the socket instead of waiting for an answer.
            client.end().catch(() => undefined);
          }, timeoutMs);
        });
  const query = client.query<AdminRow>(text);
  try {
    return await (timeout ? Promise.race([query, timeout]) : query);
  } catch (error) {
    if (error instanceof AdminConsoleError) throw error;
    throw classifyAdminError(state.closed && state.closeReason ? state.closeReason : error, settings, 'query');
  } finally {
    if (timer) clearTimeout(timer);
    query.catch(() => undefined);
  }
}

/** Connects and logs in to the console. Rejects with an AdminConsoleError. */
export async function connectAdminConsole(settings: ConnectionSettings, options: AdminConsoleOptions = {}): Promise<AdminConsole> {
  const client = createAdminClient(settings, options);
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const state: ConnectionState = { closed: false, closeReason: undefined };
  watchConnection(client, settings, state);
  try {
    await client.connect();
  } catch (error) {
    state.closed = true;
    await client.end().catch(() => undefined);
    throw classifyAdminError(error, settings, 'connect');
  }
  const run = (text: string, timeoutMs: number | null): Promise<pg.QueryResult<AdminRow>> => runQuery(client, settings, state, text, timeoutMs);
  return {
    settings,
    get closed() {
      return state.closed;
    },
    localPort: socketOf(client)?.localPort,
    async showVersion() {
      const result = await run('SHOW VERSION', queryTimeoutMs);
      const version = result.rows[0]?.version;
      if (!version) throw new AdminConsoleError(`PgBouncer admin console at ${consoleTarget(settings)} sent no version`, 'unsupported');
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
      if (state.closed) return;
      state.closed = true;
      state.closeReason ??= new AdminConsoleError(`the connection to the PgBouncer admin console at ${consoleTarget(settings)} was closed`, 'closed');
      await client.end().catch(() => undefined);
    },
  };
}
