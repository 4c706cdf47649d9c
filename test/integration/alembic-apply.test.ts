import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { applyAlembic } from '../../src/migrate/alembic/apply.js';
import type { AlembicEvent } from '../../src/migrate/alembic/types.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { alembicProject } from '../helpers/alembic-project.js';
import { auditEnv, auditLines, freshDatabase, settingsFor, tableExists } from '../helpers/migrate-harness.js';
import { waitUntil } from '../helpers/wait.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
});

async function versions(database: string): Promise<string[]> {
  if (!(await tableExists(sandbox, database, 'alembic_version'))) return [];
  const result = await sandbox.query<{ version_num: string }>('SELECT version_num FROM alembic_version ORDER BY 1', [], database);
  return result.rows.map((row) => row.version_num);
}

async function clientAs(database: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ host: sandbox.host, port: sandbox.port, user: sandbox.superuser, password: sandbox.password, database, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function childSessions(): Promise<number> {
  const result = await sandbox.query<{ count: string }>("SELECT count(*) AS count FROM pg_stat_activity WHERE application_name LIKE 'pgtop-migrate-alembic-%'");
  return Number(result.rows[0]?.count);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const base = { id: 'a1', down: null, message: 'create accounts', upgrade: ['op.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL DEFAULT 0)")', 'op.execute("INSERT INTO accounts SELECT g FROM generate_series(1, 100) g")'] };

describe('alembic upgrade under pgtop', () => {
  test('a table lock held by another session: the child waits at most lock_timeout, is run again, and the blocker is shown', async () => {
    const database = await freshDatabase(sandbox);
    const dir = alembicProject([base, { id: 'b2', down: 'a1', message: 'add note', upgrade: ['op.execute("ALTER TABLE accounts ADD COLUMN note text")'] }]);
    const settings = settingsFor(sandbox, database);
    assert.equal((await applyAlembic({ settings, alembic: dir, upgradeTo: 'a1', auditEnv: auditEnv() })).outcome, 'done');

    const blocker = await clientAs(database, 'test-blocker');
    try {
      await blocker.query('BEGIN');
      await blocker.query('UPDATE accounts SET balance = 1 WHERE id = 1');
      const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const events: AlembicEvent[] = [];
      const result = await applyAlembic({ settings, alembic: dir, timeouts: { lockTimeoutMs: 1000 }, lockTimeoutRetries: 1, retryDelayMs: 100, auditEnv: auditEnv(), onEvent: (event) => events.push(event) });

      assert.equal(result.outcome, 'failed');
      assert.equal(result.attempts, 2);
      assert.ok(events.some((event) => event.type === 'alembic-blocked' && event.blockers.some((b) => b.pid === blockerPid)), 'the blocker was shown while the child waited');
      const retry = events.find((event) => event.type === 'alembic-retry');
      assert.ok(retry && retry.type === 'alembic-retry' && /lock timeout/.test(retry.reason));
      assert.ok(result.failure?.blockers.some((b) => b.pid === blockerPid));
      assert.match(result.failure?.message ?? '', /after 2 attempts: A statement waited longer than lock_timeout.*LockNotAvailable.*It waited for pid \d+ \(test-blocker\), idle in transaction\. The database is still at a1/);
      assert.deepEqual(await versions(database), ['a1']);

      const second: AlembicEvent[] = [];
      const released = applyAlembic({ settings, alembic: dir, timeouts: { lockTimeoutMs: 1000 }, lockTimeoutRetries: 3, retryDelayMs: 100, auditEnv: auditEnv(), onEvent: (event) => second.push(event) });
      await waitUntil(() => second.some((event) => event.type === 'alembic-retry'), { what: 'a retry after the lock timeout', timeoutMs: 30_000 });
      await blocker.query('COMMIT');
      const done = await released;
      assert.equal(done.outcome, 'done');
      assert.ok(done.attempts >= 2);
      assert.deepEqual(await versions(database), ['b2']);
    } finally {
      await blocker.end();
    }
  });

  test('cancel mid-run: the child and its session end, the transaction is rolled back, the cancel is audited', async () => {
    const database = await freshDatabase(sandbox);
    const dir = alembicProject([base, { id: 'b2', down: 'a1', message: 'slow backfill', upgrade: ['op.execute("CREATE TABLE notes (id int)")', 'op.execute("SELECT pg_sleep(60)")'] }]);
    const settings = settingsFor(sandbox, database);
    const env = auditEnv();
    const controller = new AbortController();
    const events: AlembicEvent[] = [];
    const running = applyAlembic({ settings, alembic: dir, signal: controller.signal, auditEnv: env, onEvent: (event) => events.push(event) });
    await waitUntil(() => events.some((event) => event.type === 'alembic-output' && /Running upgrade a1 -> b2/.test(event.line)), { what: 'Alembic running b2', timeoutMs: 30_000 });
    // The output can come before the watch has found the child's backend: wait for both.
    const backend = await waitUntil(() => events.find((event) => event.type === 'alembic-backend'), { what: "the child's backend found", timeoutMs: 30_000 });
    assert.ok(backend && backend.type === 'alembic-backend' && backend.database === database);
    await waitUntil(async () => (await sandbox.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep'")).rows[0]?.n === '1', { what: 'the child sleeping' });
    const childPids = (await import('node:child_process')).execFileSync('pgrep', ['-f', 'alembic upgrade head']).toString().trim().split('\n').map(Number);
    controller.abort();
    const result = await running;

    assert.equal(result.outcome, 'cancelled');
    assert.deepEqual(await versions(database), []);
    assert.equal(await tableExists(sandbox, database, 'accounts'), false);
    assert.equal(await childSessions(), 0);
    for (const pid of childPids) assert.equal(processAlive(pid), false, `alembic process ${pid} ended`);
    assert.ok(auditLines(env).some((line) => line.action === 'migrate-alembic-up' && line.result === 'cancelled'));
  });

  test("a failing revision: Alembic's error is given and the transactional upgrade left the database unchanged", async () => {
    const database = await freshDatabase(sandbox);
    const dir = alembicProject([base, { id: 'b2', down: 'a1', message: 'broken', upgrade: ['op.execute("UPDATE no_such_table SET x = 1")'] }]);
    const env = auditEnv();
    const events: AlembicEvent[] = [];
    const result = await applyAlembic({ settings: settingsFor(sandbox, database), alembic: dir, auditEnv: env, onEvent: (event) => events.push(event) });

    assert.equal(result.outcome, 'failed');
    assert.match(result.failure?.alembicError ?? '', /^sqlalchemy\.exc\.ProgrammingError: \(psycopg2\.errors\.UndefinedTable\) relation "no_such_table" does not exist/);
    assert.match(result.failure?.message ?? '', /exited with code 1: sqlalchemy.*The database is still at <base>: the failed upgrade was rolled back\./);
    assert.ok(events.some((event) => event.type === 'alembic-output' && /Running upgrade a1 -> b2, broken/.test(event.line)));
    assert.deepEqual(await versions(database), []);
    assert.equal(await tableExists(sandbox, database, 'accounts'), false);
    const line = auditLines(env).find((entry) => entry.action === 'migrate-alembic-up');
    assert.equal(line?.result, 'failed');
    assert.match(line?.message ?? '', /no_such_table/);
  });

  test('a backup in progress (the maintenance lock held by pgtop-backup) refuses the upgrade', async () => {
    const database = await freshDatabase(sandbox);
    const dir = alembicProject([base]);
    const backup = await clientAs(database, 'pgtop-backup');
    try {
      await backup.query('SELECT pg_advisory_lock(1885828208, 1835100526)');
      const result = await applyAlembic({ settings: settingsFor(sandbox, database), alembic: dir, lockWaitMs: 300, auditEnv: auditEnv() });
      assert.equal(result.outcome, 'refused');
      assert.equal(result.refusals[0]?.kind, 'busy');
      assert.match(result.refusals[0]?.message ?? '', /a backup of this database is running/);
      assert.deepEqual(await versions(database), []);
    } finally {
      await backup.end();
    }
  });

  test('the run holds the maintenance lock until the child is done, and audits the new revision', async () => {
    const database = await freshDatabase(sandbox);
    // Long enough for the watch to find the child's backend on a loaded machine.
    const dir = alembicProject([{ ...base, upgrade: [...base.upgrade, 'op.execute("SELECT pg_sleep(4)")'] }]);
    const env = auditEnv();
    const events: AlembicEvent[] = [];
    let lockedDuringChild = false;
    const result = await applyAlembic({
      settings: settingsFor(sandbox, database),
      alembic: dir,
      auditEnv: env,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'alembic-backend') {
          void sandbox.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = 1835100526", [], database).then((r) => {
            lockedDuringChild = r.rows[0]?.n === '1';
          });
        }
      },
    });
    assert.equal(result.outcome, 'done');
    await waitUntil(() => lockedDuringChild, { what: 'the maintenance lock seen held while the child ran' });
    const line = auditLines(env).find((entry) => entry.action === 'migrate-alembic-up');
    assert.equal(line?.result, 'ok');
    assert.match(line?.message ?? '', /upgraded <base> -> a1/);
  });
});
