import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffStatements, PG_ACTIVITY_ROLE, PGTOP_ROLE, serverCost, ServerLog, type StatementRow } from '../../bench/server-cost.js';
import { mixFor, variedQuery } from '../../bench/workload.js';

const row = (role: string, queryid: string, query: string, calls: number, execMs: number, planMs: number): StatementRow => ({ role, queryid, query, calls, execMs, planMs });

describe('statements', () => {
  test('the difference between two readings, statement by statement', () => {
    const before = [row(PGTOP_ROLE, '1', 'SELECT a.pid, CASE … END AS fields FROM pg_stat_get_activity($1) a', 10, 5, 1)];
    const after = [row(PGTOP_ROLE, '1', 'SELECT a.pid, CASE … END AS fields FROM pg_stat_get_activity($1) a', 30, 25, 3), row(PGTOP_ROLE, '2', 'SELECT … pg_locks', 20, 4, 2), row(PG_ACTIVITY_ROLE, '3', 'x', 0, 0, 0)];
    const diff = diffStatements(before, after);
    assert.deepEqual(
      diff.map((s) => [s.queryid, s.calls, s.execMs, s.planMs]),
      [
        ['1', 20, 20, 2],
        ['2', 20, 4, 2],
      ],
    );
  });

  test('server time and round trips per refresh of one role', () => {
    const statements = [
      row(PGTOP_ROLE, '1', 'SELECT a.pid, CASE … END AS fields FROM pg_stat_get_activity($1) a', 20, 20, 2),
      row(PGTOP_ROLE, '2', 'SELECT … pg_locks', 20, 4, 2),
      // Another reading of the monitor's on the same function (the horizon, every few ticks) is no refresh.
      row(PGTOP_ROLE, '4', 'SELECT min(backend_xmin) FROM pg_stat_get_activity($1) a', 4, 4, 0),
      row(PG_ACTIVITY_ROLE, '3', 'SELECT convert_from(replace(a.query, …', 10, 50, 5),
    ];
    const pgtop = serverCost(PGTOP_ROLE, statements, 20);
    assert.equal(pgtop.refreshes, 20);
    assert.equal(pgtop.serverMsPerRefresh, 1.6);
    assert.equal(pgtop.execMsPerRefresh, 1.4);
    assert.equal(pgtop.statementsPerRefresh, 2.2);
    assert.equal(pgtop.roundTripsPerRefresh, 1);
    const other = serverCost(PG_ACTIVITY_ROLE, statements, undefined);
    assert.equal(other.refreshes, 10);
    assert.equal(other.serverMsPerRefresh, 5.5);
    assert.equal(other.roundTripsPerRefresh, undefined);
  });
});

describe('ServerLog', () => {
  test('counts one round trip per logged statement line, role by role', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-log-'));
    try {
      const path = join(dir, 'postgres.log');
      const lines = [
        'bench:pgtop_bench: LOG:  statement: SELECT 1;',
        'SELECT 2',
        '\tcontinued',
        'bench:postgres: LOG:  statement: SELECT a',
        'bench:postgres: LOG:  execute <unnamed>: SELECT b',
        'bench:bench_admin: LOG:  duration: 1 ms',
        'bench:pgtop_bench: LOG:  statement: SELECT 3',
      ];
      writeFileSync(path, `${lines.join('\n')}\n`);
      const log = new ServerLog(path);
      const counts = log.roundTrips(0, log.offset());
      assert.equal(counts.get('pgtop_bench'), 2);
      assert.equal(counts.get('postgres'), 2);
      assert.equal(counts.get('bench_admin'), undefined);
      assert.equal(log.roundTrips(10, 10).size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('workload mix', () => {
  test('keeps the total and the shares', () => {
    for (const total of [10, 100, 500, 1000]) {
      const mix = mixFor(total);
      assert.equal(mix.idle + mix.active + mix.idleInTransaction + mix.lockChain, total);
      assert.equal(mix.lockChain, 3);
      assert.equal(mix.active, Math.max(1, Math.round(total * 0.1)));
    }
    assert.deepEqual(mixFor(2), { idle: 0, active: 0, idleInTransaction: 0, lockChain: 2 });
  });

  test('query texts of varied lengths', () => {
    const lengths = Array.from({ length: 50 }, (_, i) => variedQuery(i).length);
    assert.ok(Math.min(...lengths) < 100 && Math.max(...lengths) > 500);
  });
});
