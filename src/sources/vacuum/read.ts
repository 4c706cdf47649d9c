import type pg from 'pg';
import { iso, num, text, type RawRow } from '../parse.js';
import { parseDatabaseAge, parseDeadTupleTable, parseFreezeTable, parseHorizonHolder, parseProgress } from './parse.js';
import type { VacuumSql } from './sql.js';
import type { VacuumSnapshot } from './types.js';
import type { Session } from '../types.js';

/**
 * Reads vacuum progress, the xmin horizon's holders, wraparound and table pressure in one round trip. The
 * autovacuum workers are counted in `sessions` (the activity tick's) when given, else read.
 */
export async function readVacuum(client: pg.Client, sql: VacuumSql, sessions?: readonly Session[]): Promise<VacuumSnapshot> {
  const statements = [sql.settings, sql.vacuumProgress, sql.clusterProgress, sql.analyzeProgress, sql.waitingMaintenance, sql.horizon, sql.wraparound, sql.freezeTables, sql.deadTupleTables];
  if (!sessions) statements.push(sql.workersRunning);
  const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult<RawRow>[];
  const [settings, vacuums, clusters, analyzes, waiting, horizon, wraparound, freeze, dead, workers] = results.map((result) => result.rows);
  const head = settings?.[0];
  if (!head) throw new Error('the vacuum query returned no rows');
  const running = sessions ? sessions.filter((s) => s.backendType === 'autovacuum worker').length : (num(workers?.[0]?.workers_running) ?? 0);
  return {
    takenAt: iso(head.now) ?? new Date().toISOString(),
    progress: [
      ...(vacuums ?? []).map((row) => parseProgress('vacuum', row)),
      ...(clusters ?? []).map((row) => parseProgress('cluster', row)),
      ...(analyzes ?? []).map((row) => parseProgress('analyze', row)),
      ...(waiting ?? []).map((row) => parseProgress(row.kind === 'analyze' ? 'analyze' : row.kind === 'cluster' ? 'cluster' : 'vacuum', row)),
    ],
    workers: { running, max: num(head.workers_max) ?? 0, autovacuumOn: head.autovacuum_on === true },
    horizon: (horizon ?? []).map(parseHorizonHolder),
    wraparound: (wraparound ?? []).map(parseDatabaseAge),
    freezeTables: (freeze ?? []).map(parseFreezeTable),
    deadTupleTables: (dead ?? []).map(parseDeadTupleTable),
    notes: head.sees_all === true ? [] : [vacuumPrivilegeNote(text(head.current_user) ?? '?')],
  };
}

export function vacuumPrivilegeNote(role: string): string {
  return (
    `role "${role}" cannot see the progress, queries and horizon details of other roles' sessions: ` +
    `a role with pg_monitor (or pg_read_all_stats) would (GRANT pg_monitor TO "${role}").`
  );
}
