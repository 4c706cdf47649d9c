import pg from './pg-driver.js';
import type { ConnectionOptions } from 'node:tls';
import { sslAttempts, toPgClientConfig } from '../config/pg-client-config.js';
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
  const clientOptions = {
    applicationName: options.applicationName,
    statementTimeoutMs: options.statementTimeoutMs,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 10_000,
    requestPassword,
  };
  const attempts = sslAttempts(settings);
  for (let index = 0; ; index++) {
    const ssl = attempts[index] ?? false;
    try {
      return await connectOnce(toPgClientConfig(settings, clientOptions, ssl));
    } catch (error) {
      const failure = toConnectionError(error, describeTarget(settings), settings.user);
      if (index + 1 >= attempts.length || !worthAnotherAttempt(error, failure.kind, ssl)) throw failure;
    }
  }
}

async function connectOnce(config: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client(config);
  // An error on an idle connection (server restart, network drop) must never crash the process;
  // the next query on this client fails and its caller reconnects.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/**
 * Whether sslmode prefer or allow should try the other way, as libpq does: after a TLS attempt that the
 * server declined or that failed its handshake, or a plain attempt that pg_hba.conf turned away (it may
 * accept the same user over TLS, or only without it).
 */
function worthAnotherAttempt(error: unknown, kind: string, ssl: false | ConnectionOptions): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (kind === 'tls') return true;
  if (code === '28000' && kind === 'auth') return true;
  return ssl !== false && typeof code === 'string' && (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS'));
}

/** Ends a client without throwing (it may already be broken). */
export async function closeQuietly(client: pg.Client | undefined): Promise<void> {
  if (!client) return;
  await client.end().catch(() => undefined);
}
