import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Results } from '../../bench/report.js';
import { PGTOP_ROLE, type StatementRow } from '../../bench/server-cost.js';
import { targetNotes, targetRows } from '../../bench/target-rows.js';
import { describeStatement, statementShares, type ServerTargetRun } from '../../bench/targets.js';
import { benchResults } from '../helpers/bench-results.js';
import { vacuumSql } from '../../src/sources/vacuum/sql.js';
import { healthQueries } from '../../src/health/queries.js';
import { replicationSql } from '../../src/sources/replication/sql.js';

const statement = (query: string, execMs: number, calls = 10): StatementRow => ({ queryid: query, role: PGTOP_ROLE, query, calls, execMs, planMs: 0 });

const results = (serverTargets: ServerTargetRun[]): Results => benchResults({ serverTargets });

describe('bench targets', () => {
  test('statement shares: per refresh, largest first, named by what they read', () => {
    const shares = statementShares([statement('SELECT 1 FROM pg_locks l WHERE NOT l.granted', 10), statement('SELECT a.pid, CASE WHEN a.pid IN (SELECT l.pid FROM pg_locks l WHERE NOT l.granted) THEN ARRAY[a.query] END AS fields FROM pg_stat_get_activity(NULL) a', 30)], PGTOP_ROLE, 10);
    assert.deepEqual(shares.map((s) => [s.statement, s.msPerRefresh, s.share]), [
      ['sessions (pg_stat_activity)', 3, 0.75],
      ['lock waits (pg_locks)', 1, 0.25],
    ]);
    assert.equal(describeStatement(`SELECT ${'x'.repeat(100)}`).length, 60);
  });

  test('the two xmin horizon readings are named as such, not as replication, whose views they also read', () => {
    let n = 0;
    // As pg_stat_statements shows them: each literal a parameter.
    const normalised = (sql: string): string => sql.replace(/'(?:[^']|'')*'/g, () => `$${++n}`);
    for (const versionNum of [140000, 180000]) {
      for (const shown of [(sql: string) => sql, normalised]) {
        assert.equal(describeStatement(shown(vacuumSql(versionNum).horizon)), 'xmin horizon (vacuum, every 5 s)');
        assert.equal(describeStatement(shown(healthQueries(versionNum).horizon)), 'xmin horizon (health checks)');
        assert.equal(describeStatement(shown(healthQueries(versionNum).slots)), 'replication');
        assert.equal(describeStatement(shown(replicationSql(versionNum).standbys)), 'replication');
      }
    }
  });

  test('server time is judged against the floor timed beside its ticks, 1.3x without lock waits and 2x with', () => {
    const floor = { sessions: 170, calls: 100, ms: { floor: 0.5, all: 3, nonIdle: 2, lockWaits: 0.5 } };
    const rows = targetRows(results([
      { sessions: 170, floor, floorMs: 1, lockWaits: false, locksView: false, serverMsPerTick: 1.3, ticks: 200, shares: [] },
      { sessions: 170, floor, floorMs: 1, lockWaits: true, locksView: false, serverMsPerTick: 2.1, ticks: 200, shares: [] },
      { sessions: 170, floor, floorMs: 1, lockWaits: true, locksView: true, serverMsPerTick: 3, ticks: 200, shares: [] },
    ]));
    assert.deepEqual(rows.slice(0, 3).map((r) => [r.holds, r.ratio]), [['yes', '1.3x floor'], ['no', '2.1x floor'], ['', '3x floor']]);
    assert.match(rows[2]?.figure ?? '', /Locks view shown/, 'the Locks view is a figure beside the targets');
    assert.ok(rows.some((r) => r.value === 'not measured' && r.holds === 'no'), 'a target without a figure is printed as not met');
    assert.ok(targetNotes(rows).some((n) => n.startsWith('sessions source above the floor')));
  });
});
