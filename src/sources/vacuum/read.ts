import type pg from 'pg';
import { iso, num, text, type RawRow } from '../parse.js';
import { parseDatabaseAge, parseDeadTupleTable, parseFreezeTable, parseHorizonHolder, parseProgress } from './parse.js';
import type { VacuumSql } from './sql.js';
import type { VacuumSnapshot } from './types.js';
import type { Session } from '../types.js';

type Part = Exclude<keyof VacuumSql, 'workersRunning'>;

/** What a reading of the horizon alone leaves out: the progress views and the table statistics. */
const FULL_ONLY: readonly Part[] = ['vacuumProgress', 'clusterProgress', 'analyzeProgress', 'waitingMaintenance', 'freezeTables', 'deadTupleTables'];
const PARTS: readonly Part[] = ['settings', 'vacuumProgress', 'clusterProgress', 'analyzeProgress', 'waitingMaintenance', 'horizon', 'wraparound', 'freezeTables', 'deadTupleTables'];

/**
 * Reads vacuum progress, the xmin horizon's holders, wraparound and table pressure in one round trip. The
 * autovacuum workers are counted in `sessions` (the activity tick's) when given, else read. With
 * `horizonOnly` (the header's warnings, while view 8 is not shown) the progress and tables are left out: empty.
 */
export async function readVacuum(client: pg.Client, sql: VacuumSql, sessions?: readonly Session[], options: { horizonOnly?: boolean } = {}): Promise<VacuumSnapshot> {
  const parts = options.horizonOnly ? PARTS.filter((part) => !FULL_ONLY.includes(part)) : PARTS;
  const statements = [...parts.map((part) => sql[part]), ...(sessions ? [] : [sql.workersRunning])];
  const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult<RawRow>[];
  const rowsOf = (part: Part): RawRow[] => {
    const at = parts.indexOf(part);
    return at < 0 ? [] : (results[at]?.rows ?? []);
  };
  const head = rowsOf('settings')[0];
  if (!head) throw new Error('the vacuum query returned no rows');
  const workers = sessions ? undefined : results[parts.length]?.rows;
  const running = sessions ? sessions.filter((s) => s.backendType === 'autovacuum worker').length : (num(workers?.[0]?.workers_running) ?? 0);
  return {
    takenAt: iso(head.now) ?? new Date().toISOString(),
    progress: [
      ...rowsOf('vacuumProgress').map((row) => parseProgress('vacuum', row)),
      ...rowsOf('clusterProgress').map((row) => parseProgress('cluster', row)),
      ...rowsOf('analyzeProgress').map((row) => parseProgress('analyze', row)),
      ...rowsOf('waitingMaintenance').map((row) => parseProgress(row.kind === 'analyze' ? 'analyze' : row.kind === 'cluster' ? 'cluster' : 'vacuum', row)),
    ],
    workers: { running, max: num(head.workers_max) ?? 0, autovacuumOn: head.autovacuum_on === true },
    horizon: rowsOf('horizon').map(parseHorizonHolder),
    wraparound: rowsOf('wraparound').map(parseDatabaseAge),
    freezeTables: rowsOf('freezeTables').map(parseFreezeTable),
    deadTupleTables: rowsOf('deadTupleTables').map(parseDeadTupleTable),
    notes: head.sees_all === true ? [] : [vacuumPrivilegeNote(text(head.current_user) ?? '?')],
  };
}

export function vacuumPrivilegeNote(role: string): string {
  return (
    `role "${role}" cannot see the progress, queries and horizon details of other roles' sessions: ` +
    `a role with pg_monitor (or pg_read_all_stats) would (GRANT pg_monitor TO "${role}").`
  );
}
