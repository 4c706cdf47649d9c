import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { PostgresSandbox } from '../src/sandbox/postgres.js';
import type { PostgresSource, TickOptions } from '../src/sources/postgres.js';
import { round } from './stats.js';

/** pgtop's monitoring role: its statements, and only its, are pgtop's in pg_stat_statements and the log. */
export const PGTOP_ROLE = 'pgtop_bench';
export const PGTOP_PASSWORD = 'pgtop-bench-secret';
/** The bench's own role for setting up and reading the figures. */
export const ADMIN_ROLE = 'bench_admin';
export const ADMIN_PASSWORD = 'bench-admin-secret';
/** pg_activity connects as the sandbox's superuser (`postgres`). */
export const PG_ACTIVITY_ROLE = 'postgres';

/** Lines of the server log start with this and the role's name: `bench:<role>: LOG:  statement: …`. */
export const LOG_PREFIX = 'bench:%u: ';

/** Server settings for the cost measurements (passed to startPostgres). */
export function serverSettings(maxConnections: number): Record<string, string | number> {
  return {
    max_connections: maxConnections,
    shared_preload_libraries: 'pg_stat_statements',
    'pg_stat_statements.track_planning': 'on',
    'pg_stat_statements.max': 5000,
    track_activity_query_size: 4096,
    log_line_prefix: LOG_PREFIX,
  };
}

/** The roles, the extension, and statement logging for the two monitors' roles (one log line per round trip). */
export async function prepareServer(superuser: pg.Client): Promise<void> {
  await superuser.query(`CREATE ROLE ${ADMIN_ROLE} LOGIN SUPERUSER PASSWORD '${ADMIN_PASSWORD}'`);
  // Superuser like pg_activity's postgres, so both see every session's details.
  await superuser.query(`CREATE ROLE ${PGTOP_ROLE} LOGIN SUPERUSER PASSWORD '${PGTOP_PASSWORD}'`);
  await superuser.query('CREATE EXTENSION pg_stat_statements');
  for (const role of [PGTOP_ROLE, PG_ACTIVITY_ROLE]) await superuser.query(`ALTER ROLE ${role} SET log_statement = 'all'`);
}

export interface StatementRow {
  queryid: string;
  role: string;
  query: string;
  calls: number;
  execMs: number;
  planMs: number;
}

export async function readStatements(admin: pg.Client, roles: string[]): Promise<StatementRow[]> {
  const result = await admin.query<{ queryid: string; role: string; query: string; calls: string; exec_ms: number; plan_ms: number }>(
    `SELECT s.queryid::text AS queryid, r.rolname AS role, s.query, s.calls::text AS calls,
            s.total_exec_time AS exec_ms, s.total_plan_time AS plan_ms
       FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
      WHERE r.rolname = ANY($1)`,
    [roles],
  );
  return result.rows.map((r) => ({ queryid: r.queryid, role: r.role, query: r.query, calls: Number(r.calls), execMs: r.exec_ms, planMs: r.plan_ms }));
}

/** Server time (planning and execution) per call over these statements, ms; NaN when they made no call. */
export function msPerCall(statements: readonly StatementRow[]): number {
  const calls = statements.reduce((n, s) => n + s.calls, 0);
  return calls > 0 ? round(statements.reduce((n, s) => n + s.execMs + s.planMs, 0) / calls, 3) : Number.NaN;
}

/** What `after` adds to `before`, statement by statement. */
export function diffStatements(before: readonly StatementRow[], after: readonly StatementRow[]): StatementRow[] {
  const key = (s: StatementRow): string => `${s.role}/${s.queryid}`;
  const earlier = new Map(before.map((s) => [key(s), s]));
  return after
    .map((s) => {
      const b = earlier.get(key(s));
      return b ? { ...s, calls: s.calls - b.calls, execMs: s.execMs - b.execMs, planMs: s.planMs - b.planMs } : s;
    })
    .filter((s) => s.calls > 0);
}

/** How a monitor's refreshes are counted: the calls of its one statement on pg_stat_activity. */
export const REFRESH_MARKERS: Record<string, string> = {
  [PGTOP_ROLE]: 'END AS fields',
  [PG_ACTIVITY_ROLE]: 'convert_from(replace(a.query',
};

export interface ServerCost {
  role: string;
  refreshes: number;
  statementsPerRefresh: number;
  /** Planning and execution, per refresh (ms). */
  serverMsPerRefresh: number;
  execMsPerRefresh: number;
  planMsPerRefresh: number;
  /** Query messages the server received per refresh (from its log), when counted. */
  roundTripsPerRefresh: number | undefined;
}

