import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { PostgresSource, QUERY_PREVIEW_CHARS } from '../../src/sources/postgres.js';
import { monitorSql, RESTING, UNCHANGED } from '../../src/sources/sql.js';
import { activityRows } from '../../src/sources/activity-rows.js';
import type { PgSnapshot, Session } from '../../src/sources/types.js';
import { describeEachMajor } from '../helpers/majors.js';
import { openSession, roleSettings, sessionIn, snapshotAs, type TestSession } from '../helpers/server-sessions.js';
import { waitUntil } from '../helpers/wait.js';

describeEachMajor('sessions that did not change left out of the tick', (major) => {
  let sandbox: PostgresSandbox;
  let source: PostgresSource;
  let idle: TestSession;
  let busy: TestSession;

  before(async () => {
    sandbox = await startPostgres({ major, settings: { compute_query_id: 'on' } });
    await sandbox.query(`CREATE TABLE held_table (id int); INSERT INTO held_table VALUES (1);
      CREATE PROCEDURE commit_often() LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1..600 LOOP PERFORM pg_sleep(0.1); COMMIT; END LOOP; END $$`);
    source = new PostgresSource(roleSettings(sandbox));
    idle = await openSession(sandbox, sandbox.superuser, 'texts-idle');
    busy = await openSession(sandbox, sandbox.superuser, 'texts-busy');
  });

  after(async () => {
    await source?.close();
    await idle?.end();
    await busy?.end();
    await sandbox?.stop();
  });

  const tick = async (): Promise<PgSnapshot> => {
    const outcome = await source.tick();
    if (outcome.kind !== 'data') throw new Error(`no snapshot: ${outcome.kind === 'error' ? outcome.error.message : 'skipped'}`);
    return outcome.data;
  };

  /** Ticks until a session's state is older than a tick's margin: from then on its text is left out. */
  const untilTextLeftOut = async (pid = idle.pid): Promise<void> => {
    await waitUntil(
      async () => {
        const snapshot = await tick();
        const stateChange = sessionIn(snapshot, pid).stateChange;
        return stateChange !== null && Date.parse(snapshot.server.now) - Date.parse(stateChange) > 1500;
      },
      { what: `session ${pid}'s state to be older than the ticks look back`, intervalMs: 200 },
    );
  };

  /**
   * Waits until a session that just ran a statement waits for its client's next one: for a moment after it
   * answered it is idle without a wait event, and a tick and a snapshot taken then may each see either.
   */
  const untilWaitingForClient = async (pid: number): Promise<void> => {
    await waitUntil(async () => (await sandbox.query<{ wait_event: string | null }>('SELECT wait_event FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0]?.wait_event === 'ClientRead', {
      what: `session ${pid} to wait for its client`,
      intervalMs: 20,
    });
  };

  const textOf = (snapshot: PgSnapshot, pid: number): { query: string | null; queryLength: number | null } => {
    const { query, queryLength } = sessionIn(snapshot, pid);
    return { query, queryLength };
  };
  /** A session as shown, less its ages (they move between two reads). */
  const shown = (snapshot: PgSnapshot, pid: number): Omit<Session, 'xactAgeSeconds' | 'queryAgeSeconds'> => {
    const { xactAgeSeconds: _xact, queryAgeSeconds: _query, ...rest } = sessionIn(snapshot, pid);
    return rest;
  };

  it('are sent without their query and other fixed columns when their state did not change since the time given', async () => {
    await idle.client.query("SELECT 'left out' AS text");
    const running = await busy.start('SELECT pg_sleep(30)');
    const read = async (since: string): Promise<Map<number, Record<string, unknown>>> => {
      const outcome = await source.read(async (client, versionNum) => {
        const sql = monitorSql(versionNum, { queryChars: QUERY_PREVIEW_CHARS }).activity(`to_timestamp(${since})`);
        return activityRows((await client.query(sql)).rows);
      });
      if (outcome.kind !== 'data') throw new Error('the monitoring connection did not answer');
      return new Map(
        outcome.data.map((row) => [Number(row.pid), { query: row.query, query_length: row.query_length, application_name: row.application_name, state: row.state, wait_event: row.wait_event }]),
      );
    };
    const later = await read(`${Date.now() / 1000 + 3600}`);
    assert.deepEqual(later.get(idle.pid), { query: undefined, query_length: RESTING, application_name: undefined, state: undefined, wait_event: undefined });
    assert.deepEqual(later.get(busy.pid), { query: null, query_length: UNCHANGED, application_name: null, state: 'active', wait_event: 'PgSleep' });
    const earlier = await read(`${Date.now() / 1000 - 3600}`);
    assert.equal(earlier.get(busy.pid)?.query, 'SELECT pg_sleep(30)');
    assert.equal(earlier.get(busy.pid)?.application_name, 'texts-busy');
    const always = await read('0');
    assert.equal(always.get(idle.pid)?.query, "SELECT 'left out' AS text");
    await sandbox.query('SELECT pg_cancel_backend($1)', [busy.pid]);
    await running.result.catch(() => undefined);
  });

  it('reach the snapshot whole on ticks that leave them out, after their text and name change and after a reconnection', async () => {
    await idle.client.query("SELECT 'first text' AS text");
    await untilTextLeftOut();
    assert.deepEqual(textOf(await tick(), idle.pid), { query: "SELECT 'first text' AS text", queryLength: 27 });

    await idle.client.query("SET application_name = 'texts-renamed'");
    await idle.client.query("SELECT 'second, longer text' AS text");
    await untilTextLeftOut();
    const afterChange = await tick();
    assert.deepEqual(textOf(afterChange, idle.pid), { query: "SELECT 'second, longer text' AS text", queryLength: 36 });
    assert.deepEqual(shown(afterChange, idle.pid), shown(await snapshotAs(roleSettings(sandbox)), idle.pid));
    assert.equal(sessionIn(afterChange, idle.pid).application, 'texts-renamed');

    await idle.client.query("SET application_name = 'texts-renamed-again'");
    await untilWaitingForClient(idle.pid);
    const renamed = await tick();
    assert.deepEqual(shown(renamed, idle.pid), shown(await snapshotAs(roleSettings(sandbox)), idle.pid));
    assert.equal(sessionIn(renamed, idle.pid).application, 'texts-renamed-again');
    await untilTextLeftOut();
    assert.deepEqual(
      (({ state, waitEventType, waitEvent, application }) => ({ state, waitEventType, waitEvent, application }))(sessionIn(await tick(), idle.pid)),
      { state: 'idle', waitEventType: 'Client', waitEvent: 'ClientRead', application: 'texts-renamed-again' },
    );

    const monitoringPid = source.backendPid;
    await idle.client.query("SELECT 'third text' AS text");
    await sandbox.query('SELECT pg_terminate_backend($1)', [monitoringPid]);
    await waitUntil(async () => (await source.tick()).kind === 'data' && source.backendPid !== monitoringPid, {
      what: 'the monitoring connection to be re-established',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    await untilTextLeftOut();
    const reconnected = await tick();
    const fresh = await snapshotAs(roleSettings(sandbox));
    for (const pid of [idle.pid, busy.pid]) assert.deepEqual(shown(reconnected, pid), shown(fresh, pid));
    assert.equal(textOf(reconnected, idle.pid).query, "SELECT 'third text' AS text");
  });

  it("show a running procedure's new transaction after each COMMIT, though its state does not change", async () => {
    const running = await busy.start('CALL commit_often()');
    try {
      await untilTextLeftOut(busy.pid);
      const first = sessionIn(await tick(), busy.pid);
      assert.equal(first.query, 'CALL commit_often()');
      assert.notEqual(first.xactStart, null);
      await waitUntil(async () => sessionIn(await tick(), busy.pid).xactStart !== first.xactStart, { what: 'the procedure\'s next transaction to show', intervalMs: 100 });
      const next = await tick();
      assert.equal(sessionIn(next, busy.pid).stateChange, first.stateChange);
      assert.equal(sessionIn(next, busy.pid).query, 'CALL commit_often()');
    } finally {
      await sandbox.query('SELECT pg_cancel_backend($1)', [busy.pid]);
      await running.result.catch(() => undefined);
    }
  });

  it('show the query id a statement reports once the lock it waited for is granted, though its state does not change', async () => {
    const holder = await openSession(sandbox, sandbox.superuser, 'texts-holder');
    try {
      await holder.client.query('BEGIN; LOCK TABLE held_table IN ACCESS EXCLUSIVE MODE');
      const running = await busy.start('SELECT pg_sleep(30) FROM held_table');
      try {
        await untilTextLeftOut(busy.pid);
        const waiting = sessionIn(await tick(), busy.pid);
        assert.equal(waiting.waitEventType, 'Lock');
        assert.equal(waiting.queryId, null);
        await holder.client.query('COMMIT');
        await waitUntil(async () => sessionIn(await tick(), busy.pid).waitEvent === 'PgSleep', { what: 'the statement to run past the lock', intervalMs: 100 });
        const fresh = await snapshotAs(roleSettings(sandbox));
        assert.notEqual(sessionIn(fresh, busy.pid).queryId, null);
        const shownNow = sessionIn(await tick(), busy.pid);
        assert.equal(shownNow.queryId, sessionIn(fresh, busy.pid).queryId);
        assert.equal(shownNow.stateChange, waiting.stateChange);
      } finally {
        await sandbox.query('SELECT pg_cancel_backend($1)', [busy.pid]);
        await running.result.catch(() => undefined);
      }
    } finally {
      await holder.end();
    }
  });
  it('carry the texts their array must quote as they are: empty and NULL names, quotes, backslashes, braces', async () => {
    const weirdName = 'we"ird, {app} \\ NULL';
    const sessions = [await openSession(sandbox, sandbox.superuser, ''), await openSession(sandbox, sandbox.superuser, 'NULL'), await openSession(sandbox, sandbox.superuser, weirdName)];
    const [unnamed, named, weird] = sessions as [TestSession, TestSession, TestSession];
    try {
      const text = `SELECT '{"a": [1, 2]}', E'back\\\\slash', 'NULL', "x" FROM (SELECT 1 AS x) "t, {u}"`;
      await unnamed.client.query(text);
      const whole = await tick();
      assert.deepEqual(
        [unnamed, named, weird].map((s) => sessionIn(whole, s.pid).application),
        ['', 'NULL', weirdName],
      );
      assert.equal(sessionIn(whole, unnamed.pid).query, text);
      await untilTextLeftOut(unnamed.pid);
      const rested = await tick();
      const fresh = await snapshotAs(roleSettings(sandbox));
      for (const { pid } of sessions) assert.deepEqual(shown(rested, pid), shown(fresh, pid));
    } finally {
      for (const session of sessions) await session.end();
    }
  });
});
