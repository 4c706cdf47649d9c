import type pg from 'pg';
import type { PostgresSandbox } from '../src/sandbox/postgres.js';
import type * as StatementsModule from '../src/sources/statements/source.js';
import { loadDist } from './product.js';
import { ADMIN_PASSWORD, ADMIN_ROLE, PGTOP_PASSWORD, PGTOP_ROLE, readStatements, diffStatements } from './server-cost.js';
import { round } from './stats.js';

export const STATEMENTS_ENTRIES = 5000;
const TABLES = 110;
const COLUMNS = 50;

export interface StatementsRefreshFigures {
  entries: number;
  refreshes: number;
  /** Planning and execution on the server, per refresh (all its statements). */
  serverMsPerRefresh: number;
  clientMsMedian: number;
  /** Fetching the texts of one screen of rows (40) with a cold cache, on the server. */
  textsServerMs: number;
  textsCount: number;
}

/** The server settings of the measurement: pg_stat_statements full at its default size. */
export const statementsServerSettings = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.max': STATEMENTS_ENTRIES,
  'pg_stat_statements.track_planning': 'on',
};

/** Fills pg_stat_statements with distinct statements (one column of one table each) until it is full. */
export async function fillStatements(admin: pg.Client): Promise<void> {
  const columns = Array.from({ length: COLUMNS }, (_, c) => `c${c} int`).join(', ');
  const creates = Array.from({ length: TABLES }, (_, t) => `CREATE TABLE bench_t${t} (${columns})`);
  await admin.query(creates.join(';\n'));
  for (let t = 0; t < TABLES; t++) {
    const selects = Array.from({ length: COLUMNS }, (_, c) => `SELECT c${c} FROM bench_t${t}`);
    await admin.query(selects.join(';\n'));
  }
}

// Told apart by their shape: pg_stat_statements normalises the showtext argument to $1 in both.
const isEntriesFetch = (query: string): boolean => query.includes('pg_stat_statements') && query.includes('s.queryid IS NOT NULL');
const isTextsFetch = (query: string): boolean => query.includes('pg_stat_statements') && query.includes('s.query\n');

/** Server time of pgtop's Statements refreshes at a full pg_stat_statements, and of one screen of texts. */
export async function measureStatementsRefresh(sandbox: PostgresSandbox, refreshes: number): Promise<StatementsRefreshFigures> {
  const { StatementsSource } = await loadDist<typeof StatementsModule>('sources/statements/source.js');
  const admin = await sandbox.connect('postgres', ADMIN_ROLE, ADMIN_PASSWORD);
  const settings = { host: '127.0.0.1', port: sandbox.port, user: PGTOP_ROLE, password: PGTOP_PASSWORD, database: 'postgres', sslmode: 'disable' as const, extra: {} };
  const source = new StatementsSource(settings);
  try {
    const first = await source.tick();
    if (first.kind !== 'data') throw new Error(`the Statements source did not deliver: ${JSON.stringify(first)}`);
    const before = await readStatements(admin, [PGTOP_ROLE]);
    const durations: number[] = [];
    let entries = 0;
    for (let i = 0; i < refreshes; i++) {
      const t0 = performance.now();
      const outcome = await source.tick();
      if (outcome.kind !== 'data') throw new Error(`a Statements refresh failed: ${JSON.stringify(outcome)}`);
      durations.push(performance.now() - t0);
      entries = outcome.data.entries.length;
    }
    const keys = first.data.entries.slice(0, 40).map((e) => e.key);
    await source.textsOf(keys);
    const after = await readStatements(admin, [PGTOP_ROLE]);
    const diff = diffStatements(before, after);
    const done = diff.filter((s) => isEntriesFetch(s.query)).reduce((n, s) => n + s.calls, 0);
    const refreshMs = diff.filter((s) => !isTextsFetch(s.query)).reduce((n, s) => n + s.execMs + s.planMs, 0);
    const textsMs = diff.filter((s) => isTextsFetch(s.query)).reduce((n, s) => n + s.execMs + s.planMs, 0);
    durations.sort((a, b) => a - b);
    return {
      entries,
      refreshes: done,
      serverMsPerRefresh: round(done > 0 ? refreshMs / done : Number.NaN, 3),
      clientMsMedian: round(durations[Math.floor(durations.length / 2)] ?? Number.NaN, 3),
      textsServerMs: round(textsMs, 3),
      textsCount: keys.length,
    };
  } finally {
    await source.close();
    await admin.end();
  }
}