export function serverCost(role: string, statements: readonly StatementRow[], roundTrips: number | undefined): ServerCost {
  const mine = statements.filter((s) => s.role === role);
  const marker = REFRESH_MARKERS[role] ?? '';
  const refreshes = mine.filter((s) => s.query.includes(marker)).reduce((n, s) => n + s.calls, 0);
  const per = (value: number): number => (refreshes > 0 ? value / refreshes : Number.NaN);
  const exec = mine.reduce((n, s) => n + s.execMs, 0);
  const plan = mine.reduce((n, s) => n + s.planMs, 0);
  return {
    role,
    refreshes,
    statementsPerRefresh: round(per(mine.reduce((n, s) => n + s.calls, 0)), 2),
    serverMsPerRefresh: round(per(exec + plan), 3),
    execMsPerRefresh: round(per(exec), 3),
    planMsPerRefresh: round(per(plan), 3),
    roundTripsPerRefresh: roundTrips === undefined ? undefined : round(per(roundTrips), 2),
  };
}

/** The server log: each Query message of a logged role is one `statement:` line with the prefix. */
export class ServerLog {
  constructor(private readonly path: string) {}

  static of(sandbox: PostgresSandbox): ServerLog {
    return new ServerLog(join(sandbox.dir, 'postgres.log'));
  }

  offset(): number {
    try {
      return statSync(this.path).size;
    } catch {
      return 0;
    }
  }

  /** Waits until the log stops growing (the server's stderr reaches the file through a pipe), at most 3 s. */
  async settled(): Promise<number> {
    let last = this.offset();
    const deadline = Date.now() + 3000;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = this.offset();
      if (now === last || Date.now() > deadline) return now;
      last = now;
    }
  }

  /** Query messages per role between two offsets. */
  roundTrips(from: number, to: number): Map<string, number> {
    const counts = new Map<string, number>();
    if (to <= from) return counts;
    const fd = openSync(this.path, 'r');
    try {
      const buffer = Buffer.alloc(to - from);
      readSync(fd, buffer, 0, buffer.length, from);
      for (const match of buffer.toString('utf8').matchAll(/^bench:([^:\n]*): LOG: {2}(?:statement|execute [^:]*):/gm)) {
        const role = match[1] ?? '';
        counts.set(role, (counts.get(role) ?? 0) + 1);
      }
    } finally {
      closeSync(fd);
    }
    return counts;
  }
}

/** A reference statement run on its own connection before each tick, timed over the same ticks. */
export interface AlongsideStatement {
  client: pg.Client;
  role: string;
  sql: string;
}

/**
 * Runs `ticks` ticks of pgtop's own source back to back (each a full refresh, with `tick`'s options) and
 * measures them on the server; with `alongside`, that statement runs once before each tick and its server
 * time per call comes back as `alongsideMs`, so that both are timed over the same seconds of the same load.
 */
export async function measureSourceTicks(
  source: PostgresSource,
  admin: pg.Client,
  log: ServerLog,
  ticks: number,
  maxSeconds: number,
  options: { tick?: TickOptions; alongside?: AlongsideStatement } = {},
): Promise<ServerCost & { ticks: number; clientMsMedian: number; statements: StatementRow[]; alongsideMs: number | undefined }> {
  const { alongside } = options;
  const roles = alongside ? [PGTOP_ROLE, alongside.role] : [PGTOP_ROLE];
  await source.open();
  await source.tick(options.tick);
  await alongside?.client.query(alongside.sql);
  const before = await readStatements(admin, roles);
  const from = await log.settled();
  const durations: number[] = [];
  const deadline = Date.now() + maxSeconds * 1000;
  let done = 0;
  while (done < ticks && Date.now() < deadline) {
    await alongside?.client.query(alongside.sql);
    const t0 = performance.now();
    const outcome = await source.tick(options.tick);
    if (outcome.kind !== 'data') throw new Error(`a tick failed: ${outcome.kind === 'error' ? outcome.error.message : 'skipped'}`);
    durations.push(performance.now() - t0);
    done++;
  }
  const to = await log.settled();
  const after = await readStatements(admin, roles);
  const trips = log.roundTrips(from, to).get(PGTOP_ROLE) ?? 0;
  durations.sort((a, b) => a - b);
  const statements = diffStatements(before, after);
  return {
    ...serverCost(PGTOP_ROLE, statements, trips),
    ticks: done,
    clientMsMedian: round(durations[Math.floor(durations.length / 2)] ?? Number.NaN, 3),
    statements: statements.filter((s) => s.role === PGTOP_ROLE),
    alongsideMs: alongside ? msPerCall(statements.filter((s) => s.role === alongside.role)) : undefined,
  };
}
