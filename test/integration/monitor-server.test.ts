import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { signalSessions, type SignalOutcome } from '../../src/actions/signal.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { PostgresSource } from '../../src/sources/postgres.js';
import type { PgSnapshot } from '../../src/sources/types.js';
import { countStates } from '../../src/store/derive.js';
import type { SessionTarget, SignalKind } from '../../src/store/state.js';
import { describeEachMajor } from '../helpers/majors.js';
import { freshDatabase, migrate, sampleMigrationsCopy } from '../helpers/migrate-harness.js';
import { startStandby } from '../helpers/standby.js';
import { createRoles, openSession, roleSettings, sessionIn, snapshotAs, type TestSession } from '../helpers/server-sessions.js';
import { waitUntil, withTimeout } from '../helpers/wait.js';
import { startWorkload, type Workload } from '../helpers/workload.js';

/** Roles: pg_monitor, pg_monitor + pg_signal_backend, none; `app` owns the sessions they act on. */
const ROLES = { mon: ['pg_monitor'], monsig: ['pg_monitor', 'pg_signal_backend'], plain: [], app: [] };

describeEachMajor('monitoring a real server', (major) => {
  let sandbox: PostgresSandbox;
  let workload: Workload;
  let relationHolder: TestSession;
  let relationWaiter: TestSession;
  const opened: TestSession[] = [];

  const open = async (user: string, application = 'test-session'): Promise<TestSession> => {
    const session = await openSession(sandbox, user, application);
    opened.push(session);
    return session;
  };

  before(async () => {
    sandbox = await startPostgres({ major, settings: { track_activity_query_size: '64kB' } });
    await createRoles(sandbox, ROLES);
    workload = await startWorkload(sandbox, { idleSessions: 1 });
    await sandbox.query('CREATE TABLE wl_relation (id int); GRANT SELECT ON wl_relation TO PUBLIC');
    relationHolder = await open(sandbox.superuser, 'wl-rel-holder');
    await relationHolder.client.query('BEGIN; LOCK TABLE wl_relation IN ACCESS EXCLUSIVE MODE');
    relationWaiter = await open(sandbox.superuser, 'wl-rel-waiter');
    await relationWaiter.start('SELECT count(*) FROM wl_relation');
  });

  after(async () => {
    await Promise.all(opened.map((session) => session.end()));
    await workload?.stop();
    await sandbox?.stop();
  });

  const signal = (user: string, targets: SessionTarget[], kind: SignalKind): Promise<SignalOutcome[]> =>
    signalSessions(roleSettings(sandbox, user), targets, kind, () => undefined);

  const targetOf = (snapshot: PgSnapshot, pid: number): SessionTarget => {
    const s = sessionIn(snapshot, pid);
    return { pid, backendStartUs: s.backendStartUs, queryStartUs: s.queryStartUs, user: s.user, database: s.database, queryExcerpt: s.query ?? '', pool: null };
  };

  it('shows who blocks whom for every lock kind: relation, tuple, transactionid, advisory', async () => {
    const snapshot = await snapshotAs(roleSettings(sandbox));
    const { pids } = workload;
    const blockedBy = (pid: number): number[] => sessionIn(snapshot, pid).blockedBy;
    assert.deepEqual(blockedBy(relationWaiter.pid), [relationHolder.pid]);
    assert.deepEqual(blockedBy(pids.lockB), [pids.lockA]);
    assert.deepEqual(blockedBy(pids.lockC), [pids.lockB]);
    assert.deepEqual(blockedBy(pids.advisoryE), [pids.advisoryD]);
    const waiting = (pid: number): string[] => (snapshot.waitingLocks ?? []).filter((l) => l.pid === pid).map((l) => `${l.lockType} ${l.relation ?? l.object}`);
    assert.deepEqual(waiting(relationWaiter.pid), ['relation wl_relation']);
    assert.deepEqual(waiting(pids.lockB).map((w) => w.split(' ')[0]), ['transactionid']);
    assert.deepEqual(waiting(pids.lockC), ['tuple wl_accounts']);
    assert.deepEqual(waiting(pids.advisoryE), ['advisory 0,42']);
    assert.equal(sessionIn(snapshot, pids.sleeper).state, 'active');
    assert.equal(snapshot.server.versionNum >= major * 10000 && snapshot.server.versionNum < (major + 1) * 10000, true);
  });

  it('the detail of a session lists the lock it waits for and the ones it holds', async () => {
    const snapshot = await snapshotAs(roleSettings(sandbox), workload.pids.lockC);
    assert.equal(snapshot.detail?.pid, workload.pids.lockC);
    const locks = snapshot.detail?.locks ?? [];
    assert.ok(locks.some((l) => !l.granted && l.lockType === 'tuple' && l.relation === 'wl_accounts'), JSON.stringify(locks));
    assert.ok(locks.some((l) => l.granted && l.lockType === 'relation' && l.relation === 'wl_accounts'), JSON.stringify(locks));
    assert.deepEqual(snapshot.detail?.progress, []);
  });

  it("a tick fetches the start of each query, the detail its session's whole text", async () => {
    const long = await open(sandbox.superuser, 'long-query');
    const text = `SELECT pg_sleep(600) /* ${'é'.repeat(20_000)} */`;
    await long.start(text);
    const snapshot = await snapshotAs(roleSettings(sandbox), long.pid);
    const session = sessionIn(snapshot, long.pid);
    assert.equal(session.query, text.slice(0, 4096));
    assert.equal(session.queryLength, text.length);
    assert.equal(snapshot.detail?.query, text);
    const whole = new PostgresSource(roleSettings(sandbox), { queryChars: null });
    try {
      const outcome = await whole.tick();
      assert.equal(outcome.kind === 'data' && sessionIn(outcome.data, long.pid).query, text, 'snapshots fetch whole texts');
    } finally {
      await whole.close();
    }
  });

  it('a role without pg_read_all_stats still sees who blocks whom', async () => {
    const snapshot = await snapshotAs(roleSettings(sandbox, 'plain'));
    const { pids } = workload;
    assert.equal(snapshot.server.seesAllSessions, false);
    assert.equal(sessionIn(snapshot, pids.lockB).hidden, true, 'the other role’s sessions are hidden from it');
    assert.deepEqual(sessionIn(snapshot, relationWaiter.pid).blockedBy, [relationHolder.pid]);
    assert.deepEqual(sessionIn(snapshot, pids.lockB).blockedBy, [pids.lockA]);
    assert.deepEqual(sessionIn(snapshot, pids.lockC).blockedBy, [pids.lockB]);
    assert.deepEqual(sessionIn(snapshot, pids.advisoryE).blockedBy, [pids.advisoryD]);
    assert.ok(countStates(snapshot.sessions).waiting >= 4, `waiting ${countStates(snapshot.sessions).waiting}`);
  });

  it('a cancel acts only on the statement confirmed: when the session has moved on, nothing is signalled', async () => {
    const app = await open('app');
    const first = await app.start('SELECT pg_sleep(600)');
    const confirmed = targetOf(await snapshotAs(roleSettings(sandbox)), app.pid);
    await sandbox.query('SELECT pg_cancel_backend($1)', [app.pid]);
    await waitUntil(first.settled, { what: 'the first statement to end' });
    const next = await app.start('SELECT pg_sleep(601)');

    const [outcome] = await signal(sandbox.superuser, [confirmed], 'cancel');
    assert.equal(outcome?.result, 'ended', outcome?.message);
    assert.match(outcome?.message ?? '', new RegExp(`query of ${app.pid} finished before the cancel: nothing was signalled`));
    const { rows } = await sandbox.query<{ query: string; state: string }>('SELECT query, state FROM pg_stat_activity WHERE pid = $1', [app.pid]);
    assert.deepEqual(rows[0], { query: 'SELECT pg_sleep(601)', state: 'active' });
    assert.equal(next.settled(), false, 'the next statement still runs');

    const [again] = await signal(sandbox.superuser, [targetOf(await snapshotAs(roleSettings(sandbox)), app.pid)], 'cancel');
    assert.equal(again?.result, 'ok', again?.message);
    await assert.rejects(next.result, /canceling statement due to user request/);
  });

  it('signals and refusals per role: superuser, pg_monitor, pg_monitor + pg_signal_backend, plain', async () => {
    const app = await open('app');
    const refused = async (user: string, target: SessionTarget, kind: SignalKind): Promise<string> => {
      const [outcome] = await signal(user, [target], kind);
      assert.equal(outcome?.result, 'refused', `${user} → ${target.pid}: ${outcome?.message}`);
      return outcome?.message ?? '';
    };

    const running = await app.start('SELECT pg_sleep(600)');
    const seen = await snapshotAs(roleSettings(sandbox));
    const appTarget = targetOf(seen, app.pid);
    assert.match(await refused('mon', appTarget, 'cancel'), /Role "mon" needs pg_signal_backend/);
    const seenByPlain = await snapshotAs(roleSettings(sandbox, 'plain'));
    assert.match(await refused('plain', targetOf(seenByPlain, app.pid), 'cancel'), /hidden from role "plain".*Grant pg_read_all_stats/);

    for (const kind of ['cancel', 'terminate'] as const) {
      const message = await refused('monsig', targetOf(seen, workload.pids.sleeper), kind);
      assert.match(message, new RegExp(`Only a superuser may ${kind} a superuser's session`));
      assert.doesNotMatch(message, /needs pg_signal_backend/);
    }

    const [byMonsig] = await signal('monsig', [appTarget], 'cancel');
    assert.equal(byMonsig?.result, 'ok', byMonsig?.message);
    await assert.rejects(running.result, /canceling statement due to user request/);

    const plain = await open('plain');
    const own = await plain.start('SELECT pg_sleep(600)');
    const [byItself] = await signal('plain', [targetOf(await snapshotAs(roleSettings(sandbox, 'plain')), plain.pid)], 'cancel');
    assert.equal(byItself?.result, 'ok', byItself?.message);
    await assert.rejects(own.result, /canceling statement/);

    const [bySuperuser] = await signal(sandbox.superuser, [targetOf(await snapshotAs(roleSettings(sandbox)), app.pid)], 'terminate');
    assert.equal(bySuperuser?.result, 'ok', bySuperuser?.message);
    await waitUntil(async () => (await sandbox.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [app.pid])).rows.length === 0, {
      what: `session ${app.pid} to end`,
    });
  });

  it('a tick that gets no answer is abandoned at its deadline and the connection re-established', async () => {
    const source = new PostgresSource(roleSettings(sandbox), { statementTimeoutMs: 2000, tickDeadlineMs: 4000 });
    let stopped: number | undefined;
    try {
      assert.equal((await source.tick()).kind, 'data');
      stopped = source.backendPid;
      assert.ok(stopped);
      process.kill(stopped, 'SIGSTOP');
      const stuck = await withTimeout(source.tick(), { what: 'the tick to give up on the stopped backend', timeoutMs: 15_000 });
      assert.equal(stuck.kind, 'error');
      assert.match(stuck.kind === 'error' ? stuck.error.message : '', /no answer from .* within 4 s: the monitoring connection was dropped and is being re-established/);
      await waitUntil(async () => (await source.tick()).kind === 'data', { what: 'data on a new connection', timeoutMs: 15_000 });
      assert.notEqual(source.backendPid, stopped);
    } finally {
      if (stopped) {
        process.kill(stopped, 'SIGCONT');
        await sandbox.query('SELECT pg_terminate_backend($1)', [stopped]).catch(() => undefined);
      }
      await source.close();
    }
  });

  it("on a standby, shows the startup process (WAL replay) as the blocker of a query waiting for a replayed lock, with the lock's relation", async () => {
    await sandbox.query('CREATE TABLE replay_target (id int)');
    const standby = await startStandby(sandbox);
    try {
      await waitUntil(async () => (await standby.query("SELECT to_regclass('replay_target') AS t")).rows[0]?.t, { what: 'the table on the standby', timeoutMs: 20_000 });
      const holder = await open(sandbox.superuser, 'replay-lock-holder');
      await holder.client.query('BEGIN; LOCK TABLE replay_target IN ACCESS EXCLUSIVE MODE');
      // The lock's WAL record is not flushed (nor so sent to the standby) until something flushes WAL past it:
      // a transaction that commits on the primary does, where otherwise it may wait for a full WAL page.
      await waitUntil(
        async () => {
          await sandbox.query('SELECT txid_current()');
          return (await standby.query("SELECT 1 FROM pg_locks WHERE relation = 'replay_target'::regclass AND mode = 'AccessExclusiveLock' AND granted")).rows.length > 0;
        },
        { what: 'the standby to replay the lock', timeoutMs: 20_000 },
      );
      const reader = await openSession(standby, standby.superuser, 'standby-reader');
      try {
        await reader.start('SELECT count(*) FROM replay_target');
        const snapshot = await waitUntil(
          async (): Promise<PgSnapshot | undefined> => {
            const seen = await snapshotAs(roleSettings(standby));
            return seen.sessions.find((s) => s.pid === reader.pid)?.blockedBy.length ? seen : undefined;
          },
          { what: 'the standby reader to be blocked', timeoutMs: 20_000 },
        );
        assert.equal(snapshot.server.role, 'standby');
        const startup = snapshot.sessions.find((s) => s.backendType === 'startup');
        assert.ok(startup, 'the startup process is listed');
        assert.deepEqual(sessionIn(snapshot, reader.pid).blockedBy, [startup.pid]);
        const waiting = (snapshot.waitingLocks ?? []).filter((l) => l.pid === reader.pid).map((l) => `${l.lockType} ${l.relation}`);
        assert.deepEqual(waiting, ['relation replay_target']);
      } finally {
        await holder.client.query('COMMIT');
        await reader.end();
      }
    } finally {
      await standby.stop();
    }
  });

  it('applies the sample migrations (a CONCURRENTLY index included) and reverts them', async () => {
    const database = await freshDatabase(sandbox);
    const dir = sampleMigrationsCopy();
    const up = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /7 migrations applied in /);
    const again = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(again.code, 0, again.stderr);
    const { rows } = await sandbox.query<{ valid: boolean }>("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'orders_created_at_idx'::regclass", [], database);
    assert.equal(rows[0]?.valid, true);
    const down = await migrate(['down', '--to', '3', '--yes', '--dir', dir, sandbox.uri(database)]);
    assert.equal(down.code, 0, down.stderr);
    const left = await sandbox.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'orders_created_at_idx'", [], database);
    assert.equal(left.rows[0]?.n, 0);
  });
});
