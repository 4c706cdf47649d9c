import type { ConnectionSettings } from '../config/types.js';
import type { AdminConsoleOptions } from '../db/admin-client.js';
import { connectAdminConsole, quoteAdminIdentifier, type AdminConsole } from '../db/admin-console.js';
import { AdminConsoleError } from '../db/admin-console-error.js';
import type { BouncerAction, BouncerDatabaseAction } from '../db/admin-commands.js';
import { errorMessage } from '../errors.js';
import { parseVersion } from '../sources/pgbouncer-parse.js';

/**
 * PgBouncer admin actions. Each runs on its own short-lived admin-console connection, so a PAUSE that waits
 * for transactions to finish never holds up monitoring or another action.
 */

export type BouncerActionResult = { ok: true } | { ok: false; message: string };

export interface BouncerAuditEntry {
  action: string;
  target: string;
  result: string;
}

export interface BouncerActionsOptions extends AdminConsoleOptions {
  /** Called once with the outcome of every action. */
  audit?: (entry: BouncerAuditEntry) => void;
  /** How long a PAUSE may wait for the database's transactions to finish; default 60 s. */
  pauseTimeoutMs?: number;
}

export interface BouncerActions {
  /** PAUSE: waits until the database's server connections are released. A RESUME of it withdraws the wait first. */
  pause(database: string): Promise<BouncerActionResult>;
  resume(database: string): Promise<BouncerActionResult>;
  reconnect(database: string): Promise<BouncerActionResult>;
  disable(database: string): Promise<BouncerActionResult>;
  enable(database: string): Promise<BouncerActionResult>;
  /** KILL_CLIENT <id> (SHOW CLIENTS.id): PgBouncer 1.24+. */
  killClient(id: number | string): Promise<BouncerActionResult>;
  /** The same, by name: what a key binding calls. */
  run(action: BouncerAction, target: string | number): Promise<BouncerActionResult>;
  /** Databases with a PAUSE still waiting. */
  pendingPauses(): string[];
}

interface PendingPause {
  database: string;
  abandoned: boolean;
  adminConsole: AdminConsole;
}

const DEFAULT_PAUSE_TIMEOUT_MS = 60_000;
/** How long a withdrawn PAUSE's connection may take to leave SHOW CLIENTS before RESUME is given up. */
const WITHDRAW_WAIT_MS = 5000;

function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function failureMessage(action: string, target: string, error: unknown): string {
  if (error instanceof AdminConsoleError) {
    if (error.kind === 'command' && error.serverMessage) return `${action} ${target} failed: ${error.serverMessage}`;
    return error.message;
  }
  return `${action} ${target} failed: ${errorMessage(error)}`;
}

