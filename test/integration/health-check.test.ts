import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type pg from 'pg';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { runCheck } from '../helpers/health.js';
import { describeEachMajor } from '../helpers/majors.js';
import { waitUntil } from '../helpers/wait.js';

describeEachMajor('pgtop check provokes and clears each server finding', (major) => {
  let sandbox: PostgresSandbox;
  const held: pg.Client[] = [];
  const hold = async (count: number, user?: string, password?: string): Promise<pg.Client[]> => {
    const clients = await Promise.all(Array.from({ length: count }, () => sandbox.connect('postgres', user, password)));
    held.push(...clients);
    return clients;
  };
  const release = async (clients: pg.Client[]): Promise<void> => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  };

  before(async () => {
    sandbox = await startPostgres({ major, settings: { max_connections: 20, max_prepared_transactions: 5 } });
  });
  after(async () => {
    await release(held);
    await sandbox?.stop();
  });

  it('a fresh server: every check runs (none UNKNOWN), all OK but pg_stat_statements, exit 1', async () => {
    const run = await runCheck(sandbox, []);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.deepEqual(run.findings.filter((f) => f.severity !== 'ok').map((f) => `${f.id} ${f.severity}`), ['server.pg_stat_statements warning']);
    const ok = await runCheck(sandbox, ['--skip', 'server.pg_stat_statements']);
    assert.equal(ok.code, 0, ok.stdout);
    assert.deepEqual(ok.findings.map((f) => f.id).sort(), [
      'connections.limits', 'connections.usage', 'locks.queue', 'replication.archiver', 'replication.lag', 'replication.slots',
      'schema.invalid_indexes', 'schema.sequences', 'server.checkpoints', 'sessions.idle_in_transaction', 'sessions.long_query',
      'vacuum.never_vacuumed', 'vacuum.wraparound', 'vacuum.xmin_horizon',
    ]);
  });

  it('connections: warning near the limit, critical at it, a role at its CONNECTION LIMIT, then clear', async () => {
    // 17 usable (20 − 3 reserved for superusers); the check itself holds 2.
    const some = await hold(12);
    let run = await runCheck(sandbox, ['--only', 'connections']);
    assert.equal(run.byId('connections.usage').severity, 'warning', run.stdout);
    assert.equal(run.code, 1);
    const more = await hold(3);
    run = await runCheck(sandbox, ['--only', 'connections']);
    assert.equal(run.byId('connections.usage').severity, 'critical', run.stdout);
    assert.equal(run.code, 2);
    await release([...some, ...more]);
    await sandbox.query("CREATE ROLE limited LOGIN PASSWORD 'limited-pw' CONNECTION LIMIT 1");
    const limited = await hold(1, 'limited', 'limited-pw');
    run = await runCheck(sandbox, ['--only', 'connections']);
    assert.equal(run.byId('connections.usage').severity, 'ok', run.stdout);
    assert.equal(run.byId('connections.limits').severity, 'critical');
    assert.match(run.byId('connections.limits').evidence.join('\n'), /role limited: 1 of 1/);
    await release(limited);
    await waitUntil(async () => (await runCheck(sandbox, ['--only', 'connections'])).code === 0, { what: 'connections to clear', timeoutMs: 20_000 });
  });

  it('an idle transaction holding a lock with a DDL queued behind it and a query behind that: critical, then clear', async () => {
    await sandbox.query('CREATE TABLE queue_t (id int); INSERT INTO queue_t VALUES (1)');
    const [holder, ddl, reader] = await hold(3);
    await holder!.query('BEGIN');
    await holder!.query('UPDATE queue_t SET id = id');
    const ddlDone = ddl!.query('ALTER TABLE queue_t ADD COLUMN extra int').catch((e: Error) => e);
    await waitUntil(async () => (await sandbox.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE queue_t%' AND wait_event_type = 'Lock'")).rowCount === 1, { what: 'the ALTER to wait' });
    const readDone = reader!.query('SELECT * FROM queue_t').catch((e: Error) => e);
    await waitUntil(async () => (await sandbox.query("SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT * FROM queue_t' AND wait_event_type = 'Lock'")).rowCount === 1, { what: 'the SELECT to queue' });
    const args = ['--only', 'sessions,locks', '--threshold', 'idle_in_transaction_warning=1s'];
    const run = await waitUntil(async () => {
      const r = await runCheck(sandbox, args);
      return r.byId('sessions.idle_in_transaction').severity === 'critical' ? r : undefined;
    }, { what: 'the idle transaction to be critical', timeoutMs: 20_000 });
    assert.equal(run.code, 2);
    assert.match(run.byId('sessions.idle_in_transaction').evidence[0] ?? '', /others wait for its locks/);
    const queue = run.byId('locks.queue');
    assert.equal(queue.severity, 'warning');
    assert.match(queue.summary, /1 session\(s\) queued behind waiting pid \d+/);
    assert.equal(queue.target?.kind, 'session');
    await holder!.query('ROLLBACK');
    await Promise.all([ddlDone, readDone]);
    const clear = await runCheck(sandbox, args);
    assert.equal(clear.code, 0, clear.stdout);
  });

  it('an INVALID index from a failed CREATE INDEX CONCURRENTLY: warning, then clear when dropped', async () => {
    await sandbox.query('CREATE TABLE dup (v int); INSERT INTO dup VALUES (1), (1)');
    await assert.rejects(sandbox.query('CREATE UNIQUE INDEX CONCURRENTLY dup_v ON dup (v)'));
    const run = await runCheck(sandbox, ['--only', 'schema.invalid_indexes']);
    assert.equal(run.code, 1, run.stdout);
    assert.deepEqual(run.byId('schema.invalid_indexes').evidence, ['public.dup_v on dup']);
    await sandbox.query('DROP INDEX dup_v');
    assert.equal((await runCheck(sandbox, ['--only', 'schema.invalid_indexes'])).code, 0);
  });

  it('a sequence near the end of its type: warning at 82 %, critical at 98 %, clear after ALTER … AS integer', async () => {
    await sandbox.query("CREATE SEQUENCE small_seq AS smallint; SELECT setval('small_seq', 27000)");
    let run = await runCheck(sandbox, ['--only', 'schema.sequences']);
    assert.equal(run.byId('schema.sequences').severity, 'warning', run.stdout);
    assert.match(run.byId('schema.sequences').summary, /public\.small_seq has used 82\.\d% of its range/);
    await sandbox.query("SELECT setval('small_seq', 32100)");
    run = await runCheck(sandbox, ['--only', 'schema.sequences']);
    assert.equal(run.code, 2);
    await sandbox.query('ALTER SEQUENCE small_seq AS integer');
    assert.equal((await runCheck(sandbox, ['--only', 'schema.sequences'])).code, 0);
  });

  it('an inactive slot retaining WAL: warning, clear when dropped', async () => {
    await sandbox.query("SELECT pg_create_physical_replication_slot('idle_slot', true)");
    await sandbox.query('CREATE TABLE wal_filler AS SELECT g FROM generate_series(1, 20000) g');
    const run = await runCheck(sandbox, ['--only', 'replication.slots', '--threshold', 'slot_retained_warning=64kB']);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.byId('replication.slots').summary, /slot idle_slot retains .* of WAL and is inactive/);
    assert.deepEqual(run.byId('replication.slots').target, { kind: 'slot', name: 'idle_slot' });
    await sandbox.query("SELECT pg_drop_replication_slot('idle_slot')");
    assert.equal((await runCheck(sandbox, ['--only', 'replication.slots', '--threshold', 'slot_retained_warning=64kB'])).code, 0);
  });

  it('a prepared transaction holds the xmin horizon: warning past the threshold, clear after ROLLBACK PREPARED', async () => {
    await sandbox.query("CREATE TABLE prep (v int); BEGIN; INSERT INTO prep VALUES (1); PREPARE TRANSACTION 'held_gid'");
    const args = ['--only', 'vacuum.xmin_horizon', '--threshold', 'xmin_horizon_warning=1s'];
    const run = await waitUntil(async () => {
      const r = await runCheck(sandbox, args);
      return r.code === 1 ? r : undefined;
    }, { what: 'the prepared transaction to be reported', timeoutMs: 20_000 });
    assert.match(run.byId('vacuum.xmin_horizon').summary, /prepared held_gid has held the xmin horizon/);
    await sandbox.query("ROLLBACK PREPARED 'held_gid'");
    assert.equal((await runCheck(sandbox, args)).code, 0);
  });

  it('a read past its deadline is UNKNOWN (exit 3), never a false OK', async () => {
    await sandbox.query('CREATE SEQUENCE locked_seq');
    const [locker] = await hold(1);
    await locker!.query('BEGIN; ALTER SEQUENCE locked_seq RESTART');
    const run = await runCheck(sandbox, ['--only', 'schema.sequences', '--deadline', '1']);
    assert.equal(run.code, 3, run.stdout);
    assert.match(run.byId('schema.sequences').summary, /cannot check: .*(timeout|took longer)/);
    await locker!.query('ROLLBACK');
  });

  it("a role that cannot see other roles' sessions gets UNKNOWN for the session checks, with the grant that fixes it", async () => {
    await sandbox.query("CREATE ROLE plain LOGIN PASSWORD 'plain-pw'");
    const [other] = await hold(1);
    await other!.query('BEGIN; SELECT 1');
    const run = await runCheck(sandbox, ['--only', 'sessions'], { user: 'plain', password: 'plain-pw' });
    assert.equal(run.code, 3, run.stdout);
    assert.match(run.byId('sessions.idle_in_transaction').evidence.join(' '), /grant pg_read_all_stats/);
    await other!.query('ROLLBACK');
  });
});
