import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { PostgresSource, QUERY_PREVIEW_CHARS } from '../../src/sources/postgres.js';
import { tickStatements } from '../../src/sources/prepared.js';
import { monitorSql } from '../../src/sources/sql.js';
import type { PgSnapshot } from '../../src/sources/types.js';
import { describeEachMajor } from '../helpers/majors.js';
import { createRoles, openSession, roleSettings, type TestSession } from '../helpers/server-sessions.js';
import { waitUntil } from '../helpers/wait.js';

describeEachMajor('the tick statements', (major) => {
  let sandbox: PostgresSandbox;
  let source: PostgresSource;
  const opened: TestSession[] = [];

  before(async () => {
    sandbox = await startPostgres({ major, settings: { track_activity_query_size: '64kB' } });
    await sandbox.query('CREATE TABLE tick_locks (id int); CREATE TABLE tick_later (id int); CREATE TABLE tick_unread (id int); GRANT SELECT ON tick_later TO PUBLIC');
    await createRoles(sandbox, { tick_plain: [] });
    source = new PostgresSource(roleSettings(sandbox));
  });

  after(async () => {
    await source?.close();
    await Promise.all(opened.map((session) => session.end()));
    await sandbox?.stop();
  });

  const tick = async (): Promise<PgSnapshot> => {
    const outcome = await source.tick();
    if (outcome.kind !== 'data') throw new Error(`no snapshot: ${outcome.kind === 'error' ? outcome.error.message : 'skipped'}`);
    return outcome.data;
  };

  const onMonitoringConnection = async (sql: string): Promise<string[]> => {
    const outcome = await source.read(async (client) => (await client.query<{ name: string }>(sql)).rows.map((r) => r.name));
    if (outcome.kind !== 'data') throw new Error('the monitoring connection did not answer');
    return outcome.data;
  };

  it('are prepared once on the monitoring connection, and no lock is listed while nothing waits', async () => {
    const snapshot = await tick();
    assert.deepEqual(snapshot.waitingLocks, []);
    const names = await onMonitoringConnection("SELECT name FROM pg_prepared_statements WHERE name LIKE 'pgtop_%' ORDER BY name");
    assert.deepEqual(names, ['pgtop_activity', 'pgtop_server', 'pgtop_waiting_locks']);
  });

  it('report a lock wait that begins after ticks without any on the next tick, to a role with pg_read_all_stats and one without', async () => {
    const plain = new PostgresSource(roleSettings(sandbox, 'tick_plain'));
    const holder = await openSession(sandbox, sandbox.superuser, 'later-holder');
    const waiter = await openSession(sandbox, sandbox.superuser, 'later-waiter');
    try {
      const tickOf = async (on: PostgresSource): Promise<PgSnapshot> => {
        const outcome = await on.tick();
        if (outcome.kind !== 'data') throw new Error(`no snapshot: ${outcome.kind === 'error' ? outcome.error.message : 'skipped'}`);
        return outcome.data;
      };
      for (const on of [source, plain, source, plain]) {
        const snapshot = await tickOf(on);
        assert.deepEqual(snapshot.waitingLocks, []);
        assert.ok(snapshot.sessions.every((s) => s.blockedBy.length === 0));
      }
      await holder.client.query('BEGIN; LOCK TABLE tick_later IN ACCESS EXCLUSIVE MODE');
      const waiting = await waiter.start('SELECT count(*) FROM tick_later');
      await waitUntil(
        async () => (await sandbox.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [waiter.pid])).rows.length > 0,
        { what: 'the waiter to wait on the lock' },
      );
      for (const on of [source, plain]) {
        const snapshot = await tickOf(on);
        assert.equal(snapshot.server.seesAllSessions, on === source);
        assert.deepEqual(snapshot.sessions.find((s) => s.pid === waiter.pid)?.blockedBy, [holder.pid]);
        assert.deepEqual(
          (snapshot.waitingLocks ?? []).map((l) => `${l.pid} ${l.lockType} ${l.relation}`),
          [`${waiter.pid} relation tick_later`],
        );
      }
      await holder.client.query('COMMIT');
      await waiting.result;
      for (const on of [source, plain]) assert.deepEqual((await tickOf(on)).waitingLocks, []);
    } finally {
      await plain.close();
      await holder.end();
      await waiter.end();
    }
  });

  it("give each query's length in characters as the server counts them, for whole texts and cut ones", async () => {
    const whole = await openSession(sandbox, sandbox.superuser, 'length-whole');
    const cut = await openSession(sandbox, sandbox.superuser, 'length-cut');
    opened.push(whole, cut);
    await whole.client.query("SELECT '🚀 deploy, 東京, é' AS text");
    const long = `SELECT pg_sleep(600) /* ${'🚀é'.repeat(QUERY_PREVIEW_CHARS)} */`;
    const running = await cut.start(long);
    const snapshot = await tick();
    const { rows } = await sandbox.query<{ pid: number; length: number }>('SELECT pid, length(query) AS length FROM pg_stat_activity WHERE pid = ANY($1)', [[whole.pid, cut.pid]]);
    for (const { pid, length } of rows) assert.equal(snapshot.sessions.find((s) => s.pid === pid)?.queryLength, length, `session ${pid}`);
    assert.equal(snapshot.sessions.find((s) => s.pid === whole.pid)?.query, "SELECT '🚀 deploy, 東京, é' AS text");
    assert.ok((rows.find((r) => r.pid === cut.pid)?.length ?? 0) > QUERY_PREVIEW_CHARS);
    await sandbox.query('SELECT pg_cancel_backend($1)', [cut.pid]);
    await running.result.catch(() => undefined);
  });

  it('still read everything, lock waits included, once the prepared statements are gone', async () => {
    await onMonitoringConnection('DEALLOCATE ALL');
    const holder = await openSession(sandbox, sandbox.superuser, 'tick-holder');
    opened.push(holder);
    await holder.client.query('BEGIN; LOCK TABLE tick_locks IN ACCESS EXCLUSIVE MODE');
    const waiter = await openSession(sandbox, sandbox.superuser, 'tick-waiter');
    opened.push(waiter);
    await waiter.start('SELECT count(*) FROM tick_locks');
    const snapshot = await tick();
    assert.deepEqual(snapshot.sessions.find((s) => s.pid === waiter.pid)?.blockedBy, [holder.pid]);
    assert.deepEqual(
      (snapshot.waitingLocks ?? []).filter((l) => l.pid === waiter.pid).map((l) => `${l.lockType} ${l.relation}`),
      ['relation tick_locks'],
    );
  });

  it('leave the lock waits statement out when the locks are not wanted, and still give each waiter its blockers', async () => {
    const holder = await openSession(sandbox, sandbox.superuser, 'unread-holder');
    const waiter = await openSession(sandbox, sandbox.superuser, 'unread-waiter');
    opened.push(holder, waiter);
    await holder.client.query('BEGIN; LOCK TABLE tick_unread IN ACCESS EXCLUSIVE MODE');
    await waiter.start('SELECT count(*) FROM tick_unread');
    const sql = monitorSql(sandbox.majorVersion * 10000, { queryChars: QUERY_PREVIEW_CHARS });
    for (const mode of ['prepare', 'execute', 'text'] as const) {
      const { statements, skip } = tickStatements(sql, mode, 0, false);
      const run = statements.slice(skip);
      assert.equal(run.length, 2, mode);
      assert.ok(!run.includes(sql.waitingLocks) && !run.includes('EXECUTE pgtop_waiting_locks'), mode);
    }
    const unread = await source.tick({ locks: false });
    assert.ok(unread.kind === 'data');
    assert.equal(unread.data.waitingLocks, null);
    assert.deepEqual(unread.data.sessions.find((s) => s.pid === waiter.pid)?.blockedBy, [holder.pid]);
    const read = await source.tick({ locks: true, detailPid: waiter.pid });
    assert.ok(read.kind === 'data');
    assert.deepEqual(
      (read.data.waitingLocks ?? []).filter((l) => l.pid === waiter.pid).map((l) => `${l.lockType} ${l.relation}`),
      ['relation tick_unread'],
    );
    const detail = await source.tick({ locks: false, detailPid: waiter.pid });
    assert.ok(detail.kind === 'data');
    assert.equal(detail.data.waitingLocks, null);
    assert.deepEqual(
      detail.data.detail?.locks.filter((l) => !l.granted).map((l) => `${l.lockType} ${l.relation}`),
      ['relation tick_unread'],
      "the detail's own locks come all the same",
    );
    await holder.client.query('COMMIT');
  });

  it('read everything when the connection holds the statements already (an earlier tick failed after preparing them)', async () => {
    const other = new PostgresSource(roleSettings(sandbox));
    try {
      const prepared = await other.read(async (client, versionNum) => {
        const { statements, skip } = tickStatements(monitorSql(versionNum, { queryChars: QUERY_PREVIEW_CHARS }), 'prepare');
        await client.query(statements.slice(0, skip).join(';\n'));
      });
      assert.equal(prepared.kind, 'data');
      const outcome = await other.tick();
      assert.equal(outcome.kind, 'data');
      assert.ok(outcome.kind === 'data' && outcome.data.sessions.length > 0);
    } finally {
      await other.close();
    }
  });
});
