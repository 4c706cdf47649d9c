import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { createBouncerActions, type BouncerAuditEntry } from '../../src/actions/bouncer.js';
import { createAdminClient } from '../../src/db/admin-client.js';
import { connectAdminConsole, quoteAdminIdentifier } from '../../src/db/admin-console.js';
import { AdminConsoleError } from '../../src/db/admin-console-error.js';
import { isAlive } from '../../src/sandbox/cleanup.js';
import { freePort } from '../../src/sandbox/ports.js';
import { startPgBouncer, withPgBouncer, type PgBouncerSandbox } from '../../src/sandbox/pgbouncer.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { clientOfBackend, poolOfBackend } from '../../src/sources/pgbouncer-model.js';
import { parseDatabases, parseServers } from '../../src/sources/pgbouncer-parse.js';
import { createPgBouncerSource, type PgBouncerSnapshot, type PgBouncerSource, type PgBouncerTick } from '../../src/sources/pgbouncer.js';

/** Polls `probe` until it returns something other than undefined, or fails after the deadline. */
async function waitFor<T>(description: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${description}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function snapshotWhere(source: PgBouncerSource, description: string, check: (snapshot: PgBouncerSnapshot) => boolean, timeoutMs?: number): Promise<PgBouncerSnapshot> {
  return waitFor(
    description,
    async () => {
      const tick = await source.tick();
      return tick.status === 'ok' && check(tick.snapshot) ? tick.snapshot : undefined;
    },
    timeoutMs,
  );
}

async function poolClient(bouncer: PgBouncerSandbox, database: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: bouncer.uri(database), application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function databaseRow(bouncer: PgBouncerSandbox, name: string) {
  const adminConsole = await connectAdminConsole(bouncer.adminSettings());
  try {
    return parseDatabases(await adminConsole.show('DATABASES')).find((database) => database.name === name);
  } finally {
    await adminConsole.close();
  }
}

describe('PgBouncer: sandbox, admin console, source and actions', () => {
  let postgres: PostgresSandbox;
  let bouncer: PgBouncerSandbox;
  let source: PgBouncerSource;
  const audit: BouncerAuditEntry[] = [];

  before(async () => {
    postgres = await startPostgres();
    await postgres.query('CREATE DATABASE "my-db"');
    bouncer = await startPgBouncer({
      postgres,
      databases: ['postgres', 'my-db'],
      poolSize: 2,
      poolMode: 'transaction',
      users: { app_user: 'app-secret' },
    });
    source = createPgBouncerSource(bouncer.adminSettings(), { backoffInitialMs: 100, backoffMaxMs: 1000 });
  });

  after(async () => {
    await source?.close();
    await bouncer?.stop();
    await postgres?.stop();
  });

  test('the sandbox runs a real PgBouncer that serves clients through the pool', async () => {
    assert.match(bouncer.version.text, /^PgBouncer \d+\.\d+/);
    assert.ok(bouncer.pid && isAlive(bouncer.pid));
    const client = await poolClient(bouncer, 'postgres', 'sandbox-check');
    try {
      const result = await client.query<{ answer: number }>('select 41 + 1 as answer');
      assert.equal(result.rows[0]!.answer, 42);
    } finally {
      await client.end();
    }
  });

  test('five clients on a pool of two: saturated, then drained', async () => {
    const clients = await Promise.all([1, 2, 3, 4, 5].map((n) => poolClient(bouncer, 'postgres', `load${n}`)));
    try {
      const before = await snapshotWhere(source, 'a first snapshot', () => true);
      const sleeps = clients.map((client) => client.query('select pg_sleep(2)'));
      const saturated = await snapshotWhere(source, '3 waiting and 2 active on postgres/postgres', (snapshot) => {
        const pool = snapshot.pools.find((candidate) => candidate.database === 'postgres' && candidate.user === 'postgres');
        return pool?.clWaiting === 3 && pool.svActive === 2;
      });
      const pool = saturated.pools.find((candidate) => candidate.database === 'postgres')!;
      assert.equal(pool.poolSize, 2);
      assert.equal(pool.utilisation, 1);
      assert.equal(pool.saturated, true);
      assert.equal(saturated.summary.saturatedCount, 1);
      assert.ok(saturated.summary.waitingClients >= 3);
      assert.ok(saturated.pools.every((candidate) => candidate.database !== 'pgbouncer'));

      await Promise.all(sleeps);
      const drained = await snapshotWhere(source, 'the pool drained', (snapshot) => {
        const candidate = snapshot.pools.find((p) => p.database === 'postgres' && p.user === 'postgres');
        return candidate?.clWaiting === 0 && candidate.svActive === 0;
      });
      const drainedPool = drained.pools.find((p) => p.database === 'postgres')!;
      assert.equal(drainedPool.saturated, false);
      assert.equal(drained.summary.saturatedCount, 0);

      const served = BigInt(drained.stats.find((stats) => stats.database === 'postgres')!.totals.xactCount!) -
        BigInt(before.stats.find((stats) => stats.database === 'postgres')?.totals.xactCount ?? '0');
      assert.ok(served >= 5n, `5 transactions served, counted ${served}`);
      const rates = drained.rates.find((rate) => rate.database === 'postgres');
      assert.ok(rates && rates.transactionsPerSecond !== null && rates.seconds > 0);
      assert.doesNotThrow(() => JSON.parse(JSON.stringify(drained)));
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  test("a backend's pool and the client behind it: SHOW SERVERS.remote_pid = pg_stat_activity.pid, link = client ptr", async () => {
    const holder = await poolClient(bouncer, 'postgres', 'mapped');
    try {
      await holder.query('begin');
      const backend = await holder.query<{ pid: number }>('select pg_backend_pid() as pid');
      const pid = backend.rows[0]!.pid;
      const activity = await postgres.query<{ pid: number }>("select pid from pg_stat_activity where application_name = 'mapped'");
      assert.deepEqual(activity.rows, [{ pid }]);
      const snapshot = await snapshotWhere(source, 'the holding server listed', (s) => s.servers.some((server) => server.remotePid === pid));
      assert.deepEqual(poolOfBackend(snapshot.servers).get(pid), { database: 'postgres', user: 'postgres' });
      const client = clientOfBackend(pid, snapshot.servers, snapshot.clients);
      assert.equal(client?.applicationName, 'mapped');
      assert.equal(client?.state, 'active');
      await holder.query('commit');
    } finally {
      await holder.end();
    }
  });

  test('ticks never overlap: a tick asked for while one runs is skipped', async () => {
    const [first, second] = await Promise.all([source.tick(), source.tick()]);
    assert.equal(first.status, 'ok');
    assert.equal(second.status, 'skipped');
  });

  test('PAUSE then RESUME of an odd database name: SHOW DATABASES.paused 1 then 0', async () => {
    const actions = createBouncerActions(bouncer.adminSettings(), { audit: (entry) => audit.push(entry) });
    assert.deepEqual(await actions.pause('my-db'), { ok: true });
    assert.equal((await databaseRow(bouncer, 'my-db'))?.paused, true);
    const snapshot = await snapshotWhere(source, 'my-db paused in the snapshot', (s) => s.databases.some((d) => d.name === 'my-db' && d.paused));
    assert.ok(snapshot.databases.find((d) => d.name === 'postgres')?.paused === false);
    assert.deepEqual(await actions.resume('my-db'), { ok: true });
    assert.equal((await databaseRow(bouncer, 'my-db'))?.paused, false);
    assert.deepEqual(audit.slice(-2), [
      { action: 'PAUSE', target: 'my-db', result: 'ok' },
      { action: 'RESUME', target: 'my-db', result: 'ok' },
    ]);
  });

  test('a PAUSE waiting for a transaction blocks nothing else, and a RESUME abandons it', async () => {
    const actions = createBouncerActions(bouncer.adminSettings(), { audit: (entry) => audit.push(entry) });
    const holder = await poolClient(bouncer, 'my-db', 'holder');
    try {
      await holder.query('begin');
      await holder.query('select 1');
      const pausing = actions.pause('my-db');
      await waitFor('the PAUSE to be pending', async () => (actions.pendingPauses().includes('my-db') ? true : undefined));
      await waitFor('my-db marked paused', async () => ((await databaseRow(bouncer, 'my-db'))?.paused ? true : undefined));

      // Monitoring and other actions go on while the PAUSE waits.
      const tick = await source.tick();
      assert.equal(tick.status, 'ok');
      assert.deepEqual(await actions.reconnect('postgres'), { ok: true });

      assert.deepEqual(await actions.resume('my-db'), { ok: true });
      const paused = await pausing;
      assert.equal(paused.ok, false);
      assert.match(paused.ok ? '' : paused.message, /PAUSE my-db abandoned/);
      assert.deepEqual(actions.pendingPauses(), []);
      assert.equal((await databaseRow(bouncer, 'my-db'))?.paused, false);
      assert.match(audit.find((entry) => entry.action === 'PAUSE' && entry.result.includes('abandoned'))?.result ?? '', /^error: PAUSE my-db abandoned/);
      await holder.query('commit');
    } finally {
      await holder.end();
    }
  });

  test('a PAUSE waiting for a transaction completes when it commits', async () => {
    const actions = createBouncerActions(bouncer.adminSettings());
    const holder = await poolClient(bouncer, 'my-db', 'holder');
    try {
      await holder.query('begin');
      await holder.query('select 1');
      const pausing = actions.pause('my-db');
      await waitFor('the PAUSE to be pending', async () => (actions.pendingPauses().includes('my-db') ? true : undefined));
      await holder.query('commit');
      assert.deepEqual(await pausing, { ok: true });
      assert.equal((await databaseRow(bouncer, 'my-db'))?.paused, true);
      assert.deepEqual(await actions.resume('my-db'), { ok: true });
    } finally {
      await holder.end();
    }
  });

  test('a PAUSE that outlasts its timeout says so, and the database stays paused until RESUME', async () => {
    const actions = createBouncerActions(bouncer.adminSettings(), { pauseTimeoutMs: 300 });
    const holder = await poolClient(bouncer, 'my-db', 'holder');
    try {
      await holder.query('begin');
      await holder.query('select 1');
      const result = await actions.pause('my-db');
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.message, /did not complete within 300 ms: transactions are still running.*RESUME my-db/);
      assert.deepEqual(actions.pendingPauses(), []);
      assert.equal((await databaseRow(bouncer, 'my-db'))?.paused, true);
      assert.deepEqual(await actions.resume('my-db'), { ok: true });
      await holder.query('commit');
    } finally {
      await holder.end();
    }
  });

  test('RECONNECT replaces the servers of a database', async () => {
    const actions = createBouncerActions(bouncer.adminSettings());
    const client = await poolClient(bouncer, 'postgres', 'reconnect-check');
    try {
      const before = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      const oldPid = before.rows[0]!.pid;
      assert.deepEqual(await actions.reconnect('postgres'), { ok: true });
      await waitFor('the old server to be closed', async () => {
        const after = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
        const adminConsole = await connectAdminConsole(bouncer.adminSettings());
        try {
          const servers = parseServers(await adminConsole.show('SERVERS'));
          return after.rows[0]!.pid !== oldPid && !servers.some((server) => server.remotePid === oldPid) ? true : undefined;
        } finally {
          await adminConsole.close();
        }
      });
    } finally {
      await client.end();
    }
  });

  test('DISABLE refuses new clients of a database, ENABLE lets them in again', async () => {
    const actions = createBouncerActions(bouncer.adminSettings());
    assert.deepEqual(await actions.disable('my-db'), { ok: true });
    assert.equal((await databaseRow(bouncer, 'my-db'))?.disabled, true);
    await assert.rejects(poolClient(bouncer, 'my-db', 'refused'));
    assert.deepEqual(await actions.enable('my-db'), { ok: true });
    assert.equal((await databaseRow(bouncer, 'my-db'))?.disabled, false);
    const client = await poolClient(bouncer, 'my-db', 'welcome-back');
    await client.end();
  });

  test('a refused command says why', async () => {
    const actions = createBouncerActions(bouncer.adminSettings());
    const result = await actions.resume('postgres');
    assert.deepEqual(result, { ok: false, message: 'RESUME postgres failed: database postgres is not paused' });
    const missing = await actions.pause('no_such_db');
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.message, /no such database: no_such_db/);
  });

  test('KILL_CLIENT: disconnects a client on 1.24+, a clear error before', async () => {
    const actions = createBouncerActions(bouncer.adminSettings());
    const victim = await poolClient(bouncer, 'postgres', 'victim');
    try {
      const snapshot = await snapshotWhere(source, 'the victim listed', (s) => s.clients.some((c) => c.applicationName === 'victim'));
      const client = snapshot.clients.find((c) => c.applicationName === 'victim')!;
      if (bouncer.version.hasKillClient) {
        assert.ok(client.id !== null);
        assert.deepEqual(await actions.killClient(client.id!), { ok: true });
        await assert.rejects(victim.query('select 1'));
      } else {
        assert.equal(client.id, null);
        const result = await actions.killClient(1);
        assert.deepEqual(result, { ok: false, message: `KILL_CLIENT needs PgBouncer 1.24 or later; this is ${bouncer.version.text}` });
      }
      const invalid = await actions.killClient('1; SHUTDOWN');
      assert.equal(invalid.ok, false);
    } finally {
      await victim.end().catch(() => undefined);
    }
  });

  test('a stats-only user can watch but gets the admin-only message for actions', async () => {
    const statsSettings = bouncer.adminSettings(bouncer.statsUser);
    const statsSource = createPgBouncerSource(statsSettings);
    try {
      const tick = await statsSource.tick();
      assert.equal(tick.status, 'ok');
    } finally {
      await statsSource.close();
    }
    const entries: BouncerAuditEntry[] = [];
    const actions = createBouncerActions(statsSettings, { audit: (entry) => entries.push(entry) });
    const message = `user "${bouncer.statsUser}" is only a stats user: admin actions need admin_users`;
    assert.deepEqual(await actions.pause('postgres'), { ok: false, message });
    assert.deepEqual(await actions.reconnect('postgres'), { ok: false, message });
    assert.deepEqual(entries, [
      { action: 'PAUSE', target: 'postgres', result: `error: ${message}` },
      { action: 'RECONNECT', target: 'postgres', result: `error: ${message}` },
    ]);
  });

  test('login errors are typed: not allowed, wrong password, nothing listening', async () => {
    const notAllowed = await connectAdminConsole({ ...bouncer.adminSettings(), user: 'app_user', password: 'app-secret' }).catch((error: unknown) => error);
    assert.ok(notAllowed instanceof AdminConsoleError);
    assert.equal(notAllowed.kind, 'not-allowed');
    assert.match(notAllowed.message, /admin_users/);

    const wrongPassword = await connectAdminConsole({ ...bouncer.adminSettings(), password: 'wrong' }).catch((error: unknown) => error);
    assert.ok(wrongPassword instanceof AdminConsoleError);
    assert.equal(wrongPassword.kind, 'auth');

    const nobody = await connectAdminConsole({ ...bouncer.adminSettings(), port: await freePort() }).catch((error: unknown) => error);
    assert.ok(nobody instanceof AdminConsoleError);
    assert.equal(nobody.kind, 'unreachable');

    const wrongSource = createPgBouncerSource({ ...bouncer.adminSettings(), password: 'wrong' });
    const tick = await wrongSource.tick();
    await wrongSource.close();
    assert.equal(tick.status, 'error');
    assert.equal(tick.status === 'error' ? tick.error.kind : undefined, 'auth');
  });

  test('startup parameters from PG* variables never reach the console, which would refuse them', async () => {
    const saved = { PGOPTIONS: process.env.PGOPTIONS, PGSTATEMENT_TIMEOUT: process.env.PGSTATEMENT_TIMEOUT };
    process.env.PGOPTIONS = '-c work_mem=64MB';
    process.env.PGSTATEMENT_TIMEOUT = '1000';
    try {
      const adminConsole = await connectAdminConsole(bouncer.adminSettings());
      assert.match(await adminConsole.showVersion(), /^PgBouncer /);
      await adminConsole.close();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('a parameterised query on the console does not crash the process', async () => {
    const client = createAdminClient(bouncer.adminSettings());
    let ended = false;
    client.on('end', () => {
      ended = true;
    });
    await client.connect();
    await assert.rejects(client.query('SHOW POOLS', [1]), /extended query protocol not supported/);
    await waitFor('the console to close the socket', async () => (ended ? true : undefined));

    const adminConsole = await connectAdminConsole(bouncer.adminSettings());
    try {
      const error = await adminConsole.show('POOLS; SHOW STATS').catch((caught: unknown) => caught);
      assert.ok(error instanceof AdminConsoleError);
      assert.equal(error.kind, 'unsupported');
      assert.equal((await adminConsole.show('POOLS')).length >= 1, true);
    } finally {
      await adminConsole.close();
    }
  });

  test('PgBouncer stopped: the tick reports it unreachable; started again: data flows', async () => {
    const outageSource = createPgBouncerSource(bouncer.adminSettings(), { backoffInitialMs: 100, backoffMaxMs: 500 });
    try {
      assert.equal((await outageSource.tick()).status, 'ok');
      await bouncer.stopServer();
      assert.equal(bouncer.pid, undefined);
      const failed = await waitFor('an unreachable error', async () => {
        const tick: PgBouncerTick = await outageSource.tick();
        return tick.status === 'error' && tick.error.kind === 'unreachable' ? tick : undefined;
      });
      assert.ok(failed.status === 'error' && failed.error.lastGoodAt !== null);
      await bouncer.startServer();
      await snapshotWhere(outageSource, 'data again after the restart', () => true, 20_000);
    } finally {
      await outageSource.close();
    }
    // The shared source reconnects as well.
    await snapshotWhere(source, 'the shared source back', () => true, 20_000);
  });
});

describe('admin command arguments', () => {
  test('plain lower-case names stay bare, others are quoted the way the console unquotes them', () => {
    assert.equal(quoteAdminIdentifier('app_2'), 'app_2');
    assert.equal(quoteAdminIdentifier('my-db'), '"my-db"');
    assert.equal(quoteAdminIdentifier('Shop'), '"Shop"');
    assert.equal(quoteAdminIdentifier('we"ird'), '"we""ird"');
  });

  test('names the console cannot take are refused before anything is sent', () => {
    assert.throws(() => quoteAdminIdentifier(''), AdminConsoleError);
    assert.throws(() => quoteAdminIdentifier('a\nRESUME'), AdminConsoleError);
    assert.throws(() => quoteAdminIdentifier('X'.repeat(62)), /too long/);
    assert.throws(() => quoteAdminIdentifier('x'.repeat(64)), /too long/);
    assert.equal(quoteAdminIdentifier('x'.repeat(63)), 'x'.repeat(63));
  });
});

describe('PgBouncer sandbox lifecycle', () => {
  test('stop leaves no process and no directory behind, and is idempotent', async () => {
    const postgres = await startPostgres();
    try {
      let pid: number | undefined;
      let dir = '';
      await withPgBouncer(
        async (bouncer) => {
          pid = bouncer.pid;
          dir = bouncer.dir;
          assert.ok(pid && isAlive(pid));
          assert.ok(existsSync(dir));
          const adminConsole = await connectAdminConsole(bouncer.adminSettings());
          assert.match(await adminConsole.showVersion(), /^PgBouncer /);
          await adminConsole.close();
        },
        { postgres },
      );
      assert.ok(pid);
      assert.equal(isAlive(pid), false);
      assert.equal(existsSync(dir), false);

      const bouncer = await startPgBouncer({ postgres });
      await bouncer.stop();
      await bouncer.stop();
      assert.equal(bouncer.pid, undefined);
      assert.equal(existsSync(bouncer.dir), false);
    } finally {
      await postgres.stop();
    }
  });

  test('a missing binary is named, with how to install it', async () => {
    const fakePostgres = { port: 1, superuser: 'postgres', password: 'x' } as PostgresSandbox;
    await assert.rejects(
      startPgBouncer({ postgres: fakePostgres, binary: '/nonexistent/pgbouncer' }),
      /\/nonexistent\/pgbouncer does not exist.*apt-get install pgbouncer/,
    );
  });
});
