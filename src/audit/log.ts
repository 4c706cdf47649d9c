import { appendFileSync, mkdirSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** One audited action: what was done, to what, and how it ended. */
export interface AuditEntry {
  action: string;
  /** The connection target, e.g. `db1:5432/app` or `pgbouncer 127.0.0.1:6432`. */
  target: string;
  /** The database role that acted. */
  role?: string;
  pid?: number;
  file?: string;
  /** A short excerpt of the query acted on, already one line. */
  query?: string;
  result: 'ok' | 'refused' | 'failed' | 'cancelled' | 'ended' | 'started';
  message?: string;
  [extra: string]: unknown;
}

export function auditLogPath(env: NodeJS.ProcessEnv = process.env): string {
  const stateHome = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME ?? homedir(), '.local', 'state');
  return join(stateHome, 'pgtop', 'audit.log');
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/**
 * Appends one JSON line to the audit log. Returns an error message instead of throwing when the log
 * cannot be written, so the caller can show it: an action is never undone for want of a log line.
 */
export function audit(entry: AuditEntry, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = auditLogPath(env);
  const line = JSON.stringify({ time: new Date().toISOString(), os_user: osUser(), ...entry });
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    appendFileSync(path, `${line}\n`, { mode: 0o600 });
    return undefined;
  } catch (error) {
    return `could not write the audit log ${path}: ${(error as Error).message}`;
  }
}
