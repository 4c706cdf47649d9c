import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { StatementsSource } from '../../src/sources/statements/source.js';
import { HealthSource } from '../../src/health/source.js';
import { defaultThresholds } from '../../src/config/health-thresholds.js';
import { roleSettings } from '../helpers/server-sessions.js';
import { waitUntil } from '../helpers/wait.js';

// Which connection outlives a close is decided in pgtop, not by the server: one PostgreSQL major is enough.
let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
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
});
