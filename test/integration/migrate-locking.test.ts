import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { releaseMaintenanceLock, tryMaintenanceLock } from '../../src/db/maintenance-lock.js';
import { applyMigrations } from '../../src/migrate/apply.js';
import type { MigrationEvent, MigrationRunResult } from '../../src/migrate/types.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { auditEnv, freshDatabase, migrate, migrationsDir, settingsFor, tableExists, trackingRows } from '../helpers/migrate-harness.js';
import { waitUntil } from '../helpers/wait.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
});

interface TimedEvent {
  at: number;
  event: MigrationEvent;
}

function timedLog(): { events: TimedEvent[]; onEvent: (event: MigrationEvent) => void } {
  const events: TimedEvent[] = [];
  return { events, onEvent: (event) => events.push({ at: Date.now(), event }) };
}

async function clientAs(database: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ host: sandbox.host, port: sandbox.port, user: sandbox.superuser, password: sandbox.password, database, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function migrationSessions(database: string): Promise<number> {
  const result = await sandbox.query<{ count: string }>(
    `SELECT count(*) AS count FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'pgtop-migrate%'`,
    [database],
  );
  return Number(result.rows[0]?.count);
}

describe('a table lock held by another session', () => {
  test('the migration gives up after its lock timeout and retries, names the blocker, and reads keep flowing meanwhile', async () => {
    const database = await freshDatabase(sandbox);
    await sandbox.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL); INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 1000) g;', [], database);
    const lockTimeoutMs = 400;
    const dir = migrationsDir({ '0001_add_note.sql': `-- pgtop:lock_timeout=${lockTimeoutMs}ms\nALTER TABLE accounts ADD COLUMN note text;\n` });

    const blocker = await clientAs(database, 'test-blocker');
    const reader = await clientAs(database, 'test-reader');
    try {
      await blocker.query('BEGIN');
      await blocker.query('UPDATE accounts SET balance = balance + 1 WHERE id = 1');
      const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;

      const log = timedLog();
      let running = true;
      const readLatencies: number[] = [];
      const reads = (async () => {
        while (running) {
          const started = Date.now();
          await reader.query('SELECT count(*) FROM accounts');
          readLatencies.push(Date.now() - started);
        }
      })();
      let result: MigrationRunResult;
      try {
        result = await applyMigrations({ settings: settingsFor(sandbox, database), dir, retryDelayMs: 200, onEvent: log.onEvent, auditEnv: auditEnv() });
      } finally {
        running = false;
        await reads;
      }

      assert.equal(result.outcome, 'failed');
      const failure = result.failure;
      assert.ok(failure);
      assert.equal(failure.code, '55P03');
      assert.equal(failure.line, 2);
      assert.ok(failure.blockers.some((session) => session.pid === blockerPid), `blockers: ${JSON.stringify(failure.blockers)}`);
      assert.match(failure.message, new RegExp(`^0001_add_note\\.sql line 2: could not get a lock within lock_timeout 400ms, 4 attempts: blocked by pid ${blockerPid} \\(user ${sandbox.superuser}, application "test-blocker".*idle in transaction`));
      assert.match(failure.message, /End the blocking session or let it finish/);
      const retries = log.events.flatMap(({ event }) => (event.type === 'retry' ? [event] : []));
      assert.deepEqual(retries.map((retry) => [retry.attempt, retry.delayMs]), [
        [2, 200],
        [3, 400],
        [4, 800],
      ]);
      assert.ok(log.events.some(({ event }) => event.type === 'blocked' && event.blockers.some((session) => session.pid === blockerPid)));

      assert.ok(readLatencies.length >= 10, `only ${readLatencies.length} reads completed during the migration`);
      const slowest = Math.max(...readLatencies);
      assert.ok(slowest < lockTimeoutMs + 1100, `a SELECT waited ${slowest} ms, more than lock_timeout ${lockTimeoutMs} ms + 1.1 s`);

      const column = await sandbox.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'", [], database);
      assert.equal(column.rowCount, 0);
      assert.deepEqual(await trackingRows(sandbox, database), []);
    } finally {
      await blocker.end();
      await reader.end();
    }
  });
});

