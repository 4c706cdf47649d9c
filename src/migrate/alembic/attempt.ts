import type pg from 'pg';
import type { BlockingSession } from '../types.js';
import type { AlembicCommand } from './alembic-command.js';
import { ChildBackendWatch } from './backend-watch.js';
import { startAlembic, type ChildExit } from './child.js';
import type { AlembicEventListener } from './types.js';

export interface AttemptContext {
  command: AlembicCommand;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  applicationName: string;
  /** pgtop's own connection for finding the child's backend and its blockers. */
  watcher: pg.Client;
  database: string;
  signal: AbortSignal | undefined;
  emit: AlembicEventListener;
}

export interface AttemptOutcome {
  exit: ChildExit;
  cancelled: boolean;
  /** Set when the child's session turned out to be in another database (it was stopped). */
  otherDatabase: string | undefined;
  backendSeen: boolean;
  /** Every line the child wrote, in order. */
  lines: string[];
  /** The last sessions seen blocking the child. */
  blockers: BlockingSession[];
}

const LINE_LIMIT = 2000;

/** Ends the child's sessions that outlived it: a backend waiting for a lock does not notice its client left. */
async function endLeftoverBackends(watch: ChildBackendWatch, watcher: pg.Client): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const left = await watch.remaining().catch(() => []);
    if (left.length === 0) return;
    if (Date.now() >= deadline) {
      for (const backend of left) await watcher.query('SELECT pg_terminate_backend($1)', [backend.pid]).catch(() => undefined);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs the child once, watching its backend; a cancel stops the running statement and the child. */
export async function runAttempt(context: AttemptContext): Promise<AttemptOutcome> {
  const lines: string[] = [];
  const child = startAlembic(context.command, context.args, {
    cwd: context.cwd,
    env: context.env,
    onLine: (stream, line) => {
      if (lines.length < LINE_LIMIT) lines.push(line);
      context.emit({ type: 'alembic-output', stream, line });
    },
  });
  let otherDatabase: string | undefined;
  let cancelled = false;
  const watch = new ChildBackendWatch(context.watcher, context.applicationName, {
    onBackend: (backend) => {
      context.emit({ type: 'alembic-backend', pid: backend.pid, database: backend.database });
      if (backend.database !== context.database && otherDatabase === undefined) {
        otherDatabase = backend.database;
        void context.watcher.query('SELECT pg_cancel_backend($1)', [backend.pid]).catch(() => undefined);
        void child.stop();
      }
    },
    onBlockers: (blockers) => context.emit({ type: 'alembic-blocked', blockers }),
  });
  const cancel = (): void => {
    cancelled = true;
    const pid = watch.backend?.pid;
    if (pid !== undefined) void context.watcher.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    void child.stop();
  };
  if (context.signal?.aborted) cancel();
  context.signal?.addEventListener('abort', cancel, { once: true });
  watch.start();
  try {
    const exit = await child.exited;
    context.emit({ type: 'alembic-exited', code: exit.code, signal: exit.signal });
    return { exit, cancelled, otherDatabase, backendSeen: watch.backend !== undefined, lines, blockers: watch.lastBlockers };
  } finally {
    context.signal?.removeEventListener('abort', cancel);
    await watch.stop();
    await endLeftoverBackends(watch, context.watcher);
  }
}

/** Alembic's own error: the last exception line it printed (`sqlalchemy.exc.…: …`, `FAILED: …`). */
export function alembicErrorLine(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i] ?? '';
    if (/^(FAILED:|ERROR \[|[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b)/.test(line)) return line.trim();
  }
  return undefined;
}

export const isLockTimeout = (lines: readonly string[]): boolean => lines.some((line) => /lock timeout|LockNotAvailable/.test(line));