export function createBouncerActions(settings: ConnectionSettings, options: BouncerActionsOptions = {}): BouncerActions {
  const pauseTimeoutMs = options.pauseTimeoutMs ?? DEFAULT_PAUSE_TIMEOUT_MS;
  const pending = new Set<PendingPause>();

  const record = (action: string, target: string, result: BouncerActionResult): BouncerActionResult => {
    try {
      options.audit?.({ action, target, result: result.ok ? 'ok' : `error: ${result.message}` });
    } catch {
      // A failing audit sink must not turn a done action into a failed one; the audit module reports its own errors.
    }
    return result;
  };

  /** Opens a connection, runs `body`, always closes. */
  const withConsole = async (body: (adminConsole: AdminConsole) => Promise<void>, onConnected?: (adminConsole: AdminConsole) => void): Promise<void> => {
    const adminConsole = await connectAdminConsole(settings, options);
    onConnected?.(adminConsole);
    try {
      await body(adminConsole);
    } finally {
      await adminConsole.close();
    }
  };

  const databaseCommand = async (action: BouncerDatabaseAction, database: string): Promise<BouncerActionResult> => {
    try {
      const sql = `${action} ${quoteAdminIdentifier(database)}`;
      await withConsole((adminConsole) => adminConsole.command(sql).then(() => undefined));
      return record(action, database, { ok: true });
    } catch (error) {
      return record(action, database, { ok: false, message: failureMessage(action, database, error) });
    }
  };

  const pause = async (database: string): Promise<BouncerActionResult> => {
    let entry: PendingPause | undefined;
    try {
      const sql = `PAUSE ${quoteAdminIdentifier(database)}`;
      await withConsole(
        async (adminConsole) => {
          await adminConsole.command(sql, { timeoutMs: pauseTimeoutMs });
        },
        (adminConsole) => {
          entry = { database, abandoned: false, adminConsole };
          pending.add(entry);
        },
      );
      return record('PAUSE', database, { ok: true });
    } catch (error) {
      if (entry?.abandoned) {
        return record('PAUSE', database, {
          ok: false,
          message: `PAUSE ${database} abandoned: it was withdrawn and the database resumed before its transactions finished`,
        });
      }
      if (error instanceof AdminConsoleError && error.kind === 'timeout') {
        return record('PAUSE', database, {
          ok: false,
          message:
            `PAUSE ${database} did not complete within ${formatWait(pauseTimeoutMs)}: transactions are still running. ` +
            `The database stays paused (new transactions wait); RESUME ${database} to let them through`,
        });
      }
      return record('PAUSE', database, { ok: false, message: failureMessage('PAUSE', database, error) });
    } finally {
      if (entry) pending.delete(entry);
    }
  };

  /**
   * Every PgBouncer release mishandles a RESUME that arrives while a PAUSE of the same database still waits: the
   * PAUSE is never answered (pgbouncer/pgbouncer#715), or is answered "PAUSE" for a database that is running again
   * once another database is paused, and `admin_pause_done` can reach its fatal "bad state" and end the pooler.
   * So a waiting PAUSE is withdrawn first, by closing its connection, and RESUME goes out only once PgBouncer has
   * let that connection go: the sequence PAUSE-waiting → RESUME never reaches the pooler.
   */
  const withdrawPauses = async (adminConsole: AdminConsole, waiting: PendingPause[]): Promise<boolean> => {
    for (const entry of waiting) entry.abandoned = true;
    await Promise.all(waiting.map((entry) => entry.adminConsole.close()));
    const ports = new Set(waiting.map((entry) => entry.adminConsole.localPort));
    if (ports.has(undefined)) return true;
    const deadline = Date.now() + WITHDRAW_WAIT_MS;
    for (;;) {
      const clients = await adminConsole.show('CLIENTS');
      if (!clients.some((row) => row.database === 'pgbouncer' && ports.has(Number(row.port)))) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const resume = async (database: string): Promise<BouncerActionResult> => {
    const waiting = [...pending].filter((entry) => entry.database === database);
    if (waiting.length === 0) return databaseCommand('RESUME', database);
    try {
      let result: BouncerActionResult = { ok: true };
      await withConsole(async (adminConsole) => {
        if (!(await withdrawPauses(adminConsole, waiting))) {
          result = { ok: false, message: `RESUME ${database} not sent: PgBouncer still holds the withdrawn PAUSE; press R again in a moment` };
          return;
        }
        await adminConsole.command(`RESUME ${quoteAdminIdentifier(database)}`);
      });
      return record('RESUME', database, result);
    } catch (error) {
      return record('RESUME', database, { ok: false, message: failureMessage('RESUME', database, error) });
    }
  };

  const killClient = async (id: number | string): Promise<BouncerActionResult> => {
    const target = `client ${id}`;
    const text = String(id).trim();
    if (!/^\d+$/.test(text)) {
      return record('KILL_CLIENT', target, { ok: false, message: `KILL_CLIENT needs a numeric client id (SHOW CLIENTS.id), not ${JSON.stringify(String(id))}` });
    }
    try {
      let result: BouncerActionResult = { ok: true };
      await withConsole(async (adminConsole) => {
        const version = parseVersion(await adminConsole.showVersion());
        if (!version.hasKillClient) {
          result = { ok: false, message: `KILL_CLIENT needs PgBouncer 1.24 or later; this is ${version.text}` };
          return;
        }
        await adminConsole.command(`KILL_CLIENT ${text}`);
      });
      return record('KILL_CLIENT', target, result);
    } catch (error) {
      return record('KILL_CLIENT', target, { ok: false, message: failureMessage('KILL_CLIENT', target, error) });
    }
  };

  const actions: BouncerActions = {
    pause,
    resume,
    reconnect: (database) => databaseCommand('RECONNECT', database),
    disable: (database) => databaseCommand('DISABLE', database),
    enable: (database) => databaseCommand('ENABLE', database),
    killClient,
    run(action, target) {
      switch (action) {
        case 'PAUSE':
          return pause(String(target));
        case 'RESUME':
          return resume(String(target));
        case 'KILL_CLIENT':
          return killClient(target);
        default:
          return databaseCommand(action, String(target));
      }
    },
    pendingPauses: () => [...pending].map((entry) => entry.database),
  };
  return actions;
}
