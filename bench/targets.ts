import type pg from 'pg';
import type { PostgresSandbox } from '../src/sandbox/postgres.js';
import type { SideBySide } from './client-cost.js';
import { diffStatements, msPerCall, readStatements, type StatementRow } from './server-cost.js';
import { round } from './stats.js';

/** The role that runs the reference statements: its statements, and only its, are the floor's. */
export const FLOOR_ROLE = 'bench_floor';
export const FLOOR_PASSWORD = 'bench-floor-secret';

/** What reading pg_stat_activity costs at the least, and the reads around it, each timed like pgtop's ticks. */
export const REFERENCE_STATEMENTS = {
  floor: 'SELECT count(*) FROM pg_stat_activity',
  all: 'SELECT * FROM pg_stat_activity',
  nonIdle: "SELECT * FROM pg_stat_activity WHERE state IS DISTINCT FROM 'idle'",
  lockWaits: 'SELECT * FROM pg_locks WHERE NOT granted',
} as const;
export type Reference = keyof typeof REFERENCE_STATEMENTS;

export const SERVER_FLOOR_FACTOR = 1.3;
export const SERVER_FLOOR_FACTOR_LOCK_WAITS = 2;
export const CPU_FACTOR = 0.5;
export const RSS_TARGET_MB = 100;
export const KEY_TO_FRAME_BUDGET_MS = 50;

export interface FloorFigures {
  sessions: number;
  calls: number;
  /** Server time (planning and execution) per call, ms, from pg_stat_statements. */
  ms: Record<Reference, number>;
}

/** One statement's part of a monitor's server time. */
export interface StatementShare {
  statement: string;
  callsPerRefresh: number;
  msPerRefresh: number;
  share: number;
}

/** pgtop's source ticks with and without a session waiting on a lock, beside the floor of the same size. */
export interface ServerTargetRun {
  sessions: number;
  floor: FloorFigures;
  /** The floor statement's server time per call, run once before each of these ticks (the target's floor). */
  floorMs: number;
  lockWaits: boolean;
  /** The ticks read the locks waited for, as the monitor's do while the Locks view is shown. */
  locksView: boolean;
  serverMsPerTick: number;
  ticks: number;
  shares: StatementShare[];
}

export async function prepareFloorRole(admin: pg.Client): Promise<void> {
  await admin.query(`CREATE ROLE ${FLOOR_ROLE} LOGIN SUPERUSER PASSWORD '${FLOOR_PASSWORD}'`);
}

/** Runs each reference statement `calls` times on its own connection, one round trip each, and times it on the server. */
export async function measureFloor(sandbox: PostgresSandbox, admin: pg.Client, sessions: number, calls: number): Promise<FloorFigures> {
  const client = await sandbox.connect('postgres', FLOOR_ROLE, FLOOR_PASSWORD);
  try {
    const ms = {} as Record<Reference, number>;
    for (const [name, sql] of Object.entries(REFERENCE_STATEMENTS) as [Reference, string][]) {
      await client.query(sql);
      const before = await readStatements(admin, [FLOOR_ROLE]);
      for (let i = 0; i < calls; i++) await client.query(sql);
      ms[name] = msPerCall(diffStatements(before, await readStatements(admin, [FLOOR_ROLE])).filter((s) => normalized(s.query) === normalized(sql)));
    }
    return { sessions, calls, ms };
  } finally {
    await client.end();
  }
}

const normalized = (sql: string): string => sql.replace(/\$\d+/g, '?').replace(/'[^']*'/g, '?').replace(/\s+/g, ' ').trim();

/** Each statement's server time per refresh and share of the whole, largest first. */
export function statementShares(statements: readonly StatementRow[], role: string, refreshes: number): StatementShare[] {
  const mine = statements.filter((s) => s.role === role);
  const total = mine.reduce((n, s) => n + s.execMs + s.planMs, 0);
  return mine
    .map((s) => ({
      statement: describeStatement(s.query),
      callsPerRefresh: round(s.calls / Math.max(1, refreshes), 2),
      msPerRefresh: round((s.execMs + s.planMs) / Math.max(1, refreshes), 3),
      share: round(total > 0 ? (s.execMs + s.planMs) / total : 0, 3),
    }))
    .sort((a, b) => b.msPerRefresh - a.msPerRefresh);
}

/** A statement in a few words: what it reads, from its text. */
export function describeStatement(query: string): string {
  const text = query.replace(/\s+/g, ' ').trim();
  const known: [RegExp, string][] = [
    [/END AS fields\b/, 'sessions (pg_stat_activity)'],
    [/FROM pg_locks l WHERE NOT l\.granted/, 'lock waits (pg_locks)'],
    [/FROM pg_stat_database\)/, 'server and pg_stat_database sums'],
    [/pg_stat_statements/, 'statements (pg_stat_statements)'],
    // Both horizon readings also read slots and standbys: named before replication, whose views they share.
    // pg_stat_statements shows their literals as $1, $2...
    [/^SELECT \* FROM \( SELECT \S+ AS kind\b.*backend_xmin/, 'xmin horizon (vacuum, every 5 s)'],
    [/^SELECT \S+ AS kind\b.*backend_xmin/, 'xmin horizon (health checks)'],
    [/pg_stat_get_wal_senders|pg_stat_wal_receiver|pg_replication_slots|pg_stat_archiver/, 'replication'],
    [/pg_stat_progress_vacuum|n_dead_tup|autovacuum/, 'vacuum'],
  ];
  for (const [pattern, name] of known) if (pattern.test(text)) return name;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** pgtop's and pg_activity's figures of one side-by-side run beside the targets. */
export function sideBySideTargets(run: SideBySide): { cpuRatio: number; pgtopRssMb: number } {
  const pga = 'program' in run.pgActivity ? run.pgActivity : undefined;
  return { cpuRatio: pga && pga.cpuPercent > 0 ? run.pgtop.cpuPercent / pga.cpuPercent : Number.NaN, pgtopRssMb: run.pgtop.peakRssMb };
}
