import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type pg from 'pg';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { runCheck, type CheckRun } from '../helpers/health.js';
import { describeEachMajor } from '../helpers/majors.js';
import { waitUntil } from '../helpers/wait.js';

describeEachMajor('pgtop check: sessions, server and vacuum findings appear and clear', (major) => {
  let sandbox: PostgresSandbox;
  const held: pg.Client[] = [];
  const hold = async (count: number, database = 'postgres'): Promise<pg.Client[]> => {
    const clients = await Promise.all(Array.from({ length: count }, () => sandbox.connect(database)));
    held.push(...clients);
    return clients;
  };
  const release = (clients: pg.Client[]): Promise<unknown> => Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  const checkUntil = (args: string[], id: string, severity: string, what: string): Promise<CheckRun> =>
    waitUntil(async () => {
      const run = await runCheck(sandbox, args);
      return run.byId(id).severity === severity ? run : undefined;
    }, { what, timeoutMs: 30_000 });

  before(async () => {
    sandbox = await startPostgres({
      major,
      settings: {
        max_connections: 20,
        ...(major >= 16 ? { reserved_connections: 4 } : {}),
        archive_mode: 'on',
        shared_preload_libraries: 'pg_stat_statements',
        autovacuum_freeze_max_age: 100_000,
      },
    });
  });
  after(async () => {
    await release(held);
    await sandbox?.stop();
  });

  it('usable connections leave out superuser_reserved_connections, and reserved_connections on 16 and later', async () => {
    const run = await runCheck(sandbox, ['--only', 'connections.usage']);
    const usable = major >= 16 ? 13 : 17;
    const reserved = major >= 16 ? 7 : 3;
    assert.match(run.byId('connections.usage').evidence[0] ?? '', new RegExp(`client connections of ${usable} usable \\(max_connections 20 − ${reserved} reserved\\)`));
    assert.match(run.byId('connections.usage').summary, new RegExp(`^\\d+/${usable} connections in use`));
  });

  it('a database at its CONNECTION LIMIT is critical, and clears when a session leaves', async () => {
    await sandbox.query('CREATE DATABASE capped CONNECTION LIMIT 1');
    const inside = await hold(1, 'capped');
    const run = await runCheck(sandbox, ['--only', 'connections.limits']);
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.byId('connections.limits').evidence.join('\n'), /database capped: 1 of 1 connections/);
    await release(inside);
    await waitUntil(async () => (await runCheck(sandbox, ['--only', 'connections.limits'])).code === 0, { what: 'the limit to clear' });
    await sandbox.query('DROP DATABASE capped');
  });

  it('a query running long: warning, then critical, then clear when cancelled; it points at the session', async () => {
    const [runner] = await hold(1);
    const pid = Number((await runner!.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
    const sleeping = runner!.query('SELECT pg_sleep(120)').catch((error: Error) => error);
    const warn = await checkUntil(['--only', 'sessions.long_query', '--threshold', 'long_query_warning=1s'], 'sessions.long_query', 'warning', 'the query to be long');
    assert.match(warn.byId('sessions.long_query').evidence[0] ?? '', new RegExp(`pid ${pid} \\(postgres@postgres\\) running for .*SELECT pg_sleep\\(120\\)`));
    assert.deepEqual(warn.byId('sessions.long_query').target, { kind: 'session', pid });
    assert.equal(warn.byId('sessions.long_query').threshold, 'warning ≥ 1s, critical ≥ 30min');
    const crit = await checkUntil(['--only', 'sessions.long_query', '--threshold', 'long_query_warning=1s', '--threshold', 'long_query_critical=2s'], 'sessions.long_query', 'critical', 'the query to be critical');
    assert.equal(crit.code, 2);
    await sandbox.query('SELECT pg_cancel_backend($1)', [pid]);
    await sleeping;
    const clear = await runCheck(sandbox, ['--only', 'sessions.long_query', '--threshold', 'long_query_warning=1s']);
    assert.equal(clear.code, 0, clear.stdout);
  });

  it('idle in transaction with nobody waiting is a warning (critical only past its own threshold), and clears on COMMIT', async () => {
    const [idle] = await hold(1);
    await idle!.query('BEGIN; SELECT 1');
    const args = ['--only', 'sessions.idle_in_transaction', '--threshold', 'idle_in_transaction_warning=1s'];
    const warn = await checkUntil(args, 'sessions.idle_in_transaction', 'warning', 'the idle transaction to be reported');
    assert.equal(warn.code, 1);
    assert.doesNotMatch(warn.byId('sessions.idle_in_transaction').evidence[0] ?? '', /others wait/);
    await checkUntil([...args, '--threshold', 'idle_in_transaction_critical=2s'], 'sessions.idle_in_transaction', 'critical', 'the idle transaction to pass the critical age');
    await idle!.query('COMMIT');
    assert.equal((await runCheck(sandbox, args)).code, 0);
  });

  it('a DDL pile-up: the queue length behind the waiting ALTER, critical from lock_queue_critical, clear when the holder ends', async () => {
    await sandbox.query('CREATE TABLE piled (id int); INSERT INTO piled VALUES (1)');
    const [holder, ddl, first, second] = await hold(4);
    await holder!.query('BEGIN');
    await holder!.query('UPDATE piled SET id = id');
    const ddlPid = Number((await ddl!.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
    // The readers are sent once the ALTER waits: sent before it, they would share the table with the holder and finish.
    const altering = ddl!.query('ALTER TABLE piled ADD COLUMN extra int').catch((e: Error) => e);
    await waitUntil(async () => (await sandbox.query<{ waiting: boolean }>(`SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = ${ddlPid}`)).rows[0]?.waiting === true, { what: 'the ALTER to wait for its lock' });
    const waits = [altering, first!.query('SELECT count(*) FROM piled').catch((e: Error) => e), second!.query('SELECT count(*) FROM piled').catch((e: Error) => e)];
    const args = ['--only', 'locks.queue', '--threshold', 'lock_queue_critical=2'];
    try {
      const run = await checkUntil(args, 'locks.queue', 'critical', 'two readers to queue behind the ALTER');
      assert.match(run.byId('locks.queue').summary, new RegExp(`^2 session\\(s\\) queued behind waiting pid ${ddlPid}$`));
      assert.deepEqual(run.byId('locks.queue').target, { kind: 'session', pid: ddlPid });
      assert.equal(run.byId('locks.queue').threshold, 'warning when a waiter blocks others, critical from 2 sessions queued');
    } finally {
      // Ended even when the test fails, so the queue does not hold the later tests' VACUUM behind it.
      await holder!.query('COMMIT');
      await Promise.all(waits);
    }
    assert.equal((await runCheck(sandbox, args)).code, 0);
  });

  it('pg_stat_statements preloaded but not created is a warning, OK once created', async () => {
    let run = await runCheck(sandbox, ['--only', 'server.pg_stat_statements']);
    assert.equal(run.code, 1, run.stdout);
    assert.equal(run.byId('server.pg_stat_statements').summary, 'pg_stat_statements: the extension is not created in this database');
    await sandbox.query('CREATE EXTENSION pg_stat_statements');
    run = await runCheck(sandbox, ['--only', 'server.pg_stat_statements']);
    assert.equal(run.code, 0, run.stdout);
  });

  it('checkpoints requested far more often than timed: a warning, OK after the statistics are reset', async () => {
    const reset = `SELECT pg_stat_reset_shared('${major >= 17 ? 'checkpointer' : 'bgwriter'}')`;
    await sandbox.query(reset);
    for (let i = 0; i < 15; i++) await sandbox.query('CHECKPOINT');
    const run = await checkUntil(['--only', 'server.checkpoints'], 'server.checkpoints', 'warning', 'the requested checkpoints to be counted');
    assert.match(run.byId('server.checkpoints').summary, /^\d+(\.\d)?% of checkpoints were requested, not timed$/);
    await sandbox.query(reset);
    await checkUntil(['--only', 'server.checkpoints'], 'server.checkpoints', 'ok', 'the reset to be seen');
  });

  it('the archiver failing is critical, and clears once an archive succeeds', async () => {
    const switchWal = async (): Promise<void> => {
      await sandbox.query('CREATE TABLE IF NOT EXISTS wal_bump (v int); INSERT INTO wal_bump VALUES (1)');
      await sandbox.query('SELECT pg_switch_wal()');
    };
    await sandbox.query("ALTER SYSTEM SET archive_command = 'false'");
    await sandbox.query('SELECT pg_reload_conf()');
    await switchWal();
    const run = await checkUntil(['--only', 'replication.archiver'], 'replication.archiver', 'critical', 'the archiver to fail');
    assert.match(run.byId('replication.archiver').summary, /^archiving fails: [0-9A-F]{24} failed .* ago$/);
    await sandbox.query("ALTER SYSTEM SET archive_command = 'true'");
    await sandbox.query('SELECT pg_reload_conf()');
    await waitUntil(async () => {
      await switchWal();
      return (await runCheck(sandbox, ['--only', 'replication.archiver'])).code === 0;
    }, { what: 'the archiver to succeed', timeoutMs: 30_000 });
  });

  it('a table never vacuumed with many dead tuples is a warning, clear after VACUUM ANALYZE', async () => {
    await sandbox.query('CREATE TABLE never_vac (v int) WITH (autovacuum_enabled = false); INSERT INTO never_vac SELECT generate_series(1, 3000); DELETE FROM never_vac');
    const args = ['--only', 'vacuum.never_vacuumed', '--threshold', 'dead_tuples_warning=2000'];
    const run = await checkUntil(args, 'vacuum.never_vacuumed', 'warning', 'the dead tuples to be counted');
    assert.deepEqual(run.byId('vacuum.never_vacuumed').evidence, ['public.never_vac: 3.0k dead tuples, never vacuumed']);
    await sandbox.query('VACUUM ANALYZE never_vac');
    await checkUntil(args, 'vacuum.never_vacuumed', 'ok', 'the vacuum to be seen');
  });

  it('wraparound: warning past a share of autovacuum_freeze_max_age, critical past a share of 2^31, clear after VACUUM FREEZE', async () => {
    const [burner] = await hold(1);
    await burner!.query('DO $$ BEGIN FOR i IN 1..12000 LOOP PERFORM txid_current(); COMMIT; END LOOP; END $$');
    await release([burner!]);
    const warnArgs = ['--only', 'vacuum.wraparound', '--threshold', 'wraparound_warning=10%'];
    let run = await runCheck(sandbox, warnArgs);
    assert.equal(run.byId('vacuum.wraparound').severity, 'warning', run.stdout);
    assert.match(run.byId('vacuum.wraparound').evidence.join('\n'), /postgres: [\d.]+k transactions old \(1\d\.\d% of autovacuum_freeze_max_age\)/);
    run = await runCheck(sandbox, [...warnArgs, '--threshold', 'wraparound_critical=0.0005%']);
    assert.equal(run.code, 2, run.stdout);
    for (const database of ['postgres', 'template1']) await sandbox.query('VACUUM FREEZE', [], database);
    run = await runCheck(sandbox, warnArgs);
    assert.equal(run.code, 0, run.stdout);
  });
});
