import pg from 'pg';
import type { PostgresSandbox } from '../../src/sandbox/postgres.js';
import { waitUntil } from './wait.js';

/** A client session opened by a test, with its backend pid. */
export interface TestSession {
  client: pg.Client;
  pid: number;
  application: string;
}

/** A session running a statement that does not return by itself (pg_sleep, a lock wait). */
export interface RunningSession extends TestSession {
  /** Settles when the statement ends: undefined when it succeeded, else the error the client got. */
  outcome: Promise<{ code: string | undefined; message: string } | undefined>;
}

export interface SessionOptions {
  database?: string;
  user?: string;
  password?: string;
}

/**
 * Opens and ends the sessions of one test file. Sessions still open at `closeAll()` are terminated on the
 * server first (a backend inside pg_sleep does not notice its client leaving).
 */
export class SessionPool {
  private readonly sessions: TestSession[] = [];
  private readonly running: Promise<unknown>[] = [];

  constructor(private readonly sandbox: PostgresSandbox) {}

  async open(application: string, options: SessionOptions = {}): Promise<TestSession> {
    const client = new pg.Client({
      host: this.sandbox.host,
      port: this.sandbox.port,
      user: options.user ?? this.sandbox.superuser,
      password: options.password ?? this.sandbox.password,
      database: options.database ?? 'postgres',
      application_name: application,
      connectionTimeoutMillis: 15_000,
    });
    client.on('error', () => undefined);
    await client.connect();
    const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = result.rows[0]?.pid;
    if (typeof pid !== 'number') throw new Error(`no backend pid for ${application}`);
    const session = { client, pid, application };
    this.sessions.push(session);
    return session;
  }

  /** Sends `sql` on `session` without waiting for it to finish. */
  launch(session: TestSession, sql: string): RunningSession {
    const outcome = session.client.query(sql).then(
      () => undefined,
      (error: unknown) => ({ code: (error as { code?: string }).code, message: (error as Error).message }),
    );
    this.running.push(outcome);
    return { ...session, outcome };
  }

  /** A new session running `SELECT pg_sleep(600)`, returned once the server shows it sleeping. */
  async sleeper(application: string, options: SessionOptions = {}): Promise<RunningSession> {
    const session = await this.open(application, options);
    const running = this.launch(session, 'SELECT pg_sleep(600)');
    await waitForActivity(this.sandbox, session.pid, (row) => row?.state === 'active' && row.wait_event === 'PgSleep', `${application} to sleep`);
    return running;
  }

  async closeAll(): Promise<void> {
    const pids = this.sessions.map((s) => s.pid);
    if (pids.length > 0 && this.sandbox.pid !== undefined) {
      await this.sandbox.query('SELECT pg_terminate_backend(pid, 5000) FROM unnest($1::int[]) AS pid', [pids]).catch(() => undefined);
    }
    await Promise.all(this.sessions.map((s) => s.client.end().catch(() => undefined)));
    await Promise.all(this.running);
    this.sessions.length = 0;
    this.running.length = 0;
  }
}

export interface ActivityRow {
  pid: number;
  state: string | null;
  wait_event: string | null;
  application_name: string;
}

/** The pg_stat_activity row of `pid`, or undefined when no such session exists. */
export async function activity(sandbox: PostgresSandbox, pid: number): Promise<ActivityRow | undefined> {
  const result = await sandbox.query<ActivityRow>('SELECT pid, state, wait_event, application_name FROM pg_stat_activity WHERE pid = $1', [pid]);
  return result.rows[0];
}

/** Polls pg_stat_activity until `predicate` holds for the row of `pid` (undefined: no such session). */
export async function waitForActivity(
  sandbox: PostgresSandbox,
  pid: number,
  predicate: (row: ActivityRow | undefined) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  await waitUntil(async () => predicate(await activity(sandbox, pid)), { what, timeoutMs });
}

/** Lines of a captured screen. */
export function lines(screen: string): string[] {
  return screen.split('\n');
}

/** The lines below a table's column titles (the line that starts with `PID`), up to the end of the screen. */
export function tableLines(screen: string): string[] {
  const all = lines(screen);
  const titles = all.findIndex((line) => /^\s*PID\b/.test(line));
  return titles < 0 ? [] : all.slice(titles + 1);
}

const ROW = /^[\s*│├└─]*(\d+)(\s|$)/;

/** The pid at the start of a table row, or undefined. */
export function pidOf(row: string | undefined): number | undefined {
  const match = row ? ROW.exec(row) : null;
  return match ? Number(match[1]) : undefined;
}

/** The table row of `pid` (it starts with the pid, after spaces, tree guides or a tag mark), if shown. */
export function rowOf(screen: string, pid: number): string | undefined {
  return tableLines(screen).find((line) => pidOf(line) === pid);
}

/** Whether the table on the screen has a row for `pid`. */
export function showsPid(screen: string, pid: number): boolean {
  return rowOf(screen, pid) !== undefined;
}

/** The pids of the table rows on the screen, top to bottom. */
export function pidsOnScreen(screen: string): number[] {
  return tableLines(screen)
    .map((line) => pidOf(line))
    .filter((pid): pid is number => pid !== undefined);
}

const SGR = /\x1b\[[0-9;:]*m/g;

/** Removes the SGR attributes from a `capture-pane -e` screen or line. */
export function stripSgr(text: string): string {
  return text.replace(SGR, '');
}

/**
 * The plain text of the table row drawn in reverse video (the selection), from a `capture-pane -e`
 * screen: undefined when no row is. tmux writes attributes as SGR sequences (7 = reverse).
 */
export function selectedRow(screenWithEscapes: string): string | undefined {
  const reverse = /\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m/;
  const raw = lines(screenWithEscapes);
  const titles = raw.findIndex((line) => /^\s*PID\b/.test(stripSgr(line)));
  if (titles < 0) return undefined;
  return raw
    .slice(titles + 1)
    .find((line) => reverse.test(line) && pidOf(stripSgr(line)) !== undefined)
    ?.replace(SGR, '');
}
