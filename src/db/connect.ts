import pg from 'pg';
import { toPgClientConfig } from '../config/pg-client-config.js';
import { canPrompt, promptPassword } from '../config/password-prompt.js';
import { describeTarget } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { toConnectionError } from './errors.js';

export interface ConnectOptions {
  /** What the session calls itself in pg_stat_activity. */
  applicationName: string;
  /** Applied to every statement of the connection (monitoring queries). */
  statementTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Prompt on the terminal when the server asks for a password and none was given. */
  interactive?: boolean;
}

/**
 * Opens one PostgreSQL connection. Errors come out as ConnectionError with a readable message.
 * When the server asks for a password and none is known, the user is prompted once (on a TTY), and the
 * answer is kept in `settings` so that later connections (actions, reconnects) do not prompt again.
 */
export async function connect(settings: ConnectionSettings, options: ConnectOptions): Promise<pg.Client> {
  const requestPassword =
    options.interactive && canPrompt()
      ? async (): Promise<string> => {
          const password = await promptPassword(`Password for user ${settings.user}: `);
          settings.password = password;
          settings.passwordSource = 'prompt';
          return password;
        }
      : undefined;
  const config = toPgClientConfig(settings, {
    applicationName: options.applicationName,
    statementTimeoutMs: options.statementTimeoutMs,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 10_000,
    requestPassword,
  });
  const client = new pg.Client(config);
  // An error on an idle connection (server restart, network drop) must never crash the process;
  // the next query on this client fails and its caller reconnects.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toConnectionError(error, describeTarget(settings), settings.user);
  }
  return client;
}

/** Ends a client without throwing (it may already be broken). */
export async function closeQuietly(client: pg.Client | undefined): Promise<void> {
  if (!client) return;
  await client.end().catch(() => undefined);
}