describe('two runs at once', () => {
  const files = {
    '0001_log.sql': "CREATE TABLE runs (file text NOT NULL);\nINSERT INTO runs VALUES ('0001');\nSELECT pg_sleep(1);\n",
    '0002_more.sql': "INSERT INTO runs VALUES ('0002');\n",
    '0003_last.sql': "INSERT INTO runs VALUES ('0003');\nSELECT pg_sleep(1);\n",
  };

  test('every file is applied exactly once: one run applies, the other waits (seeing the holder) and finds nothing to do', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir(files);
    const logs = [timedLog(), timedLog()] as const;
    const results = await Promise.all(logs.map((log) => applyMigrations({ settings: settingsFor(sandbox, database), dir, onEvent: log.onEvent, auditEnv: auditEnv() })));

    const counts = await sandbox.query<{ file: string; times: string }>('SELECT file, count(*) AS times FROM runs GROUP BY file ORDER BY file', [], database);
    assert.deepEqual(counts.rows.map((row) => [row.file, Number(row.times)]), [
      ['0001', 1],
      ['0002', 1],
      ['0003', 1],
    ]);
    assert.deepEqual((await trackingRows(sandbox, database)).map((row) => [row.version, row.status]), [
      [1, 'applied'],
      [2, 'applied'],
      [3, 'applied'],
    ]);

    const winner = results.findIndex((result) => result.outcome === 'done');
    assert.ok(winner >= 0, `outcomes: ${results.map((r) => r.outcome).join(', ')}`);
    const loser = 1 - winner;
    assert.equal(results[winner]?.completed.length, 3);
    assert.equal(results[loser]?.outcome, 'nothing-to-do');

    const winnerPid = logs[winner].events.flatMap(({ event }) => (event.type === 'connected' ? [event.backendPid] : []))[0];
    const waits = logs[loser].events.flatMap(({ event }) => (event.type === 'lock-waiting' ? [event] : []));
    assert.ok(waits.length > 0, 'the second run waited for the lock');
    for (const wait of waits) {
      if (!wait.holder) continue;
      assert.equal(wait.holder.pid, winnerPid);
      assert.equal(wait.holder.purpose, 'migration', 'the holder is still known as a migration after files reset their settings');
    }
    const lastFileStart = logs[winner].events.find(({ event }) => event.type === 'file-started' && event.version === 3)?.at ?? Infinity;
    assert.ok(waits.length > 0 && logs[loser].events.some(({ at, event }) => event.type === 'lock-waiting' && event.holder && at > lastFileStart), 'the waiter saw the holder during the last file');
  });

  test('when the wait runs out, the second run is refused and names the holder', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir(files);
    const first = applyMigrations({ settings: settingsFor(sandbox, database), dir, auditEnv: auditEnv() });
    await waitUntil(
      async () => (await sandbox.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%pg_sleep(1)%' AND state = 'active'`, [database])).rowCount === 1,
      { what: 'the first run to be inside its first file' },
    );
    const second = await migrate(['up', '--lock-wait', '0.3', '--dir', dir, sandbox.uri(database)]);
    assert.equal(second.code, 1);
    assert.match(second.stdout, /Waiting for the maintenance lock, held by a pgtop migration \(pid \d+/);
    assert.match(second.stderr, /pgtop: a pgtop migration \(pid \d+, user postgres.*\) holds this database's maintenance lock \(migrations and backups take it\)\. Waited \d+ms; try again when it has finished\. Nothing was run\./);
    assert.equal((await first).outcome, 'done');
  });
});

describe('CREATE INDEX CONCURRENTLY and a session waiting for the maintenance lock', () => {
  test('the index is built while the other run polls for the lock: no deadlock', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({
      '0001_events.sql': 'CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz NOT NULL);\nINSERT INTO events SELECT g, now() - g * interval \'1 s\' FROM generate_series(1, 50000) g;\nSELECT pg_sleep(1);\n',
      '0002_events_at_idx.sql': '-- pgtop:no-transaction\nCREATE INDEX CONCURRENTLY events_at_idx ON events (at);\n',
    });
    const logs = [timedLog(), timedLog()] as const;
    const results = await Promise.all(logs.map((log) => applyMigrations({ settings: settingsFor(sandbox, database), dir, onEvent: log.onEvent, auditEnv: auditEnv() })));
    const winner = results.findIndex((result) => result.outcome === 'done');
    assert.ok(winner >= 0, `outcomes: ${results.map((r) => `${r.outcome} ${r.failure?.message ?? ''}`).join(', ')}`);
    assert.equal(results[1 - winner]?.outcome, 'nothing-to-do');

    const indexStart = logs[winner].events.find(({ event }) => event.type === 'file-started' && event.version === 2)?.at;
    const indexDone = logs[winner].events.find(({ event }) => event.type === 'file-applied' && event.version === 2)?.at;
    assert.ok(indexStart !== undefined && indexDone !== undefined);
    const waitsBefore = logs[1 - winner].events.filter(({ at, event }) => event.type === 'lock-waiting' && at <= indexStart);
    assert.ok(waitsBefore.length > 0, 'the other run was polling for the lock when the index build began');

    const valid = await sandbox.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'events_at_idx'::regclass`, [], database);
    assert.equal(valid.rows[0]?.valid, true);
  });
});

describe('a backup holding the maintenance lock', () => {
  test('up waits for it, then refuses saying a backup is running; once it is gone, up runs', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n' });
    const backup = await clientAs(database, 'pgtop-backup');
    try {
      assert.equal(await tryMaintenanceLock(backup), true);
      const env = auditEnv();
      const run = await migrate(['up', '--lock-wait', '0.5', '--dir', dir, sandbox.uri(database)], { env });
      assert.equal(run.code, 1);
      assert.match(run.stdout, /Waiting for the maintenance lock, held by a pgtop backup .* \(a backup of this database is running\)/);
      assert.match(run.stderr, /pgtop: a backup of this database is running: a pgtop backup \(pid \d+.*Migrations do not run during a backup\. Waited \d+ms; try again when it has finished\./);
      assert.equal(await tableExists(sandbox, database, 'a'), false);
      await releaseMaintenanceLock(backup);
    } finally {
      await backup.end();
    }
    const run = await migrate(['up', '--dir', dir, sandbox.uri(database)]);
    assert.equal(run.code, 0, run.stderr);
  });
});

describe('cancelling', () => {
  test('aborting cancels the running statement, rolls the file back, releases the lock and closes every connection', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n', '0002_after.sql': 'CREATE TABLE after_slow (id int);\n' });
    const controller = new AbortController();
    const running = migrate(['up', '--dir', dir, sandbox.uri(database)], { signal: controller.signal });
    await waitUntil(
      async () => (await sandbox.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'`, [database])).rowCount === 1,
      { what: 'the slow statement to run' },
    );
    const abortedAt = Date.now();
    controller.abort();
    const run = await running;
    assert.ok(Date.now() - abortedAt < 10_000, 'the cancel took effect promptly');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /pgtop: cancelled\. 0001_slow\.sql line 2: cancelled\. Its transaction was rolled back: nothing of it was applied\. The 1 file after it did not run\./);
    assert.equal(await tableExists(sandbox, database, 'slow'), false);
    assert.equal(await tableExists(sandbox, database, 'after_slow'), false);
    assert.deepEqual(await trackingRows(sandbox, database), []);
    await waitUntil(async () => (await migrationSessions(database)) === 0, { what: 'the migration connections to close' });
    const other = await sandbox.connect(database);
    try {
      assert.equal(await tryMaintenanceLock(other), true, 'the maintenance lock was released');
    } finally {
      await other.end();
    }
  });

  test('aborting while waiting for the lock stops the wait at once', async () => {
    const database = await freshDatabase(sandbox);
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n' });
    const holder = await clientAs(database, 'someone-else');
    try {
      assert.equal(await tryMaintenanceLock(holder), true);
      const controller = new AbortController();
      const log = timedLog();
      const running = applyMigrations({ settings: settingsFor(sandbox, database), dir, signal: controller.signal, onEvent: log.onEvent, auditEnv: auditEnv() });
      await waitUntil(() => log.events.some(({ event }) => event.type === 'lock-waiting'), { what: 'the run to wait for the lock' });
      const waiting = log.events.find(({ event }) => event.type === 'lock-waiting')?.event;
      assert.equal(waiting?.type === 'lock-waiting' ? waiting.holder?.applicationName : undefined, 'someone-else');
      controller.abort();
      const result = await running;
      assert.equal(result.outcome, 'cancelled');
      assert.equal(await tableExists(sandbox, database, 'a'), false);
    } finally {
      await holder.end();
    }
  });
});
