import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { startPgBouncer, type PgBouncerSandbox } from '../../src/sandbox/pgbouncer.js';
import { connectAdminConsole } from '../../src/db/admin-console.js';
import { createPgBouncerSource } from '../../src/sources/pgbouncer.js';
import { PostgresSource } from '../../src/sources/postgres.js';
import { StatementsSource } from '../../src/sources/statements/source.js';
import { HealthSource } from '../../src/health/source.js';
import { defaultThresholds } from '../../src/config/health-thresholds.js';
import { roleSettings } from '../helpers/server-sessions.js';
import { waitUntil } from '../helpers/wait.js';

// Which connection outlives a close is decided in pgtop, not by the server: one PostgreSQL major is enough.
let sandbox: PostgresSandbox;
let bouncer: PgBouncerSandbox;

before(async () => {
  sandbox = await startPostgres();
  bouncer = await startPgBouncer({ postgres: sandbox, databases: ['postgres'] });
});

after(async () => {
  await bouncer?.stop();
  await sandbox?.stop();
});

async function backendsOf(application: string): Promise<number> {
  const { rows } = await sandbox.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [application]);
  return Number(rows[0]?.n ?? 0);
}

describe('a source closed while it connects keeps no connection (it would keep pgtop from exiting)', () => {
  test('the Statements source', async () => {
    const source = new StatementsSource(roleSettings(sandbox));
    const tick = source.tick();
    await source.close();
    await tick;
    await waitUntil(async () => (await backendsOf('pgtop-statements')) === 0, { what: 'no pgtop-statements connection left', timeoutMs: 10_000 });
    assert.equal(await backendsOf('pgtop-statements'), 0);
  });

  test('the health checks', async () => {
    const source = new HealthSource({ settings: roleSettings(sandbox), thresholds: defaultThresholds() });
    const tick = source.tick({ activity: undefined });
    await source.close();
    await tick;
    await waitUntil(async () => (await backendsOf('pgtop-health')) === 0, { what: 'no pgtop-health connection left', timeoutMs: 10_000 });
    assert.equal(await backendsOf('pgtop-health'), 0);
  });

  test("the PgBouncer source (a console connection of the stats user's)", async () => {
    const source = createPgBouncerSource(bouncer.adminSettings(bouncer.statsUser, bouncer.statsPassword));
    const tick = source.tick();
    await source.close();
    const outcome = await tick;
    await waitUntil(async () => (await consoleClientsOf(bouncer.statsUser)) === 0, { what: `no console connection of ${bouncer.statsUser} left`, timeoutMs: 10_000 });
    assert.equal(await consoleClientsOf(bouncer.statsUser), 0);
    assert.equal(outcome.status, 'error');
  });
});

/** The clients logged in to PgBouncer as `user`, seen from an admin console connection. */
async function consoleClientsOf(user: string): Promise<number> {
  const admin = await connectAdminConsole(bouncer.adminSettings());
  try {
    return (await admin.show('CLIENTS')).filter((row) => row.user === user).length;
  } finally {
    await admin.close();
  }
}

describe('the monitoring connection is used by one caller at a time', () => {
  test('a tick and a reading that both find it missing open one connection, which close() ends', async () => {
    const source = new PostgresSource(roleSettings(sandbox));
    const [tick, reading] = await Promise.all([source.tick(), source.read(async (client) => (await client.query('SELECT 1')).rowCount)]);
    assert.equal(tick.kind, 'data');
    assert.equal(reading.kind, 'data');
    await source.close();
    await waitUntil(async () => (await backendsOf('pgtop')) === 0, { what: 'no pgtop connection left', timeoutMs: 10_000 });
    assert.equal(await backendsOf('pgtop'), 0);
  });

  test('readings asked for during a tick wait for it: node-postgres is never given a query while one runs', async () => {
    const source = new PostgresSource(roleSettings(sandbox));
    try {
      const opened = await source.read(async (client) => client);
      assert.ok(opened.kind === 'data');
      const sent = opened.data as unknown as { query: (...args: unknown[]) => Promise<unknown> };
      const query = sent.query.bind(sent);
      let running = 0;
      let most = 0;
      sent.query = async (...args) => {
        running += 1;
        most = Math.max(most, running);
        try {
          return await query(...args);
        } finally {
          running -= 1;
        }
      };
      const one = async (client: { query: (text: string) => Promise<unknown> }): Promise<unknown> => client.query('SELECT 1');
      const outcomes = await Promise.all([source.tick(), source.read(one), source.read(one)]);
      assert.deepEqual(outcomes.map((outcome) => outcome.kind), ['data', 'data', 'data']);
      assert.equal(most, 1, 'queries sent to the connection at once');
    } finally {
      await source.close();
    }
  });
});
